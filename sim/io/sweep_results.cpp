#include "sim/io/sweep_results.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <fstream>
#include <limits>
#include <numeric>
#include <span>

#include <fmt/format.h>

#include "sim/core/error.hpp"
#include "sim/core/text.hpp"
#include "sim/core/version.hpp"
#include "sim/io/file_support.hpp"
#include "sim/io/h5.hpp"
#include "sim/io/results.hpp"
#include "sim/model/metrics.hpp"
#include "sim/scenario/describe.hpp"

namespace scamsim::io {

namespace fs = std::filesystem;
using sweep::RunStatus;

namespace {

using namespace detail;  // the helpers every scamsim file shares

// ---------------------------------------------------------------- the layout
//
// docs/SWEEPS.md ("Output") is the user-facing description of all of this.
// As in run files, the coordinates are dimension scales at the root (netCDF
// readers only look for a dataset's dimensions in its own group and its
// ancestors) and /coords/<name> are second names of the same datasets.

constexpr const char* run_path = "run";
constexpr const char* parameter_path = "parameter";
constexpr const char* parameter_units_path = "parameter_units";
constexpr const char* parameter_distribution_path = "parameter_distribution";
constexpr const char* outcome_path = "outcome";
constexpr const char* time_path = "time";
constexpr const char* country_path = "country";
constexpr const char* country_name_path = "country_name";
constexpr const char* latitude_path = "latitude_deg";
constexpr const char* longitude_path = "longitude_deg";
constexpr const char* coords_group = "coords";
constexpr const char* design_group = "design";
constexpr const char* status_type_path = "design/run_status";
constexpr const char* values_path = "design/values";
constexpr const char* unit_path = "design/unit";
constexpr const char* point_path = "design/point";
constexpr const char* replicate_path = "design/replicate";
constexpr const char* seed_path = "design/seed";
constexpr const char* status_path = "design/status";
constexpr const char* message_path = "design/message";
constexpr const char* set_path = "design/set";
constexpr const char* outcomes_group = "outcomes";
constexpr const char* by_country_group = "by_country";
constexpr const char* sensitivity_group = "sensitivity";

// Series chunks of the final file hold one run's steps (up to this many) for
// every country, as in run files.
constexpr hsize_t series_chunk_steps = 1024;
constexpr hsize_t message_chunk_rows = 4096;
constexpr int deflate_level = 4;

hsize_t extent(std::int64_t n) { return static_cast<hsize_t>(n); }
hsize_t extent(std::size_t n) { return static_cast<hsize_t>(n); }

bool stored_as_integer(model::MetricKind kind) { return kind != model::MetricKind::real; }
std::string cell_methods(std::string_view units) { return units.ends_with("/step") ? "time: sum" : "time: point"; }

const char* distribution_name(sweep::Distribution d) {
  switch (d) {
    case sweep::Distribution::uniform:
      return "uniform";
    case sweep::Distribution::log_uniform:
      return "log_uniform";
    case sweep::Distribution::integer:
      return "integer";
    case sweep::Distribution::levels:
      return "levels";
  }
  return "?";
}

// ------------------------------------------------ the int8 status enum
//
// h5.hpp builds enums over uint8 only; the status is an int8 enum, so it is
// read and written here with the enum itself as the memory type (HDF5 does
// not convert between integers and enums).

h5::Handle status_enum() {
  h5::Handle type(H5Tenum_create(H5T_NATIVE_INT8));
  if (!type.valid()) throw h5::Error("cannot make the run status enum type");
  const std::array<std::pair<const char*, std::int8_t>, 3> members = {{{"pending", 0}, {"done", 1}, {"failed", 2}}};
  for (const auto& [name, value] : members) {
    if (H5Tenum_insert(type.get(), name, &value) < 0) throw h5::Error("cannot make the run status enum type");
  }
  return type;
}

// Writes `values` into a 1-D dataset from element `first` on; `memory_type` describes one value.
void write_elements(const h5::Dataset& d, hid_t memory_type, const void* values, hsize_t first, hsize_t count) {
  const auto fail = [&] { throw h5::Error(fmt::format("cannot write '{}' in '{}'", d.path(), d.file_name())); };
  if (count == 0) return;
  const h5::Handle file_space(H5Dget_space(d.id()));
  if (!file_space.valid() ||
      H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &first, nullptr, &count, nullptr) < 0) {
    fail();
  }
  const h5::Handle memory_space(H5Screate_simple(1, &count, nullptr));
  if (!memory_space.valid() ||
      H5Dwrite(d.id(), memory_type, memory_space.get(), file_space.get(), H5P_DEFAULT, values) < 0) {
    fail();
  }
}

// Reads the block of `count` at `offset` of a dataset as `memory_type`.
void read_block(const h5::Dataset& d, hid_t memory_type, void* out, const h5::Shape& offset, const h5::Shape& count) {
  const auto fail = [&] { throw h5::Error(fmt::format("cannot read '{}' in '{}'", d.path(), d.file_name())); };
  const h5::Handle file_space(H5Dget_space(d.id()));
  if (!file_space.valid() ||
      H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, offset.data(), nullptr, count.data(), nullptr) < 0) {
    fail();
  }
  const h5::Handle memory_space(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr));
  if (!memory_space.valid() ||
      H5Dread(d.id(), memory_type, memory_space.get(), file_space.get(), H5P_DEFAULT, out) < 0) {
    fail();
  }
}

std::vector<RunStatus> read_status(const h5::Dataset& d) {
  const h5::Handle type = status_enum();
  const h5::Shape shape = d.shape();
  if (shape.size() != 1) throw h5::Error(fmt::format("'{}' is not one-dimensional", d.path()));
  std::vector<std::int8_t> raw(shape[0]);
  if (!raw.empty()) read_block(d, type.get(), raw.data(), {0}, {shape[0]});
  std::vector<RunStatus> out;
  out.reserve(raw.size());
  for (const std::int8_t v : raw) {
    if (v < 0 || v > 2) throw h5::Error(fmt::format("'{}' holds the unknown status {}", d.path(), v));
    out.push_back(static_cast<RunStatus>(v));
  }
  return out;
}

// Text cut to the fixed message size, on a UTF-8 character boundary.
std::string fit_message(const std::string& message) {
  if (message.size() <= sweep_message_bytes) return message;
  std::size_t end = sweep_message_bytes - 3;
  while (end > 0 && (static_cast<unsigned char>(message[end]) & 0xC0u) == 0x80u) --end;
  return message.substr(0, end) + "...";
}

