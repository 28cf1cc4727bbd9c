#pragma once
// Rank 0 of a sweep spread over ranks: the work queue and its side of the
// protocol (protocol.hpp). Rank 0 also runs runs itself, one at a time on its
// own threads, while its main thread hands the other ranks theirs and
// records every result; so the file is the one a single process writes.

#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "sim/distributed/protocol.hpp"
#include "sim/sweep/sweep_runner.hpp"
#include "sim/sweep/sweep_spec.hpp"

namespace scamsim::distributed {

/// The runs still to hand out, shared by rank 0's own runner thread and its message loop.
class WorkQueue {
 public:
  /// Replaces the queue with `runs`, in order, and opens it.
  void assign(std::span<const std::int64_t> runs);
  /// The next run, or nullopt when the queue is empty or closed.
  std::optional<std::int64_t> take();
  /// Hands out nothing more (the sweep is stopping or failed).
  void close();

 private:
  std::mutex mutex_;
  std::deque<std::int64_t> runs_;
  bool closed_ = false;
};

/// Rank 0's scheduler over a Transport whose rank() is 0.
class Coordinator {
 public:
  /// `threads` for rank 0's own runs.
  Coordinator(Transport& transport, int threads);

  /// Runs `todo` over every rank with sweep::run_sweep's contract: `finished` gets each run's output, one call
  /// at a time, on this thread. Throws what `finished` throws, SetupError when a worker cannot load the sweep,
  /// std::runtime_error on a worker's internal error, run::Interrupted when options.stop is set or a worker
  /// was stopped by a signal (re-raised here, so the command's handler sees it).
  void schedule(const sweep::SweepSpec& spec, const sweep::SweepPlan& plan, std::span<const std::int64_t> todo,
                const sweep::SweepRunOptions& options, const std::function<void(sweep::RunOutput&&)>& finished);

  /// Stops every worker (one in a run drops it) and waits until each has said bye. Call it once, however the
  /// sweep ended, so that no rank is left waiting.
  void release();

  /// How many runs each rank was handed (rank 0: those it ran itself), for tests and reports.
  [[nodiscard]] const std::vector<std::int64_t>& runs_per_rank() const { return runs_per_rank_; }

 private:
  struct Worker {
    bool stop_sent = false;
    bool bye = false;
  };

  void send_stop(int rank);
  /// Answers a worker's message: its next run, or stop when there is none (or the sweep is stopping).
  void answer(int rank);

  Transport& transport_;
  int threads_;
  std::vector<Worker> workers_;
  std::vector<std::int64_t> runs_per_rank_;
  WorkQueue queue_;
};

}  // namespace scamsim::distributed
