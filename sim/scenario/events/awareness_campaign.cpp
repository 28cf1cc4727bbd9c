#include "sim/scenario/events/awareness_campaign.hpp"

#include "sim/scenario/events/kind_support.hpp"

namespace scamsim::scenario {

namespace {
using namespace detail::table_values;
const detail::Field<AwarenessCampaign> table[] = {
    SCAMSIM_EVENT_FIELD(AwarenessCampaign, "awareness_campaign", awareness_increase, required, share, "-",
                        "Awareness added (capped at 1).", "scenario"),
};
}  // namespace

std::span<const detail::Field<AwarenessCampaign>> fields(const AwarenessCampaign& /*event*/) { return table; }

bool read_references(detail::EventReader& r, AwarenessCampaign& event) {
  if (!r.has("country")) return true;  // aimed at victims
  event.country = r.country("country", Need::optional);
  if (event.country && !r.scenario().country(*event.country).origin) {
    r.error("country", fmt::format("country '{}' has no [origin] table; leave 'country' out to aim the campaign at "
                                   "victims",
                                   r.scenario().country(*event.country).id));
    return false;
  }
  return event.country.has_value();
}

EventTarget target(const Scenario& /*s*/, const AwarenessCampaign& event) {
  if (event.country) return {std::nullopt, {*event.country}};
  return {};
}

std::string describe(const Scenario& s, const AwarenessCampaign& event) {
  return fmt::format("{}: awareness +{:g}", event.country ? s.country(*event.country).id : "victims' markets",
                     event.awareness_increase);
}

std::string headline(const Scenario& s, const AwarenessCampaign& event) {
  return fmt::format("Awareness campaign ({})", event.country ? s.country(*event.country).name : "among victims");
}

}  // namespace scamsim::scenario