// Makes a file's writes durable: HDF5 flushes to the operating system, fsync to the disk.
void sync_to_disk(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw h5::Error(fmt::format("cannot open '{}' to sync it: {}", path.string(), std::strerror(errno)));
  // fdatasync: the file's size and layout were settled when it was created, only its bytes change.
  const int rc = ::fdatasync(fd);
  const int error = errno;
  ::close(fd);
  if (rc != 0) throw h5::Error(fmt::format("cannot sync '{}' to disk: {}", path.string(), std::strerror(error)));
}

// Makes a rename in `folder` durable: the new name is on disk, not only the data.
void sync_folder(const fs::path& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // best effort: some file systems do not open folders
  (void)::fsync(fd);
  ::close(fd);
}

// ---------------------------------------------------------------- creating

/// Every dataset a sweep file has, open.
struct Datasets {
  h5::Dataset run_scale, parameter_scale, outcome_scale, time_scale, country_scale;
  h5::Dataset values, unit, point, replicate, seed, status, message, set;
  std::vector<h5::Dataset> outcomes;  // per spec outcome
  std::vector<h5::Dataset> series;    // per kept metric
};

/// What the root says about the sweep besides the spec.
struct RootFacts {
  std::string created_utc;
  std::string command_line;
  std::string history;
  bool complete = false;
};

void write_root(h5::File& file, const sweep::SweepSpec& spec, const sweep::SweepPlan& plan, const RootFacts& facts) {
  // Everything needed to repeat the sweep and to trust the file, at the root, as in run files.
  file.set_attribute("title", fmt::format("scamsim sweep: {}", spec.name));
  file.set_attribute("source", fmt::format("scamsim {} (commit {})", version(), git_commit()));
  file.set_attribute("scamsim_version", version());
  file.set_attribute("git_commit", git_commit());
  file.set_attribute("schema_version", results_schema_version);
  file.set_attribute("file_kind", "sweep");
  file.set_attribute("created_utc", facts.created_utc);
  file.set_attribute("history", facts.history);
  file.set_attribute("command_line", facts.command_line);
  file.set_attribute("sweep_name", spec.name);
  file.set_attribute("description", spec.description);
  file.set_attribute("sweep_toml", spec.sweep_toml);
  file.set_attribute("base_scenario_toml", spec.base.resolved_toml);
  file.set_attribute("seed", static_cast<std::int64_t>(spec.seed));
  file.set_attribute("design", sweep::design_name(spec.design));
  file.set_attribute("replicates", plan.replicates);
  file.set_attribute("points", plan.points);
  file.set_attribute("runs", static_cast<std::int64_t>(plan.runs.size()));
  file.set_attribute("common_random_numbers", std::int64_t{spec.common_random_numbers ? 1 : 0});
  file.set_attribute("start_date", spec.base.run.start_date.to_string());
  file.set_attribute("dt_days", spec.base.run.dt_days);
  file.set_attribute("steps", spec.base.run.steps());
  file.set_attribute("complete", std::int64_t{facts.complete ? 1 : 0});
  if (spec.design == sweep::DesignKind::saltelli) file.set_attribute("base_points", spec.base_points);
  if (spec.design == sweep::DesignKind::morris) {
    file.set_attribute("trajectories", spec.trajectories);
    file.set_attribute("morris_levels", spec.morris_levels);
  }
}

void describe(h5::Dataset& d, std::string_view long_name, std::string_view description) {
  d.set_attribute("long_name", long_name);
  d.set_attribute("description", description);
}

// Stores one run's series block; counts and dollars as int64, as run files do.
void write_series(h5::Dataset& dataset, model::CountryMetric metric, std::int64_t run, std::span<const double> values,
                  std::int64_t steps, std::size_t countries) {
  const model::MetricInfo& info = model::country_metrics()[static_cast<std::size_t>(metric)];
  const h5::Shape offset = {static_cast<hsize_t>(run), 0, 0};
  const h5::Shape block = {1, extent(steps), extent(countries)};
  if (values.size() != static_cast<std::size_t>(steps) * countries) {
    throw h5::Error(fmt::format("run {}: {} has {} values, not steps x countries", run, info.name, values.size()));
  }
  if (!stored_as_integer(info.kind)) {
    dataset.write_block<double>(offset, block, values);
    return;
  }
  std::vector<std::int64_t> integers(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i]) || values[i] != std::nearbyint(values[i]) || std::abs(values[i]) >= 9.2e18) {
      throw h5::Error(
          fmt::format("run {}: {} holds {}, not a whole number of {}", run, info.name, values[i], info.units));
    }
    integers[i] = std::llround(values[i]);
  }
  dataset.write_block<std::int64_t>(offset, block, integers);
}

