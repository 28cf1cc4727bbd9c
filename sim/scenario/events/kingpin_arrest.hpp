#pragma once
// The `kingpin_arrest` event kind: the arrest of a network's head: protection lost, pressure at home.
// Its handlers are in kingpin_arrest.cpp; its effect on the world is
// apply(const KingpinArrest&, ...) in sim/model/phases/events.cpp.

#include "sim/scenario/events/kind.hpp"

namespace scamsim::scenario {

/// The arrest of a network's head: protection lost, pressure at home.
struct KingpinArrest {
  static constexpr std::string_view name = "kingpin_arrest";  ///< the kind as scenario files write it
  NetworkId network{};
  double protection_lost_share = 0;
  double pressure_shock = 0;
};

// The kind's handlers; sim/scenario/events/kind.hpp says what each does.
std::span<const detail::Field<KingpinArrest>> fields(const KingpinArrest& event);
bool read_references(detail::EventReader& r, KingpinArrest& event);
EventTarget target(const Scenario& s, const KingpinArrest& event);
std::string describe(const Scenario& s, const KingpinArrest& event);
std::string headline(const Scenario& s, const KingpinArrest& event);

}  // namespace scamsim::scenario
