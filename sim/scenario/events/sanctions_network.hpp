#pragma once
// The `sanctions_network` event kind: sanctions on a network: its capital is frozen, pressure rises at home.
// Its handlers are in sanctions_network.cpp; its effect on the world is
// apply(const SanctionNetwork&, ...) in sim/model/phases/events.cpp.

#include "sim/scenario/events/kind.hpp"

namespace scamsim::scenario {

/// Sanctions on a network: its capital is frozen, pressure rises at home.
struct SanctionNetwork {
  static constexpr std::string_view name = "sanctions_network";  ///< the kind as scenario files write it
  NetworkId network{};
  double capital_frozen_share = 0;
  double pressure_shock = 0;
};

// The kind's handlers; sim/scenario/events/kind.hpp says what each does.
std::span<const detail::Field<SanctionNetwork>> fields(const SanctionNetwork& event);
bool read_references(detail::EventReader& r, SanctionNetwork& event);
EventTarget target(const Scenario& s, const SanctionNetwork& event);
std::string describe(const Scenario& s, const SanctionNetwork& event);
std::string headline(const Scenario& s, const SanctionNetwork& event);

}  // namespace scamsim::scenario