// The coordinates, the design and empty outcome and series datasets. `final_layout` chooses compressed chunks
// for the series and messages (the final file, written once); otherwise every dataset is contiguous so that
// writing a run never changes the file's structure (the in-progress file).
Datasets create_layout(h5::File& file, const sweep::SweepSpec& spec, const sweep::SweepPlan& plan, bool final_layout) {
  Datasets d;
  const auto runs = extent(plan.runs.size());
  const auto k = extent(spec.parameters.size());
  std::vector<std::int64_t> run_numbers(plan.runs.size());
  std::iota(run_numbers.begin(), run_numbers.end(), std::int64_t{0});
  d.run_scale = write_scale<std::int64_t>(file, run_path, run_numbers);
  d.run_scale.set_attribute("long_name", "run of the sweep: point * replicates + replicate");
  std::vector<std::string> keys, units, distributions;
  for (const sweep::SweepParameter& p : spec.parameters) {
    keys.push_back(p.range.key);
    units.push_back(p.units);
    distributions.push_back(distribution_name(p.range.distribution));
  }
  d.parameter_scale = write_scale<std::string>(file, parameter_path, keys);
  d.parameter_scale.set_attribute("long_name", "swept parameter: its scenario key path");
  std::vector<std::string> names;
  for (const run::OutcomeSpec& o : spec.outcomes) names.push_back(o.name);
  d.outcome_scale = write_scale<std::string>(file, outcome_path, names);
  d.outcome_scale.set_attribute("long_name", "outcome: a named reduction of a run's series");

  h5::Dataset parameter_units = file.create_dataset<std::string>(parameter_units_path, {k});
  parameter_units.write<std::string>(units);
  parameter_units.set_attribute("long_name", "units of the parameter's values (dates: days since start_date)");
  attach(parameter_units, {{&d.parameter_scale, "parameter"}});
  h5::Dataset parameter_distribution = file.create_dataset<std::string>(parameter_distribution_path, {k});
  parameter_distribution.write<std::string>(distributions);
  parameter_distribution.set_attribute("long_name",
                                       "distribution of the parameter: uniform, log_uniform, integer, levels");
  attach(parameter_distribution, {{&d.parameter_scale, "parameter"}});

  const std::int64_t steps = spec.base.run.steps();
  const std::size_t countries = spec.base.countries.size();
  std::vector<const char*> linked = {run_path, parameter_path, outcome_path};
  if (!spec.keep_series.empty()) {
    std::vector<std::int64_t> days(static_cast<std::size_t>(steps));
    for (std::size_t s = 0; s < days.size(); ++s) days[s] = static_cast<std::int64_t>(s) * spec.base.run.dt_days;
    d.time_scale = write_scale<std::int64_t>(file, time_path, days);
    d.time_scale.set_attribute("units", fmt::format("days since {}", spec.base.run.start_date.to_string()));
    d.time_scale.set_attribute("calendar", "proleptic_gregorian");
    d.time_scale.set_attribute("standard_name", "time");
    d.time_scale.set_attribute("axis", "T");
    d.time_scale.set_attribute("long_name", "first day of the step; stocks are as at the end of the step");
    std::vector<std::string> ids, country_names;
    std::vector<double> latitude, longitude;
    for (const scenario::CountrySpec& c : spec.base.countries) {
      ids.push_back(c.id);
      country_names.push_back(c.name);
      latitude.push_back(c.latitude_deg);
      longitude.push_back(c.longitude_deg);
    }
    d.country_scale = write_scale<std::string>(file, country_path, ids);
    d.country_scale.set_attribute("long_name", "country id, as in the scenario's [countries]");
    h5::Dataset name_data = file.create_dataset<std::string>(country_name_path, {countries});
    name_data.write<std::string>(country_names);
    name_data.set_attribute("long_name", "country name");
    attach(name_data, {{&d.country_scale, "country"}});
    h5::Dataset lat = file.create_dataset<double>(latitude_path, {countries});
    lat.write<double>(latitude);
    lat.set_attribute("units", "degrees_north");
    lat.set_attribute("long_name", "latitude of the country's marker on maps");
    attach(lat, {{&d.country_scale, "country"}});
    h5::Dataset lon = file.create_dataset<double>(longitude_path, {countries});
    lon.write<double>(longitude);
    lon.set_attribute("units", "degrees_east");
    lon.set_attribute("long_name", "longitude of the country's marker on maps");
    attach(lon, {{&d.country_scale, "country"}});
    linked.push_back(time_path);
    linked.push_back(country_path);
  }
  file.create_group(coords_group);
  for (const char* path : linked) file.create_hard_link(path, fmt::format("{}/{}", coords_group, path));

  // The design: written whole now, in both files.
  file.create_group(design_group);
  const h5::Handle status_type = file.commit_type(status_type_path, status_enum().get());
  std::vector<double> values, unit;
  std::vector<std::int64_t> point, replicate, seed;
  std::vector<std::string> set;
  for (const sweep::RunPlan& r : plan.runs) {
    values.insert(values.end(), r.values.begin(), r.values.end());
    unit.insert(unit.end(), r.unit.begin(), r.unit.end());
    point.push_back(r.point);
    replicate.push_back(r.replicate);
    seed.push_back(r.seed);
    std::string joined;
    for (const std::string& o : sweep::run_overrides(spec, r)) joined += (joined.empty() ? "" : " ") + o;
    set.push_back(std::move(joined));
  }
  d.values = file.create_dataset<double>(values_path, {runs, k});
  d.values.write<double>(values);
  describe(d.values, "parameter values of each run",
           "The value each run gave each parameter, as applied: whole-number keys rounded, dates as days since "
           "start_date.");
  attach(d.values, {{&d.run_scale, "run"}, {&d.parameter_scale, "parameter"}});
  d.unit = file.create_dataset<double>(unit_path, {runs, k});
  d.unit.write<double>(unit);
  describe(d.unit, "unit-cube coordinates of each run",
           "The design's coordinate in [0, 1] of each run and parameter (grid: level index / (levels - 1)).");
  attach(d.unit, {{&d.run_scale, "run"}, {&d.parameter_scale, "parameter"}});
  const auto int_column = [&](const char* path, std::span<const std::int64_t> column, std::string_view long_name,
                              std::string_view description) {
    h5::Dataset c = file.create_dataset<std::int64_t>(path, {runs});
    c.write<std::int64_t>(column);
    describe(c, long_name, description);
    attach(c, {{&d.run_scale, "run"}});
    return c;
  };
  d.point = int_column(point_path, point, "design point of each run", "Row of the design the run belongs to.");
  d.replicate = int_column(replicate_path, replicate, "replicate of each run", "0 .. replicates-1 within its point.");
  d.seed = int_column(seed_path, seed, "run.seed of each run",
                      "SplitMix64 of the sweep seed and the replicate (common random numbers) or the run index.");
  d.set = file.create_dataset<std::string>(set_path, {runs});
  d.set.write<std::string>(set);
  describe(d.set, "the run's own --set overrides",
           "scamsim run on base_scenario_toml with these --set arguments (space-separated) repeats the run.");
  attach(d.set, {{&d.run_scale, "run"}});

  d.status = file.create_dataset(status_path, status_type.get(), {runs});
  {
    const std::vector<std::int8_t> pending(plan.runs.size(), 0);
    const h5::Handle memory = status_enum();
    write_elements(d.status, memory.get(), pending.data(), 0, runs);
  }
  describe(d.status, "status of each run", "pending 0 (not run yet), done 1, failed 2 (see message).");
  attach(d.status, {{&d.run_scale, "run"}});
  h5::DatasetOptions message_options{.string_size = sweep_message_bytes};
  if (final_layout) {
    message_options.chunk = {std::min<hsize_t>(std::max<hsize_t>(runs, 1), message_chunk_rows)};
    message_options.deflate = deflate_level;
  }
  d.message = file.create_dataset<std::string>(message_path, {runs}, message_options);
  describe(d.message, "why a run failed", "The error of a failed run; empty otherwise.");
  attach(d.message, {{&d.run_scale, "run"}});
  // A contiguous dataset gets its storage at its first write: make that now, so recording a run later only
  // overwrites bytes. (The storage reads as zeros, that is empty strings, until written.)
  const bool allocate = !final_layout && runs > 0;
  if (allocate) {
    const std::string empty;
    d.message.write_block<std::string>({0}, {1}, std::span(&empty, 1));
  }

  file.create_group(outcomes_group);
  const std::vector<double> not_yet(plan.runs.size(), std::numeric_limits<double>::quiet_NaN());
  for (const run::OutcomeSpec& o : spec.outcomes) {
    h5::Dataset out = file.create_dataset<double>(fmt::format("{}/{}", outcomes_group, o.name), {runs});
    out.write<double>(not_yet);
    out.set_attribute("long_name", o.name);
    out.set_attribute("units", run::outcome_units(o));
    out.set_attribute("description", o.description.empty() ? o.definition : o.description);
    out.set_attribute("definition", o.definition);
    attach(out, {{&d.run_scale, "run"}});
    d.outcomes.push_back(std::move(out));
  }

  if (!spec.keep_series.empty()) {
    h5::Group group = file.create_group(by_country_group);
    const h5::Shape shape = {runs, extent(steps), extent(countries)};
    h5::DatasetOptions options;
    if (final_layout) {
      options = {.chunk = {1, std::min(extent(steps), series_chunk_steps), extent(countries)},
                 .deflate = deflate_level,
                 .shuffle = true};
    }
    for (const model::CountryMetric m : spec.keep_series) {
      const model::MetricInfo& info = model::country_metrics()[static_cast<std::size_t>(m)];
      const std::string name(info.name);
      h5::Dataset series = stored_as_integer(info.kind) ? group.create_dataset<std::int64_t>(name, shape, options)
                                                        : group.create_dataset<double>(name, shape, options);
      series.set_attribute("long_name", info.name);
      series.set_attribute("units", info.units);
      series.set_attribute("description", info.description);
      series.set_attribute("cell_methods", cell_methods(info.units));
      attach(series, {{&d.run_scale, "run"}, {&d.time_scale, "time"}, {&d.country_scale, "country"}});
      if (allocate) {
        const std::vector<double> zeros(static_cast<std::size_t>(steps) * countries, 0.0);
        write_series(series, m, 0, zeros, steps, countries);
      }
      d.series.push_back(std::move(series));
    }
  }
  return d;
}

