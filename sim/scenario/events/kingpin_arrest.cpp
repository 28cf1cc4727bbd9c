#include "sim/scenario/events/kingpin_arrest.hpp"

#include "sim/scenario/events/kind_support.hpp"

namespace scamsim::scenario {

namespace {
using namespace detail::table_values;
const detail::Field<KingpinArrest> table[] = {
    SCAMSIM_EVENT_FIELD(KingpinArrest, "kingpin_arrest", protection_lost_share, 0.5, share, "share",
                        "Share of protection its operations lose.", "assumption; seed (Chen Zhi)"),
    SCAMSIM_EVENT_FIELD(KingpinArrest, "kingpin_arrest", pressure_shock, 0.3, share, "-",
                        "Pressure added to its home country.", "assumption"),
};
}  // namespace

std::span<const detail::Field<KingpinArrest>> fields(const KingpinArrest& /*event*/) { return table; }

bool read_references(detail::EventReader& r, KingpinArrest& event) {
  const auto network = r.network("network");
  if (network) event.network = *network;
  return network.has_value();
}

EventTarget target(const Scenario& s, const KingpinArrest& event) {
  return {event.network, {s.network(event.network).home_country}};
}

std::string describe(const Scenario& s, const KingpinArrest& event) {
  return fmt::format("{}: protection -{}, pressure +{:g} at home", detail::network_with_head(s, event.network),
                     format_percent(event.protection_lost_share), event.pressure_shock);
}

std::string headline(const Scenario& s, const KingpinArrest& event) {
  const NetworkSpec& n = s.network(event.network);
  return n.head.empty() ? fmt::format("Arrest of the head of {}", n.name)
                        : fmt::format("Arrest of {}, head of {}", n.head, n.name);
}

}  // namespace scamsim::scenario
