#pragma once
// The layout of a run file (`scamsim run`): the one owner of its paths, table
// records, enum members, chunking and compression. The writer
// (results_writer.cpp) and the reader (results_reader.cpp) both take them from
// here; docs/OUTPUT.md describes the same layout for users. Internal to io.

#include <hdf5.h>

#include <array>
#include <cstdint>
#include <string_view>

#include "sim/io/h5.hpp"

namespace scamsim::io::run_layout {

// ---------------------------------------------------------------- the layout
//
// docs/OUTPUT.md is the user-facing description of all of this.
//
// The coordinates are dimension scales at the root, and /coords/<name> are
// second (hard) links to the same objects. netCDF-4 readers (ncdump,
// xarray's h5netcdf engine) only resolve a dataset's dimensions in its own
// group or an ancestor, so scales living only in /coords would leave the
// series in /by_country and /global without named dimensions. The links keep
// the /coords paths the issue asked for without a second copy of the data.

inline constexpr const char* time_path = "time";
inline constexpr const char* country_path = "country";
inline constexpr const char* replicate_path = "replicate";
// Runs over a posterior only (schema 4): the root attribute counting the draws (absent in an ordinary run); the
// draws' own datasets are detail::write_draws's (file_support.hpp), shared with comparison files.
inline constexpr const char* draws_attribute = "draws";
inline constexpr const char* network_path = "network";
inline constexpr const char* site_path = "site";
inline constexpr const char* scenario_event_path = "scenario_event";
inline constexpr const char* country_name_path = "country_name";
inline constexpr const char* latitude_path = "latitude_deg";
inline constexpr const char* longitude_path = "longitude_deg";
inline constexpr const char* by_country_group = "by_country";
inline constexpr const char* global_group = "global";
inline constexpr const char* coords_group = "coords";
inline constexpr const char* events_path = "events";
inline constexpr const char* event_scale_path = "event";
// The tables (/events, /operators/final, /scenario_event) are compound
// datasets whose types are transient, not named, so that netCDF-C skips them:
// netCDF-C shows a compound or enum dataset only when its type is named, and
// R's ncdf4 refuses a whole file that holds any such user-defined type
// ("unrecognized type code -1"); netCDF4-python skipped them anyway. h5py,
// h5netcdf, pandas, hdf5r and rhdf5 read them as tables (docs/OUTPUT.md
// section 4). Schema 2 named them /event_kind, /event_record, ...
inline constexpr const char* operators_group = "operators";
inline constexpr const char* operators_path = "operators/final";
inline constexpr const char* operator_scale_path = "operators/final_operator";

// Root attribute counting the replicates completely stored: a file where it
// is below `replicates` was left by a run that never finished.
inline constexpr const char* replicates_written_attribute = "replicates_written";
// Root attribute holding the run's run.scale (double): below 1 the file is a
// preview of a smaller world. Files written before it existed carry the
// value only in their scenario_toml, which the reader falls back on.
inline constexpr const char* run_scale_attribute = "run_scale";

// Table rows grow by a replicate's events at a time; 4096 rows of ~45 bytes
// is a chunk of ~180 KiB, a good size for deflate and for reading.
inline constexpr hsize_t table_chunk_rows = 4096;
// Series chunks hold one replicate's run of up to this many steps for every
// country: what a plot of one replicate reads, and still well under 1 MiB.
inline constexpr hsize_t series_chunk_steps = 1024;
inline constexpr int deflate_level = 4;

// The memory layout of one event-log row: EventRecord plus its replicate.
// The file stores the packed version of this type, so padding never reaches it.
struct EventRow {
  std::int64_t replicate;
  std::int32_t step;
  std::uint8_t kind;
  std::int32_t country;
  std::int32_t network;
  std::int64_t operator_id;
  std::int64_t count;
  std::int64_t amount_usd;
};

// The memory layout of one final-operator row: OperatorRecord plus its replicate.
struct OperatorRow {
  std::int64_t replicate;
  std::int64_t operator_id;
  std::int32_t network;
  std::int32_t country;
  std::int32_t site;
  std::uint8_t state;
  std::int64_t workers;
  std::int64_t target_workers;
  std::int64_t capital_usd;
  double protection;
  double tech;
  double perceived_risk;
};

// OperatorRecord::state, as stored.
inline constexpr std::array<std::string_view, 3> operator_state_names = {"active", "relocating", "dismantled"};

/// The event kinds as an HDF5 enum, named as the event log names them.
h5::Handle event_kind_enum();
/// The operator states as an HDF5 enum.
h5::Handle operator_state_enum();
/// The memory layout of an EventRow, with `kind` (the enum) as the kind member's type.
h5::CompoundType event_row_type(hid_t kind);
/// The memory layout of an OperatorRow, with `state` (the enum) as the state member's type.
h5::CompoundType operator_row_type(hid_t state);

}  // namespace scamsim::io::run_layout
