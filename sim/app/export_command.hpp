#pragma once
#include <iosfwd>
#include <string>

#include "sim/app/command.hpp"

namespace scamsim::app {

/// Options of `scamsim export`.
struct ExportOptions {
  std::string file;        ///< a run, sweep or comparison file
  std::string csv_folder;  ///< --csv: the folder to write the tables into
  bool force = false;      ///< replace a folder that holds files
  bool quiet = false;      ///< no closing line
};

/// Adds `export` and its options to `app`.
Command add_export_command(CLI::App& app);

/// Writes the tables of a run, sweep or comparison file as CSV into a new folder (io/csv_export.hpp), whole or
/// not at all; prints what it wrote, and a note for a table longer than Excel opens.
int export_command(const ExportOptions& options, std::ostream& out, std::ostream& err);

}  // namespace scamsim::app
