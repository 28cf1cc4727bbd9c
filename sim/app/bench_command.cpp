#include "sim/app/bench_command.hpp"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <memory>
#include <ostream>

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <CLI/CLI.hpp>

#include "sim/app/cli.hpp"
#include "sim/app/shipped_files.hpp"
#include "sim/core/error.hpp"
#include "sim/model/simulation.hpp"
#include "sim/run/runner.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/sweep/sweep_runner.hpp"

namespace scamsim::app {

namespace {

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

/// What one measurement found, as its child process hands it over (plain data, through a pipe).
struct Timing {
  double seconds = 0;
  double worker_steps = 0;
  std::int64_t transitions = 0;
  std::int64_t final_workers = 0;
  std::int64_t index_bytes = 0;
  double floor_seconds = 0;
  double peak_mib = 0;  ///< the child's peak resident memory when its run ended: world, indexes and record
  double runs = 0;      ///< the sweep line: runs done
  std::array<double, model::phase_count> phase_seconds{};
  char error[256] = {};
};

/// The floor: each of the run's transitions touching one worker's row once (reading and writing every field
/// of a row spread across the workers, in a tight loop), on a copy of the run's last world. What an engine
/// that did nothing but its transitions would cost. Best of three passes.
double floor_seconds(model::Workers w, std::int64_t transitions) {
  const std::uint64_t n = w.size();
  if (n == 0 || transitions <= 0) return 0;
  double best = 1e9;
  for (int pass = 0; pass < 3; ++pass) {
    const auto start = std::chrono::steady_clock::now();
    for (std::int64_t t = 0; t < transitions; ++t) {
      // A multiplicative hash of t, mapped onto [0, n) by a multiply-shift: rows all over the columns.
      const std::uint32_t h = static_cast<std::uint32_t>(t + pass) * 2654435761u;
      const std::size_t i = (std::uint64_t{h} * n) >> 32;
      model::Worker& row = w[i];
      row.state = static_cast<model::WorkerState>((static_cast<unsigned>(row.state) + 1) % model::worker_state_count);
      row.country = row.nationality;
      row.op = model::OperatorId{static_cast<std::uint32_t>(row.op) ^ 1u};
      row.due_step += 1;
      row.vulnerability *= 0.999f;
      row.clock_due += 1.0f;
    }
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

Timing time_run(const scenario::Scenario& s, model::Engine engine, int threads) {
  const tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  model::Simulation sim(s, 0, engine);
  const auto start = std::chrono::steady_clock::now();
  sim.run_to_end();
  Timing t;
  t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  t.peak_mib = peak_rss_mib();
  t.worker_steps = sim.record().worker_steps;
  t.transitions = sim.transitions();
  t.final_workers = static_cast<std::int64_t>(sim.workers().size());
  t.index_bytes = static_cast<std::int64_t>(sim.index_bytes());
  t.phase_seconds = sim.phase_seconds();
  t.floor_seconds = floor_seconds(sim.workers(), t.transitions);
  return t;
}

/// A design's runs of the scenario, one run per task as `scamsim sweep` runs them (sweep_runner.cpp): each loads
/// its scenario with its own seed and runs it with the calendar engine.
Timing time_design(const std::string& scenario, const std::vector<std::string>& overrides, int runs, int threads) {
  tbb::task_arena arena(threads);
  const auto start = std::chrono::steady_clock::now();
  arena.execute([&] {
    tbb::parallel_for(
        tbb::blocked_range<int>(0, runs, 1),
        [&](const tbb::blocked_range<int>& range) {
          for (int r = range.begin(); r != range.end(); ++r) {
            std::vector<std::string> own = overrides;
            own.push_back(fmt::format("run.seed={}", sweep::run_seed(20260101, static_cast<std::uint64_t>(r))));
            const scenario::Scenario s = scenario::load_scenario(scenario, own);
            model::Simulation sim(s, 0);
            sim.run_to_end();
          }
        },
        tbb::simple_partitioner());
  });
  Timing t;
  t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  t.runs = runs;
  t.peak_mib = peak_rss_mib();
  return t;
}

/// Runs `work` in a child process and returns what it measured: each measurement starts from a fresh process,
/// so its peak memory is its own, and no measurement warms the next one's caches or heap. The parent never
/// starts oneTBB's threads, so forking is safe.
template <class Work>
Timing in_child(Work work) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) throw std::runtime_error("bench: cannot make a pipe");
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("bench: cannot fork");
  if (pid == 0) {
    close(pipe_fds[0]);
    Timing t;
    try {
      t = work();
    } catch (const std::exception& e) {
      std::strncpy(t.error, e.what(), sizeof(t.error) - 1);
    }
    const auto* bytes = reinterpret_cast<const char*>(&t);
    std::size_t written = 0;
    while (written < sizeof(t)) {
      const ssize_t n = write(pipe_fds[1], bytes + written, sizeof(t) - written);
      if (n <= 0) break;
      written += static_cast<std::size_t>(n);
    }
    _exit(written == sizeof(t) ? 0 : 1);
  }
  close(pipe_fds[1]);
  Timing t;
  auto* bytes = reinterpret_cast<char*>(&t);
  std::size_t got = 0;
  while (got < sizeof(t)) {
    const ssize_t n = read(pipe_fds[0], bytes + got, sizeof(t) - got);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  close(pipe_fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (got != sizeof(t) || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("bench: a measurement's process ended without its figures");
  }
  if (t.error[0] != '\0') throw SetupError(t.error);
  return t;
}

std::string rate(double per_second) {
  if (per_second >= 1e9) return fmt::format("{:.2f}G", per_second / 1e9);
  if (per_second >= 1e6) return fmt::format("{:.1f}M", per_second / 1e6);
  return fmt::format("{:.0f}k", per_second / 1e3);
}

}  // namespace

Command add_bench_command(CLI::App& app) {
  auto o = std::make_shared<BenchOptions>();
  CLI::App* command = app.add_subcommand(
      "bench",
      "Time the engine on the baseline at 1:1 and 10x scale, both engines, 1 thread and all cores, and a design's "
      "runs per minute (figures, not a test)");
  command->add_option("scenario", o->scenario,
                      "Scenario file (default: the shipped baseline.toml, in share/scamsim/scenarios where scamsim "
                      "is installed)");
  command->add_option("--scales", o->scales, "Scales to time (default: 1 10)")->check(positive_number());
  command->add_option("--years", o->years, "Simulated years (default 5)")->check(positive_number());
  command->add_option("--threads", o->threads, "Threads of the parallel runs (default 0: all cores)")
      ->check(thread_count());
  command
      ->add_option("--engines", o->engines,
                   "Engines to time (default: calendar scan; scan is the reference, docs/MODEL.md section 3)")
      ->check(CLI::IsMember({"calendar", "scan"}));
  command
      ->add_option("--design-runs", o->design_runs,
                   "Runs of the sweep line (1:1, the years above, one run per thread at a time; default 4 per "
                   "thread, 0: no sweep line)")
      ->check(CLI::NonNegativeNumber);
  add_set_option(*command, o->overrides);
  return {command, [o](std::ostream& out, std::ostream& /*err*/) { return bench_command(*o, out); }};
}

int bench_command(const BenchOptions& o, std::ostream& out) {
  const std::string scenario = o.scenario.empty() ? shipped_scenario("baseline.toml").string() : o.scenario;
  const int all = run::effective_threads(o.threads);
  std::vector<model::Engine> engines;
  for (const auto& name : o.engines) {
    const auto engine = model::engine_named(name);
    if (!engine || *engine == model::Engine::checked) {
      throw SetupError(fmt::format("--engines: '{}' is not an engine: calendar or scan", name));
    }
    if (std::find(engines.begin(), engines.end(), *engine) == engines.end()) engines.push_back(*engine);
  }
  std::vector<int> thread_counts{1};
  if (all > 1) thread_counts.push_back(all);

  out << fmt::format("scamsim bench: {} for {:g} years, 1 thread and {} threads, each timing in its own process\n",
                     scenario, o.years, all);
  out << fmt::format("worker columns: {} bytes per worker; the calendar's indexes are in the last column\n\n",
                     model::Workers::bytes_per_worker);
  out << fmt::format("{:>6} {:>9} {:>7} {:>9} {:>8} {:>13} {:>13} {:>8} {:>8} {:>8} {:>9} {:>9}\n", "scale", "engine",
                     "threads", "workers", "run s", "worker-days/s", "transitions/s", "floor s", "x floor", "speedup",
                     "peak MiB", "index B/w");
  struct Row {
    double scale;
    model::Engine engine;
    int threads;
    double seconds;
    std::array<double, model::phase_count> phase_seconds;
  };
  std::vector<Row> rows;
  for (const double scale : o.scales) {
    std::vector<std::string> overrides = o.overrides;
    overrides.push_back(fmt::format("run.scale={}", scale));
    overrides.push_back(fmt::format("run.years={}", o.years));
    overrides.push_back("run.replicates=1");
    const auto s = scenario::load_scenario(scenario, overrides);
    for (const model::Engine engine : engines) {
      double single = 0;
      for (const int threads : thread_counts) {
        const Timing t = in_child([&] { return time_run(s, engine, threads); });
        if (threads == 1) single = t.seconds;
        rows.push_back({scale, engine, threads, t.seconds, t.phase_seconds});
        const double days_per_step = static_cast<double>(s.run.dt_days);
        out << fmt::format(
            "{:>6g} {:>9} {:>7} {:>9} {:>8.3f} {:>13} {:>13} {:>8.4f} {:>8.1f} {:>8.2f} {:>9.0f} {:>9.1f}\n", scale,
            model::engine_name(engine), threads, t.final_workers, t.seconds,
            rate(t.worker_steps * days_per_step / t.seconds), rate(static_cast<double>(t.transitions) / t.seconds),
            t.floor_seconds, t.floor_seconds > 0 ? t.seconds / t.floor_seconds : 0.0, single / t.seconds, t.peak_mib,
            static_cast<double>(t.index_bytes) / static_cast<double>(std::max<std::int64_t>(1, t.final_workers)));
      }
    }
  }
  // The scan's time over the calendar's, where both ran.
  for (const Row& c : rows) {
    if (c.engine != model::Engine::calendar) continue;
    for (const Row& r : rows) {
      if (r.engine == model::Engine::scan && r.scale == c.scale && r.threads == c.threads) {
        out << fmt::format("{}scale {:g}, {} thread{}: the calendar is {:.1f} times as fast as the scan\n",
                           &c == &rows.front() ? "\n" : "", c.scale, c.threads, c.threads == 1 ? "" : "s",
                           r.seconds / c.seconds);
      }
    }
  }

  // Where the calendar's time goes: each phase's share of its run, one line per scale and thread count.
  out << "\nwhere the time goes (calendar; seconds per phase):\n";
  out << fmt::format("{:>6} {:>7}", "scale", "threads");
  for (std::size_t k = 0; k < model::phase_count; ++k) {
    out << fmt::format(" {:>9}", model::phase_name(static_cast<model::Phase>(k)).substr(0, 9));
  }
  out << "\n";
  for (const Row& r : rows) {
    if (r.engine != model::Engine::calendar) continue;
    out << fmt::format("{:>6g} {:>7}", r.scale, r.threads);
    for (const double seconds : r.phase_seconds) out << fmt::format(" {:>9.3f}", seconds);
    out << "\n";
  }

  if (o.design_runs != 0) {
    const int runs = o.design_runs > 0 ? o.design_runs : 4 * all;
    std::vector<std::string> overrides = o.overrides;
    overrides.push_back("run.scale=1");
    overrides.push_back(fmt::format("run.years={}", o.years));
    overrides.push_back("run.replicates=1");
    const Timing t = in_child([&] { return time_design(scenario, overrides, runs, all); });
    out << fmt::format(
        "\nsweep: {} runs of a 1:1 {:g}-year design on {} threads in {:.2f} s: {:.0f} runs per minute ({:.1f} hours "
        "for 10,000 runs)\n",
        runs, o.years, all, t.seconds, t.runs / t.seconds * 60, 10000 / (t.runs / t.seconds) / 3600);
  }

  out << "\nworkers: agents at the end of the run (new recruits add agents); worker-days/s: agents alive times days\n"
         "simulated, per second; transitions/s: changes of a worker's state or country per second; floor s: the\n"
         "run's transitions each touching one worker's row once in a tight loop; x floor: run s over floor s;\n"
         "speedup: the engine's 1-thread time over this one; peak MiB: the measuring process's peak resident\n"
         "memory when the run ended (world, indexes, record, the program); index B/w: the calendar's indexes at\n"
         "the end (calendar, rosters, aftercare list) per worker.\n";
  return exit_ok;
}

}  // namespace scamsim::app
