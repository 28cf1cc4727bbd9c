#include "sim/run/runner.hpp"

#include <chrono>

#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>

#include "sim/model/simulation.hpp"

namespace scamsim::run {

int effective_threads(int threads) {
  const int cores = tbb::info::default_concurrency();
  return threads > 0 ? threads : cores;
}

bool SharedSteps::should_stop() {
  if ((options_.stop && options_.stop->load(std::memory_order_relaxed)) || interrupted_.load()) {
    interrupted_ = true;
    return true;
  }
  return false;
}

bool SharedSteps::run_to_end(model::Simulation& sim) {
  while (!sim.finished()) {
    if (should_stop()) return false;
    sim.step();
    const std::int64_t now = ++done_;
    if (options_.progress) options_.progress(now, total_);
  }
  return true;
}

RunResult run_replicates(const scenario::Scenario& scenario, const RunOptions& options) {
  const tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                                  static_cast<std::size_t>(effective_threads(options.threads)));
  const auto replicates = static_cast<std::size_t>(scenario.run.replicates);
  const std::int64_t total = scenario.run.steps() * static_cast<std::int64_t>(replicates);
  SharedSteps steps(options, total);

  RunResult result;
  result.replicates.resize(replicates);
  const auto start = std::chrono::steady_clock::now();
  // Replicates run side by side; each writes only its own record.
  tbb::parallel_for(std::size_t{0}, replicates, [&](std::size_t r) {
    if (steps.should_stop()) return;
    model::Simulation sim(scenario, static_cast<std::uint32_t>(r));
    if (steps.run_to_end(sim)) result.replicates[r] = sim.take_record();
  });
  if (steps.interrupted()) throw Interrupted();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (const auto& record : result.replicates) result.worker_steps += record.worker_steps;
  return result;
}

}  // namespace scamsim::run