// ---------------------------------------------------------------- opening

// Opens a file that should be a scamsim sweep file, refusing anything else with a message that says what it is.
h5::File open_sweep_file(const fs::path& path, bool writable) {
  std::error_code ec;
  if (!fs::exists(path, ec)) refuse(path, "no such file");
  if (fs::is_directory(path, ec)) refuse(path, "is a directory, not a sweep file");
  if (!has_hdf5_signature(path)) refuse(path, "not an HDF5 file, so not a scamsim sweep file");
  h5::File file;
  try {
    file = writable ? h5::File::open_read_write(path) : h5::File::open_read_only(path);
  } catch (const h5::FileLocked&) {
    refuse(path, std::string(h5::locked_file_advice));
  } catch (const h5::Error& e) {
    refuse(path, fmt::format("HDF5 file is truncated, corrupt or in use ({})", e.what()));
  }
  try {
    if (!file.has_attribute("file_kind") || !file.has_attribute("schema_version")) {
      refuse(path,
             "an HDF5 file but not a scamsim sweep file: it has no root attributes 'file_kind' and "
             "'schema_version'");
    }
    const std::string kind = file.attribute<std::string>("file_kind");
    if (kind != "sweep") refuse(path, fmt::format("a scamsim {} file, not a sweep file", kind));
    const auto schema = file.attribute<std::int64_t>("schema_version");
    if (schema < 1 || schema > results_schema_version) {
      refuse(path, fmt::format("written with result schema version {}; this scamsim ({}) reads versions 1 to {}",
                               schema, version(), results_schema_version));
    }
  } catch (const h5::Error& e) {
    refuse(path, fmt::format("sweep file is truncated or corrupt ({})", e.what()));
  }
  return file;
}

template <class T>
T attribute(const h5::File& file, const fs::path& path, const std::string& name) {
  if (!file.has_attribute(name)) refuse(path, fmt::format("missing root attribute '{}'", name));
  return file.attribute<T>(name);
}

// Is this in-progress file the one this sweep wrote? The sweep text, the base scenario (after the sweep's
// and the command line's --set) and the design (values and seeds of every run) must all be the same.
void check_same_sweep(const h5::File& file, const fs::path& path, const sweep::SweepSpec& spec,
                      const sweep::SweepPlan& plan) {
  const std::string how = "; finish it with the command that started it, or start over with --force";
  if (attribute<std::string>(file, path, "sweep_toml") != spec.sweep_toml) {
    refuse(path, "was written for a different sweep file (its sweep_toml differs from this sweep's)" + how);
  }
  if (attribute<std::string>(file, path, "base_scenario_toml") != spec.base.resolved_toml) {
    refuse(path, "was written with a different base scenario (the scenario file or the --set options changed)" + how);
  }
  const auto runs = static_cast<std::int64_t>(plan.runs.size());
  if (attribute<std::int64_t>(file, path, "runs") != runs) {
    refuse(path,
           fmt::format("holds {} runs, this sweep has {}{}", attribute<std::int64_t>(file, path, "runs"), runs, how));
  }
  const std::vector<double> values = required_dataset(file, path, values_path).read<double>();
  const std::vector<std::int64_t> seeds = required_dataset(file, path, seed_path).read<std::int64_t>();
  bool same = values.size() == plan.runs.size() * spec.parameters.size() && seeds.size() == plan.runs.size();
  for (std::size_t i = 0; same && i < plan.runs.size(); ++i) {
    same = seeds[i] == plan.runs[i].seed &&
           std::equal(plan.runs[i].values.begin(), plan.runs[i].values.end(),
                      values.begin() + static_cast<std::ptrdiff_t>(i * spec.parameters.size()));
  }
  if (!same) refuse(path, "holds another design (parameter values or seeds differ)" + how);
}

Datasets open_layout(const h5::File& file, const fs::path& path, const sweep::SweepSpec& spec) {
  Datasets d;
  d.values = required_dataset(file, path, values_path);
  d.status = required_dataset(file, path, status_path);
  d.message = required_dataset(file, path, message_path);
  for (const run::OutcomeSpec& o : spec.outcomes) {
    d.outcomes.push_back(required_dataset(file, path, fmt::format("{}/{}", outcomes_group, o.name)));
  }
  for (const model::CountryMetric m : spec.keep_series) {
    const std::string name(model::country_metrics()[static_cast<std::size_t>(m)].name);
    d.series.push_back(required_dataset(file, path, fmt::format("{}/{}", by_country_group, name)));
  }
  return d;
}

}  // namespace

