#pragma once
// Scenario key paths ("pressure.half_life_days", "countries.cambodia.governance", "events.raid_2026.date") as
// --set, sweep files and calibration files name a value: the node a path names in a resolved scenario
// document, and the parameter-table entry that describes it (its kind, range and unit).

#include <string_view>

#include <toml++/toml.h>

#include "sim/scenario/parameters.hpp"

namespace scamsim::scenario {

/// The node a scenario key path names in a resolved scenario document (Scenario::resolved_toml parsed),
/// following the loader's rules for arrays: `events.<id or position>.field`, `operations.<position>.field`.
/// nullptr if there is none.
const toml::node* node_at(const toml::table& resolved, std::string_view key);

/// The parameter-table entry of a key path: "pressure.half_life_days" as it is,
/// "countries.cambodia.governance" through its pattern "countries.<id>.governance",
/// "operations.0.workers" through "operations.<n>.workers", and "events.<id>.field" through
/// "events.<kind>.field" with the event's kind looked up in the resolved scenario. nullptr if none.
const ParameterInfo* parameter_entry(std::string_view key, const toml::table& resolved);

}  // namespace scamsim::scenario
