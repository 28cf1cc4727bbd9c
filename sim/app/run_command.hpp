#pragma once
// `scamsim run`: the app-level work around the engine (files, signals,
// progress), kept out of the library.

#include <iosfwd>
#include <string>
#include <vector>

#include "sim/app/command.hpp"

namespace scamsim::app {

/// Options of `scamsim run`.
struct RunCommandOptions {
  std::string scenario;
  std::string output;
  std::vector<std::string> overrides;
  long long seed = -1;              ///< -1: the scenario's
  long long replicates = -1;        ///< -1: the scenario's
  int threads = 0;                  ///< 0: all cores
  std::string engine = "calendar";  ///< --engine: calendar, or scan (the reference, for checking)
  std::string posterior;            ///< --posterior: run over this posterior file's draws
  long long draws = 20;             ///< --draws: draws from it
  bool force = false;
  bool quiet = false;
  std::string command_line;
};

/// Adds `run` and its options to `app`; the results file records `command_line`.
Command add_run_command(CLI::App& app, const std::string& command_line);

/// Runs a scenario and writes its results file, atomically: into a temporary
/// file beside the target, renamed into place only when complete.
int run_command(const RunCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace scamsim::app
