#pragma once
// Reading outcomes from TOML: an outcome table as sweep files ([[outcome]]),
// calibration files ([[target]]) and outcome files (`scamsim compare
// --outcomes`) write it, and outcome files themselves. The TOML toolkit is
// the scenario module's (sim/scenario/toml_reader.hpp); this reader lives
// here because an outcome names metrics of the engine, which scenario sits
// below.

#include <filesystem>
#include <vector>

#include "sim/run/outcomes.hpp"
#include "sim/scenario/spec.hpp"
#include "sim/scenario/toml_reader.hpp"

namespace scamsim::run {

/// Reads the outcome keys of a table (name, metric, countries or outside, reduction, from, to, share,
/// description) against a scenario, reporting every problem located. The caller reads its own keys
/// (a target's value, say) and then calls reader.report_unknown_keys().
OutcomeSpec read_outcome(scenario::TableReader& reader, const scenario::Scenario& scenario);

/// The outcomes of an outcomes file: its [[outcome]] tables (and nothing else), each read as a sweep file's
/// (docs/SWEEPS.md section 4) against `scenario`. Throws SetupError with every problem located in the file.
std::vector<OutcomeSpec> load_outcomes(const std::filesystem::path& file, const scenario::Scenario& scenario);

}  // namespace scamsim::run
