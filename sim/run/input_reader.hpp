#pragma once
// What the input files beside scenarios (calibration files, sweep files,
// outcome files) share beyond the scenario module's TOML toolkit: outcome
// tables, and finding what a scenario key path is.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "sim/run/outcomes.hpp"
#include "sim/scenario/parameters.hpp"
#include "sim/scenario/spec.hpp"
#include "sim/scenario/toml_reader.hpp"

namespace scamsim::run {

/// The node a scenario key path names in a resolved scenario document, following the loader's rules for
/// arrays: `events.<id or position>.field`, `operations.<position>.field`. nullptr if there is none.
const toml::node* node_at(const toml::table& resolved, std::string_view key);

/// The parameter-table entry of a key path: "pressure.half_life_days" as it is,
/// "countries.cambodia.governance" through its pattern "countries.<id>.governance",
/// "operations.0.workers" through "operations.<n>.workers", and "events.<id>.field" through
/// "events.<kind>.field" with the event's kind looked up in the resolved scenario. nullptr if none.
const scenario::ParameterInfo* parameter_entry(std::string_view key, const toml::table& resolved);

/// Reads the outcome keys of a table (name, metric, countries or outside, reduction, from, to, share,
/// description) against a scenario, reporting every problem located. The caller reads its own keys
/// (a target's value, say) and then calls reader.report_unknown_keys().
OutcomeSpec read_outcome(scenario::TableReader& reader, const scenario::Scenario& scenario);

/// The outcome in words, e.g. "sum over [2025-10-15, 2027-01-01) of rerecruited in cambodia, at scale 1".
std::string define_outcome(const OutcomeSpec& outcome, const scenario::Scenario& scenario);

}  // namespace scamsim::run
