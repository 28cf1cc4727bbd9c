#pragma once
// The layout of a sweep file and of its in-progress twin (SWEEP.h5.partial):
// the one owner of their paths, types and chunking, of how the design, the
// run status codes and a run's rows are stored, and of the checks that a file is
// the one a sweep wrote. The writer (sweep_writer.cpp) and the reader
// (sweep_reader.cpp) take them from here. Internal to io.

#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "sim/io/file_support.hpp"
#include "sim/io/h5.hpp"
#include "sim/sweep/shard.hpp"
#include "sim/sweep/sweep_runner.hpp"
#include "sim/sweep/sweep_spec.hpp"

namespace scamsim::io::sweep_layout {

// ---------------------------------------------------------------- the layout
//
// docs/SWEEPS.md ("Output") is the user-facing description of all of this.
// As in run files, the coordinates are dimension scales at the root (netCDF
// readers only look for a dataset's dimensions in its own group and its
// ancestors) and /coords/<name> are second names of the same datasets.

inline constexpr const char* run_path = "run";
inline constexpr const char* parameter_path = "parameter";
inline constexpr const char* parameter_units_path = "parameter_units";
inline constexpr const char* parameter_distribution_path = "parameter_distribution";
inline constexpr const char* outcome_path = "outcome";
inline constexpr const char* time_path = "time";
inline constexpr const char* country_path = "country";
inline constexpr const char* country_name_path = "country_name";
inline constexpr const char* latitude_path = "latitude_deg";
inline constexpr const char* longitude_path = "longitude_deg";
inline constexpr const char* coords_group = "coords";
inline constexpr const char* design_group = "design";
inline constexpr const char* values_path = "design/values";
inline constexpr const char* unit_path = "design/unit";
inline constexpr const char* point_path = "design/point";
inline constexpr const char* replicate_path = "design/replicate";
inline constexpr const char* seed_path = "design/seed";
inline constexpr const char* status_path = "design/status";
inline constexpr const char* message_path = "design/message";
inline constexpr const char* set_path = "design/set";
// In-progress files only: each finished run's checksum (sweep_checksum.hpp), 0 while pending.
inline constexpr const char* checksum_path = "design/checksum";
inline constexpr const char* outcomes_group = "outcomes";
inline constexpr const char* by_country_group = "by_country";
inline constexpr const char* sensitivity_group = "sensitivity";
// Root attributes of a shard file only (`scamsim sweep --shard I/N`, sim/sweep/shard.hpp): I and N.
inline constexpr const char* shard_index_attribute = "shard_index";
inline constexpr const char* shard_count_attribute = "shard_count";

// Series chunks of the final file hold one run's steps (up to this many) for
// every country, as in run files.
inline constexpr hsize_t series_chunk_steps = 1024;
inline constexpr hsize_t message_chunk_rows = 4096;
inline constexpr int deflate_level = 4;

/// Every dataset a sweep file has, open.
struct Datasets {
  h5::Dataset run_scale, parameter_scale, outcome_scale, time_scale, country_scale;
  h5::Dataset values, unit, point, replicate, seed, status, message, set;
  h5::Dataset checksum;               ///< in-progress files only; empty in final ones and older partials
  std::vector<h5::Dataset> outcomes;  ///< per spec outcome
  std::vector<h5::Dataset> series;    ///< per kept metric
};

/// What the root says about the sweep besides the spec.
struct RootFacts {
  std::string created_utc;
  std::string command_line;
  std::string history;
  bool complete = false;
};

/// The memory type of the int8 run status codes (pending 0, done 1, failed 2) that `status` (/design/status)
/// stores: plain integers with CF flag_values and flag_meanings (schema 3 on, so that netCDF readers open the
/// file), or the HDF5 enum of older files.
h5::Handle status_memory_type(const h5::Dataset& status);
/// Writes `count` values into a 1-D dataset from element `first` on; `memory_type` describes one value.
void write_elements(const h5::Dataset& d, hid_t memory_type, const void* values, hsize_t first, hsize_t count);
/// Reads the block of extents `count` at `offset` of a dataset as `memory_type`.
void read_block(const h5::Dataset& d, hid_t memory_type, void* out, const h5::Shape& offset, const h5::Shape& count);
/// The /design/status column; throws h5::Error on an unknown status.
std::vector<sweep::RunStatus> read_status(const h5::Dataset& d);
/// Text cut to the fixed message size, on a UTF-8 character boundary.
std::string fit_message(const std::string& message);

/// The root attributes: everything needed to repeat the sweep and to trust the file.
void write_root(h5::File& file, const sweep::SweepSpec& spec, const sweep::SweepPlan& plan, const RootFacts& facts);
class RunChecksum;

/// Stores one run's series block; counts and dollars as int64, as run files do. The bytes stored are added to
/// `checksum` when one is given.
void write_series(h5::Dataset& dataset, model::CountryMetric metric, std::int64_t run, std::span<const double> values,
                  std::int64_t steps, std::size_t countries, RunChecksum* checksum = nullptr);
/// The coordinates, the design and empty outcome and series datasets. `final_layout` chooses compressed chunks
/// for the series and messages (the final file, written once); otherwise every dataset is contiguous and
/// allocated now, so that writing a run never changes the file's structure (the in-progress file).
Datasets create_layout(h5::File& file, const sweep::SweepSpec& spec, const sweep::SweepPlan& plan, bool final_layout);
/// The datasets a writer or finisher needs, refusing the file when one is missing.
Datasets open_layout(const h5::File& file, const std::filesystem::path& path, const sweep::SweepSpec& spec);

/// A root attribute, refusing the file when it is missing.
template <class T>
T attribute(const h5::File& file, const std::filesystem::path& path, const std::string& name) {
  if (!file.has_attribute(name)) detail::refuse(path, fmt::format("missing root attribute '{}'", name));
  return file.attribute<T>(name);
}

/// What check_same_sweep's refusals tell the user to do by default: resuming is what opens an in-progress file.
inline constexpr std::string_view resume_remedy =
    "; finish it with the command that started it, or start over with --force";

/// Refuses an in-progress file that another sweep wrote: the sweep text, the base scenario (after the sweep's
/// and the command line's --set) and the design (values and seeds of every run) must all be the same. Each
/// message ends with `remedy`.
void check_same_sweep(const h5::File& file, const std::filesystem::path& path, const sweep::SweepSpec& spec,
                      const sweep::SweepPlan& plan, std::string_view remedy = resume_remedy);

/// The shard an in-progress file holds (its root attributes shard_index and shard_count), or none: a whole
/// sweep's. Refuses the file when they are not a valid I/N.
std::optional<sweep::Shard> read_shard(const h5::File& file, const std::filesystem::path& path);
/// Marks an in-progress file as holding one shard.
void write_shard(h5::File& file, const sweep::Shard& shard);

}  // namespace scamsim::io::sweep_layout
