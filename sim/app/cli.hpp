#pragma once
#include <exception>
#include <iosfwd>
#include <span>

#include "sim/app/command.hpp"

namespace scamsim::app {

/// Exit codes of the scamsim command.
enum ExitCode : int {
  exit_ok = 0,
  exit_input_error = 1,  ///< a scenario or file the user gave has problems
  exit_usage_error = 2,  ///< the command line itself is wrong
  exit_internal_error = 3,
};

/// Adds a command that lives outside this library (`serve`, in scamsim_serve) to the command line.
using AddCommand = Command (*)(CLI::App& app);

/// Runs the scamsim command line, writing to `out` and `err`; returns the
/// exit code. The one place errors turn into messages and exit codes.
/// `more` are commands built in other libraries, listed after these.
int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err, std::span<const AddCommand> more = {});

/// Writes the message of a command's failure `error` to `err` (a SetupError's diagnostics and their count, or an
/// internal error) and returns its exit code: what `run` does with an exception, for the one caller that must
/// print before it returns (rank 0 of an MPI sweep, before the other ranks exit).
int report_failure(const std::exception_ptr& error, std::ostream& err);

/// `run` on the process's streams: main() is this one call.
int main(int argc, char** argv, std::span<const AddCommand> more = {});

}  // namespace scamsim::app
