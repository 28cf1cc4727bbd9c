#pragma once
// The posterior file of an ABC-SMC calibration (`scamsim calibrate --method abc-smc`): every generation's
// particles, weights, distances, simulated figures and tolerance, the final population with its weights, and
// enough of the calibration (its scenario as run, replicates, scale, parameters, priors, targets, settings) to
// resume it exactly, to refuse a resume made from something else, and to run scenarios over it
// (`run --posterior`). docs/CALIBRATION.md ("The posterior file") describes the layout for users.
//
// The file is rewritten whole after each generation, under a temporary name and renamed into place, so that a
// killed calibration always leaves the last finished generation, never a damaged file.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/run/abc_smc.hpp"
#include "sim/run/calibration.hpp"

namespace scamsim::io {

/// One target as the posterior file records it.
struct PosteriorTarget {
  std::string name;
  std::string figure;  ///< Target::figure(): "75000", "50000 to 100000", "at least 120000"
  double tolerance = 0;
  std::string source;
  run::TargetShape shape = run::TargetShape::value;
  double value = 0;  ///< the figure (value) or the bound (at_least, at_most)
  double low = 0;    ///< a range's ends
  double high = 0;
  /// Target::z of a simulated figure: the standardised miss, 0 inside a range or on the right side of a bound.
  [[nodiscard]] double z(double simulated) const;
};

/// What a posterior file holds.
struct Posterior {
  std::string calibration_file;  ///< as given on the command line
  std::string scenario_name;
  /// The scenario every proposal ran, resolved, with the calibration's `set` and --set applied (but not the
  /// proposal's values, run.scale, run.replicates or run.seed, which each proposal sets).
  std::string scenario_toml;
  std::string command_line;
  std::int64_t replicates = 0;  ///< replicates per proposal
  double scale = 1;             ///< run.scale of the calibration's runs
  std::vector<std::string> parameter_keys;
  std::vector<bool> parameter_integer;  ///< whole-number parameters: their values are rounded when run
  std::vector<PosteriorTarget> targets;
  run::AbcState state;  ///< generations, stop reason, settings and priors

  // Read back only.
  std::string scamsim_version;
  std::string created_utc;
  std::int64_t schema_version = 0;

  /// Whether the calibration has stopped (a stop rule held); a file still running can be resumed, not used.
  [[nodiscard]] bool complete() const { return state.stop != run::AbcStop::running; }
  /// The final population: the last finished generation. Throws std::logic_error when there is none.
  [[nodiscard]] const run::AbcGeneration& final_population() const;
};

/// The posterior of a calibration file's run (state empty until a generation is done).
Posterior posterior_of(const run::CalibrationSpec& spec, const std::string& command_line);

/// How `saved` was made differently from `now` where it matters for resuming (the scenario as run, replicates,
/// scale, the parameters, the targets), as a sentence naming what differs; nullopt when it does not.
/// Settings and priors are checked by run_abc_smc.
[[nodiscard]] std::optional<std::string> calibration_difference(const Posterior& saved, const Posterior& now);

/// Writes the whole file at `path` (replacing it). Throws h5::Error naming the file.
void write_posterior(const std::filesystem::path& path, const Posterior& posterior);

/// Reads a posterior file. Throws SetupError naming the file when it is missing, not a scamsim posterior file,
/// of another schema version, or inconsistent.
Posterior read_posterior(const std::filesystem::path& path);

}  // namespace scamsim::io
