#include "sim/serve/jobs.hpp"

#include <algorithm>
#include <random>

#include <fmt/format.h>

#include "sim/io/csv_export.hpp"
#include "sim/io/results.hpp"
#include "sim/io/run_file.hpp"
#include "sim/run/compare.hpp"
#include "sim/run/runner.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/serve/digest.hpp"

namespace scamsim::serve {

namespace fs = std::filesystem;

const char* state_name(JobState state) {
  switch (state) {
    case JobState::queued:
      return "queued";
    case JobState::running:
      return "running";
    case JobState::done:
      return "done";
    case JobState::failed:
      return "failed";
    case JobState::cancelled:
      return "cancelled";
    case JobState::evicted:
      return "evicted";
  }
  return "?";
}

struct JobServer::Job {
  std::string id;
  RunRequest request;
  scenario::Scenario changed;
  std::optional<scenario::Scenario> unchanged;  // none when nothing was changed: the pair would be identical
  std::string command;
  std::uint64_t memory_needed = 0;
  std::uint64_t disk_needed = 0;
  fs::path folder;
  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> steps_done{0};
  std::int64_t steps_total = 0;
  // Guarded by JobServer::mutex_.
  JobState state = JobState::queued;
  std::string message;
  std::string results;
  std::vector<std::string> csv_tables;
  CsvLookup::State csv = CsvLookup::State::missing;
  std::string csv_message;
  std::uint64_t disk_bytes = 0;
  std::uint64_t last_used = 0;
};

namespace {

// The tables export_run_csv writes for a run file (io/csv_export.hpp), listed before they are written.
const std::vector<std::string> run_csv_tables = {"series_by_country.csv", "series_global.csv", "metrics.csv",
                                                 "countries.csv", "about.csv"};

// Bytes under a folder.
std::uint64_t folder_bytes(const fs::path& folder) {
  std::uint64_t total = 0;
  std::error_code error;
  for (const auto& entry : fs::recursive_directory_iterator(folder, error)) {
    if (entry.is_regular_file(error)) total += entry.file_size(error);
  }
  return total;
}

// A run id: random, so that one client cannot guess another's runs, and in the only form lookups accept.
std::string new_id(std::uint64_t counter) {
  static const std::uint64_t key = [] {
    std::random_device device;
    return (static_cast<std::uint64_t>(device()) << 32) ^ device();
  }();
  std::uint64_t z = key + counter * 0x9E3779B97F4A7C15ull;  // splitmix64
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return fmt::format("{:016x}", z ^ (z >> 31));
}

}  // namespace

JobServer::JobServer(const JobLimits& limits, fs::path folder) : limits_(limits), folder_(std::move(folder)) {
  fs::create_directory(folder_);  // throws if it exists: the folder is ours alone
  fs::permissions(folder_, fs::perms::owner_all, fs::perm_options::replace);
  for (int i = 0; i < std::max(1, limits_.workers); ++i) workers_.emplace_back([this] { work(); });
}

JobServer::~JobServer() { shutdown(); }

void JobServer::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
    for (auto& [id, job] : jobs_) job->stop = true;
  }
  changed_.notify_all();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
  std::error_code error;
  fs::remove_all(folder_, error);
}

