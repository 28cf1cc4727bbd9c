#pragma once
#include <iosfwd>
#include <string>
#include <vector>

#include "sim/app/command.hpp"

namespace scamsim::app {

/// Options of `scamsim bench`.
struct BenchOptions {
  std::string scenario;  ///< empty: the shipped baseline.toml, wherever scamsim is installed (shipped_files.hpp)
  std::vector<double> scales = {1.0, 10.0};
  double years = 5;
  int threads = 0;  ///< the "all cores" run; 0: every core
  std::vector<std::string> engines = {"calendar", "scan"};
  int design_runs = -1;  ///< runs of the sweep line; -1: 4 per thread, 0: none
  std::vector<std::string> overrides;
};

/// Adds `bench` and its options to `app`.
Command add_bench_command(CLI::App& app);

/// Runs the benchmark (issues 4 and 15) and prints its figures per scale, engine and thread count: wall time,
/// worker-days and transitions per second, the run's time over a floor of its transitions each touching one
/// worker's row, parallel speedup, peak memory, the calendar's index bytes per worker; the scan's time over the
/// calendar's; and the runs per minute of a 1:1 design. Each measurement runs in its own child process.
int bench_command(const BenchOptions& options, std::ostream& out);

}  // namespace scamsim::app
