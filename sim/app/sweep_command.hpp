#pragma once
// `scamsim sweep`: run a sweep file's design into one HDF5 file, on all
// cores, crash-safe and resumable (docs/SWEEPS.md). App-level work only:
// files, signals, progress; the library does the rest.

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace scamsim::app {

/// Options of `scamsim sweep`.
struct SweepCommandOptions {
  std::string file;
  std::string output;
  std::vector<std::string> overrides;
  int threads = 0;  ///< 0: all cores
  bool resume = false;
  bool force = false;
  bool check = false;           ///< load and check the sweep file, run nothing
  std::int64_t print_run = -1;  ///< >= 0: print that run's resolved scenario and stop
  bool quiet = false;
  std::string command_line;
};

/// Runs a sweep, or checks it, or prints one of its runs.
int sweep_command(const SweepCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace scamsim::app
