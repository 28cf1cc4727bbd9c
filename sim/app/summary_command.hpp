#pragma once
// `scamsim summary`: the headline outcomes of a results, sweep or comparison file.

#include <iosfwd>
#include <string>

#include "sim/app/command.hpp"

namespace scamsim::app {

/// Adds `summary` and its options to `app`.
Command add_summary_command(CLI::App& app);

/// Prints the headline outcomes of a results file, or a sweep's or comparison's summary.
int summary_command(const std::string& path, std::ostream& out);

}  // namespace scamsim::app