std::variant<std::string, Refusal> JobServer::submit(const RunRequest& request) {
  auto job = std::make_shared<Job>();
  job->request = request;
  try {
    job->changed = load_request(request, true);
    if (!request.changes.empty()) job->unchanged = load_request(request, false);
  } catch (const SetupError& e) {
    return Refusal{400, field_errors(e)};
  }
  const scenario::Scenario& s = job->changed;
  job->command = equivalent_command(request);
  job->memory_needed = io::estimate_run_memory_bytes(s, limits_.threads_per_run);
  // The file; its CSV export, when asked for, is counted then.
  job->disk_needed = io::estimate_run_file_bytes(s, s.run.replicates);
  job->steps_total = s.run.steps() * s.run.replicates * (job->unchanged ? 2 : 1);
  if (job->memory_needed > limits_.memory_cap_bytes || job->disk_needed > limits_.disk_cap_bytes) {
    return Refusal{400,
                   {{"replicates", fmt::format("this run needs about {} MiB of memory and {} MiB of disk; the server "
                                               "allows {} MiB and {} MiB (--memory-cap, --disk-cap)",
                                               job->memory_needed >> 20, job->disk_needed >> 20,
                                               limits_.memory_cap_bytes >> 20, limits_.disk_cap_bytes >> 20)}}};
  }
  std::lock_guard lock(mutex_);
  if (stopping_) return Refusal{503, {{"", "the server is shutting down"}}};
  if (queue_.size() >= limits_.max_queue)
    return Refusal{503, {{"", fmt::format("{} runs are waiting already; try again later", queue_.size())}}};
  do {
    job->id = new_id(next_id_++);
  } while (jobs_.contains(job->id));
  job->folder = folder_ / job->id;
  job->last_used = ++clock_;
  jobs_.emplace(job->id, job);
  queue_.push_back(job);
  changed_.notify_all();
  return job->id;
}

std::optional<JobStatus> JobServer::status(const std::string& id) {
  std::lock_guard lock(mutex_);
  const auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  const Job& job = *it->second;
  JobStatus status{job.state, 0, job.steps_done.load(), job.steps_total, job.message};
  if (job.state == JobState::queued) {
    const auto at = std::find(queue_.begin(), queue_.end(), it->second);
    status.position = static_cast<std::size_t>(at - queue_.begin()) + 1;
  }
  return status;
}

bool JobServer::cancel(const std::string& id) {
  std::lock_guard lock(mutex_);
  const auto it = jobs_.find(id);
  if (it == jobs_.end()) return false;
  Job& job = *it->second;
  job.stop = true;
  if (job.state == JobState::queued) {
    queue_.erase(std::find(queue_.begin(), queue_.end(), it->second));
    job.state = JobState::cancelled;
  }
  changed_.notify_all();
  return true;
}

std::optional<std::string> JobServer::results(const std::string& id) {
  std::lock_guard lock(mutex_);
  const auto it = jobs_.find(id);
  if (it == jobs_.end() || it->second->state != JobState::done) return std::nullopt;
  it->second->last_used = ++clock_;
  return it->second->results;
}

std::optional<std::string> JobServer::resolved_toml(const std::string& id) {
  std::lock_guard lock(mutex_);
  const auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  return it->second->changed.resolved_toml;
}

std::optional<std::pair<fs::path, std::string>> JobServer::results_file(const std::string& id) {
  std::lock_guard lock(mutex_);
  const auto it = jobs_.find(id);
  if (it == jobs_.end() || it->second->state != JobState::done) return std::nullopt;
  it->second->last_used = ++clock_;
  const std::string name = it->second->request.entry->id + ".h5";
  return std::pair{it->second->folder / name, name};
}

CsvLookup JobServer::csv_file(const std::string& id, const std::string& table) {
  std::lock_guard lock(mutex_);
  const auto it = jobs_.find(id);
  if (it == jobs_.end() || it->second->state != JobState::done) return {};
  Job& job = *it->second;
  // The name is compared with the tables listed, never joined to a path as given.
  const auto known = std::find(job.csv_tables.begin(), job.csv_tables.end(), table);
  if (known == job.csv_tables.end()) return {};
  job.last_used = ++clock_;
  switch (job.csv) {
    case CsvLookup::State::ready:
      return {CsvLookup::State::ready, job.folder / "csv" / *known, {}};
    case CsvLookup::State::failed:
      return {CsvLookup::State::failed, {}, job.csv_message};
    case CsvLookup::State::missing:
      job.csv = CsvLookup::State::preparing;
      exports_.push_back(it->second);
      changed_.notify_all();
      break;
    case CsvLookup::State::preparing:
      break;
  }
  return {CsvLookup::State::preparing, {}, {}};
}

