#include "sim/scenario/events/sanctions_network.hpp"

#include "sim/scenario/events/kind_support.hpp"

namespace scamsim::scenario {

namespace {
using namespace detail::table_values;
const detail::Field<SanctionNetwork> table[] = {
    SCAMSIM_EVENT_FIELD(SanctionNetwork, "sanctions_network", capital_frozen_share, 1.0, share, "share",
                        "Share of its capital frozen.", "seed (Prince Group sanctions)"),
    SCAMSIM_EVENT_FIELD(SanctionNetwork, "sanctions_network", pressure_shock, 0.3, share, "-",
                        "Pressure added to its home country.", "assumption"),
};
}  // namespace

std::span<const detail::Field<SanctionNetwork>> fields(const SanctionNetwork& /*event*/) { return table; }

bool read_references(detail::EventReader& r, SanctionNetwork& event) {
  const auto network = r.network("network");
  if (network) event.network = *network;
  return network.has_value();
}

EventTarget target(const Scenario& s, const SanctionNetwork& event) {
  return {event.network, {s.network(event.network).home_country}};
}

std::string describe(const Scenario& s, const SanctionNetwork& event) {
  return fmt::format("{}: capital frozen {}, pressure +{:g} at home", detail::network_with_head(s, event.network),
                     format_percent(event.capital_frozen_share), event.pressure_shock);
}

std::string headline(const Scenario& s, const SanctionNetwork& event) {
  return fmt::format("Sanctions on {}", s.network(event.network).name);
}

}  // namespace scamsim::scenario
