#pragma once
// `scamsim compare`: two scenarios run as pairs on common random numbers,
// each headline outcome's difference with a paired confidence interval, into
// one HDF5 file (docs/SWEEPS.md, "Paired comparisons"). App-level work only:
// files, signals, progress; sim/run/compare.hpp does the pairing and the
// statistics, sim/io/compare_results.hpp the file.

#include <iosfwd>
#include <string>
#include <vector>

#include "sim/app/command.hpp"

namespace scamsim::app {

/// Options of `scamsim compare`.
struct CompareCommandOptions {
  std::string scenario_a;  ///< the baseline
  std::string scenario_b;  ///< the policy
  std::string output;
  std::vector<std::string> overrides;  ///< --set, applied to both scenarios
  std::string outcomes_file;           ///< --outcomes: [[outcome]] tables instead of the headline outcomes
  long long seed = -1;                 ///< -1: A's run.seed
  long long replicates = 10;           ///< pairs (per draw, over a posterior)
  int threads = 0;                     ///< 0: all cores
  double confidence = 0.95;
  std::string posterior;    ///< --posterior: pair A and B on each of --draws draws from this posterior file
  long long draws = 20;     ///< --draws
  std::string per_million;  ///< --per-million: an outcome in USD; differences per million of its difference
  bool force = false;
  bool quiet = false;
  std::string command_line;
};

/// Adds `compare` and its options to `app`; the comparison file records `command_line`.
Command add_compare_command(CLI::App& app, const std::string& command_line);

/// Runs the comparison, writes its file atomically (a temporary file beside the target, renamed into place
/// when complete) and prints the table of differences.
int compare_command(const CompareCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace scamsim::app
