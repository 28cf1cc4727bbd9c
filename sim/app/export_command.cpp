#include "sim/app/export_command.hpp"

#include <memory>
#include <ostream>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "sim/app/cli.hpp"
#include "sim/app/output_folder.hpp"
#include "sim/io/csv_export.hpp"
#include "sim/io/open_file.hpp"

namespace scamsim::app {

Command add_export_command(CLI::App& app) {
  auto o = std::make_shared<ExportOptions>();
  CLI::App* command = app.add_subcommand(
      "export", "Write a run, sweep or comparison file's tables as CSV for spreadsheets and pandas (docs/OUTPUT.md)");
  command->add_option("file", o->file, "Results file (HDF5) written by scamsim run, sweep or compare")->required();
  command->add_option("--csv", o->csv_folder, "Folder to write the CSV tables into (made whole, or not at all)")
      ->required()
      ->type_name("FOLDER");
  command->add_flag("--force", o->force, "Replace the folder if it holds files");
  command->add_flag("-q,--quiet", o->quiet, "No closing line");
  return {command, [o](std::ostream& out, std::ostream& err) { return export_command(*o, out, err); }};
}

int export_command(const ExportOptions& o, std::ostream& out, std::ostream& err) {
  // The folder is checked before the file is read: a mistake in either is found at once.
  OutputFolder folder(o.csv_folder, "--csv");
  io::require_regular_file(o.file, "results");
  folder.refuse_input(o.file);
  folder.refuse_overwrite(o.force);

  // Sweep and comparison files say what they are; anything else goes to the run file reader, whose errors name
  // the problem (not HDF5, another program's file, truncated), as `scamsim summary` does.
  const std::string kind = io::file_kind(o.file);
  std::vector<io::CsvTable> tables;
  if (kind == "sweep") {
    const io::SweepResults results = io::read_sweep(o.file);
    folder.prepare();
    tables = io::export_sweep_csv(results, o.file, folder.temporary());
  } else if (kind == "compare") {
    const io::CompareResults results = io::read_compare(o.file);
    folder.prepare();
    tables = io::export_compare_csv(results, o.file, folder.temporary());
  } else {
    const io::Results results = io::read_results(o.file);
    folder.prepare();
    tables = io::export_run_csv(results, o.file, folder.temporary());
  }
  folder.publish();

  for (const io::CsvTable& table : tables) {
    if (table.rows > io::excel_max_rows) {
      err << fmt::format(
          "scamsim: note: {}/{} has {} rows, more than the {} a spreadsheet such as Excel opens; pandas.read_csv "
          "and R read it whole\n",
          o.csv_folder, table.file, table.rows, io::excel_max_rows);
    }
  }
  if (!o.quiet) {
    std::string list;
    for (const io::CsvTable& table : tables) {
      list += fmt::format("{}{} ({} rows)", list.empty() ? "" : ", ", table.file, table.rows);
    }
    out << fmt::format("scamsim: wrote {} tables of the {} file {} into {}: {}\n", tables.size(),
                       kind.empty() ? "run" : kind, o.file, o.csv_folder, list);
  }
  return exit_ok;
}

}  // namespace scamsim::app
