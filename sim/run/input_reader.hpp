#pragma once
// What the input files beside scenarios (calibration files, sweep files,
// outcome files) share beyond the scenario module's TOML toolkit
// (sim/scenario/toml_reader.hpp): outcome tables.

#include <string>

#include "sim/run/outcomes.hpp"
#include "sim/scenario/spec.hpp"
#include "sim/scenario/toml_reader.hpp"

namespace scamsim::run {

/// Reads the outcome keys of a table (name, metric, countries or outside, reduction, from, to, share,
/// description) against a scenario, reporting every problem located. The caller reads its own keys
/// (a target's value, say) and then calls reader.report_unknown_keys().
OutcomeSpec read_outcome(scenario::TableReader& reader, const scenario::Scenario& scenario);

/// The outcome in words, e.g. "sum over [2025-10-15, 2027-01-01) of rerecruited in cambodia, at scale 1".
std::string define_outcome(const OutcomeSpec& outcome, const scenario::Scenario& scenario);

}  // namespace scamsim::run
