#pragma once
// The `sanctions_country` event kind: sanctions on a country (its government), raising pressure on it.
// Its handlers are in sanctions_country.cpp; its effect on the world is
// apply(const SanctionCountry&, ...) in sim/model/phases/events.cpp.

#include "sim/scenario/events/kind.hpp"

namespace scamsim::scenario {

/// Sanctions on a country (its government), raising pressure on it.
struct SanctionCountry {
  static constexpr std::string_view name = "sanctions_country";  ///< the kind as scenario files write it
  CountryId country{};
  double pressure_shock = 0;
};

// The kind's handlers; sim/scenario/events/kind.hpp says what each does.
std::span<const detail::Field<SanctionCountry>> fields(const SanctionCountry& event);
bool read_references(detail::EventReader& r, SanctionCountry& event);
EventTarget target(const Scenario& s, const SanctionCountry& event);
std::string describe(const Scenario& s, const SanctionCountry& event);
std::string headline(const Scenario& s, const SanctionCountry& event);

}  // namespace scamsim::scenario
