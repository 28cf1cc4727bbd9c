#pragma once
// `scamsim calibrate`: fit a calibration file's free parameters to its targets (docs/CALIBRATION.md) and write
// them as a scenario. App-level work only: files, progress; sim/run/calibration.hpp does the fitting.

#include <iosfwd>
#include <string>
#include <vector>

#include "sim/app/command.hpp"

namespace scamsim::app {

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

/// Adds `calibrate` and its options to `app`; the fitted scenario's header records `command_line`.
Command add_calibrate_command(CLI::App& app, const std::string& command_line);

/// Fits a calibration file's parameters and writes them as a scenario.
int calibrate_command(const CalibrateOptions& options, std::ostream& out, std::ostream& err);

}  // namespace scamsim::app
