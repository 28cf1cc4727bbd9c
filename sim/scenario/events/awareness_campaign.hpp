#pragma once
// The `awareness_campaign` event kind: an awareness campaign in an origin country, or among victims if no country.
// Its handlers are in awareness_campaign.cpp; its effect on the world is
// apply(const AwarenessCampaign&, ...) in sim/model/phases/events.cpp.

#include "sim/scenario/events/kind.hpp"

namespace scamsim::scenario {

/// An awareness campaign in an origin country, or among victims if no country.
struct AwarenessCampaign {
  static constexpr std::string_view name = "awareness_campaign";  ///< the kind as scenario files write it
  std::optional<CountryId> country;
  double awareness_increase = 0;
};

// The kind's handlers; sim/scenario/events/kind.hpp says what each does.
std::span<const detail::Field<AwarenessCampaign>> fields(const AwarenessCampaign& event);
bool read_references(detail::EventReader& r, AwarenessCampaign& event);
EventTarget target(const Scenario& s, const AwarenessCampaign& event);
std::string describe(const Scenario& s, const AwarenessCampaign& event);
std::string headline(const Scenario& s, const AwarenessCampaign& event);

}  // namespace scamsim::scenario
