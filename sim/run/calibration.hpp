#pragma once
// Calibration: fit free parameters of a scenario to public figures. A
// calibration file names the scenario, the parameters to fit with their
// bounds, and the targets (outcomes with a value, a tolerance and a source);
// `scamsim calibrate` minimises the sum of squared standardised errors with
// Nelder-Mead over replicates that share their random numbers from one
// evaluation to the next, and writes the fitted values as a scenario based
// on the one it fitted, with the fit in its comments.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/run/abc_smc.hpp"
#include "sim/run/outcomes.hpp"
#include "sim/run/priors.hpp"
#include "sim/scenario/spec.hpp"

namespace scamsim::run {

/// A parameter to fit: a scenario key path and its bounds, searched on a log scale if asked.
struct FreeParameter {
  std::string key;
  double min = 0;
  double max = 0;
  bool log_scale = false;
  bool integer = false;  ///< a whole-number parameter (money, counts): values are rounded
  double start = 0;      ///< where the search starts: the file's `start`, never the scenario's current value
  /// What is believed of it before the record (ABC-SMC): on [min, max], uniform or log-uniform (with scale = "log")
  /// unless the file's `prior` says otherwise.
  Prior prior;
};

/// How a source states a figure: a value ("75,000"), a range ("50,000 to 100,000") or a bound ("at least
/// 120,000").
enum class TargetShape { value, range, at_least, at_most };

/// A figure to reproduce: an outcome's mean over replicates, as its source states it. Counts and dollars are
/// compared at scale 1. `tolerance` is relative: the size of a miss that counts as one standard error, as a
/// share of the figure, or of the end of the range or the bound that was crossed.
struct Target {
  OutcomeSpec outcome;
  TargetShape shape = TargetShape::value;
  double value = 0;  ///< the figure (value), or the bound (at_least, at_most)
  double low = 0;    ///< range: its ends
  double high = 0;
  double tolerance = 0;
  std::string source;

  /// The standardised miss of a simulated figure: (simulated - value) / (tolerance x |value|) for a value; 0
  /// inside a range or on the right side of a bound, and past it the distance to the end crossed over
  /// tolerance x |that end|. Signed: below is negative.
  [[nodiscard]] double z(double simulated) const;
  /// The figure as the source states it: "75000", "50000 to 100000", "at least 120000".
  [[nodiscard]] std::string figure() const;
};

/// A calibration file, loaded and checked against its scenario.
struct CalibrationSpec {
  std::string file;                    ///< the calibration file, for messages and the output's header
  std::filesystem::path scenario;      ///< the scenario to fit
  std::vector<std::string> overrides;  ///< applied to the scenario first (file's `set`, then --set)
  /// The scenario's documents (its base chain) resolved once, when the calibration is loaded: every
  /// evaluation runs this text, so a scenario file edited while a fit runs does not change the fit.
  std::string scenario_toml;
  std::int64_t replicates = 3;
  double scale = 1;  ///< run.scale of the fitting runs: findings come from 1:1 (issue 13)
  std::int64_t max_evaluations = 80;
  double dt_days = 1;
  std::vector<FreeParameter> parameters;
  std::vector<Target> targets;
  AbcSettings abc;  ///< the file's [abc] table: ABC-SMC's settings (docs/CALIBRATION.md, "ABC-SMC")
};

/// The --set of a calibrated parameter at `value`: rounded for a whole-number parameter, else every digit of the
/// double, so that a value read back from a posterior runs as it ran when it was calibrated.
std::string parameter_override(const std::string& key, double value, bool integer);

/// The scenario of a calibration with these overrides, from the documents read when it was loaded (a spec made in
/// code, with none, reads its file).
scenario::Scenario calibration_scenario(const CalibrationSpec& spec, std::span<const std::string> overrides);

/// Loads a calibration file; throws SetupError with every problem, located.
CalibrationSpec load_calibration(const std::filesystem::path& file, std::span<const std::string> overrides = {});

/// How close one target came.
struct TargetFit {
  std::string name;
  std::string figure;  ///< Target::figure()
  double value = 0;
  double simulated = 0;
  double tolerance = 0;
  double z = 0;  ///< (simulated - value) / (tolerance x |value|): within tolerance when |z| <= 1
};

/// The fitted values, the fit, and the search's record.
struct CalibrationResult {
  std::vector<double> fitted;  ///< parallel to CalibrationSpec::parameters
  std::vector<TargetFit> fit;
  std::vector<TargetFit> start_fit;
  double objective = 0;  ///< sum of z^2 at the fitted values
  double start_objective = 0;
  int evaluations = 0;
};

/// Progress of a calibration: evaluations done, the best objective so far.
using CalibrationProgress = std::function<void(int evaluations, double best_objective)>;

/// Runs the search. Deterministic: the same file gives the same result.
CalibrationResult calibrate(const CalibrationSpec& spec, int threads, const CalibrationProgress& progress = {});

/// Calibration to a posterior (docs/CALIBRATION.md, "ABC-SMC"): each proposal runs the scenario with its
/// values for the file's replicates, with its own seed (made from `settings.seed`, its generation and its
/// number), and its distance to the record is sqrt(sum of z^2) over the targets. Proposals of a batch run side
/// by side on `threads` threads; the result does not depend on it. `after_generation` sees each finished
/// generation (progress, a checkpoint); `resume` continues a state it saved. When `stop` is set (a signal), the
/// next batch throws Interrupted: the generations finished so far are what after_generation last saw.
/// `distribute`, when given, evaluates each batch instead (over MPI ranks: sim/distributed/abc_ranks.hpp), with
/// simulate_proposals on each rank.
AbcState calibrate_abc(const CalibrationSpec& spec, const AbcSettings& settings, int threads,
                       const AbcAfterGeneration& after_generation = {}, AbcState resume = {},
                       const std::atomic<bool>* stop = nullptr, const AbcSimulate& distribute = {});

/// The outcomes of proposals of a calibration whose settings have this `seed`: each proposal's runs (its values,
/// its own seed from `seed`, its generation and its number), side by side on `threads` threads; what
/// calibrate_abc evaluates a batch with, on any rank. A proposal the scenario refuses gets NaN.
AbcBatchResult simulate_proposals(const CalibrationSpec& spec, std::uint64_t seed, std::span<const AbcProposal> batch,
                                  int threads);

/// The distance of simulated figures (parallel to spec.targets) to the record: sqrt(sum of z^2).
[[nodiscard]] double abc_distance(const CalibrationSpec& spec, std::span<const double> simulated);

/// The fitted values as a scenario based on the fitted one (`base` relative to
/// `output`'s folder), with the fit and the command in its header comments.
std::string fitted_scenario_toml(const CalibrationSpec& spec, const CalibrationResult& result,
                                 const std::filesystem::path& output, const std::string& command_line);

/// The fit as a table for the terminal.
std::string format_fit(const CalibrationSpec& spec, const CalibrationResult& result);

}  // namespace scamsim::run