std::string JobServer::usage_json() {
  std::lock_guard lock(mutex_);
  std::size_t running = 0;
  std::size_t kept = 0;
  for (const auto& [id, job] : jobs_) {
    running += job->state == JobState::running ? 1 : 0;
    kept += job->state == JobState::done ? 1 : 0;
  }
  return fmt::format(
      "{{\"workers\":{},\"running\":{},\"queued\":{},\"kept\":{},\"memory_in_flight_bytes\":{},"
      "\"memory_kept_bytes\":{},\"memory_cap_bytes\":{},\"disk_kept_bytes\":{},\"disk_cap_bytes\":{}}}",
      limits_.workers, running, queue_.size(), kept, memory_in_flight_, memory_kept_, limits_.memory_cap_bytes,
      disk_kept_, limits_.disk_cap_bytes);
}

void JobServer::forget(Job& job) {
  memory_kept_ -= std::min<std::uint64_t>(memory_kept_, job.results.size());
  disk_kept_ -= std::min<std::uint64_t>(disk_kept_, job.disk_bytes);
  job.results.clear();
  job.results.shrink_to_fit();
  job.csv_tables.clear();
  job.csv = CsvLookup::State::missing;
  job.disk_bytes = 0;
  job.state = JobState::evicted;
  std::error_code error;
  fs::remove_all(job.folder, error);
}

bool JobServer::make_room(std::uint64_t memory, std::uint64_t disk) {
  const auto fits = [&] {
    std::size_t kept = 0;
    for (const auto& [id, job] : jobs_) kept += job->state == JobState::done ? 1 : 0;
    return memory_in_flight_ + memory_kept_ + memory <= limits_.memory_cap_bytes &&
           disk_in_flight_ + disk_kept_ + disk <= limits_.disk_cap_bytes && kept < limits_.max_kept;
  };
  while (!fits()) {
    Job* oldest = nullptr;
    for (auto& [id, job] : jobs_) {
      const bool exporting = job->csv == CsvLookup::State::preparing;
      if (job->state == JobState::done && !exporting && (oldest == nullptr || job->last_used < oldest->last_used))
        oldest = job.get();
    }
    if (oldest == nullptr) return false;  // only runs in flight left: wait for one to end
    forget(*oldest);
  }
  return true;
}

void JobServer::work() {
  for (;;) {
    std::shared_ptr<Job> job;
    bool is_export = false;
    {
      std::unique_lock lock(mutex_);
      // An export first; else the first in the queue, once its memory and disk fit beside the runs in flight and
      // what is kept.
      changed_.wait(lock, [&] {
        return stopping_ || !exports_.empty() ||
               (!queue_.empty() && make_room(queue_.front()->memory_needed, queue_.front()->disk_needed));
      });
      if (stopping_) return;
      if (!exports_.empty()) {
        job = exports_.front();
        exports_.pop_front();
        is_export = true;
        // Its tables, about three times the run file (every value as text), count against the disk cap.
        make_room(0, 3 * job->disk_bytes);
        disk_in_flight_ += 3 * job->disk_bytes;
      } else {
        job = queue_.front();
        queue_.pop_front();
        job->state = JobState::running;
        memory_in_flight_ += job->memory_needed;
        disk_in_flight_ += job->disk_needed;
      }
    }
    if (is_export) {
      export_csv(*job);
      continue;
    }
    execute(*job);
    {
      std::lock_guard lock(mutex_);
      memory_in_flight_ -= job->memory_needed;
      disk_in_flight_ -= job->disk_needed;
      if (job->state == JobState::done) {
        memory_kept_ += job->results.size();
        disk_kept_ += job->disk_bytes;
      }
    }
    changed_.notify_all();
  }
}