fs::path partial_path(const fs::path& output) {
  fs::path partial = output;
  partial += ".partial";
  return partial;
}

// ---------------------------------------------------------------- the writer

struct SweepWriter::Impl {
  fs::path path;
  sweep::SweepSpec spec;
  std::int64_t steps = 0;
  std::size_t countries = 0;
  h5::File file;
  Datasets datasets;
  std::vector<RunStatus> status;
  h5::Handle status_memory = status_enum();
  bool failed_write = false;  // a write threw: what is in the file is no longer known

  void record(const sweep::RunOutput& out) {
    if (failed_write) throw h5::Error(fmt::format("'{}': an earlier write failed", path.string()));
    if (out.run < 0 || static_cast<std::size_t>(out.run) >= status.size()) {
      throw h5::Error(fmt::format("'{}': there is no run {}", path.string(), out.run));
    }
    const auto run = static_cast<std::size_t>(out.run);
    if (status[run] != RunStatus::pending) {
      throw h5::Error(fmt::format("'{}': run {} is recorded already", path.string(), out.run));
    }
    if (out.status == RunStatus::pending) throw h5::Error(fmt::format("run {} has not finished", out.run));
    const bool done = out.status == RunStatus::done;
    if (out.outcomes.size() != spec.outcomes.size() || (done && out.series.size() != spec.keep_series.size())) {
      throw h5::Error(fmt::format("run {}: {} outcomes and {} series where the sweep has {} and {}", out.run,
                                  out.outcomes.size(), out.series.size(), spec.outcomes.size(),
                                  spec.keep_series.size()));
    }
    try {
      // The rows first, on disk; only then the status that says they are there.
      for (std::size_t o = 0; o < spec.outcomes.size(); ++o) {
        datasets.outcomes[o].write_block<double>({run}, {1}, std::span(&out.outcomes[o], 1));
      }
      if (done) {
        for (std::size_t m = 0; m < spec.keep_series.size(); ++m) {
          write_series(datasets.series[m], spec.keep_series[m], out.run, out.series[m], steps, countries);
        }
      }
      const std::string message = fit_message(out.message);
      datasets.message.write_block<std::string>({run}, {1}, std::span(&message, 1));
      file.flush();
      sync_to_disk(path);
      const auto code = static_cast<std::int8_t>(out.status);
      write_elements(datasets.status, status_memory.get(), &code, run, 1);
      file.flush();
      sync_to_disk(path);
    } catch (...) {
      failed_write = true;
      throw;
    }
    status[run] = out.status;
  }
};

SweepWriter::SweepWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SweepWriter::SweepWriter(SweepWriter&&) noexcept = default;
SweepWriter& SweepWriter::operator=(SweepWriter&&) noexcept = default;
SweepWriter::~SweepWriter() = default;

SweepWriter SweepWriter::create(const fs::path& path, const sweep::SweepSpec& spec, const sweep::SweepPlan& plan,
                                const std::string& command_line) {
  // Built whole under a temporary name, then renamed: a crash while creating leaves no half-made file at `path`.
  fs::path building = path;
  building += fmt::format(".tmp-{}", getpid());
  try {
    h5::File file = h5::File::create(building);
    const std::string created = utc_now();
    write_root(file, spec, plan, {created, command_line, fmt::format("{} {}", created, command_line), false});
    (void)create_layout(file, spec, plan, false);
    file.close();
    sync_to_disk(building);
    fs::rename(building, path);
    sync_folder(fs::absolute(path).parent_path());
  } catch (...) {
    std::error_code ignored;
    fs::remove(building, ignored);
    throw;
  }
  return resume(path, spec, plan);
}

SweepWriter SweepWriter::resume(const fs::path& path, const sweep::SweepSpec& spec, const sweep::SweepPlan& plan) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->spec = spec;
  impl->steps = spec.base.run.steps();
  impl->countries = spec.base.countries.size();
  impl->file = open_sweep_file(path, true);
  try {
    if (attribute<std::int64_t>(impl->file, path, "complete") != 0) {
      refuse(path, "is a finished sweep file, not one in progress");
    }
    check_same_sweep(impl->file, path, spec, plan);
    impl->datasets = open_layout(impl->file, path, spec);
    impl->status = read_status(impl->datasets.status);
    if (impl->status.size() != plan.runs.size()) refuse(path, "/design/status does not have one row per run");
  } catch (const h5::Error& e) {
    refuse(path, fmt::format("sweep file is truncated or corrupt ({})", e.what()));
  }
  return SweepWriter(std::move(impl));
}

std::vector<std::int64_t> SweepWriter::pending() const {
  std::vector<std::int64_t> out;
  for (std::size_t i = 0; i < impl_->status.size(); ++i) {
    if (impl_->status[i] == RunStatus::pending) out.push_back(static_cast<std::int64_t>(i));
  }
  return out;
}

std::int64_t SweepWriter::done() const {
  return std::count(impl_->status.begin(), impl_->status.end(), RunStatus::done);
}

std::int64_t SweepWriter::failed() const {
  return std::count(impl_->status.begin(), impl_->status.end(), RunStatus::failed);
}

void SweepWriter::write_run(const sweep::RunOutput& output) { impl_->record(output); }

void SweepWriter::close() {
  if (!impl_ || !impl_->file.valid()) return;
  impl_->datasets = {};
  impl_->file.close();
}

// ---------------------------------------------------------------- finishing

void publish(const fs::path& from, const fs::path& to) {
  fs::rename(from, to);
  sync_folder(fs::absolute(to).parent_path());
}

