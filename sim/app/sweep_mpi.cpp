#include "sim/app/sweep_mpi.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <string_view>

#include <fmt/format.h>

#include "sim/core/error.hpp"

#ifdef SCAMSIM_HAVE_MPI
#include <mpi.h>
#include <signal.h>
#include <tbb/task_arena.h>

#include <atomic>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "sim/app/cli.hpp"
#include "sim/app/command_support.hpp"
#include "sim/run/runner.hpp"
#include "sim/sweep/sweep_runner.hpp"
#include "sim/sweep/sweep_spec.hpp"
#endif

namespace scamsim::app {

namespace {

/// A launcher's rank count from the environment; 1 when unset or not a positive number.
int ranks_from(const char* variable) {
  const char* text = std::getenv(variable);
  if (text == nullptr) return 1;
  const std::string_view s(text);
  int n = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  return ec == std::errc() && end == s.data() + s.size() && n > 0 ? n : 1;
}

}  // namespace

int launched_ranks() { return std::max(ranks_from("OMPI_COMM_WORLD_SIZE"), ranks_from("PMI_SIZE")); }

#ifndef SCAMSIM_HAVE_MPI

int mpi_sweep_command(const SweepCommandOptions& /*options*/, std::ostream& /*out*/, std::ostream& /*err*/) {
  throw SetupError(fmt::format(
      "this scamsim was built without MPI, but it runs as one of {} ranks (mpirun): every rank would run the whole "
      "sweep into the same file. Rebuild with OpenMPI installed (docs/CLUSTER.md), or run the sweep without mpirun",
      launched_ranks()));
}

#else

namespace {

// The protocol. Every message a worker sends but its last gets exactly one answer from rank 0, run or stop;
// stop is the last message rank 0 sends a worker, and the worker answers it with bye, its last. Rank 0 may
// also send stop unasked, to a worker in the middle of a run, which then drops the run.
enum Tag : int {
  tag_ready = 1,    ///< worker -> 0: loaded the sweep, give me a run
  tag_result,       ///< worker -> 0: an encoded RunOutput, give me the next run
  tag_error,        ///< worker -> 0: a problem that is not a failed run: kind ('s' setup, 'i' internal), text
  tag_interrupted,  ///< worker -> 0: a signal stopped my run: the signal (int)
  tag_bye,          ///< worker -> 0: stopped; nothing more comes from me
  tag_run,          ///< 0 -> worker: run this run (int64 index)
  tag_stop,         ///< 0 -> worker: no more runs; drop the one in flight and say bye
};

// Blocking MPI calls busy-poll a core, which the runs want: waits sleep between tests instead. Half a
// millisecond is far below a run's length and costs nothing measurable when idle.
constexpr auto poll_interval = std::chrono::microseconds(500);
// How often a worker in a run looks for an unasked stop: a probe is cheap, but not at every step of a fast run.
constexpr auto stop_probe_interval = std::chrono::milliseconds(20);

void wait_politely(MPI_Request& request, MPI_Status* status = MPI_STATUS_IGNORE) {
  int done = 0;
  MPI_Test(&request, &done, status);
  while (done == 0) {
    std::this_thread::sleep_for(poll_interval);
    MPI_Test(&request, &done, status);
  }
}

void send_bytes(const void* data, std::size_t size, int destination, int tag) {
  if (size > static_cast<std::size_t>(INT_MAX)) {
    throw std::length_error(fmt::format("a message of {} bytes is too long for MPI", size));
  }
  MPI_Request request = MPI_REQUEST_NULL;
  MPI_Isend(data, static_cast<int>(size), MPI_BYTE, destination, tag, MPI_COMM_WORLD, &request);
  wait_politely(request);
}

/// One received message.
struct Message {
  int source = 0;
  int tag = 0;
  std::vector<std::byte> bytes;
};

/// The next message from any rank, if one has arrived.
std::optional<Message> poll_message() {
  int flag = 0;
  MPI_Status status;
  MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status);
  if (flag == 0) return std::nullopt;
  int count = 0;
  MPI_Get_count(&status, MPI_BYTE, &count);
  Message m{status.MPI_SOURCE, status.MPI_TAG, std::vector<std::byte>(static_cast<std::size_t>(count))};
  MPI_Recv(m.bytes.data(), count, MPI_BYTE, m.source, m.tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return m;
}

/// MPI for the lifetime of the command. Only the thread that created it calls MPI (rank 0's runs and every
/// rank's engine threads never do), which is what MPI_THREAD_FUNNELED promises.
class MpiSession {
 public:
  MpiSession() {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  /// Waits (without spinning) until every rank is here, then finalises.
  ~MpiSession() {
    MPI_Request request = MPI_REQUEST_NULL;
    MPI_Ibarrier(MPI_COMM_WORLD, &request);
    wait_politely(request);
    MPI_Finalize();
  }
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  [[nodiscard]] int rank() const { return rank_; }
  [[nodiscard]] int size() const { return size_; }

  /// Rank 0's exit code, to every rank.
  static int share_exit_code(int code) {
    MPI_Request request = MPI_REQUEST_NULL;
    MPI_Ibcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD, &request);
    wait_politely(request);
    return code;
  }

