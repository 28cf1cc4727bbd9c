#include "sim/scenario/events/ai_capability.hpp"

#include "sim/scenario/events/kind_support.hpp"

namespace scamsim::scenario {

namespace {
using namespace detail::table_values;
const detail::Field<AiCapability> table[] = {
    SCAMSIM_EVENT_FIELD(AiCapability, "ai_capability", uplift, required, {0, 10}, "-",
                        "New AI revenue uplift at tech 1.", "scenario"),
};
}  // namespace

std::span<const detail::Field<AiCapability>> fields(const AiCapability& /*event*/) { return table; }

bool read_references(detail::EventReader& /*r*/, AiCapability& /*event*/) { return true; }  // names nothing

EventTarget target(const Scenario& /*s*/, const AiCapability& /*event*/) { return {}; }  // everywhere

std::string describe(const Scenario& /*s*/, const AiCapability& event) {
  return fmt::format("AI uplift at tech 1 becomes {:g}", event.uplift);
}

std::string headline(const Scenario& /*s*/, const AiCapability& /*event*/) { return "Better AI tools for scammers"; }

}  // namespace scamsim::scenario
