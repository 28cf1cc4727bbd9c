#include "sim/io/run_file.hpp"

#include <algorithm>
#include <cmath>

#include "sim/io/results.hpp"
#include "sim/model/metrics.hpp"
#include "sim/model/world.hpp"

namespace scamsim::io {

namespace {

// Bytes of a record's series, which a replicate holds in memory and the file stores.
std::uint64_t series_bytes(const scenario::Scenario& s) {
  const auto steps = static_cast<std::uint64_t>(std::max<std::int64_t>(s.run.steps(), 0));
  const std::uint64_t countries = s.countries.size();
  return steps * (model::country_metric_count * countries + model::global_metric_count) * sizeof(double);
}

// Operations at the start: the rows of the final operator table, and a scale for the event log.
std::uint64_t operations_at_start(const scenario::Scenario& s) {
  std::uint64_t operations = 0;
  for (const scenario::OperationGroupSpec& g : s.operations) operations += static_cast<std::uint64_t>(g.operations);
  return operations;
}

// Rows of a replicate's event log: a few events per operation and month is what the shipped scenarios show;
// the estimate takes ten.
std::uint64_t event_rows(const scenario::Scenario& s) {
  const double months = static_cast<double>(std::max<std::int64_t>(s.run.steps() * s.run.dt_days, 0)) / 30.0;
  return static_cast<std::uint64_t>(std::ceil(10.0 * static_cast<double>(operations_at_start(s) + 1) * months));
}

constexpr std::uint64_t event_row_bytes = 45;      // the packed record of run_layout.hpp
constexpr std::uint64_t operator_row_bytes = 77;   // likewise
constexpr std::uint64_t fixed_bytes = 256 * 1024;  // attributes, named types, HDF5's own structures

}  // namespace

run::RunResult run_into_file(const scenario::Scenario& scenario, run::RunOptions options,
                             const std::filesystem::path& path, const std::string& command_line) {
  ResultsWriter writer(path, RunMetadata::from_scenario(scenario, command_line));
  options.on_replicate = [&writer](std::size_t replicate, model::RunRecord&& record) {
    writer.write_replicate(static_cast<std::int64_t>(replicate), record);
  };
  run::RunResult result = run::run_replicates(scenario, options);
  writer.finish();
  return result;
}

run::RunResult run_draws_into_file(std::span<const scenario::Scenario> draws, const RunMetadata& meta,
                                   run::RunOptions options, const std::filesystem::path& path) {
  ResultsWriter writer(path, meta);
  options.on_replicate = [&writer](std::size_t run, model::RunRecord&& record) {
    writer.write_replicate(static_cast<std::int64_t>(run), record);
  };
  run::RunResult result = run::run_draws(draws, options);
  writer.finish();
  return result;
}

std::uint64_t estimate_run_file_bytes(const scenario::Scenario& s, std::int64_t replicates) {
  const auto r = static_cast<std::uint64_t>(std::max<std::int64_t>(replicates, 0));
  const std::uint64_t coordinates =
      static_cast<std::uint64_t>(std::max<std::int64_t>(s.run.steps(), 0)) * sizeof(std::int64_t) +
      s.countries.size() * 64 + s.networks.size() * 32 + s.sites.size() * 32 + s.events.size() * 64;
  const std::uint64_t per_replicate =
      series_bytes(s) + event_rows(s) * event_row_bytes + 2 * (operations_at_start(s) + 1) * operator_row_bytes;
  return fixed_bytes + s.resolved_toml.size() + coordinates + r * per_replicate;
}

std::uint64_t estimate_run_memory_bytes(const scenario::Scenario& s, int threads) {
  std::uint64_t workers = 0;
  for (const scenario::OperationGroupSpec& g : s.operations) workers += static_cast<std::uint64_t>(g.workers);
  // People recruited during the run are added to the table; three times the start leaves room for that.
  const auto world = static_cast<std::uint64_t>(3.0 * static_cast<double>(workers) * std::max(s.run.scale, 0.0)) *
                     model::Workers::bytes_per_worker;
  const std::uint64_t record = series_bytes(s) + event_rows(s) * event_row_bytes;
  const auto in_flight = static_cast<std::uint64_t>(
      std::clamp<std::int64_t>(run::effective_threads(threads), 1, std::max<std::int64_t>(s.run.replicates, 1)));
  return in_flight * (world + 2 * record);
}

}  // namespace scamsim::io
