#pragma once
// The explorer's runs: a queue served by a fixed pool of worker threads, each run written into a folder the
// server owns (its HDF5 file and CSV export) and reduced for the page (digest.hpp); finished runs are kept within
// a memory and a disk cap, the least recently used evicted first. Nothing here knows HTTP. Internal to the serve
// module.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "sim/scenario/spec.hpp"
#include "sim/serve/levers.hpp"

namespace scamsim::serve {

/// Where a run is.
enum class JobState : unsigned char { queued, running, done, failed, cancelled, evicted };

/// The name of a state in the API.
const char* state_name(JobState state);

/// How the pool runs and what it keeps.
struct JobLimits {
  int workers = 2;                              ///< runs at once
  int threads_per_run = 1;                      ///< the engine's threads for each
  std::size_t max_queue = 64;                   ///< runs waiting; more are refused (503)
  std::uint64_t memory_cap_bytes = 4ull << 30;  ///< runs in flight (estimated) and results kept
  std::uint64_t disk_cap_bytes = 2ull << 30;    ///< result files kept
  std::size_t max_kept = 100;                   ///< finished runs kept, whatever their size
};

/// What a client sees of a run.
struct JobStatus {
  JobState state = JobState::queued;
  std::size_t position = 0;  ///< 1-based place in the queue while queued
  std::int64_t steps_done = 0;
  std::int64_t steps_total = 0;
  std::string message;  ///< why it failed
};

/// Where a run's CSV export is: written when first asked for (it is larger than the run's file and takes longer
/// to write than the run itself, and few runs are ever exported), on the pool, as runs are.
struct CsvLookup {
  enum class State : unsigned char { missing, preparing, ready, failed } state = State::missing;
  std::filesystem::path file;  ///< when ready
  std::string message;         ///< when failed
};

/// A refused submission: its HTTP status and problems.
struct Refusal {
  int status = 400;
  std::vector<FieldError> errors;
};

/// The run queue and its pool.
class JobServer {
 public:
  /// Creates `folder` (which must not exist; the server removes it at the end) and starts the workers.
  JobServer(const JobLimits& limits, std::filesystem::path folder);
  /// Stops every run and removes the folder.
  ~JobServer();
  JobServer(const JobServer&) = delete;
  JobServer& operator=(const JobServer&) = delete;

  /// Queues a checked request: loads its scenarios (the changed one and, with changes, the unchanged one with
  /// the same run settings) and refuses what cannot fit; returns the new run's id or the refusal.
  std::variant<std::string, Refusal> submit(const RunRequest& request);
  /// The status of run `id`, or nullopt for an id never given (or forgotten after eviction long ago).
  std::optional<JobStatus> status(const std::string& id);
  /// Stops a queued or running run; false if there is no such run.
  bool cancel(const std::string& id);
  /// The page's JSON of a finished run; nullopt when not done.
  std::optional<std::string> results(const std::string& id);
  /// The resolved TOML of the changed scenario.
  std::optional<std::string> resolved_toml(const std::string& id);
  /// A finished run's HDF5 file and the name to save it as.
  std::optional<std::pair<std::filesystem::path, std::string>> results_file(const std::string& id);
  /// One table of a finished run's CSV export, by its name as listed in the results (never a path); the first
  /// request starts the export and answers `preparing`.
  CsvLookup csv_file(const std::string& id, const std::string& table);
  /// Runs, memory and disk in use, as JSON for /api/status.
  std::string usage_json();
  /// Stops every run, waits for the workers and removes the folder; idempotent.
  void shutdown();

 private:
  struct Job;
  void work();
  void execute(Job& job);
  void export_csv(Job& job);
  bool make_room(std::uint64_t memory, std::uint64_t disk);  // with mutex_ held
  void forget(Job& job);                                     // with mutex_ held

  JobLimits limits_;
  std::filesystem::path folder_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, std::shared_ptr<Job>> jobs_;
  std::deque<std::shared_ptr<Job>> queue_;
  std::deque<std::shared_ptr<Job>> exports_;  // CSV exports asked for, served before runs: someone is waiting
  std::vector<std::thread> workers_;
  bool stopping_ = false;
  std::uint64_t memory_in_flight_ = 0;
  std::uint64_t disk_in_flight_ = 0;
  std::uint64_t memory_kept_ = 0;
  std::uint64_t disk_kept_ = 0;
  std::uint64_t clock_ = 0;  // ticks of use, for least-recently-used eviction
  std::uint64_t next_id_ = 0;
};

}  // namespace scamsim::serve
