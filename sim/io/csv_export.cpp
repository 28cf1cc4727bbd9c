#include "sim/io/csv_export.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "sim/core/error.hpp"
#include "sim/model/metrics.hpp"
#include "sim/run/compare.hpp"
#include "sim/sweep/sweep_runner.hpp"

namespace scamsim::io {

namespace fs = std::filesystem;

namespace {

/// A field as RFC 4180 has it: quoted when it holds a comma, a quote, a line break or edge spaces (which
/// spreadsheets would trim), with quotes doubled.
std::string text_field(std::string_view text) {
  const bool quote = text.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!text.empty() && (text.front() == ' ' || text.back() == ' '));
  if (!quote) return std::string(text);
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

/// A number with the fewest digits that read back to the same double ("1200", "0.35", "1.2e-07"); a missing
/// value (NaN: a failed or pending run, an interval of one pair) is an empty field, which pandas reads as NaN
/// and a spreadsheet as an empty cell.
std::string number_field(double value) { return std::isnan(value) ? std::string() : fmt::format("{}", value); }

/// One CSV file being written: rows go through a large buffer; close() checks that every byte reached the disk.
class CsvFile {
 public:
  /// Creates `folder`/`name` and writes the header: the column names, quoted where they need it.
  CsvFile(const fs::path& folder, std::string name, const std::vector<std::string>& header)
      : path_(folder / name), name_(std::move(name)) {
    file_ = std::fopen(path_.c_str(), "wb");
    if (file_ == nullptr) fail(errno);
    std::string line;
    for (const std::string& column : header) {
      if (!line.empty()) line += ',';
      line += text_field(column);
    }
    write_line(line);
  }
  CsvFile(const CsvFile&) = delete;
  CsvFile& operator=(const CsvFile&) = delete;
  ~CsvFile() {
    if (file_ != nullptr) std::fclose(file_);
  }

  /// Writes one row of ready-made fields.
  void row(const std::vector<std::string>& fields) {
    std::string line;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) line += ',';
      line += fields[i];
    }
    write_line(line);
    ++rows_;
  }
  /// Writes one row whose fields are already joined with commas (the hot loops build it in place).
  void joined_row(std::string_view line) {
    write_line(line);
    ++rows_;
  }

  /// Flushes and closes, throwing SetupError naming the file if anything was lost (a full disk shows here).
  CsvTable close() {
    const bool flushed = std::fflush(file_) == 0;
    const int error = errno;
    const bool closed = std::fclose(file_) == 0;
    file_ = nullptr;
    if (!flushed || !closed) fail(flushed ? errno : error);
    return {name_, rows_};
  }

 private:
  void write_line(std::string_view line) {
    if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fputc('\n', file_) == EOF) {
      fail(errno);
    }
  }
  [[noreturn]] void fail(int error) const {
    throw SetupError(fmt::format("--csv: cannot write '{}': {}", path_.string(), std::strerror(error)));
  }

  fs::path path_;
  std::string name_;
  std::FILE* file_ = nullptr;
  std::int64_t rows_ = 0;
};

/// about.csv: what the tables come from, one field per row.
CsvTable write_about(const fs::path& folder, const std::vector<std::pair<std::string, std::string>>& fields) {
  CsvFile about(folder, "about.csv", {"field", "value"});
  for (const auto& [field, value] : fields) about.row({text_field(field), text_field(value)});
  return about.close();
}

/// The units and meaning of a recorded metric, from the engine's metric table; empty for a name it lacks
/// (a file of an older scamsim with a metric since renamed).
const model::MetricInfo* metric_info(std::string_view name) {
  for (const auto metrics : {model::country_metrics(), model::global_metrics()}) {
    for (const model::MetricInfo& info : metrics) {
      if (info.name == name) return &info;
    }
  }
  return nullptr;
}

std::string_view status_name(sweep::RunStatus status) {
  switch (status) {
    case sweep::RunStatus::pending:
      return "pending";
    case sweep::RunStatus::done:
      return "done";
    case sweep::RunStatus::failed:
      return "failed";
  }
  return "unknown";
}

}  // namespace

