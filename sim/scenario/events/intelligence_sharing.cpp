#include "sim/scenario/events/intelligence_sharing.hpp"

#include "sim/scenario/events/kind_support.hpp"

namespace scamsim::scenario {

namespace {
using namespace detail::table_values;
const detail::Field<IntelligenceSharing> table[] = {
    SCAMSIM_EVENT_FIELD(IntelligenceSharing, "intelligence_sharing", level, required, share, "-",
                        "Sharing level between every pair of the countries named.", "scenario"),
};
}  // namespace

std::span<const detail::Field<IntelligenceSharing>> fields(const IntelligenceSharing& /*event*/) { return table; }

bool read_references(detail::EventReader& r, IntelligenceSharing& event) {
  if (!r.country_list("countries", event.countries)) return false;
  if (event.countries.size() < 2) {
    r.error("countries", "sharing needs at least two countries");
    return false;
  }
  return true;
}

EventTarget target(const Scenario& /*s*/, const IntelligenceSharing& event) { return {std::nullopt, event.countries}; }

std::string describe(const Scenario& s, const IntelligenceSharing& event) {
  std::string names;
  for (CountryId c : event.countries) names += (names.empty() ? "" : ", ") + s.country(c).id;
  return fmt::format("{}: sharing level {:g}", names, event.level);
}

std::string headline(const Scenario& s, const IntelligenceSharing& event) {
  std::string names;
  for (std::size_t i = 0; i < event.countries.size(); ++i) {
    names += (i == 0 ? "" : " and ") + s.country(event.countries[i]).name;
  }
  return fmt::format("Intelligence sharing: {}", names);
}

}  // namespace scamsim::scenario
