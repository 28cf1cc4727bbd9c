#pragma once
// The `pressure_shock` event kind: a foreign government's demand or any other jump in pressure.
// Its handlers are in pressure_shock.cpp; its effect on the world is
// apply(const PressureShock&, ...) in sim/model/phases/events.cpp.

#include "sim/scenario/events/kind.hpp"

namespace scamsim::scenario {

/// A foreign government's demand or any other jump in pressure.
struct PressureShock {
  static constexpr std::string_view name = "pressure_shock";  ///< the kind as scenario files write it
  CountryId country{};
  double pressure_shock = 0;
};

// The kind's handlers; sim/scenario/events/kind.hpp says what each does.
std::span<const detail::Field<PressureShock>> fields(const PressureShock& event);
bool read_references(detail::EventReader& r, PressureShock& event);
EventTarget target(const Scenario& s, const PressureShock& event);
std::string describe(const Scenario& s, const PressureShock& event);
std::string headline(const Scenario& s, const PressureShock& event);

}  // namespace scamsim::scenario