std::vector<CsvTable> export_run_csv(const Results& results, const fs::path& source, const fs::path& folder) {
  const RunMetadata& meta = results.meta;
  const auto steps = static_cast<std::size_t>(meta.steps);
  const std::size_t countries = meta.country_ids.size();
  const auto replicates = static_cast<std::size_t>(meta.runs());
  // A run over a posterior has a draw column before the replicate: run r is replicate r % R of draw r / R.
  const bool drawn = meta.draws > 0;
  const auto per_draw = static_cast<std::size_t>(meta.replicates);
  const auto run_fields = [&](std::size_t r) {
    return drawn ? fmt::format("{},{}", r / per_draw, r % per_draw) : fmt::format("{}", r);
  };
  const auto with_run = [&](std::vector<std::string> columns) {
    if (drawn) columns.insert(columns.begin(), "draw");
    return columns;
  };
  // Each step's date once, not per row.
  std::vector<std::string> dates(steps);
  for (std::size_t t = 0; t < steps; ++t) {
    dates[t] = meta.start_date.plus_days(static_cast<int>(static_cast<std::int64_t>(t) * meta.dt_days)).to_string();
  }
  std::vector<CsvTable> tables;

  CsvFile by_country(folder, "series_by_country.csv",
                     with_run({"replicate", "date", "step", "country", "metric", "value"}));
  std::string line;
  for (std::size_t r = 0; r < replicates; ++r) {
    for (std::size_t t = 0; t < steps; ++t) {
      for (std::size_t c = 0; c < countries; ++c) {
        for (const auto& [metric, values] : results.by_country) {
          line = fmt::format("{},{},{},{},{},{}", run_fields(r), dates[t], t, text_field(meta.country_ids[c]),
                             text_field(metric), number_field(values[(r * steps + t) * countries + c]));
          by_country.joined_row(line);
        }
      }
    }
  }
  tables.push_back(by_country.close());

  CsvFile global(folder, "series_global.csv", with_run({"replicate", "date", "step", "metric", "value"}));
  for (std::size_t r = 0; r < replicates; ++r) {
    for (std::size_t t = 0; t < steps; ++t) {
      for (const auto& [metric, values] : results.global) {
        line = fmt::format("{},{},{},{},{}", run_fields(r), dates[t], t, text_field(metric),
                           number_field(values[r * steps + t]));
        global.joined_row(line);
      }
    }
  }
  tables.push_back(global.close());

  CsvFile metrics(folder, "metrics.csv", {"metric", "table", "units", "description"});
  for (const auto& [table, series] :
       {std::pair{"series_by_country.csv", &results.by_country}, std::pair{"series_global.csv", &results.global}}) {
    for (const auto& [metric, values] : *series) {
      const model::MetricInfo* info = metric_info(metric);
      metrics.row(
          {text_field(metric), table, text_field(info ? info->units : ""), text_field(info ? info->description : "")});
    }
  }
  tables.push_back(metrics.close());

  CsvFile country_table(folder, "countries.csv", {"country", "name", "latitude_deg", "longitude_deg"});
  for (std::size_t c = 0; c < countries; ++c) {
    country_table.row({text_field(meta.country_ids[c]),
                       text_field(c < meta.country_names.size() ? meta.country_names[c] : ""),
                       c < meta.latitude_deg.size() ? number_field(meta.latitude_deg[c]) : "",
                       c < meta.longitude_deg.size() ? number_field(meta.longitude_deg[c]) : ""});
  }
  tables.push_back(country_table.close());

  if (drawn) {
    CsvFile draws(folder, "draws.csv", {"draw", "particle", "parameter", "value"});
    const std::size_t P = meta.draw_parameters.size();
    for (std::size_t d = 0; d < static_cast<std::size_t>(meta.draws); ++d) {
      for (std::size_t j = 0; j < P; ++j) {
        draws.row({fmt::format("{}", d), fmt::format("{}", meta.draw_particle[d]), text_field(meta.draw_parameters[j]),
                   number_field(meta.draw_values[d * P + j])});
      }
    }
    tables.push_back(draws.close());
  }

  std::vector<std::pair<std::string, std::string>> about = {{"source", source.string()},
                                                            {"file_kind", "run"},
                                                            {"scenario", meta.scenario_name},
                                                            {"seed", fmt::format("{}", meta.seed)},
                                                            {"replicates", fmt::format("{}", meta.replicates)}};
  if (drawn) {
    about.emplace_back("draws", fmt::format("{}", meta.draws));
    about.emplace_back("posterior_file", meta.posterior_file);
  }
  about.insert(about.end(),
               {{"start_date", meta.start_date.to_string()},
                {"dt_days", fmt::format("{}", meta.dt_days)},
                {"steps", fmt::format("{}", meta.steps)},
                {"run_scale", number_field(meta.scale)},
                {"values", fmt::format("as simulated, at run.scale = {}: divide counts and dollars by it for the whole "
                                       "region",
                                       number_field(meta.scale))},
                {"scamsim_version", results.scamsim_version},
                {"git_commit", results.git_commit},
                {"created_utc", results.created_utc},
                {"schema_version", fmt::format("{}", results.schema_version)}});
  tables.push_back(write_about(folder, about));
  return tables;
}

