#include "sim/app/compare_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <mutex>
#include <ostream>

#include <fmt/format.h>

#include "sim/app/cli.hpp"
#include "sim/core/error.hpp"
#include "sim/io/compare_results.hpp"
#include "sim/io/h5.hpp"
#include "sim/io/sweep_results.hpp"
#include "sim/run/compare.hpp"
#include "sim/run/runner.hpp"
#include "sim/scenario/loader.hpp"

namespace scamsim::app {

namespace fs = std::filesystem;

namespace {

std::atomic<bool> stop_requested{false};
std::atomic<int> stop_signal{0};

extern "C" void on_compare_stop_signal(int signal) {
  stop_signal = signal;
  stop_requested = true;
}

/// Catches SIGINT and SIGTERM while the pairs run, so they stop at the next step and nothing is written;
/// restores the old handlers.
class StopOnSignals {
 public:
  StopOnSignals() {
    stop_requested = false;
    struct sigaction action {};
    action.sa_handler = on_compare_stop_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
  }
  ~StopOnSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  StopOnSignals(const StopOnSignals&) = delete;
  StopOnSignals& operator=(const StopOnSignals&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

/// Removes a file when it goes out of scope unless released, so an error or a signal leaves nothing behind.
class TemporaryFile {
 public:
  explicit TemporaryFile(fs::path path) : path_(std::move(path)) {}
  ~TemporaryFile() {
    std::error_code ec;
    if (!path_.empty()) fs::remove(path_, ec);
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  [[nodiscard]] const fs::path& path() const { return path_; }
  void release() { path_.clear(); }

 private:
  fs::path path_;
};

/// A progress bar with ETA on a terminal; silent elsewhere.
class ProgressBar {
 public:
  ProgressBar(std::ostream& err, bool enabled) : err_(err), enabled_(enabled) {}
  void update(std::int64_t done, std::int64_t total) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    std::unique_lock lock(mutex_, std::try_to_lock);
    if (!lock.owns_lock() || (now - last_ < std::chrono::milliseconds(200) && done < total)) return;
    last_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double fraction = static_cast<double>(done) / static_cast<double>(std::max<std::int64_t>(1, total));
    const double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0;
    constexpr int width = 30;
    const int filled = std::clamp(static_cast<int>(fraction * width), 0, width);
    err_ << fmt::format("\r[{}{}] {:3.0f}%  step {}/{}  ETA {:.1f} s ",
                        std::string(static_cast<std::size_t>(filled), '#'),
                        std::string(static_cast<std::size_t>(width - filled), '.'), fraction * 100, done, total, eta)
         << std::flush;
    shown_ = true;
  }
  void finish() {
    if (shown_) err_ << "\r" << std::string(72, ' ') << "\r" << std::flush;
  }

 private:
  std::ostream& err_;
  bool enabled_;
  bool shown_ = false;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_ = start_;
};

bool same_file(const fs::path& a, const std::string& b) {
  std::error_code ec;
  return fs::equivalent(a, b, ec) && !ec;
}

}  // namespace

int compare_command(const CompareCommandOptions& o, std::ostream& out, std::ostream& err) {
  if (o.scenario_a.empty() || o.scenario_b.empty()) throw SetupError("a scenario file name is empty");
  if (o.output.empty()) throw SetupError("-o/--output: the output file name is empty");
  const fs::path output = fs::absolute(o.output);
  if (!fs::is_directory(output.parent_path())) {
    throw SetupError(fmt::format("-o/--output: the folder '{}' does not exist", output.parent_path().string()));
  }
  if (same_file(output, o.scenario_a) || same_file(output, o.scenario_b)) {
    throw SetupError(fmt::format("-o/--output: '{}' is one of the scenarios being compared", o.output));
  }
  if (fs::exists(output) && !o.force) {
    throw SetupError(fmt::format("-o/--output: '{}' exists; add --force to overwrite it", o.output));
  }
  if (o.threads < 0) throw SetupError("--threads: must be 0 (all cores) or more");
  if (o.replicates < 2) throw SetupError("--replicates: a confidence interval needs at least 2 pairs");
  if (!(o.confidence > 0 && o.confidence < 1)) {
    throw SetupError(fmt::format("--confidence: {} is not a level in (0, 1), e.g. 0.95", o.confidence));
  }

  // Both sides get the same run.seed and replicates, so replicate r of each draws the same random streams.
  std::vector<std::string> overrides_a = o.overrides;
  overrides_a.push_back(fmt::format("run.replicates={}", o.replicates));
  if (o.seed >= 0) overrides_a.push_back(fmt::format("run.seed={}", o.seed));
  const scenario::Scenario a = scenario::load_scenario(o.scenario_a, overrides_a);
  std::vector<std::string> overrides_b = o.overrides;
  overrides_b.push_back(fmt::format("run.replicates={}", o.replicates));
  overrides_b.push_back(fmt::format("run.seed={}", a.run.seed));
  const scenario::Scenario b = scenario::load_scenario(o.scenario_b, overrides_b);
  run::check_comparable(a, o.scenario_a, b, o.scenario_b);
  const std::vector<run::OutcomeSpec> outcomes =
      o.outcomes_file.empty() ? run::headline_outcomes(a, b) : run::load_outcomes(o.outcomes_file, a);

  const StopOnSignals signals;
  ProgressBar bar(err, !o.quiet && isatty(STDERR_FILENO) != 0);
  run::RunOptions options;
  options.threads = o.threads;
  options.stop = &stop_requested;
  options.progress = [&bar](std::int64_t done, std::int64_t total) { bar.update(done, total); };
  const auto start = std::chrono::steady_clock::now();
  run::PairedRuns runs;
  try {
    runs = run::run_pairs(a, b, outcomes, options);
  } catch (const run::Interrupted&) {
    bar.finish();
    err << fmt::format("scamsim: interrupted by signal {}; no results written\n", stop_signal.load());
    return 128 + stop_signal.load();
  }
  bar.finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  io::CompareResults results;
  results.command_line = o.command_line;
  results.name_a = a.name;
  results.name_b = b.name;
  results.file_a = o.scenario_a;
  results.file_b = o.scenario_b;
  results.toml_a = a.resolved_toml;
  results.toml_b = b.resolved_toml;
  results.seed = a.run.seed;
  results.pairs = a.run.replicates;
  results.confidence = o.confidence;
  results.start_date = a.run.start_date;
  results.dt_days = a.run.dt_days;
  results.steps = a.run.steps();
  results.a = std::move(runs.a);
  results.b = std::move(runs.b);
  io::fill_outcomes(results, outcomes);
  io::stamp(results);

  // Written beside the target, renamed into place only when complete, so a crash or a signal never leaves
  // a partial file or touches an old one.
  TemporaryFile temporary(output.parent_path() / fmt::format(".{}.tmp-{}", output.filename().string(), getpid()));
  try {
    io::write_compare(temporary.path(), results);
  } catch (const io::h5::Error& e) {
    throw SetupError(fmt::format("-o/--output: cannot write '{}': {}", o.output, e.what()));
  }
  if (stop_requested) {
    err << fmt::format("scamsim: interrupted by signal {}; no results written\n", stop_signal.load());
    return 128 + stop_signal.load();
  }
  if (fs::exists(output) && !o.force) {
    throw SetupError(fmt::format("-o/--output: '{}' appeared during the run; add --force to overwrite it", o.output));
  }
  io::publish(temporary.path(), output);
  temporary.release();

  // The table is the command's result, printed even with -q (which silences only the progress and this line).
  out << io::summarize_compare(results);
  if (!o.quiet) {
    out << fmt::format("\nscamsim: {} pairs x {} steps in {:.2f} s ({} threads); wrote {}\n", results.pairs,
                       results.steps, seconds, run::effective_threads(o.threads), o.output);
  }
  return exit_ok;
}

}  // namespace scamsim::app
