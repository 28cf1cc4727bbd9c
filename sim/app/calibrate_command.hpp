#pragma once
// `scamsim calibrate`: fit a calibration file's free parameters to its targets (docs/CALIBRATION.md), either to
// one point (Nelder-Mead, written as a scenario) or to a posterior (ABC-SMC, written as a posterior file).
// App-level work only: files, progress, signals; sim/run/calibration.hpp does the fitting.

#include <iosfwd>
#include <string>
#include <vector>

#include "sim/app/command.hpp"
#include "sim/run/calibration.hpp"

namespace scamsim::app {

/// Options of `scamsim calibrate`.
struct CalibrateOptions {
  std::string file;
  std::string output;
  std::vector<std::string> overrides;
  std::string method = "point";  ///< point (Nelder-Mead) or abc-smc
  int threads = 0;
  bool force = false;
  bool resume = false;  ///< abc-smc: go on from the posterior file at -o
  bool check = false;   ///< load and check the file, fit nothing
  bool quiet = false;
  std::string command_line;
};

/// Adds `calibrate` and its options to `app`; the output records `command_line`.
Command add_calibrate_command(CLI::App& app, const std::string& command_line);

/// Fits a calibration file's parameters and writes them as a scenario (point) or a posterior file (abc-smc).
int calibrate_command(const CalibrateOptions& options, std::ostream& out, std::ostream& err);

/// The ABC-SMC calibration to the posterior file at options.output, once `spec` is loaded: each batch evaluated by
/// `distribute` (over MPI ranks) or, when it is empty, on this process's threads; `where` says which, in the
/// closing line.
int calibrate_posterior(const CalibrateOptions& options, const run::CalibrationSpec& spec, std::ostream& out,
                        std::ostream& err, const run::AbcSimulate& distribute, const std::string& where);

}  // namespace scamsim::app
