#include "sim/app/bench_command.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <numeric>
#include <ostream>

#include <fmt/format.h>
#include <tbb/global_control.h>
#include <CLI/CLI.hpp>

#include "sim/app/cli.hpp"
#include "sim/app/shipped_files.hpp"
#include "sim/model/simulation.hpp"
#include "sim/run/runner.hpp"
#include "sim/scenario/loader.hpp"

namespace scamsim::app {

namespace {

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

struct Timing {
  double seconds = 0;
  double worker_steps = 0;
  std::int64_t steps = 0;
  std::size_t final_workers = 0;
  double floor_seconds_per_worker_step = 0;
};

/// The floor: one plain pass over the hot columns, reading every byte an
/// engine step must at least look at, per worker. Best of several passes.
double floor_per_worker(const model::Workers& w) {
  const std::size_t n = w.size();
  if (n == 0) return 0;
  double best = 1e9;
  std::uint64_t sink = 0;
  for (int pass = 0; pass < 7; ++pass) {
    const auto start = std::chrono::steady_clock::now();
    std::uint64_t acc = 0;
    for (std::size_t i = 0; i < n; ++i) {
      acc += static_cast<std::uint64_t>(w.state[i]) + w.times_trafficked[i] +
             static_cast<std::uint64_t>(w.nationality[i]) + static_cast<std::uint64_t>(w.country[i]) +
             static_cast<std::uint64_t>(w.op[i]) + static_cast<std::uint64_t>(w.due_step[i]) +
             static_cast<std::uint64_t>(w.since_step[i]) + static_cast<std::uint64_t>(w.vulnerability[i] > 0.5f);
    }
    sink += acc;
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  // Keep the sum alive so the passes are not optimised away.
  if (sink == 42) best += 1e-12;
  return best / static_cast<double>(n);
}

Timing time_run(const scenario::Scenario& s, int threads) {
  const tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                                  static_cast<std::size_t>(run::effective_threads(threads)));
  model::Simulation sim(s, 0);
  const auto start = std::chrono::steady_clock::now();
  sim.run_to_end();
  Timing t;
  t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  t.worker_steps = sim.record().worker_steps;
  t.steps = sim.derived().steps;
  t.final_workers = sim.workers().size();
  t.floor_seconds_per_worker_step = floor_per_worker(sim.workers());
  return t;
}

}  // namespace

Command add_bench_command(CLI::App& app) {
  auto o = std::make_shared<BenchOptions>();
  CLI::App* command = app.add_subcommand(
      "bench", "Time the engine on the baseline at 1:1 and 10x scale, 1 thread and all cores (figures, not a test)");
  command->add_option("scenario", o->scenario,
                      "Scenario file (default: the shipped baseline.toml, in share/scamsim/scenarios where scamsim "
                      "is installed)");
  command->add_option("--scales", o->scales, "Scales to time (default: 1 10)")->check(positive_number());
  command->add_option("--years", o->years, "Simulated years (default 5)")->check(positive_number());
  command->add_option("--threads", o->threads, "Threads of the parallel runs (default 0: all cores)")
      ->check(thread_count());
  add_set_option(*command, o->overrides);
  return {command, [o](std::ostream& out, std::ostream& /*err*/) { return bench_command(*o, out); }};
}

int bench_command(const BenchOptions& o, std::ostream& out) {
  const std::string scenario = o.scenario.empty() ? shipped_scenario("baseline.toml").string() : o.scenario;
  const int all = run::effective_threads(o.threads);
  out << fmt::format("scamsim bench: {} for {:g} years, 1 thread and {} threads\n", scenario, o.years, all);
  out << fmt::format("hot state per worker: {} bytes\n\n", model::Workers::bytes_per_worker);
  out << fmt::format("{:>6} {:>8} {:>10} {:>9} {:>13} {:>9} {:>10} {:>8} {:>9} {:>10} {:>9}\n", "scale", "threads",
                     "workers", "run s", "worker-step/s", "ns/w-step", "s/sim-year", "speedup", "floor x", "peak MiB",
                     "B/worker");
  for (const double scale : o.scales) {
    std::vector<std::string> overrides = o.overrides;
    overrides.push_back(fmt::format("run.scale={}", scale));
    overrides.push_back(fmt::format("run.years={}", o.years));
    overrides.push_back("run.replicates=1");
    const auto s = scenario::load_scenario(scenario, overrides);
    double single = 0;
    for (const int threads : {1, all}) {
      if (threads == 1 && all == 1 && single > 0) continue;
      const Timing t = time_run(s, threads);
      if (threads == 1) single = t.seconds;
      const double per_step = t.seconds / t.worker_steps;
      const double peak = peak_rss_mib();
      out << fmt::format(
          "{:>6g} {:>8} {:>10} {:>9.2f} {:>12.0f}M {:>9.2f} {:>10.3f} {:>8.2f} {:>9.1f} {:>10.0f} {:>9.0f}\n", scale,
          threads, t.final_workers, t.seconds, t.worker_steps / t.seconds / 1e6, per_step * 1e9, t.seconds / o.years,
          single / t.seconds, per_step / t.floor_seconds_per_worker_step, peak,
          peak * 1024 * 1024 / static_cast<double>(t.final_workers));
    }
  }
  out << "\nworkers: agents at the end of the run (new recruits add agents); floor x: engine time per worker-step\n"
         "over one plain single-thread pass over the hot columns; peak MiB: the process's peak resident memory so "
         "far;\n"
         "B/worker: that peak over the workers at the end (all memory, not only the hot columns).\n";
  return exit_ok;
}

}  // namespace scamsim::app
