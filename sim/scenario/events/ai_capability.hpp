#pragma once
// The `ai_capability` event kind: a shift in what AI tooling adds to revenue per worker.
// Its handlers are in ai_capability.cpp; its effect on the world is
// apply(const AiCapability&, ...) in sim/model/phases/events.cpp.

#include "sim/scenario/events/kind.hpp"

namespace scamsim::scenario {

/// A shift in what AI tooling adds to revenue per worker.
struct AiCapability {
  static constexpr std::string_view name = "ai_capability";  ///< the kind as scenario files write it
  double uplift = 0;
};

// The kind's handlers; sim/scenario/events/kind.hpp says what each does.
std::span<const detail::Field<AiCapability>> fields(const AiCapability& event);
bool read_references(detail::EventReader& r, AiCapability& event);
EventTarget target(const Scenario& s, const AiCapability& event);
std::string describe(const Scenario& s, const AiCapability& event);
std::string headline(const Scenario& s, const AiCapability& event);

}  // namespace scamsim::scenario
