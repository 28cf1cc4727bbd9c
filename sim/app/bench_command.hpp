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
  std::vector<std::string> overrides;
};

/// Adds `bench` and its options to `app`.
Command add_bench_command(CLI::App& app);

/// Runs the benchmark of issue #4 and prints its figures: worker-steps per
/// second, ns per worker-step, seconds per simulated year, peak memory and
/// bytes per worker, parallel speedup, and the engine's time as a multiple
/// of one plain pass over the workers' hot columns per step (the floor).
int bench_command(const BenchOptions& options, std::ostream& out);

}  // namespace scamsim::app
