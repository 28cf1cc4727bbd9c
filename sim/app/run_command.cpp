#include "sim/app/run_command.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <ostream>

#include <fmt/format.h>

#include "sim/app/cli.hpp"
#include "sim/core/error.hpp"
#include "sim/io/compare_results.hpp"
#include "sim/io/h5.hpp"
#include "sim/io/results.hpp"
#include "sim/io/sweep_results.hpp"
#include "sim/run/calibration.hpp"
#include "sim/run/runner.hpp"
#include "sim/scenario/loader.hpp"

namespace scamsim::app {

namespace fs = std::filesystem;

namespace {

std::atomic<bool> stop_requested{false};
std::atomic<int> stop_signal{0};

extern "C" void on_stop_signal(int signal) {
  stop_signal = signal;
  stop_requested = true;
}

/// Catches SIGINT and SIGTERM for the lifetime of a run, so the run stops at
/// the next step and its temporary file is removed; restores the old handlers.
class StopOnSignals {
 public:
  StopOnSignals() {
    stop_requested = false;
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
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

/// Removes a file when it goes out of scope unless released.
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
    const int filled = static_cast<int>(fraction * width);
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
  std::chrono::steady_clock::time_point last_ = start_;  // first drawn after 200 ms, when the ETA means something
};

}  // namespace

int run_command(const RunCommandOptions& o, std::ostream& out, std::ostream& err) {
  if (o.scenario.empty()) throw SetupError("the scenario file name is empty");
  if (o.output.empty()) throw SetupError("-o/--output: the output file name is empty");
  const fs::path output = fs::absolute(o.output);
  if (!fs::is_directory(output.parent_path())) {
    throw SetupError(fmt::format("-o/--output: the folder '{}' does not exist", output.parent_path().string()));
  }
  if (fs::exists(output) && !o.force) {
    throw SetupError(fmt::format("-o/--output: '{}' exists; add --force to overwrite it", o.output));
  }
  if (o.threads < 0) throw SetupError("--threads: must be 0 (all cores) or more");

  std::vector<std::string> overrides = o.overrides;
  if (o.seed >= 0) overrides.push_back(fmt::format("run.seed={}", o.seed));
  if (o.replicates >= 0) overrides.push_back(fmt::format("run.replicates={}", o.replicates));
  const scenario::Scenario s = scenario::load_scenario(o.scenario, overrides);

  const StopOnSignals signals;
  ProgressBar bar(err, !o.quiet && isatty(STDERR_FILENO) != 0);
  run::RunOptions options;
  options.threads = o.threads;
  options.stop = &stop_requested;
  options.progress = [&bar](std::int64_t done, std::int64_t total) { bar.update(done, total); };

  run::RunResult result;
  try {
    result = run::run_replicates(s, options);
  } catch (const run::Interrupted&) {
    bar.finish();
    err << fmt::format("scamsim: interrupted by signal {}; no results written\n", stop_signal.load());
    return 128 + stop_signal.load();
  }
  bar.finish();

  // Written beside the target, renamed into place only when complete, so a
  // crash or a signal never leaves a partial file or touches an old one.
  TemporaryFile temporary(output.parent_path() / fmt::format(".{}.tmp-{}", output.filename().string(), getpid()));
  try {
    io::ResultsWriter writer(temporary.path(), io::RunMetadata::from_scenario(s, o.command_line));
    for (std::size_t r = 0; r < result.replicates.size(); ++r) {
      writer.write_replicate(static_cast<std::int64_t>(r), result.replicates[r]);
    }
    writer.finish();
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
  fs::rename(temporary.path(), output);
  temporary.release();

  if (!o.quiet) {
    out << fmt::format(
        "scamsim: {} replicate{} x {} steps in {:.2f} s ({:.0f} M worker-steps/s, {} threads); wrote {}\n",
        s.run.replicates, s.run.replicates == 1 ? "" : "s", s.run.steps(), result.seconds,
        result.worker_steps / std::max(result.seconds, 1e-9) / 1e6, run::effective_threads(o.threads), o.output);
  }
  return exit_ok;
}

int calibrate_command(const CalibrateOptions& o, std::ostream& out, std::ostream& err) {
  const run::CalibrationSpec spec = run::load_calibration(o.file, o.overrides);
  if (o.check) {
    out << fmt::format("{}: {} parameters, {} targets, {} replicates at scale {:g}; valid.\n", o.file,
                       spec.parameters.size(), spec.targets.size(), spec.replicates, spec.scale);
    return exit_ok;
  }
  if (o.output.empty()) throw SetupError("-o/--output: name the file to write the fitted scenario to");
  const fs::path output = fs::absolute(o.output);
  if (!fs::is_directory(output.parent_path())) {
    throw SetupError(fmt::format("-o/--output: the folder '{}' does not exist", output.parent_path().string()));
  }
  if (fs::exists(output) && !o.force) {
    throw SetupError(fmt::format("-o/--output: '{}' exists; add --force to overwrite it", o.output));
  }
  const bool show = !o.quiet && isatty(STDERR_FILENO) != 0;
  const auto result = run::calibrate(spec, o.threads, [&](int evaluations, double best) {
    if (show)
      err << fmt::format("\rcalibrate: {} of at most {} evaluations, best objective {:.4g}   ", evaluations,
                         spec.max_evaluations, best)
          << std::flush;
  });
  if (show) err << "\n";
  TemporaryFile temporary(output.parent_path() / fmt::format(".{}.tmp-{}", output.filename().string(), getpid()));
  {
    std::ofstream file(temporary.path());
    file << run::fitted_scenario_toml(spec, result, output, o.command_line);
    if (!file) throw SetupError(fmt::format("-o/--output: cannot write '{}'", o.output));
  }
  fs::rename(temporary.path(), output);
  temporary.release();
  out << run::format_fit(spec, result) << fmt::format("wrote {}\n", o.output);
  return exit_ok;
}

int summary_command(const std::string& path, std::ostream& out) {
  // Sweep and comparison files say what they are; anything else goes to the results reader, whose errors
  // name the problem.
  const std::string kind = io::file_kind(path);
  if (kind == "sweep") {
    out << io::summarize_sweep(io::read_sweep(path));
    return exit_ok;
  }
  if (kind == "compare") {
    out << io::summarize_compare(io::read_compare(path));
    return exit_ok;
  }
  out << io::summarize(io::read_results(path));
  return exit_ok;
}

}  // namespace scamsim::app
