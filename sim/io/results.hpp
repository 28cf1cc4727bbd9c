#pragma once
// The HDF5 result file of a run: its schema version, what it records and the
// calls that write and read it (the layout itself is run_layout.hpp's). The
// engine hands over one model::RunRecord per replicate; analysis code (and
// `scamsim summary`) reads the file back. docs/OUTPUT.md documents
// the layout for users of h5py, xarray, pandas and R; keep the two in step.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/core/date.hpp"
#include "sim/io/scenario_events_table.hpp"
#include "sim/model/metrics.hpp"

namespace scamsim::scenario {
struct Scenario;
}

namespace scamsim::io {

/// Version of the result layout written by this build. Bumped whenever a change could break a reader
/// (a path, type, shape, unit or meaning changes, or something is removed); additions keep it.
/// read_results() accepts files of this version or older.
/// Version 2 stores the scenario's events as a table (version 1: "date kind target" strings); version 3 gives
/// every data group its own coordinates, so that netCDF readers label each group (docs/OUTPUT.md section 6);
/// version 4 adds runs over a posterior (`run --posterior`), whose series have a draw dimension before replicate.
inline constexpr std::int64_t results_schema_version = 4;

/// What a results file records about the run besides its series.
struct RunMetadata {
  std::string scenario_name;               ///< Scenario::name
  std::string resolved_toml;               ///< Scenario::resolved_toml: the run can be repeated from it alone
  std::string command_line;                ///< as typed
  std::int64_t seed = 0;                   ///< the run's seed (replicates derive theirs from it)
  std::int64_t replicates = 0;             ///< replicates the file holds when complete
  Date start_date;                         ///< the first day of step 0
  std::int64_t dt_days = 1;                ///< days per step
  std::int64_t steps = 0;                  ///< steps per replicate
  double scale = 1;                        ///< run.scale: below 1 a smaller world, a preview (issue 13)
  std::vector<std::string> country_ids;    ///< in CountryId order: what series and event rows index
  std::vector<std::string> country_names;  ///< display names, parallel to country_ids
  std::vector<double> latitude_deg;        ///< parallel to country_ids
  std::vector<double> longitude_deg;       ///< parallel to country_ids
  std::vector<std::string> network_ids;    ///< in NetworkId order: what event and operator rows index
  std::vector<std::string> site_ids;       ///< in SiteId order: what operator rows index
  /// The scenario's events, in date order (the table /scenario_event), so that plots can mark them; may be
  /// empty.
  std::vector<ScenarioEventRow> scenario_events;

  /// A run over a posterior (`run --posterior`): the draws (0: an ordinary run, with no draw dimension), the
  /// parameters drawn, each draw's values [draw][parameter] flattened, the particle of the posterior's final
  /// population each draw is, and the posterior file's name. Series are then [draw][replicate]..., and the
  /// tables' replicate column is the run, draw x replicates + replicate.
  std::int64_t draws = 0;
  std::vector<std::string> draw_parameters;
  std::vector<double> draw_values;
  std::vector<std::int64_t> draw_particle;
  std::string posterior_file;

  /// The runs the file holds: replicates, times the draws of a run over a posterior.
  [[nodiscard]] std::int64_t runs() const { return (draws > 0 ? draws : 1) * replicates; }

  /// Everything the scenario determines; nothing engine-specific is needed.
  static RunMetadata from_scenario(const scenario::Scenario& scenario, std::string command_line);
};

/// Writes a results file replicate by replicate: construct, call write_replicate with index 0, 1, 2, ...
/// in order, then finish(). The file is flushed after every replicate; one that was never finished
/// (a crashed or interrupted run) is refused by read_results as incomplete.
class ResultsWriter {
 public:
  /// Creates the file (replacing any file there) with its metadata, coordinates and empty series.
  /// Throws h5::Error if the file can't be written, or if `meta` is inconsistent.
  ResultsWriter(const std::filesystem::path& path, const RunMetadata& meta);
  /// Moving hands the open file over; the moved-from writer can only be destroyed.
  ResultsWriter(ResultsWriter&&) noexcept;
  /// Closes any file this writer held (quietly, unfinished) before taking over `other`'s.
  ResultsWriter& operator=(ResultsWriter&&) noexcept;
  ResultsWriter(const ResultsWriter&) = delete;
  ResultsWriter& operator=(const ResultsWriter&) = delete;
  /// Closes quietly; a file not finish()ed stays marked incomplete.
  ~ResultsWriter();

  /// Stores one replicate's series, events and final operators. Throws h5::Error if `replicate` is not
  /// the next index, if the record's shape differs from the metadata's, if a count or USD value is not a
  /// whole number, if an event kind or operator state is unknown, or if HDF5 fails.
  void write_replicate(std::int64_t replicate, const model::RunRecord& record);
  /// Marks the file complete and closes it; throws h5::Error if replicates are missing or on failure.
  void finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// A results file read back (for `scamsim summary` and tests).
struct Results {
  RunMetadata meta;                 ///< as written, command line and scenario text included
  std::string scamsim_version;      ///< version of the scamsim that wrote the file
  std::string git_commit;           ///< commit of the scamsim that wrote the file
  std::string created_utc;          ///< when the file was created, "YYYY-MM-DDTHH:MM:SSZ"
  std::int64_t schema_version = 0;  ///< layout version of the file (<= results_schema_version)
  /// by_country[metric name]: values [replicate][time][country], flattened row-major.
  std::map<std::string, std::vector<double>> by_country;
  /// global[metric name]: values [replicate][time], flattened row-major.
  std::map<std::string, std::vector<double>> global;
  /// The event log of every replicate, replicate by replicate, in the order each was recorded.
  std::vector<model::EventRecord> events;
  /// The replicate of each entry of `events`.
  std::vector<std::int64_t> event_replicate;
  /// The final operator table of every replicate, replicate by replicate.
  std::vector<model::OperatorRecord> final_operators;
  /// The replicate of each entry of `final_operators`.
  std::vector<std::int64_t> operator_replicate;
};

/// Reads a results file. Throws scamsim::SetupError, with a message naming the file, if it is missing,
/// not an HDF5 file, not a scamsim result (missing or odd schema attributes), of a newer schema
/// version, incomplete (the run never finished), or truncated or otherwise corrupt.
Results read_results(const std::filesystem::path& path);

}  // namespace scamsim::io