std::vector<CsvTable> export_sweep_csv(const SweepResults& results, const fs::path& source, const fs::path& folder) {
  std::vector<CsvTable> tables;
  const std::size_t parameters = results.parameters.size();
  const std::size_t outcomes = results.outcomes.size();

  // The design's parameters and outcomes are columns of their own: a spreadsheet filters and plots them as they are.
  std::vector<std::string> header = {"run", "point", "replicate", "seed", "status"};
  header.insert(header.end(), results.parameters.begin(), results.parameters.end());
  header.insert(header.end(), results.outcomes.begin(), results.outcomes.end());
  header.emplace_back("message");
  CsvFile runs(folder, "runs.csv", header);
  for (std::size_t run = 0; run < static_cast<std::size_t>(results.runs); ++run) {
    std::vector<std::string> fields = {fmt::format("{}", run), fmt::format("{}", results.point[run]),
                                       fmt::format("{}", results.replicate[run]), fmt::format("{}", results.seeds[run]),
                                       std::string(status_name(results.status[run]))};
    for (std::size_t p = 0; p < parameters; ++p) fields.push_back(number_field(results.values[run * parameters + p]));
    for (std::size_t o = 0; o < outcomes; ++o) {
      fields.push_back(number_field(results.outcome_values[run * outcomes + o]));
    }
    fields.push_back(text_field(run < results.messages.size() ? results.messages[run] : ""));
    runs.row(fields);
  }
  tables.push_back(runs.close());

  CsvFile columns(folder, "columns.csv", {"column", "role", "units", "definition"});
  for (std::size_t p = 0; p < parameters; ++p) {
    columns.row({text_field(results.parameters[p]), "parameter",
                 text_field(p < results.parameter_units.size() ? results.parameter_units[p] : ""), ""});
  }
  for (std::size_t o = 0; o < outcomes; ++o) {
    columns.row({text_field(results.outcomes[o]), "outcome",
                 text_field(o < results.outcome_units.size() ? results.outcome_units[o] : ""),
                 text_field(o < results.outcome_definitions.size() ? results.outcome_definitions[o] : "")});
  }
  tables.push_back(columns.close());

  tables.push_back(write_about(
      folder, {{"source", source.string()},
               {"file_kind", "sweep"},
               {"sweep", results.name},
               {"design", results.design},
               {"complete", results.complete ? "yes" : "no (an in-progress file: pending runs have no outcomes)"},
               {"runs", fmt::format("{}", results.runs)},
               {"points", fmt::format("{}", results.points)},
               {"replicates", fmt::format("{}", results.replicates)},
               {"seed", fmt::format("{}", results.seed)},
               {"start_date", results.start_date.to_string()},
               {"base_run_scale", number_field(results.scale)},
               {"values", "outcomes as the sweep file stores them: counts and dollars at the whole region's scale"},
               {"scamsim_version", results.scamsim_version},
               {"git_commit", results.git_commit},
               {"created_utc", results.created_utc},
               {"schema_version", fmt::format("{}", results.schema_version)}}));
  return tables;
}

std::vector<CsvTable> export_compare_csv(const CompareResults& results, const fs::path& source,
                                         const fs::path& folder) {
  std::vector<CsvTable> tables;
  const std::size_t outcomes = results.outcomes.size();
  const auto pairs = static_cast<std::size_t>(results.pairs);

  CsvFile pair_table(folder, "pairs.csv", {"pair", "outcome", "a", "b", "difference"});
  for (std::size_t p = 0; p < pairs; ++p) {
    for (std::size_t o = 0; o < outcomes; ++o) {
      const double a = results.a[p * outcomes + o];
      const double b = results.b[p * outcomes + o];
      pair_table.row({fmt::format("{}", p), text_field(results.outcomes[o]), number_field(a), number_field(b),
                      number_field(b - a)});
    }
  }
  tables.push_back(pair_table.close());

  CsvFile outcome_table(
      folder, "outcomes.csv",
      {"outcome", "units", "pairs", "mean_a", "mean_b", "sd_a", "sd_b", "mean_difference", "sd_difference", "ci_low",
       "ci_high", "unpaired_low", "unpaired_high", "correlation", "definition"});
  for (std::size_t o = 0; o < outcomes; ++o) {
    const run::PairedStatistics& s = results.statistics[o];
    outcome_table.row({text_field(results.outcomes[o]),
                       text_field(o < results.outcome_units.size() ? results.outcome_units[o] : ""),
                       fmt::format("{}", s.pairs), number_field(s.mean_a), number_field(s.mean_b), number_field(s.sd_a),
                       number_field(s.sd_b), number_field(s.mean_difference), number_field(s.sd_difference),
                       number_field(s.ci_low), number_field(s.ci_high), number_field(s.unpaired_low),
                       number_field(s.unpaired_high), number_field(s.correlation),
                       text_field(o < results.outcome_definitions.size() ? results.outcome_definitions[o] : "")});
  }
  tables.push_back(outcome_table.close());

  tables.push_back(
      write_about(folder, {{"source", source.string()},
                           {"file_kind", "compare"},
                           {"scenario_a", results.name_a},
                           {"scenario_b", results.name_b},
                           {"file_a", results.file_a},
                           {"file_b", results.file_b},
                           {"pairs", fmt::format("{}", results.pairs)},
                           {"seed", fmt::format("{}", results.seed)},
                           {"confidence", number_field(results.confidence)},
                           {"values", "b minus a per pair; counts and dollars at the whole region's scale"},
                           {"scamsim_version", results.scamsim_version},
                           {"git_commit", results.git_commit},
                           {"created_utc", results.created_utc},
                           {"schema_version", fmt::format("{}", results.schema_version)}}));
  return tables;
}

}  // namespace scamsim::io