void finish_sweep(const fs::path& partial, const fs::path& output, const sweep::SweepSpec& spec,
                  const sweep::SweepPlan& plan, const std::string& command_line) {
  const h5::File in = open_sweep_file(partial, false);
  RootFacts facts;
  std::vector<RunStatus> status;
  std::vector<std::string> messages;
  std::vector<double> outcomes;  // [run][outcome]
  const std::size_t runs = plan.runs.size();
  const std::size_t o_count = spec.outcomes.size();
  Datasets source;
  try {
    check_same_sweep(in, partial, spec, plan);
    facts.created_utc = attribute<std::string>(in, partial, "created_utc");
    facts.command_line = attribute<std::string>(in, partial, "command_line");
    facts.history = attribute<std::string>(in, partial, "history");
    facts.complete = true;
    source = open_layout(in, partial, spec);
    status = read_status(source.status);
    messages = source.message.read<std::string>();
    outcomes.assign(runs * o_count, 0);
    for (std::size_t o = 0; o < o_count; ++o) {
      const std::vector<double> column = source.outcomes[o].read<double>();
      if (column.size() != runs)
        refuse(partial, fmt::format("'/outcomes/{}' has the wrong size", spec.outcomes[o].name));
      for (std::size_t r = 0; r < runs; ++r) outcomes[r * o_count + o] = column[r];
    }
  } catch (const h5::Error& e) {
    refuse(partial, fmt::format("sweep file is truncated or corrupt ({})", e.what()));
  }
  if (status.size() != runs || messages.size() != runs) refuse(partial, "/design does not have one row per run");
  const auto pending = std::count(status.begin(), status.end(), RunStatus::pending);
  if (pending > 0) refuse(partial, fmt::format("{} runs have not finished", pending));
  if (command_line != facts.command_line) facts.history += fmt::format("\n{} {}", utc_now(), command_line);

  const std::optional<sweep::Sensitivity> sensitivity = sweep::analyse(spec, plan, outcomes, status);

  h5::File out = h5::File::create(output);
  write_root(out, spec, plan, facts);
  Datasets d = create_layout(out, spec, plan, true);
  {
    std::vector<std::int8_t> codes;
    for (const RunStatus s : status) codes.push_back(static_cast<std::int8_t>(s));
    const h5::Handle memory = status_enum();
    write_elements(d.status, memory.get(), codes.data(), 0, runs);
  }
  d.message.write<std::string>(messages);
  for (std::size_t o = 0; o < o_count; ++o) {
    std::vector<double> column(runs);
    for (std::size_t r = 0; r < runs; ++r) column[r] = outcomes[r * o_count + o];
    d.outcomes[o].write<double>(column);
  }
  // Series run by run, in run order, so memory stays at one run's block whatever the sweep's size.
  const std::int64_t steps = spec.base.run.steps();
  const std::size_t countries = spec.base.countries.size();
  std::vector<double> block(static_cast<std::size_t>(steps) * countries);
  for (std::size_t r = 0; r < runs; ++r) {
    if (status[r] != RunStatus::done) continue;
    for (std::size_t m = 0; m < spec.keep_series.size(); ++m) {
      read_block(source.series[m], H5T_NATIVE_DOUBLE, block.data(), {r, 0, 0}, {1, extent(steps), countries});
      write_series(d.series[m], spec.keep_series[m], static_cast<std::int64_t>(r), block, steps, countries);
    }
  }
  if (sensitivity) {
    h5::Group group = out.create_group(sensitivity_group);
    group.set_attribute("method", sensitivity->method);
    group.set_attribute("confidence", spec.confidence);
    group.set_attribute("bootstrap", spec.bootstrap);
    group.set_attribute("description",
                        sensitivity->method == "sobol"
                            ? "Sobol first-order (Saltelli 2010) and total-order (Jansen 1999) indices of each "
                              "outcome's mean over a point's replicates, with percentile bootstrap intervals"
                            : "Morris elementary effects (mu, mu* = mean |EE|, sigma) of each outcome's mean over a "
                              "point's replicates, per unit of the parameter's unit interval, with a percentile "
                              "bootstrap interval of mu*");
    const auto k = extent(spec.parameters.size());
    for (const auto& [name, values] : sensitivity->tables) {
      h5::Dataset table = group.create_dataset<double>(name, {extent(o_count), k});
      table.write<double>(values);
      table.set_attribute("long_name", name);
      attach(table, {{&d.outcome_scale, "outcome"}, {&d.parameter_scale, "parameter"}});
    }
    h5::Dataset used = group.create_dataset<std::int64_t>("used", {extent(o_count)});
    used.write<std::int64_t>(sensitivity->used);
    used.set_attribute("long_name", sensitivity->method == "sobol" ? "base rows used" : "trajectories used");
    used.set_attribute("description",
                       "base rows (sobol) or trajectories (morris) whose every point had a finished "
                       "run; the others were left out");
    attach(used, {{&d.outcome_scale, "outcome"}});
  }
  d = {};
  out.close();
  sync_to_disk(output);
}

// ---------------------------------------------------------------- reading

std::string file_kind(const fs::path& path) {
  try {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec) || !has_hdf5_signature(path)) return "";
    const h5::File file = h5::File::open_read_only(path);
    if (file.has_attribute("file_kind")) return file.attribute<std::string>("file_kind");
    return file.has_attribute("scenario_toml") ? "run" : "";
  } catch (const h5::Error&) {
    return "";
  }
}

