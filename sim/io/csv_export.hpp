#pragma once
// The CSV tables of `scamsim export FILE --csv FOLDER` (docs/OUTPUT.md, "CSV export"): long ("tidy") tables that
// spreadsheets and pandas.read_csv open directly, one set per file kind. This file owns their names, columns and
// number format; the command (sim/app/export_command.cpp) owns where they go. Internal to io.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/io/compare_results.hpp"
#include "sim/io/results.hpp"
#include "sim/io/sweep_results.hpp"

namespace scamsim::io {

/// A table written: its file name in the folder and its data rows (the header not counted).
struct CsvTable {
  std::string file;
  std::int64_t rows = 0;
};

/// Excel's last row: a table longer than this opens cut short there (pandas reads it whole).
inline constexpr std::int64_t excel_max_rows = 1'048'576;

/// A run file's tables: series_by_country.csv (replicate, date, step, country, metric, value), series_global.csv
/// (replicate, date, step, metric, value), metrics.csv (units and meaning), countries.csv and about.csv. Values
/// are as stored, at the run's scale (about.csv says which). Throws SetupError naming the file it cannot write.
std::vector<CsvTable> export_run_csv(const Results& results, const std::filesystem::path& source,
                                     const std::filesystem::path& folder);

/// A sweep file's tables: runs.csv (one row per run: run, point, replicate, seed, status, each parameter's value,
/// each outcome, message), columns.csv (units and meaning of those columns) and about.csv.
std::vector<CsvTable> export_sweep_csv(const SweepResults& results, const std::filesystem::path& source,
                                       const std::filesystem::path& folder);

/// A comparison file's tables: pairs.csv (pair, outcome, a, b, difference), outcomes.csv (one row per outcome:
/// units, means, the paired and unpaired intervals) and about.csv.
std::vector<CsvTable> export_compare_csv(const CompareResults& results, const std::filesystem::path& source,
                                         const std::filesystem::path& folder);

}  // namespace scamsim::io
