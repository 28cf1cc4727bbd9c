#pragma once
// The `crackdown` event kind: a campaign that multiplies a country's raid capacity for a while.
// Its handlers are in crackdown.cpp; its effect on the world is
// apply(const Crackdown&, ...) in sim/model/phases/events.cpp.

#include "sim/scenario/events/kind.hpp"

namespace scamsim::scenario {

/// A campaign that multiplies a country's raid capacity for a while.
struct Crackdown {
  static constexpr std::string_view name = "crackdown";  ///< the kind as scenario files write it
  CountryId country{};
  double capacity_factor = 0;
  double duration_days = 0;
};

// The kind's handlers; sim/scenario/events/kind.hpp says what each does.
std::span<const detail::Field<Crackdown>> fields(const Crackdown& event);
bool read_references(detail::EventReader& r, Crackdown& event);
EventTarget target(const Scenario& s, const Crackdown& event);
std::string describe(const Scenario& s, const Crackdown& event);
std::string headline(const Scenario& s, const Crackdown& event);

}  // namespace scamsim::scenario