SweepResults read_sweep(const fs::path& path) {
  const h5::File file = open_sweep_file(path, false);
  SweepResults out;
  try {
    out.schema_version = attribute<std::int64_t>(file, path, "schema_version");
    out.name = attribute<std::string>(file, path, "sweep_name");
    out.description = file.has_attribute("description") ? file.attribute<std::string>("description") : "";
    out.design = attribute<std::string>(file, path, "design");
    out.scamsim_version = attribute<std::string>(file, path, "scamsim_version");
    out.git_commit = attribute<std::string>(file, path, "git_commit");
    out.created_utc = attribute<std::string>(file, path, "created_utc");
    out.sweep_toml = attribute<std::string>(file, path, "sweep_toml");
    out.base_scenario_toml = attribute<std::string>(file, path, "base_scenario_toml");
    out.seed = attribute<std::int64_t>(file, path, "seed");
    out.replicates = attribute<std::int64_t>(file, path, "replicates");
    out.points = attribute<std::int64_t>(file, path, "points");
    out.runs = attribute<std::int64_t>(file, path, "runs");
    out.complete = file.has_attribute("complete") && file.attribute<std::int64_t>("complete") != 0;
    out.dt_days = attribute<std::int64_t>(file, path, "dt_days");
    const auto start = Date::parse(attribute<std::string>(file, path, "start_date"));
    if (!start) refuse(path, "start_date is not a YYYY-MM-DD date");
    out.start_date = *start;
    if (out.runs != out.points * out.replicates || out.runs < 0) {
      refuse(path, fmt::format("{} runs is not {} points x {} replicates", out.runs, out.points, out.replicates));
    }
    const auto runs = static_cast<std::size_t>(out.runs);
    out.parameters = required_dataset(file, path, parameter_path).read<std::string>();
    out.parameter_units = file.exists(parameter_units_path)
                              ? file.open_dataset(parameter_units_path).read<std::string>()
                              : std::vector<std::string>(out.parameters.size());
    out.outcomes = required_dataset(file, path, outcome_path).read<std::string>();
    out.values = required_dataset(file, path, values_path).read<double>();
    out.point = required_dataset(file, path, point_path).read<std::int64_t>();
    out.replicate = required_dataset(file, path, replicate_path).read<std::int64_t>();
    out.seeds = required_dataset(file, path, seed_path).read<std::int64_t>();
    out.status = read_status(required_dataset(file, path, status_path));
    out.messages = required_dataset(file, path, message_path).read<std::string>();
    if (out.values.size() != runs * out.parameters.size() || out.point.size() != runs || out.status.size() != runs ||
        out.messages.size() != runs || out.replicate.size() != runs || out.seeds.size() != runs) {
      refuse(path, "the /design datasets do not have one row per run");
    }
    out.outcome_values.assign(runs * out.outcomes.size(), 0);
    for (std::size_t o = 0; o < out.outcomes.size(); ++o) {
      const h5::Dataset d = required_dataset(file, path, fmt::format("{}/{}", outcomes_group, out.outcomes[o]));
      const std::vector<double> column = d.read<double>();
      if (column.size() != runs)
        refuse(path, fmt::format("'/outcomes/{}' does not have one row per run", out.outcomes[o]));
      for (std::size_t r = 0; r < runs; ++r) out.outcome_values[r * out.outcomes.size() + o] = column[r];
      out.outcome_units.push_back(d.has_attribute("units") ? d.attribute<std::string>("units") : "");
      out.outcome_definitions.push_back(d.has_attribute("definition") ? d.attribute<std::string>("definition") : "");
    }
    if (file.exists(by_country_group)) out.kept_series = file.open_group(by_country_group).member_names();
    if (file.exists(sensitivity_group)) {
      const h5::Group group = file.open_group(sensitivity_group);
      sweep::Sensitivity s;
      s.method = group.attribute<std::string>("method");
      out.confidence = group.attribute<double>("confidence");
      out.bootstrap = group.attribute<std::int64_t>("bootstrap");
      const std::vector<std::string> names =
          s.method == "sobol"
              ? std::vector<std::string>{"first", "first_low", "first_high", "total", "total_low", "total_high"}
              : std::vector<std::string>{"mu", "mu_star", "sigma", "mu_star_low", "mu_star_high"};
      for (const std::string& name : names) {
        if (!group.exists(name)) refuse(path, fmt::format("'/sensitivity/{}' is missing", name));
        std::vector<double> values = group.open_dataset(name).read<double>();
        if (values.size() != out.outcomes.size() * out.parameters.size()) {
          refuse(path, fmt::format("'/sensitivity/{}' is not outcomes x parameters", name));
        }
        s.tables.emplace_back(name, std::move(values));
      }
      if (group.exists("used")) s.used = group.open_dataset("used").read<std::int64_t>();
      out.sensitivity = std::move(s);
    }
  } catch (const h5::Error& e) {
    refuse(path, fmt::format("sweep file is truncated or corrupt ({})", e.what()));
  }
  return out;
}

// ---------------------------------------------------------------- summary

namespace {

constexpr std::size_t max_points_shown = 20;
constexpr std::size_t max_key_width = 56;
constexpr std::size_t page_width = 118;

// Large and whole numbers as whole numbers with digit groups (people, dollars), others with four significant
// digits; "-" when unknown.
std::string figure(double v) {
  if (std::isnan(v)) return "-";
  if ((v == std::floor(v) || std::abs(v) >= 1000) && std::abs(v) < 1e15) {
    return scenario::group_digits(std::llround(v));
  }
  return fmt::format("{:.4g}", v);
}

// A parameter's value as a person reads it: dates as dates.
std::string parameter_value(const SweepResults& r, std::size_t j, double v) {
  if (std::isnan(v)) return "-";
  if (r.parameter_units[j].starts_with("days since ")) {
    return r.start_date.plus_days(static_cast<int>(std::llround(v))).to_string();
  }
  return figure(v);
}

const std::vector<double>& table(const sweep::Sensitivity& s, std::string_view name) {
  for (const auto& [n, values] : s.tables) {
    if (n == name) return values;
  }
  static const std::vector<double> none;
  return none;
}

}  // namespace

