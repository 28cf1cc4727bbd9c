#pragma once
// What the event kinds' .cpp files share: the parameter-table machinery, the
// reference reader, and the wording helpers of their descriptions. Internal
// to the scenario module.

#include <string>

#include <fmt/format.h>

#include "sim/core/text.hpp"
#include "sim/scenario/describe.hpp"
#include "sim/scenario/events/reader.hpp"
#include "sim/scenario/fields.hpp"
#include "sim/scenario/spec.hpp"

// A row of a kind's field table: key "events.<kind>.<member>".
#define SCAMSIM_EVENT_FIELD(Kind, kind, member, ...) SCAMSIM_FIELD(Kind, "events." kind ".", member, __VA_ARGS__)

namespace scamsim::scenario::detail {

/// "prince_group (head: Chen Zhi)", or the id alone when the head is unknown.
inline std::string network_with_head(const Scenario& s, NetworkId id) {
  const NetworkSpec& n = s.network(id);
  return n.head.empty() ? n.id : fmt::format("{} (head: {})", n.id, printable(n.head));
}

}  // namespace scamsim::scenario::detail
