#pragma once
// Running a sweep: the design expanded into runs (point x replicate, each
// with its seed and parameter values), each run executed from its own
// resolved scenario, and the runs spread over cores. A run's result depends
// only on the sweep file, the base scenario and the run's index, never on
// the thread count or on which runs finished first.
//
// The runner is built around two calls, so that other schedulers (MPI:
// rank 0 writes, other ranks run) can drive it: execute_run() runs one run
// anywhere it is given the spec and the plan, and whoever collects the
// results hands each RunOutput to the writer (io::SweepWriter::write_run).
// encode()/decode() turn a RunOutput into bytes and back for sending.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sim/scenario/spec.hpp"
#include "sim/sweep/design.hpp"
#include "sim/sweep/sweep_spec.hpp"

namespace scamsim::sweep {

/// A run's seed: the top 62 bits of SplitMix64(SplitMix64(sweep_seed) + index + 1), so a non-negative int64
/// that run.seed accepts. `index` is the replicate with common random numbers, else the run's index.
std::int64_t run_seed(std::uint64_t sweep_seed, std::uint64_t index);

/// One run of the sweep.
struct RunPlan {
  std::int64_t run = 0;        ///< index: point * replicates + replicate
  std::int64_t point = 0;      ///< the design point (row of the design)
  std::int64_t replicate = 0;  ///< 0 .. replicates-1
  std::int64_t seed = 0;       ///< run.seed of the run
  std::vector<double> unit;    ///< the design's unit-cube coordinates, per parameter
  std::vector<double> values;  ///< the values applied, per parameter (rounded for whole-number keys; dates in days)
};

/// The design expanded into runs.
struct SweepPlan {
  std::int64_t points = 0;
  std::int64_t replicates = 0;
  std::vector<RunPlan> runs;  ///< in run order
  MorrisDesign morris;        ///< the design's trajectories (morris only), for the analysis
};

/// Expands the spec's design into runs. Deterministic in the spec (its seed included).
SweepPlan plan_sweep(const SweepSpec& spec);

/// The --set overrides that turn the base scenario into the run: each parameter's value, then
/// run.seed and run.replicates = 1. They come after the spec's own overrides.
std::vector<std::string> run_overrides(const SweepSpec& spec, const RunPlan& run);
/// Every override of the run, in order: the spec's (the sweep file's `set`, the command line's), then the run's.
std::vector<std::string> all_overrides(const SweepSpec& spec, const RunPlan& run);
/// The run's scenario, as `scamsim run` would load it; throws SetupError for a bad combination of values.
scenario::Scenario run_scenario(const SweepSpec& spec, const RunPlan& run);

/// Where a run stands; stored as an int8 enum in the output.
enum class RunStatus : std::int8_t { pending = 0, done = 1, failed = 2 };

/// What one run produced.
struct RunOutput {
  std::int64_t run = -1;
  RunStatus status = RunStatus::pending;
  std::string message;                      ///< why it failed; empty when done
  std::vector<double> outcomes;             ///< per spec outcome, at scale 1 where counts (NaN if failed)
  std::vector<std::vector<double>> series;  ///< per kept metric: [time][country], as recorded (at the run's scale)
};

/// Runs one run: loads its scenario, steps it, reduces its outcomes. A run the scenario refuses, or that
/// throws, is returned as failed with the message. Throws run::Interrupted if `stop` is set while it runs.
/// `on_step` (may be empty) is called after every step, from this thread.
RunOutput execute_run(const SweepSpec& spec, const RunPlan& run, const std::atomic<bool>* stop = nullptr,
                      const std::function<void()>& on_step = {});

/// How run_sweep runs.
struct SweepRunOptions {
  int threads = 0;                          ///< 0: all cores
  const std::atomic<bool>* stop = nullptr;  ///< set it to stop: runs in flight are dropped, finished ones kept
  std::function<void()> on_step{};          ///< after every step of any run, from any thread; may be empty
};

/// Runs the runs listed in `todo` (indices into plan.runs) side by side and calls `finished` once per run as
/// it finishes, never two calls at once, in whatever order they finish. Throws run::Interrupted when stopped
/// (after `finished` was called for every run that completed), or whatever `finished` throws.
void run_sweep(const SweepSpec& spec, const SweepPlan& plan, std::span<const std::int64_t> todo,
               const SweepRunOptions& options, const std::function<void(RunOutput&&)>& finished);

/// A RunOutput as bytes (native byte order, for processes of one machine type), and back. decode throws
/// std::invalid_argument on bytes that are not an encoded RunOutput.
std::vector<std::byte> encode(const RunOutput& output);
RunOutput decode(std::span<const std::byte> bytes);

/// Sensitivity indices per outcome and parameter, from a finished sweep.
struct Sensitivity {
  std::string method;  ///< "sobol" or "morris"
  /// Named tables [outcome][parameter], flattened row-major: sobol: first, first_low, first_high, total,
  /// total_low, total_high; morris: mu, mu_star, sigma, mu_star_low, mu_star_high.
  std::vector<std::pair<std::string, std::vector<double>>> tables;
  std::vector<std::int64_t> used;  ///< per outcome: base rows (sobol) or trajectories (morris) without failures
};

/// The indices of a saltelli or morris sweep (nullopt for the other designs), on each point's mean over its
/// replicates that finished; a point without any is NaN, which drops its base row or trajectory.
/// `outcomes` is [run][outcome] flattened, `status` per run.
std::optional<Sensitivity> analyse(const SweepSpec& spec, const SweepPlan& plan, std::span<const double> outcomes,
                                   std::span<const RunStatus> status);

/// Each point's mean of each outcome over its finished replicates, [point][outcome] flattened (NaN if none).
std::vector<double> point_means(std::int64_t points, std::int64_t replicates, std::int64_t outcome_count,
                                std::span<const double> outcomes, std::span<const RunStatus> status);

}  // namespace scamsim::sweep
