#include "sim/run/runner.hpp"

#include <atomic>
#include <chrono>
#include <exception>
#include <map>
#include <mutex>

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
  return run_draws(std::span(&scenario, 1), options);
}

RunResult run_draws(std::span<const scenario::Scenario> draws, const RunOptions& options) {
  const tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                                  static_cast<std::size_t>(effective_threads(options.threads)));
  const auto per_draw = static_cast<std::size_t>(draws.front().run.replicates);
  const std::size_t replicates = per_draw * draws.size();  // runs, draw by draw
  std::int64_t total = 0;
  for (const auto& d : draws) total += d.run.steps() * static_cast<std::int64_t>(per_draw);
  SharedSteps steps(options, total);

  RunResult result;
  const bool keep = !options.on_replicate;
  if (keep) result.replicates.resize(replicates);
  const auto start = std::chrono::steady_clock::now();

  // Replicates start in index order, whichever thread takes the next one: a finished replicate then waits
  // for the sink only behind replicates still in flight, so at most about one per thread waits in memory.
  std::atomic<std::size_t> next_to_start{0};
  std::mutex sink_mutex;
  std::map<std::size_t, model::RunRecord> waiting;  // finished, not yet handed to the sink
  std::size_t next_to_hand = 0;
  std::exception_ptr sink_failure;
  std::atomic<bool> sink_failed{false};
  std::atomic<bool> skipped{false};
  double handed_worker_steps = 0;  // summed in replicate order, as from the kept records
  const auto hand_over = [&](std::size_t r, model::RunRecord&& record) {
    const std::lock_guard lock(sink_mutex);
    waiting.emplace(r, std::move(record));
    while (!sink_failed && !waiting.empty() && waiting.begin()->first == next_to_hand) {
      model::RunRecord ready = std::move(waiting.begin()->second);
      waiting.erase(waiting.begin());
      handed_worker_steps += ready.worker_steps;
      try {
        options.on_replicate(next_to_hand, std::move(ready));
      } catch (...) {
        sink_failure = std::current_exception();
        sink_failed = true;
      }
      ++next_to_hand;
    }
  };

  // Replicates run side by side; each writes only its own record.
  tbb::parallel_for(std::size_t{0}, replicates, [&](std::size_t /*slot*/) {
    const std::size_t r = next_to_start++;
    if (sink_failed || steps.should_stop()) {
      skipped = true;  // not started: a stop or a failed sink ends the run
      return;
    }
    // Run r is replicate r % per_draw of draw r / per_draw: every draw's replicate k has the same random streams.
    model::Simulation sim(draws[r / per_draw], static_cast<std::uint32_t>(r % per_draw), options.engine);
    if (!steps.run_to_end(sim)) return;
    if (keep) {
      result.replicates[r] = sim.take_record();
    } else {
      hand_over(r, sim.take_record());
    }
  });
  if (sink_failure) std::rethrow_exception(sink_failure);
  if (steps.interrupted() || skipped) throw Interrupted();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (keep) {
    for (const auto& record : result.replicates) result.worker_steps += record.worker_steps;
  } else {
    result.worker_steps = handed_worker_steps;
  }
  return result;
}

}  // namespace scamsim::run
