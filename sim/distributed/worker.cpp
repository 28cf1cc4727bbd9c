#include "sim/distributed/worker.hpp"

#include <tbb/task_arena.h>

#include <chrono>
#include <cstdint>
#include <exception>
#include <vector>

#include <fmt/format.h>

#include "sim/run/runner.hpp"

namespace scamsim::distributed {

namespace {

// How often a worker in a run looks for an unasked stop: a poll is cheap, but not at every step of a fast run.
constexpr auto stop_probe_interval = std::chrono::milliseconds(20);

int signal_of(const WorkerSignals& signals) { return signals.signal ? signals.signal() : 0; }

}  // namespace

void report_error(Transport& transport, char kind, const std::string& text) {
  transport.send(0, Tag::error, encode_error(kind, text));
}

void run_worker(Transport& transport, const sweep::SweepSpec* spec, const sweep::SweepPlan* plan, bool say_ready,
                int threads, const WorkerSignals& signals) {
  const auto signalled = [&] { return signals.stop && signals.stop->load(std::memory_order_relaxed); };
  if (say_ready) transport.send(0, Tag::ready, {});

  tbb::task_arena arena(run::effective_threads(threads));
  for (;;) {
    const Message m = wait_for(transport, 0);
    if (m.tag == Tag::stop) break;
    if (signalled()) {
      transport.send(0, Tag::interrupted, encode_signal(signal_of(signals)));
      continue;
    }
    std::int64_t index = -1;
    try {
      index = decode_index(m.bytes);
    } catch (const std::exception&) {
    }
    if (spec == nullptr || plan == nullptr || index < 0 || index >= static_cast<std::int64_t>(plan->runs.size())) {
      report_error(transport, 'i', fmt::format("rank 0 asked for run {}, which this rank does not have", index));
      continue;
    }
    // A stop from rank 0 in the middle of the run is looked for between steps (this thread is the one that
    // talks to the transport); the run is then dropped.
    std::atomic<bool> halt{false};
    bool told_to_stop = false;
    auto last_probe = std::chrono::steady_clock::now();
    const auto on_step = [&] {
      if (signalled()) halt = true;
      const auto now = std::chrono::steady_clock::now();
      if (now - last_probe < stop_probe_interval) return;
      last_probe = now;
      if (!transport.poll(0, Tag::stop)) return;
      told_to_stop = true;
      halt = true;
    };
    try {
      sweep::RunOutput output;
      arena.execute(
          [&] { output = sweep::execute_run(*spec, plan->runs[static_cast<std::size_t>(index)], &halt, on_step); });
      if (told_to_stop) break;  // the stop came during the run's last step: rank 0 wants no result
      transport.send(0, Tag::result, sweep::encode(output));
    } catch (const run::Interrupted&) {
      if (told_to_stop) break;
      transport.send(0, Tag::interrupted, encode_signal(signal_of(signals)));
    } catch (const std::exception& e) {
      report_error(transport, 'i', e.what());
    }
  }
  transport.send(0, Tag::bye, {});
}

}  // namespace scamsim::distributed