void JobServer::export_csv(Job& job) {
  const fs::path file = job.folder / (job.request.entry->id + ".h5");
  const fs::path csv = job.folder / "csv";
  std::error_code ignored;
  std::vector<std::string> tables;
  std::string message;
  std::uint64_t reserved = 0;
  {
    std::lock_guard lock(mutex_);
    reserved = 3 * job.disk_bytes;
  }
  try {
    fs::create_directory(csv);
    // about.csv names the file as the client saved it, not where the server keeps it.
    for (const io::CsvTable& t : io::export_run_csv(io::read_results(file), file.filename(), csv))
      tables.push_back(t.file);
  } catch (const SetupError& e) {
    message = e.diagnostics().empty() ? e.what() : e.diagnostics().front().format();
  } catch (const std::exception& e) {
    message = fmt::format("internal error: {}", e.what());
  }
  if (!message.empty()) fs::remove_all(csv, ignored);
  const std::uint64_t bytes = folder_bytes(job.folder);
  {
    std::lock_guard lock(mutex_);
    disk_in_flight_ -= reserved;
    disk_kept_ += bytes - std::min(bytes, job.disk_bytes);
    job.disk_bytes = bytes;
    job.csv = message.empty() ? CsvLookup::State::ready : CsvLookup::State::failed;
    job.csv_message = message;
    if (message.empty()) job.csv_tables = tables;
  }
  changed_.notify_all();
}

void JobServer::execute(Job& job) {
  const auto finish = [&](JobState state, std::string message) {
    std::lock_guard lock(mutex_);
    job.state = state;
    job.message = std::move(message);
  };
  std::error_code ignored;
  try {
    fs::create_directory(job.folder);
    std::vector<run::OutcomeSpec> outcomes;
    if (job.unchanged) outcomes = run::headline_outcomes(*job.unchanged, job.changed);

    std::int64_t offset = 0;
    run::RunOptions options;
    options.threads = limits_.threads_per_run;
    options.stop = &job.stop;
    options.progress = [&job, &offset](std::int64_t done, std::int64_t /*total*/) { job.steps_done = offset + done; };

    // The changed scenario, into the file a client downloads, as `scamsim run` writes it.
    const fs::path file = job.folder / (job.request.entry->id + ".h5");
    RunDigest changed(job.changed, outcomes);
    {
      io::ResultsWriter writer(file, io::RunMetadata::from_scenario(job.changed, job.command));
      options.on_replicate = [&](std::size_t replicate, model::RunRecord&& record) {
        writer.write_replicate(static_cast<std::int64_t>(replicate), record);
        changed.add(record);
      };
      run::run_replicates(job.changed, options);
      writer.finish();
    }
    offset = job.changed.run.steps() * job.changed.run.replicates;

    // The unchanged scenario on the same seeds: replicate r of each is a pair (common random numbers).
    std::optional<RunDigest> unchanged;
    if (job.unchanged) {
      unchanged.emplace(*job.unchanged, outcomes);
      options.on_replicate = [&](std::size_t /*replicate*/, model::RunRecord&& record) { unchanged->add(record); };
      run::run_replicates(*job.unchanged, options);
    }

    const std::vector<std::string>& tables = run_csv_tables;

    std::string json =
        results_json(job.changed, changed, unchanged ? &*unchanged : nullptr, outcomes, job.command, tables);
    const std::uint64_t bytes = folder_bytes(job.folder);
    std::lock_guard lock(mutex_);
    job.results = std::move(json);
    job.csv_tables = tables;
    job.disk_bytes = bytes;
    job.steps_done = job.steps_total;
    job.state = JobState::done;
    job.last_used = ++clock_;
  } catch (const run::Interrupted&) {
    fs::remove_all(job.folder, ignored);
    finish(JobState::cancelled, "cancelled");
  } catch (const SetupError& e) {
    fs::remove_all(job.folder, ignored);
    finish(JobState::failed, e.diagnostics().empty() ? e.what() : e.diagnostics().front().format());
  } catch (const std::exception& e) {
    fs::remove_all(job.folder, ignored);
    finish(JobState::failed, fmt::format("internal error: {}", e.what()));
  }
}

}  // namespace scamsim::serve
