#include "sim/distributed/coordinator.hpp"

#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <exception>
#include <stdexcept>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "sim/core/error.hpp"
#include "sim/run/runner.hpp"

namespace scamsim::distributed {

namespace {

// How long the message loop waits for rank 0's own results before it polls the transport again.
constexpr auto poll_interval = std::chrono::microseconds(500);

}  // namespace

void WorkQueue::assign(std::span<const std::int64_t> runs) {
  const std::lock_guard lock(mutex_);
  runs_.assign(runs.begin(), runs.end());
  closed_ = false;
}

std::optional<std::int64_t> WorkQueue::take() {
  const std::lock_guard lock(mutex_);
  if (closed_ || runs_.empty()) return std::nullopt;
  const std::int64_t next = runs_.front();
  runs_.pop_front();
  return next;
}

void WorkQueue::close() {
  const std::lock_guard lock(mutex_);
  closed_ = true;
}

Coordinator::Coordinator(Transport& transport, int threads)
    : transport_(transport),
      threads_(threads),
      workers_(static_cast<std::size_t>(transport.size())),
      runs_per_rank_(static_cast<std::size_t>(transport.size()), 0) {}

void Coordinator::send_stop(int rank) {
  Worker& w = workers_[static_cast<std::size_t>(rank)];
  if (w.stop_sent) return;
  w.stop_sent = true;
  transport_.send(rank, Tag::stop, {});
}

void Coordinator::answer(int rank) {
  if (workers_[static_cast<std::size_t>(rank)].stop_sent) return;
  const std::optional<std::int64_t> next = queue_.take();
  if (!next) {
    send_stop(rank);
    return;
  }
  ++runs_per_rank_[static_cast<std::size_t>(rank)];
  transport_.send(rank, Tag::run, encode_index(*next));
}

void Coordinator::schedule(const sweep::SweepSpec& spec, const sweep::SweepPlan& plan,
                           std::span<const std::int64_t> todo, const sweep::SweepRunOptions& options,
                           const std::function<void(sweep::RunOutput&&)>& finished) {
  queue_.assign(todo);
  const auto stop_requested = [&] { return options.stop && options.stop->load(std::memory_order_relaxed); };

  // Rank 0's own runs, on a thread of their own so that this one stays free to answer the workers.
  std::atomic<bool> halt{false};
  std::mutex results_mutex;
  std::condition_variable results_ready;
  std::deque<sweep::RunOutput> local_results;
  std::exception_ptr local_failure;
  std::thread local([&] {
    try {
      tbb::task_arena arena(threads_);
      while (!halt) {
        const std::optional<std::int64_t> next = queue_.take();
        if (!next) break;
        {
          const std::lock_guard lock(results_mutex);
          ++runs_per_rank_[0];
        }
        sweep::RunOutput output;
        arena.execute([&] {
          output = sweep::execute_run(spec, plan.runs.at(static_cast<std::size_t>(*next)), &halt, options.on_step);
        });
        {
          const std::lock_guard lock(results_mutex);
          local_results.push_back(std::move(output));
        }
        results_ready.notify_one();
      }
    } catch (const run::Interrupted&) {
      // Stopping: the run in flight is dropped and will be redone by --resume.
    } catch (...) {
      const std::lock_guard lock(results_mutex);
      local_failure = std::current_exception();
    }
  });
  struct Joiner {
    std::atomic<bool>& halt;
    std::thread& thread;
    ~Joiner() {
      halt = true;
      thread.join();
    }
  } joiner{halt, local};

  std::size_t recorded = 0;
  std::exception_ptr failure;
  const std::int64_t steps = spec.base.run.steps();
  const auto record = [&](sweep::RunOutput&& output) {
    if (failure) return;
    try {
      finished(std::move(output));
      ++recorded;
    } catch (...) {
      failure = std::current_exception();
    }
  };
  const auto handle = [&](Message&& m) {
    switch (m.tag) {
      case Tag::ready:
        answer(m.source);
        break;
      case Tag::result: {
        answer(m.source);  // first, so the worker runs while this rank writes
        if (failure) break;
        sweep::RunOutput output;
        try {
          output = sweep::decode(m.bytes);
        } catch (const std::exception& e) {
          failure = std::make_exception_ptr(std::runtime_error(fmt::format("rank {}: {}", m.source, e.what())));
          break;
        }
        // The progress bar counts steps; a worker's arrive all at once with its run.
        if (options.on_step && output.status == sweep::RunStatus::done) {
          for (std::int64_t i = 0; i < steps; ++i) options.on_step();
        }
        record(std::move(output));
        break;
      }
      case Tag::error: {
        const auto [kind, text] = decode_error(m.bytes);
        if (!failure) {
          failure = kind == 's'
                        ? std::make_exception_ptr(SetupError(fmt::format(
                              "rank {} cannot load the sweep (does it see the same files?): {}", m.source, text)))
                        : std::make_exception_ptr(std::runtime_error(fmt::format("rank {}: {}", m.source, text)));
        }
        queue_.close();
        answer(m.source);
        break;
      }
      case Tag::interrupted:
        // A worker stopped by a signal stops the sweep as if this rank had got it: the command's own handler
        // sets the stop flag and remembers the signal for the exit code.
        queue_.close();
        std::raise(decode_signal(m.bytes));
        answer(m.source);
        break;
      case Tag::bye:
        workers_[static_cast<std::size_t>(m.source)].bye = true;
        break;
      case Tag::run:
      case Tag::stop:
        break;  // rank 0's own words: never sent to it
    }
  };

  while (recorded < todo.size() && !failure && !stop_requested()) {
    while (std::optional<Message> m = transport_.poll()) handle(std::move(*m));
    std::deque<sweep::RunOutput> ready;
    {
      std::unique_lock lock(results_mutex);
      results_ready.wait_for(lock, poll_interval, [&] { return !local_results.empty() || local_failure; });
      ready.swap(local_results);
      if (local_failure && !failure) failure = local_failure;
    }
    for (sweep::RunOutput& output : ready) record(std::move(output));
  }
  queue_.close();
  // Runs that finish from here on are dropped: the sweep is stopping (or done, and there are none).
  halt = true;
  if (failure) std::rethrow_exception(failure);
  if (stop_requested()) throw run::Interrupted();
}

void Coordinator::release() {
  queue_.close();
  for (int rank = 1; rank < static_cast<int>(workers_.size()); ++rank) send_stop(rank);
  const auto all_gone = [&] {
    return std::all_of(workers_.begin() + 1, workers_.end(), [](const Worker& w) { return w.bye; });
  };
  while (!all_gone()) {
    // What comes before a worker's bye (a result finished after the stop, its first message) is dropped.
    if (std::optional<Message> m = transport_.poll()) {
      if (m->tag == Tag::bye) workers_[static_cast<std::size_t>(m->source)].bye = true;
    } else {
      std::this_thread::sleep_for(poll_interval);
    }
  }
}

}  // namespace scamsim::distributed
