#pragma once
// What the writers and readers of run, sweep and comparison files share. Internal to the io module: the
// names live in io::detail so that they do not meet the files' own overloads of the same names.

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "sim/io/h5.hpp"
#include "sim/io/open_file.hpp"
#include "sim/model/metrics.hpp"

namespace scamsim::io::detail {

/// Now in UTC as ISO 8601 ("2025-01-31T12:00:00Z"), for the files' creation and history attributes.
std::string utc_now();

/// The root attributes that say what wrote a file and what it is, the same in run, sweep and comparison files:
/// source, scamsim_version, git_commit, schema_version and file_kind.
void write_identity(h5::Object& root, FileKind kind);

/// Throws SetupError about `path`: the files are inputs, so what is wrong with them is the user's to fix.
[[noreturn]] void refuse(const std::filesystem::path& path, const std::string& message);

/// The dataset at `name`, refusing the file when it is missing rather than failing deep in HDF5.
h5::Dataset required_dataset(const h5::File& file, const std::filesystem::path& path, const std::string& name);

/// A file's run.scale: its root attribute `attribute` (a double above 0), or, in files written before that
/// attribute existed, `[run] scale` of the scenario text it recorded (1, the default, when that has none).
/// Refuses the file if the value is not above 0 or the scenario text is not TOML.
double read_run_scale(const h5::File& file, const std::filesystem::path& path, const std::string& attribute,
                      const std::string& scenario_toml);

/// A 1-D coordinate at `path` that is also the dimension scale of that name.
template <class T>
h5::Dataset write_scale(h5::Group& root, const std::string& path, std::span<const T> values) {
  h5::Dataset scale = root.create_dataset<T>(path, {values.size()});
  scale.write<T>(values);
  scale.make_scale(path);
  return scale;
}

/// Attaches one scale to each dimension of `d`, in order, each with its label.
void attach(h5::Dataset& d, std::span<const std::pair<const h5::Dataset*, const char*>> scales);
/// The same, for a list written in place.
void attach(h5::Dataset& d, std::initializer_list<std::pair<const h5::Dataset*, const char*>> scales);

/// Count and USD series hold whole numbers in doubles; files store them as int64 so that readers get exact
/// integers.
bool stored_as_integer(model::MetricKind kind);

/// CF's cell_methods of a series in `units`: flows (units per step) are totals over a step's days, everything
/// else is the state at the end of the step; tools that resample then sum flows and take the last of stocks.
std::string cell_methods(std::string_view units);

/// The UDUNITS form of units in scamsim's words, for the CF `units` attribute. UDUNITS has no people,
/// operations, raids or currency, so counts, US dollars, shares and ratios of counts are "1" (CF's units for
/// a count) and a rate per year is "year-1"; what is counted, and over what, is in the attributes beside it.
std::string cf_units(std::string_view words);
/// Sets a dataset's CF `units` (cf_units of `words`) and `scamsim_units` (`words`: "people", "USD/step", ...).
void set_units(h5::Object& dataset, std::string_view words);
/// A dataset's units in scamsim's words: `scamsim_units` (schema 3 on), else `units` (older files), else "".
std::string units_in_words(const h5::Dataset& dataset);

/// The root attribute that says at which run.scale a file's counts of people, operations, raids and dollars
/// are: the run's run.scale in run files (counts of the simulated world), 1 in sweep and compare files (each
/// run's counts divided by its run.scale). One scale per file, so that series and outcomes compare.
inline constexpr const char* counts_at_scale_attribute = "counts_at_scale";

/// How a series stores counts and dollars: whole numbers of the simulated world (int64), or divided by the
/// run's run.scale (float64, no longer whole).
enum class SeriesScale : std::uint8_t { simulated, whole_region };

/// The dataset of one metric's series at `group`/its name: int64 or double by its kind and `scale`, chunked
/// and deflated as `options` say, with its long_name, units (set_units), description and cell_methods, and a
/// fill value for what was never written. The one place run and sweep files make a series, so the two
/// describe a metric alike.
h5::Dataset create_metric_series(h5::Group& group, const model::MetricInfo& info, const h5::Shape& shape,
                                 const h5::DatasetOptions& options, SeriesScale scale = SeriesScale::simulated);

/// The paths of the draws' datasets (write_draws).
inline constexpr const char* draw_path = "draw";
inline constexpr const char* draw_parameter_path = "parameter";
inline constexpr const char* draw_values_path = "draw_values";
inline constexpr const char* draw_particle_path = "draw_particle";

/// The draws of a run or comparison over a posterior (`--posterior`), at the root: the scale `draw` (0 .. draws - 1),
/// the scale `parameter` (the calibrated parameters' key paths), `draw_values` (draw, parameter) and
/// `draw_particle` (draw). One home for the layout both file kinds share (docs/OUTPUT.md section 7). Returns the
/// draw scale, for what else is attached to it.
h5::Dataset write_draws(h5::Group& root, std::span<const std::string> parameters, std::span<const double> values,
                        std::span<const std::int64_t> particles, const std::string& values_long_name);

/// Makes a file's writes durable: HDF5 flushes to the operating system, fdatasync to the disk. Throws
/// h5::Error naming the file when it cannot.
void sync_to_disk(const std::filesystem::path& path);

/// Makes a rename in `folder` durable: the new name is on disk, not only the data. Best effort.
void sync_folder(const std::filesystem::path& folder);

}  // namespace scamsim::io::detail
