#pragma once
// The `intelligence_sharing` event kind: countries that start sharing intelligence at a level (symmetric).
// Its handlers are in intelligence_sharing.cpp; its effect on the world is
// apply(const IntelligenceSharing&, ...) in sim/model/phases/events.cpp.

#include "sim/scenario/events/kind.hpp"

namespace scamsim::scenario {

/// Countries that start sharing intelligence at a level (symmetric).
struct IntelligenceSharing {
  static constexpr std::string_view name = "intelligence_sharing";  ///< the kind as scenario files write it
  std::vector<CountryId> countries;
  double level = 0;
};

// The kind's handlers; sim/scenario/events/kind.hpp says what each does.
std::span<const detail::Field<IntelligenceSharing>> fields(const IntelligenceSharing& event);
bool read_references(detail::EventReader& r, IntelligenceSharing& event);
EventTarget target(const Scenario& s, const IntelligenceSharing& event);
std::string describe(const Scenario& s, const IntelligenceSharing& event);
std::string headline(const Scenario& s, const IntelligenceSharing& event);

}  // namespace scamsim::scenario
