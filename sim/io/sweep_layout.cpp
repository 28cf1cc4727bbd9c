#include "sim/io/sweep_layout.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>

#include "sim/core/version.hpp"
#include "sim/io/group_coordinates.hpp"
#include "sim/io/open_file.hpp"
#include "sim/io/results.hpp"
#include "sim/io/sweep_checksum.hpp"
#include "sim/io/sweep_results.hpp"
#include "sim/io/time_coordinate.hpp"
#include "sim/model/metrics.hpp"

namespace scamsim::io::sweep_layout {

namespace fs = std::filesystem;
using namespace detail;  // the helpers every scamsim file shares
using sweep::RunStatus;

namespace {

hsize_t extent(std::int64_t n) { return static_cast<hsize_t>(n); }
hsize_t extent(std::size_t n) { return static_cast<hsize_t>(n); }

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

void describe(h5::Dataset& d, std::string_view long_name, std::string_view description) {
  d.set_attribute("long_name", long_name);
  d.set_attribute("description", description);
}

}  // namespace

// ------------------------------------------------ the int8 status enum
//
// h5.hpp builds enums over uint8 only; the status is an int8 enum, so it is
// read and written here with the enum itself as the memory type (HDF5 does
// not convert between integers and enums).

namespace {

// The run status as an int8 HDF5 enum: how files of schema 2 and older store it.
h5::Handle status_enum() {
  h5::Handle type(H5Tenum_create(H5T_NATIVE_INT8));
  if (!type.valid()) throw h5::Error("cannot make the run status enum type");
  const std::array<std::pair<const char*, std::int8_t>, 3> members = {{{"pending", 0}, {"done", 1}, {"failed", 2}}};
  for (const auto& [name, value] : members) {
    if (H5Tenum_insert(type.get(), name, &value) < 0) throw h5::Error("cannot make the run status enum type");
  }
  return type;
}

// What the codes mean, as CF flag_values and flag_meanings: in code order, one word each.
constexpr std::array<std::int64_t, 3> status_codes = {0, 1, 2};
constexpr const char* status_meanings = "pending done failed";

}  // namespace

h5::Handle status_memory_type(const h5::Dataset& status) {
  const h5::Handle stored(H5Dget_type(status.id()));
  if (!stored.valid()) throw h5::Error(fmt::format("cannot read the type of '{}'", status.path()));
  if (H5Tget_class(stored.get()) == H5T_ENUM) return status_enum();
  return h5::Handle(H5Tcopy(H5T_NATIVE_INT8));
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
  const h5::Handle type = status_memory_type(d);
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
void write_root(h5::File& file, const sweep::SweepSpec& spec, const sweep::SweepPlan& plan, const RootFacts& facts) {
  // Everything needed to repeat the sweep and to trust the file, at the root, as in run files.
  file.set_attribute("title", fmt::format("scamsim sweep: {}", spec.name));
  detail::write_identity(file, FileKind::sweep);
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
  // The base scenario's run.scale (every run's, unless the design varies run.scale): below 1, a preview.
  file.set_attribute("run_scale", spec.base.run.scale);
  file.set_attribute("complete", std::int64_t{facts.complete ? 1 : 0});
  if (spec.design == sweep::DesignKind::saltelli) file.set_attribute("base_points", spec.base_points);
  if (spec.design == sweep::DesignKind::morris) {
    file.set_attribute("trajectories", spec.trajectories);
    file.set_attribute("morris_levels", spec.morris_levels);
  }
}

void write_series(h5::Dataset& dataset, model::CountryMetric metric, std::int64_t run, std::span<const double> values,
                  std::int64_t steps, std::size_t countries, RunChecksum* checksum) {
  const model::MetricInfo& info = model::country_metrics()[static_cast<std::size_t>(metric)];
  const h5::Shape offset = {static_cast<hsize_t>(run), 0, 0};
  const h5::Shape block = {1, extent(steps), extent(countries)};
  if (values.size() != static_cast<std::size_t>(steps) * countries) {
    throw h5::Error(fmt::format("run {}: {} has {} values, not steps x countries", run, info.name, values.size()));
  }
  if (!stored_as_integer(info.kind)) {
    dataset.write_block<double>(offset, block, values);
    if (checksum != nullptr) checksum->add<double>(values);
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
  if (checksum != nullptr) checksum->add<std::int64_t>(integers);
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
    d.time_scale = write_time_coordinate(file, steps, spec.base.run.dt_days, spec.base.run.start_date);
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
    lat.set_attribute("standard_name", "latitude");
    lat.set_attribute("long_name", "latitude of the country's marker on maps");
    attach(lat, {{&d.country_scale, "country"}});
    h5::Dataset lon = file.create_dataset<double>(longitude_path, {countries});
    lon.write<double>(longitude);
    lon.set_attribute("units", "degrees_east");
    lon.set_attribute("standard_name", "longitude");
    lon.set_attribute("long_name", "longitude of the country's marker on maps");
    attach(lon, {{&d.country_scale, "country"}});
    linked.push_back(time_path);
    linked.push_back(country_path);
  }
  file.create_group(coords_group);
  for (const char* path : linked) file.create_hard_link(path, fmt::format("{}/{}", coords_group, path));

  // The design: written whole now, in both files. Each group's datasets are attached to the group's own copies
  // of the coordinates (group_coordinates.hpp).
  h5::Group design = file.create_group(design_group);
  const h5::Dataset design_run = copy_coordinate(design, d.run_scale, run_path);
  const h5::Dataset design_parameter = copy_coordinate(design, d.parameter_scale, parameter_path);
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
  attach(d.values, {{&design_run, "run"}, {&design_parameter, "parameter"}});
  d.unit = file.create_dataset<double>(unit_path, {runs, k});
  d.unit.write<double>(unit);
  describe(d.unit, "unit-cube coordinates of each run",
           "The design's coordinate in [0, 1] of each run and parameter (grid: level index / (levels - 1)).");
  attach(d.unit, {{&design_run, "run"}, {&design_parameter, "parameter"}});
  const auto int_column = [&](const char* path, std::span<const std::int64_t> column, std::string_view long_name,
                              std::string_view description) {
    h5::Dataset c = file.create_dataset<std::int64_t>(path, {runs});
    c.write<std::int64_t>(column);
    describe(c, long_name, description);
    attach(c, {{&design_run, "run"}});
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
  attach(d.set, {{&design_run, "run"}});

  // Integer codes with CF flags rather than an HDF5 enum: R's ncdf4 refuses a whole file that holds a
  // user-defined type, and netCDF4-python could not show the enum either.
  d.status = file.create_dataset<std::int64_t>(status_path, {runs});
  {
    const std::vector<std::int8_t> pending(plan.runs.size(), 0);
    const h5::Handle memory = status_memory_type(d.status);
    write_elements(d.status, memory.get(), pending.data(), 0, runs);
  }
  describe(d.status, "status of each run", "pending 0 (not run yet), done 1, failed 2 (see message).");
  d.status.set_attribute("flag_values", std::span<const std::int64_t>(status_codes));
  d.status.set_attribute("flag_meanings", status_meanings);
  attach(d.status, {{&design_run, "run"}});
  // The in-progress file needs fixed-size slots, so that recording a run overwrites bytes in place. The final
  // file stores variable-length strings: netCDF-C 4.9.0 (Debian 12) crashes on fixed-length string datasets
  // (ncdump segfaults, netCDF4-python kills the interpreter; Unidata/netcdf-c#2159).
  h5::DatasetOptions message_options{.string_size = sweep_message_bytes};
  if (final_layout) {
    message_options.chunk = {std::min<hsize_t>(std::max<hsize_t>(runs, 1), message_chunk_rows)};
    message_options.deflate = deflate_level;
    message_options.string_size = 0;
  }
  d.message = file.create_dataset<std::string>(message_path, {runs}, message_options);
  describe(d.message, "why a run failed", "The error of a failed run; empty otherwise.");
  attach(d.message, {{&design_run, "run"}});
  // A contiguous dataset gets its storage at its first write: make that now, so recording a run later only
  // overwrites bytes. (The storage reads as zeros, that is empty strings, until written.)
  const bool allocate = !final_layout && runs > 0;
  if (allocate) {
    const std::string empty;
    d.message.write_block<std::string>({0}, {1}, std::span(&empty, 1));
  }
  if (!final_layout) {
    d.checksum = file.create_dataset<std::int64_t>(checksum_path, {runs});
    d.checksum.write<std::int64_t>(std::vector<std::int64_t>(plan.runs.size(), 0));
    describe(d.checksum, "checksum of each finished run's stored rows",
             "FNV-1a of the run's status, outcomes, series and message as stored; 0 while pending. A resumed "
             "sweep runs again every finished run whose rows do not match it.");
    attach(d.checksum, {{&design_run, "run"}});
  }

  // Outcomes are at scale 1 (each run's divided by its run.scale), and so are the final file's series.
  if (final_layout) file.set_attribute(counts_at_scale_attribute, 1.0);
  h5::Group outcomes = file.create_group(outcomes_group);
  const h5::Dataset outcomes_run = copy_coordinate(outcomes, d.run_scale, run_path);
  const std::vector<double> not_yet(plan.runs.size(), std::numeric_limits<double>::quiet_NaN());
  for (const run::OutcomeSpec& o : spec.outcomes) {
    h5::Dataset out =
        file.create_dataset<double>(fmt::format("{}/{}", outcomes_group, o.name), {runs}, {.missing_is_fill = true});
    out.write<double>(not_yet);
    out.set_attribute("long_name", o.name);
    set_units(out, run::outcome_units(o));
    out.set_attribute("description", o.description.empty() ? o.definition : o.description);
    out.set_attribute("definition", o.definition);
    attach(out, {{&outcomes_run, "run"}});
    d.outcomes.push_back(std::move(out));
  }

  if (!spec.keep_series.empty()) {
    h5::Group group = file.create_group(by_country_group);
    const h5::Dataset series_run = copy_coordinate(group, d.run_scale, run_path);
    const h5::Dataset series_time = copy_coordinate(group, d.time_scale, time_path);
    const h5::Dataset series_country = copy_coordinate(group, d.country_scale, country_path);
    const h5::Shape shape = {runs, extent(steps), extent(countries)};
    h5::DatasetOptions options;
    if (final_layout) {
      options = {.chunk = {1, std::min(extent(steps), series_chunk_steps), extent(countries)},
                 .deflate = deflate_level,
                 .shuffle = true};
    }
    for (const model::CountryMetric m : spec.keep_series) {
      const model::MetricInfo& info = model::country_metrics()[static_cast<std::size_t>(m)];
      // The in-progress file keeps the simulated world's whole numbers; the final file divides them by each
      // run's run.scale (finish_sweep), as the outcomes are, so the file has one scale.
      h5::Dataset series = create_metric_series(group, info, shape, options,
                                                final_layout ? SeriesScale::whole_region : SeriesScale::simulated);
      attach(series, {{&series_run, "run"}, {&series_time, "time"}, {&series_country, "country"}});
      if (allocate) {
        const std::vector<double> zeros(static_cast<std::size_t>(steps) * countries, 0.0);
        write_series(series, m, 0, zeros, steps, countries);
      }
      d.series.push_back(std::move(series));
    }
  }
  return d;
}

// Is this in-progress file the one this sweep wrote? The sweep text, the base scenario (after the sweep's
// and the command line's --set) and the design (values and seeds of every run) must all be the same.
void check_same_sweep(const h5::File& file, const fs::path& path, const sweep::SweepSpec& spec,
                      const sweep::SweepPlan& plan, std::string_view remedy) {
  const std::string how(remedy);
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

std::optional<sweep::Shard> read_shard(const h5::File& file, const fs::path& path) {
  if (!file.has_attribute(shard_count_attribute)) return std::nullopt;
  const sweep::Shard shard{attribute<std::int64_t>(file, path, shard_index_attribute),
                           attribute<std::int64_t>(file, path, shard_count_attribute)};
  if (shard.count < 1 || shard.index < 0 || shard.index >= shard.count) {
    refuse(path, fmt::format("says it holds shard {} of {}, which no --shard gives", shard.index, shard.count));
  }
  return shard;
}

void write_shard(h5::File& file, const sweep::Shard& shard) {
  file.set_attribute(shard_index_attribute, shard.index);
  file.set_attribute(shard_count_attribute, shard.count);
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
  if (file.exists(checksum_path)) d.checksum = file.open_dataset(checksum_path);
  return d;
}

}  // namespace scamsim::io::sweep_layout
