#pragma once
// Runs the replicates of a scenario on the available cores. Replicates run
// concurrently and each one's worker phase is itself parallel; results are
// the same for any number of threads (MODEL.md section 5).

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
#include <stdexcept>
#include <vector>

#include "sim/model/metrics.hpp"
#include "sim/model/worker_index.hpp"
#include "sim/scenario/spec.hpp"

namespace scamsim::model {
class Simulation;
}  // namespace scamsim::model

namespace scamsim::run {

/// Thrown when a run is asked to stop (SIGINT, SIGTERM) before it finished.
class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted") {}
};

/// Progress of a run: steps done and steps in all, over all replicates.
using ProgressFn = std::function<void(std::int64_t done, std::int64_t total)>;

/// Takes a finished replicate's record: its index and the record, handed over.
using ReplicateSink = std::function<void(std::size_t replicate, model::RunRecord&& record)>;

/// How to run.
struct RunOptions {
  int threads = 0;                                 ///< 0: all cores
  model::Engine engine = model::Engine::calendar;  ///< how the worker phase finds its workers (same results)
  const std::atomic<bool>* stop = nullptr;         ///< checked every step; set it to interrupt
  ProgressFn progress;                             ///< called from any thread, often; may be empty
  /// When set, run_replicates hands each record here instead of keeping it (RunResult::replicates stays
  /// empty): in replicate order, one call at a time, as soon as the replicate and every one before it are
  /// done, so that memory holds only the replicates in flight (docs/OUTPUT.md 3.6). What it throws stops the
  /// run (replicates not yet started are skipped) and is rethrown.
  ReplicateSink on_replicate;
};

/// What replicates run side by side share while they step (run_replicates, run_pairs): the steps done of all,
/// for RunOptions::progress, and whether one of them was stopped, which then stops the others at their next step.
class SharedSteps {
 public:
  /// `total`: the steps of all the replicates together.
  SharedSteps(const RunOptions& options, std::int64_t total) : options_(options), total_(total) {}
  /// Steps `sim` to its end; false when stopped first (RunOptions::stop, or another replicate was stopped).
  bool run_to_end(model::Simulation& sim);
  /// Whether to stop now: asked to, or another replicate was stopped (which this call then records). Checked
  /// at every step and before a replicate builds its world, so that a stop never waits for the worlds of the
  /// replicates not yet started.
  bool should_stop();
  /// Whether any replicate was stopped: the caller then throws Interrupted.
  [[nodiscard]] bool interrupted() const { return interrupted_.load(); }

 private:
  const RunOptions& options_;
  std::int64_t total_;
  std::atomic<std::int64_t> done_{0};
  std::atomic<bool> interrupted_{false};
};

/// What a run produced and how long it took.
struct RunResult {
  std::vector<model::RunRecord> replicates;
  double seconds = 0;
  double worker_steps = 0;  ///< workers stepped, summed over steps and replicates
};

/// Runs every replicate of the scenario. Throws Interrupted if asked to stop.
RunResult run_replicates(const scenario::Scenario& scenario, const RunOptions& options);

/// Runs every replicate of each of `draws` (the same scenario with different parameter values: a posterior's
/// draws), draw by draw: run i is replicate i % R of draw i / R, R being the draws' run.replicates (all the
/// same), and replicate k of every draw has the same random streams. Records are numbered by run, as
/// run_replicates numbers replicates. Throws Interrupted if asked to stop.
RunResult run_draws(std::span<const scenario::Scenario> draws, const RunOptions& options);

/// The threads oneTBB will use with `threads` asked for (0: all cores).
int effective_threads(int threads);

}  // namespace scamsim::run
