#include "sim/app/command_support.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <string_view>

namespace scamsim::app {

namespace {

// A signal handler may only touch lock-free atomics, so the state is global rather than in the catcher.
std::atomic<bool> stop_requested{false};
std::atomic<int> stop_signal{0};
// What the first signal writes to stderr (StopOnSignals(announcement)): written before the handlers are installed
// and only read by them; a length of 0 writes nothing.
char announcement_text[StopOnSignals::max_announcement];
std::atomic<std::size_t> announcement_length{0};
// On a terminal the line may land in the middle of a progress bar: it then starts on a line of its own.
std::atomic<bool> announce_on_new_line{false};

/// Writes "scamsim: interrupted by signal N; " and the announcement to stderr with write(2), the one output
/// call a signal handler may make: no allocation, no locks, no stream.
void announce(int signal) {
  const std::size_t length = announcement_length.load();
  if (length == 0) return;
  constexpr std::string_view head = "scamsim: interrupted by signal ";
  char line[1 + head.size() + 16 + StopOnSignals::max_announcement + 1];
  std::size_t n = 0;
  if (announce_on_new_line.load()) line[n++] = '\n';
  n += head.copy(line + n, head.size());
  char digits[12];
  std::size_t d = 0;
  for (unsigned value = static_cast<unsigned>(signal); d == 0 || value > 0; value /= 10) {
    digits[d++] = static_cast<char>('0' + value % 10);
  }
  while (d > 0) line[n++] = digits[--d];
  line[n++] = ';';
  line[n++] = ' ';
  for (std::size_t i = 0; i < length; ++i) line[n++] = announcement_text[i];
  line[n++] = '\n';
  for (std::size_t written = 0; written < n;) {
    const ssize_t w = write(STDERR_FILENO, line + written, n - written);
    if (w <= 0) return;  // nowhere to say it: the command's own message still follows
    written += static_cast<std::size_t>(w);
  }
}

extern "C" void on_stop_signal(int signal) {
  int none = 0;
  stop_signal.compare_exchange_strong(none, signal);  // the first signal names the exit status; set before the flag
  const bool first = !stop_requested.exchange(true);
  if (first) announce(signal);
  if (!first && signal == SIGINT) {
    // A second Ctrl-C: the user does not want to wait for the clean stop. Die of it at once, as if never caught;
    // a temporary output left behind is removed by the next command writing there (remove_stale_temporaries).
    // Only SIGINT: SIGTERM comes from batch systems and mpirun, which may send it more than once (to the job
    // step and to its processes) and follow it with SIGKILL when they stop waiting; a repeated SIGTERM must not
    // cut short the clean stop that tells how to resume (tests/app/sweep_mpi_test.sh, resume_after_mpi_stop).
    struct sigaction fallback {};
    fallback.sa_handler = SIG_DFL;
    sigemptyset(&fallback.sa_mask);
    sigaction(signal, &fallback, nullptr);
    raise(signal);  // blocked while this handler runs, so delivered, and fatal, as it returns
  }
}

}  // namespace

StopOnSignals::StopOnSignals() : StopOnSignals(std::string_view{}) {}

StopOnSignals::StopOnSignals(std::string_view announcement) {
  stop_requested = false;
  stop_signal = 0;
  const std::size_t length = std::min(announcement.size(), max_announcement);
  announcement.copy(announcement_text, length);
  announcement_length = length;
  announce_on_new_line = isatty(STDERR_FILENO) == 1;
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &old_int_);
  sigaction(SIGTERM, &action, &old_term_);
}

StopOnSignals::~StopOnSignals() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
  announcement_length = 0;
}

void StopOnSignals::stop_announcing() const { announcement_length = 0; }

const std::atomic<bool>* StopOnSignals::flag() const { return &stop_requested; }
bool StopOnSignals::requested() const { return stop_requested.load(); }
int StopOnSignals::signal() const { return stop_signal.load(); }
int StopOnSignals::exit_code() const { return 128 + signal(); }

int StopOnSignals::report_nothing_written(std::ostream& err) const {
  err << fmt::format("scamsim: interrupted by signal {}; no results written\n", signal());
  return exit_code();
}

std::string duration(double seconds) {
  if (seconds < 60) return fmt::format("{:.0f}s", seconds);
  if (seconds < 3600) return fmt::format("{:.0f}m{:02.0f}s", std::floor(seconds / 60), std::fmod(seconds, 60));
  return fmt::format("{:.0f}h{:02.0f}m", std::floor(seconds / 3600), std::fmod(seconds, 3600) / 60);
}

void ProgressBar::finish() {
  if (shown_) err_ << "\r" << std::string(clear_width_, ' ') << "\r" << std::flush;
}

void StepProgress::update(std::int64_t done, std::int64_t total) {
  const double fraction = static_cast<double>(done) / static_cast<double>(std::max<std::int64_t>(1, total));
  bar_.draw(fraction, done >= total, [&](std::optional<double> eta) {
    return fmt::format("{:3.0f}%  step {}/{}  ETA {:.1f} s ", fraction * 100, done, total, eta.value_or(0));
  });
}

run::RunOptions replicate_options(int threads, const StopOnSignals& signals, StepProgress& bar) {
  run::RunOptions options;
  options.threads = threads;
  options.stop = signals.flag();
  options.progress = [&bar](std::int64_t done, std::int64_t total) { bar.update(done, total); };
  return options;
}

bool show_progress(bool quiet) { return !quiet && isatty(STDERR_FILENO) != 0; }

}  // namespace scamsim::app