std::string summarize_sweep(const SweepResults& r) {
  const std::size_t runs = static_cast<std::size_t>(r.runs);
  const std::size_t k = r.parameters.size();
  const std::size_t o_count = r.outcomes.size();
  const auto count = [&](RunStatus s) { return std::count(r.status.begin(), r.status.end(), s); };
  std::size_t key_width = std::string_view("parameter").size();
  for (const std::string& key : r.parameters) key_width = std::max(key_width, std::min(key.size(), max_key_width));

  std::string out = fmt::format("scamsim sweep: {}{}\n", r.name, r.complete ? "" : " (in progress: incomplete)");
  if (!r.description.empty()) out += fmt::format("  about    {}\n", r.description);
  out += fmt::format("  design   {}, {} point{} x {} replicate{} = {} runs, seed {}\n", r.design, r.points,
                     r.points == 1 ? "" : "s", r.replicates, r.replicates == 1 ? "" : "s", r.runs, r.seed);
  out += fmt::format("  written  {} by scamsim {} (commit {}), result schema version {}\n", r.created_utc,
                     r.scamsim_version, r.git_commit, r.schema_version);
  out += fmt::format("  runs     {} done, {} failed, {} pending\n", count(RunStatus::done), count(RunStatus::failed),
                     count(RunStatus::pending));
  std::size_t shown_failures = 0;
  for (std::size_t i = 0; i < runs && shown_failures < 5; ++i) {
    if (r.status[i] != RunStatus::failed) continue;
    const std::string first_line = r.messages[i].substr(0, r.messages[i].find('\n'));
    out += fmt::format("  failed   run {} (point {}, replicate {}):\n", i, r.point[i], r.replicate[i]);
    out += wrap(first_line, 11, page_width);
    ++shown_failures;
  }
  if (count(RunStatus::failed) > 5) out += "  failed   ... (every message is in /design/message)\n";
  if (!r.kept_series.empty()) {
    std::string names;
    for (const auto& n : r.kept_series) names += (names.empty() ? "" : ", ") + n;
    out += fmt::format("  series   /by_country: {}\n", names);
  }

  out += "\nParameters\n";
  out += fmt::format("  {:<{}} {:>16} {:>16}  {}\n", "key", key_width, "min", "max", "units");
  for (std::size_t j = 0; j < k; ++j) {
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    for (std::size_t i = 0; i < runs; ++i) {
      lo = std::min(lo, r.values[i * k + j]);
      hi = std::max(hi, r.values[i * k + j]);
    }
    out += fmt::format("  {:<{}} {:>16} {:>16}  {}\n", cut(r.parameters[j], key_width), key_width,
                       parameter_value(r, j, lo), parameter_value(r, j, hi), r.parameter_units[j]);
  }

  // Each outcome's mean and standard deviation over a point's finished replicates.
  const std::vector<double> means =
      sweep::point_means(r.points, r.replicates, static_cast<std::int64_t>(o_count), r.outcome_values, r.status);
  const auto sd_of = [&](std::size_t p, std::size_t o) {
    const double mean = means[p * o_count + o];
    double sum = 0;
    std::int64_t n = 0;
    for (std::int64_t rep = 0; rep < r.replicates; ++rep) {
      const auto run = static_cast<std::size_t>(static_cast<std::int64_t>(p) * r.replicates + rep);
      if (r.status[run] != RunStatus::done) continue;
      const double d = r.outcome_values[run * o_count + o] - mean;
      sum += d * d;
      ++n;
    }
    return n > 1 ? std::sqrt(sum / static_cast<double>(n - 1)) : std::numeric_limits<double>::quiet_NaN();
  };
  const auto points = static_cast<std::size_t>(r.points);
  // Parameter columns of the per-point tables: up to four, headed by the key's last part.
  const std::size_t shown = std::min<std::size_t>(k, 4);
  std::vector<std::string> headers;
  std::vector<std::size_t> widths;
  for (std::size_t j = 0; j < shown; ++j) {
    const std::string& key = r.parameters[j];
    headers.push_back(cut(key.substr(key.rfind('.') + 1), 24));
    widths.push_back(std::max<std::size_t>(headers.back().size(), 12));
  }
  for (std::size_t o = 0; o < o_count; ++o) {
    out += fmt::format("\nOutcome {} ({})\n", r.outcomes[o], r.outcome_units[o]);
    if (!r.outcome_definitions[o].empty()) out += wrap(r.outcome_definitions[o], 2, page_width);
    if (points <= max_points_shown) {
      std::string header = fmt::format("  {:>5}", "point");
      for (std::size_t j = 0; j < shown; ++j) header += fmt::format(" {:>{}}", headers[j], widths[j]);
      out += header + fmt::format(" {:>16} {:>14}\n", "mean", "sd");
      for (std::size_t p = 0; p < points; ++p) {
        std::string line = fmt::format("  {:>5}", p);
        const std::size_t first_run = p * static_cast<std::size_t>(r.replicates);
        for (std::size_t j = 0; j < shown; ++j) {
          line += fmt::format(" {:>{}}", parameter_value(r, j, r.values[first_run * k + j]), widths[j]);
        }
        out += line + fmt::format(" {:>16} {:>14}\n", figure(means[p * o_count + o]), figure(sd_of(p, o)));
      }
      if (k > shown) out += fmt::format("  ({} more parameters not shown: see /design/values)\n", k - shown);
    } else {
      // Too many points for a table: the spread of the point means.
      std::vector<double> finite;
      for (std::size_t p = 0; p < points; ++p) {
        if (!std::isnan(means[p * o_count + o])) finite.push_back(means[p * o_count + o]);
      }
      double mean = 0;
      for (const double v : finite) mean += v;
      mean = finite.empty() ? std::numeric_limits<double>::quiet_NaN() : mean / static_cast<double>(finite.size());
      double ss = 0;
      for (const double v : finite) ss += (v - mean) * (v - mean);
      const double sd = finite.size() > 1 ? std::sqrt(ss / static_cast<double>(finite.size() - 1))
                                          : std::numeric_limits<double>::quiet_NaN();
      const auto [lo, hi] = std::minmax_element(finite.begin(), finite.end());
      out += fmt::format("  over the means of {} points: mean {}, sd {}, min {}, max {}\n", finite.size(), figure(mean),
                         figure(sd), finite.empty() ? "-" : figure(*lo), finite.empty() ? "-" : figure(*hi));
    }
  }

  if (r.sensitivity) {
    const sweep::Sensitivity& s = *r.sensitivity;
    const bool sobol = s.method == "sobol";
    out += fmt::format("\nSensitivity: {} of each point's mean, [{:.0f}% bootstrap interval, {} resamples]\n",
                       sobol ? "Sobol indices" : "Morris elementary effects (per unit of the parameter's range)",
                       r.confidence * 100, r.bootstrap);
    const auto interval = [&](std::size_t o, std::size_t j, std::string_view estimate, std::string_view low,
                              std::string_view high) {
      const auto at = [&](std::string_view name) { return table(s, name)[o * k + j]; };
      const auto number = [](double v) { return std::isnan(v) ? std::string("-") : fmt::format("{:.3g}", v); };
      return fmt::format("{} [{}, {}]", number(at(estimate)), number(at(low)), number(at(high)));
    };
    for (std::size_t o = 0; o < o_count; ++o) {
      out += fmt::format(
          "\n  {}{}\n", r.outcomes[o],
          o < s.used.size() ? fmt::format(" ({} {} used)", s.used[o], sobol ? "base rows" : "trajectories") : "");
      // Most influential first: by total index (sobol) or mu* (morris); unknown last.
      const std::vector<double>& rank = table(s, sobol ? "total" : "mu_star");
      std::vector<std::size_t> order(k);
      std::iota(order.begin(), order.end(), std::size_t{0});
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const double x = rank[o * k + a];
        const double y = rank[o * k + b];
        if (std::isnan(x) || std::isnan(y)) return !std::isnan(x) && std::isnan(y);
        return x > y;
      });
      if (sobol) {
        out += fmt::format("    {:<{}} {:>26} {:>26}\n", "parameter", key_width, "first order", "total order");
        for (const std::size_t j : order) {
          out += fmt::format("    {:<{}} {:>26} {:>26}\n", cut(r.parameters[j], key_width), key_width,
                             interval(o, j, "first", "first_low", "first_high"),
                             interval(o, j, "total", "total_low", "total_high"));
        }
      } else {
        out += fmt::format("    {:<{}} {:>30} {:>10} {:>10}\n", "parameter", key_width, "mu*", "mu", "sigma");
        for (const std::size_t j : order) {
          const auto number = [](double v) { return std::isnan(v) ? std::string("-") : fmt::format("{:.3g}", v); };
          out += fmt::format("    {:<{}} {:>30} {:>10} {:>10}\n", cut(r.parameters[j], key_width), key_width,
                             interval(o, j, "mu_star", "mu_star_low", "mu_star_high"),
                             number(table(s, "mu")[o * k + j]), number(table(s, "sigma")[o * k + j]));
        }
      }
    }
  }
  return out;
}

}  // namespace scamsim::io
