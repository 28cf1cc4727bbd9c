#pragma once
// `scamsim run` and `scamsim summary`: the app-level work around the engine
// (files, signals, progress), kept out of the library.

#include <iosfwd>
#include <string>
#include <vector>

namespace scamsim::app {

/// Options of `scamsim run`.
struct RunCommandOptions {
  std::string scenario;
  std::string output;
  std::vector<std::string> overrides;
  long long seed = -1;        ///< -1: the scenario's
  long long replicates = -1;  ///< -1: the scenario's
  int threads = 0;            ///< 0: all cores
  bool force = false;
  bool quiet = false;
  std::string command_line;
};

/// Runs a scenario and writes its results file, atomically: into a temporary
/// file beside the target, renamed into place only when complete.
int run_command(const RunCommandOptions& options, std::ostream& out, std::ostream& err);

/// Prints the headline outcomes of a results file.
int summary_command(const std::string& path, std::ostream& out);

/// Options of `scamsim calibrate`.
struct CalibrateOptions {
  std::string file;
  std::string output;
  std::vector<std::string> overrides;
  int threads = 0;
  bool force = false;
  bool check = false;  ///< load and check the file, fit nothing
  bool quiet = false;
  std::string command_line;
};

/// Fits a calibration file's parameters and writes them as a scenario.
int calibrate_command(const CalibrateOptions& options, std::ostream& out, std::ostream& err);

}  // namespace scamsim::app