 private:
  int rank_ = 0;
  int size_ = 1;
};

// ---------------------------------------------------------------- worker ranks

void send_error(char kind, const std::string& text) {
  std::string payload(1, kind);
  payload += text;
  send_bytes(payload.data(), payload.size(), 0, tag_error);
}

void send_signal(int signal) { send_bytes(&signal, sizeof signal, 0, tag_interrupted); }

/// A worker: loads the sweep itself (every rank sees the same files), then runs what rank 0 hands it until
/// told to stop. Prints nothing: rank 0 reports everything.
void run_worker(const SweepCommandOptions& o) {
  // SIGINT and SIGTERM on a worker stop its run at the next step; rank 0 then stops the sweep.
  const StopOnSignals signals;
  std::optional<sweep::SweepSpec> spec;
  std::optional<sweep::SweepPlan> plan;
  // --check and --print-run are rank 0's alone; this rank is only told to stop.
  if (!o.check && o.print_run < 0) {
    try {
      spec.emplace(sweep::load_sweep(o.file, o.overrides));
      plan.emplace(sweep::plan_sweep(*spec));
    } catch (const SetupError& e) {
      send_error('s', e.what());
      spec.reset();
    } catch (const std::exception& e) {
      send_error('i', e.what());
      spec.reset();
    }
  }
  if (spec || o.check || o.print_run >= 0) send_bytes(nullptr, 0, 0, tag_ready);

  tbb::task_arena arena(run::effective_threads(o.threads));
  for (;;) {
    std::int64_t index = -1;
    MPI_Request request = MPI_REQUEST_NULL;
    MPI_Status status;
    MPI_Irecv(&index, 1, MPI_INT64_T, 0, MPI_ANY_TAG, MPI_COMM_WORLD, &request);
    wait_politely(request, &status);
    if (status.MPI_TAG == tag_stop) break;
    if (signals.requested()) {
      send_signal(signals.signal());
      continue;
    }
    if (!spec || index < 0 || index >= static_cast<std::int64_t>(plan->runs.size())) {
      send_error('i', fmt::format("rank 0 asked for run {}, which this rank does not have", index));
      continue;
    }
    // A stop from rank 0 in the middle of the run is looked for between steps (this thread is the one that
    // calls MPI); the run is then dropped.
    std::atomic<bool> halt{false};
    bool told_to_stop = false;
    auto last_probe = std::chrono::steady_clock::now();
    const auto on_step = [&] {
      if (signals.requested()) halt = true;
      const auto now = std::chrono::steady_clock::now();
      if (now - last_probe < stop_probe_interval) return;
      last_probe = now;
      int flag = 0;
      MPI_Iprobe(0, tag_stop, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
      if (flag == 0) return;
      std::int64_t ignored = 0;
      MPI_Recv(&ignored, 1, MPI_INT64_T, 0, tag_stop, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      told_to_stop = true;
      halt = true;
    };
    try {
      sweep::RunOutput output;
      arena.execute(
          [&] { output = sweep::execute_run(*spec, plan->runs[static_cast<std::size_t>(index)], &halt, on_step); });
      if (told_to_stop) break;  // the stop came during the run's last step: rank 0 wants no result
      const std::vector<std::byte> bytes = sweep::encode(output);
      send_bytes(bytes.data(), bytes.size(), 0, tag_result);
    } catch (const run::Interrupted&) {
      if (told_to_stop) break;
      send_signal(signals.signal());
    } catch (const std::exception& e) {
      send_error('i', e.what());
    }
  }
  send_bytes(nullptr, 0, 0, tag_bye);
}

// ---------------------------------------------------------------- rank 0

/// Rank 0's work queue and its side of the protocol.
class Master {
 public:
  Master(int ranks, int threads) : workers_(static_cast<std::size_t>(ranks)), threads_(threads) {}

  /// The scheduler of sweep_command (run_sweep's contract): rank 0 runs runs on its own threads, one at a time,
  /// while its main thread hands the others theirs and records every result.
  void schedule(const sweep::SweepSpec& spec, const sweep::SweepPlan& plan, std::span<const std::int64_t> todo,
                const sweep::SweepRunOptions& options, const std::function<void(sweep::RunOutput&&)>& finished);

  /// Stops every worker (a worker in a run drops it) and waits until each has said bye. Called once, however the
  /// command ended, so that no rank is left waiting.
  void release();

 private:
  struct Worker {
    bool stop_sent = false;
    bool bye = false;
  };

  std::optional<std::int64_t> take() {
    const std::lock_guard lock(queue_mutex_);
    if (closed_ || queue_.empty()) return std::nullopt;
    const std::int64_t next = queue_.front();
    queue_.pop_front();
    return next;
  }
  void close_queue() {
    const std::lock_guard lock(queue_mutex_);
    closed_ = true;
  }
  void send_stop(int rank) {
    Worker& w = workers_[static_cast<std::size_t>(rank)];
    if (w.stop_sent) return;
    w.stop_sent = true;
    std::int64_t nothing = 0;
    MPI_Send(&nothing, 0, MPI_INT64_T, rank, tag_stop, MPI_COMM_WORLD);
  }
  /// Answers a worker's message: its next run, or stop when there is none (or the sweep is stopping).
  void answer(int rank) {
    if (workers_[static_cast<std::size_t>(rank)].stop_sent) return;
    const std::optional<std::int64_t> next = take();
    if (!next) {
      send_stop(rank);
      return;
    }
    std::int64_t index = *next;
    MPI_Send(&index, 1, MPI_INT64_T, rank, tag_run, MPI_COMM_WORLD);
  }

  std::vector<Worker> workers_;
  int threads_;
  std::mutex queue_mutex_;
  std::deque<std::int64_t> queue_;
  bool closed_ = false;
};

void Master::schedule(const sweep::SweepSpec& spec, const sweep::SweepPlan& plan, std::span<const std::int64_t> todo,
                      const sweep::SweepRunOptions& options, const std::function<void(sweep::RunOutput&&)>& finished) {
  {
    const std::lock_guard lock(queue_mutex_);
    queue_.assign(todo.begin(), todo.end());
  }
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
        const std::optional<std::int64_t> next = take();
        if (!next) break;
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
      case tag_ready:
        answer(m.source);
        break;
      case tag_result: {
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
      case tag_error: {
        const char kind = m.bytes.empty() ? 'i' : static_cast<char>(m.bytes.front());
        const std::string text(reinterpret_cast<const char*>(m.bytes.data()) + (m.bytes.empty() ? 0 : 1),
                               m.bytes.empty() ? 0 : m.bytes.size() - 1);
        if (!failure) {
          failure = kind == 's'
                        ? std::make_exception_ptr(SetupError(fmt::format(
                              "rank {} cannot load the sweep (does it see the same files?): {}", m.source, text)))
                        : std::make_exception_ptr(std::runtime_error(fmt::format("rank {}: {}", m.source, text)));
        }
        close_queue();
        answer(m.source);
        break;
      }
      case tag_interrupted: {
        int sig = SIGTERM;
        if (m.bytes.size() == sizeof sig) std::memcpy(&sig, m.bytes.data(), sizeof sig);
        if (sig != SIGINT && sig != SIGTERM) sig = SIGTERM;
        // A worker stopped by a signal stops the sweep as if this rank had got it: the command's own handler
        // sets the stop flag and remembers the signal for the exit code.
        close_queue();
        std::raise(sig);
        answer(m.source);
        break;
      }
      case tag_bye:
        workers_[static_cast<std::size_t>(m.source)].bye = true;
        break;
      default:
        break;
    }
  };

  while (recorded < todo.size() && !failure && !stop_requested()) {
    while (std::optional<Message> m = poll_message()) handle(std::move(*m));
    std::deque<sweep::RunOutput> ready;
    {
      std::unique_lock lock(results_mutex);
      results_ready.wait_for(lock, poll_interval, [&] { return !local_results.empty() || local_failure; });
      ready.swap(local_results);
      if (local_failure && !failure) failure = local_failure;
    }
    for (sweep::RunOutput& output : ready) record(std::move(output));
  }
  close_queue();
  // Runs that finish from here on are dropped: the sweep is stopping (or done, and there are none).
  halt = true;
  if (failure) std::rethrow_exception(failure);
  if (stop_requested()) throw run::Interrupted();
}

void Master::release() {
  close_queue();
  for (int rank = 1; rank < static_cast<int>(workers_.size()); ++rank) send_stop(rank);
  const auto all_gone = [&] {
    return std::all_of(workers_.begin() + 1, workers_.end(), [](const Worker& w) { return w.bye; });
  };
  while (!all_gone()) {
    // What comes before a worker's bye (a result finished after the stop, its first message) is dropped.
    if (std::optional<Message> m = poll_message()) {
      if (m->tag == tag_bye) workers_[static_cast<std::size_t>(m->source)].bye = true;
    } else {
      std::this_thread::sleep_for(poll_interval);
    }
  }
}

}  // namespace

int mpi_sweep_command(const SweepCommandOptions& o, std::ostream& out, std::ostream& err) {
  const MpiSession mpi;
  if (mpi.rank() != 0) {
    try {
      run_worker(o);
    } catch (const std::exception& e) {
      // Last resort: the protocol itself broke on this rank, and rank 0 cannot be told. Say why, end the job.
      err << fmt::format("scamsim: rank {}: internal error: {}\n", mpi.rank(), e.what()) << std::flush;
      MPI_Abort(MPI_COMM_WORLD, exit_internal_error);
    }
    return MpiSession::share_exit_code(exit_ok);
  }

  Master master(mpi.size(), run::effective_threads(o.threads));
  int code = exit_internal_error;
  std::exception_ptr error;
  try {
    code = sweep_command(
        o, out, err,
        [&master](const sweep::SweepSpec& spec, const sweep::SweepPlan& plan, std::span<const std::int64_t> todo,
                  const sweep::SweepRunOptions& options, const std::function<void(sweep::RunOutput &&)>& finished) {
          master.schedule(spec, plan, todo, options, finished);
        },
        fmt::format("{} ranks x {} threads", mpi.size(), run::effective_threads(o.threads)));
  } catch (const SetupError&) {
    code = exit_input_error;
    error = std::current_exception();
  } catch (...) {
    code = exit_internal_error;
    error = std::current_exception();
  }
  try {
    master.release();
  } catch (const std::exception& e) {
    err << fmt::format("scamsim: internal error: cannot stop the other ranks: {}\n", e.what()) << std::flush;
    MPI_Abort(MPI_COMM_WORLD, exit_internal_error);
  }
  MpiSession::share_exit_code(code);
  // The command's message is printed by the caller, once, after every rank has stopped.
  if (error) std::rethrow_exception(error);
  return code;
}

#endif

}  // namespace scamsim::app
