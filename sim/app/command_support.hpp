#pragma once
// What the long-running commands (run, calibrate, compare, sweep) share around their work: stopping on a
// signal and showing progress (their output file: output_file.hpp). Internal to the app module.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "sim/run/runner.hpp"

namespace scamsim::app {

/// Catches SIGINT and SIGTERM while it lives, so that work polling flag() stops at its next step and the
/// command can clean up and exit with 128 + the signal; restores the old handlers when it goes. The flag is
/// process-wide, as a signal handler needs, so only one catcher may live at a time.
class StopOnSignals {
 public:
  /// Installs the handlers and clears the flag.
  StopOnSignals();
  /// The same, and the first signal also writes "scamsim: interrupted by signal N; <announcement>" to stderr at
  /// once, from the handler: batch systems follow their SIGTERM with SIGKILL (mpirun after a second, Slurm after
  /// its KillWait), which can end the process before the command says how it stopped, and the job's log must
  /// still say that it was interrupted. At most max_announcement bytes.
  explicit StopOnSignals(std::string_view announcement);
  /// From now on a signal says nothing at once (it still sets the flag): for when the work that the announcement
  /// describes is over, and a signal no longer stops what it says it stops.
  void stop_announcing() const;
  /// The longest announcement: the handler writes from a fixed buffer, as it may not allocate.
  static constexpr std::size_t max_announcement = 1024;
  /// Puts back the handlers that were there before.
  ~StopOnSignals();
  StopOnSignals(const StopOnSignals&) = delete;
  StopOnSignals& operator=(const StopOnSignals&) = delete;

  /// The flag a signal sets, for RunOptions::stop and SweepRunOptions::stop.
  [[nodiscard]] const std::atomic<bool>* flag() const;
  /// Whether a signal has arrived.
  [[nodiscard]] bool requested() const;
  /// The last signal that arrived; 0 when none has.
  [[nodiscard]] int signal() const;
  /// 128 + the signal, the exit status shells give a process the signal killed.
  [[nodiscard]] int exit_code() const;
  /// Says that the signal stopped the command before it wrote anything; returns exit_code().
  int report_nothing_written(std::ostream& err) const;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

/// A duration for people, rounded to what matters at its size: "42s", "3m07s", "2h15m".
std::string duration(double seconds);

/// A one-line progress bar on a terminal, "[####......] label", redrawn at most five times a second; silent
/// when disabled (stderr is no terminal, or -q). Many threads may report at once: one that finds another
/// drawing skips its turn, as the next report redraws anyway.
class ProgressBar {
 public:
  /// `clear_width` columns are blanked by finish(): at least the widest line drawn.
  ProgressBar(std::ostream& err, bool enabled, std::size_t clear_width)
      : err_(err), enabled_(enabled), clear_width_(clear_width) {}

  /// Draws the bar `fraction` full, then `label(eta)`, eta being the seconds left at the rate so far (none
  /// before any progress). Skipped within 200 ms of the last draw unless `final`, so the first draw comes when
  /// the ETA means something.
  template <class Label>
  void draw(double fraction, bool final, const Label& label) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    std::unique_lock lock(mutex_, std::try_to_lock);
    if (!lock.owns_lock() || (now - last_ < std::chrono::milliseconds(200) && !final)) return;
    last_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const std::optional<double> eta =
        fraction > 0 ? std::optional<double>(elapsed * (1 - fraction) / fraction) : std::nullopt;
    constexpr int width = 30;
    const int filled = std::clamp(static_cast<int>(fraction * width), 0, width);
    err_ << fmt::format("\r[{}{}] {}", std::string(static_cast<std::size_t>(filled), '#'),
                        std::string(static_cast<std::size_t>(width - filled), '.'), label(eta))
         << std::flush;
    shown_ = true;
  }
  /// Blanks the line if anything was drawn, so that what follows starts on a clean line.
  void finish();

 private:
  std::ostream& err_;
  bool enabled_;
  std::size_t clear_width_;
  bool shown_ = false;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_ = start_;
};

/// The bar of the commands that run replicates (run, compare): percent and steps done of all of them, with ETA.
class StepProgress {
 public:
  /// Draws only when `enabled`.
  StepProgress(std::ostream& err, bool enabled) : bar_(err, enabled, 72) {}
  /// `done` of `total` steps are done; the last one is always drawn.
  void update(std::int64_t done, std::int64_t total);
  /// Blanks the bar.
  void finish() { bar_.finish(); }

 private:
  ProgressBar bar_;
};

/// Options for running replicates on `threads` threads, stopped by `signals` and shown by `bar`.
run::RunOptions replicate_options(int threads, const StopOnSignals& signals, StepProgress& bar);

/// Whether progress should be drawn: stderr is a terminal and -q was not given.
bool show_progress(bool quiet);

}  // namespace scamsim::app
