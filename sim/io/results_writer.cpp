// ResultsWriter: writes a run file replicate by replicate (layout in run_layout.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <string_view>
#include <utility>

#include "sim/core/version.hpp"
#include "sim/io/file_support.hpp"
#include "sim/io/group_coordinates.hpp"
#include "sim/io/h5.hpp"
#include "sim/io/open_file.hpp"
#include "sim/io/results.hpp"
#include "sim/io/run_layout.hpp"
#include "sim/io/time_coordinate.hpp"

namespace scamsim::io {

using namespace run_layout;
using detail::attach;
using detail::cell_methods;
using detail::copy_coordinate;
using detail::stored_as_integer;
using detail::utc_now;
using detail::write_scale;

namespace {

std::int64_t count_of(std::size_t size) { return static_cast<std::int64_t>(size); }
hsize_t extent(std::int64_t n) { return static_cast<hsize_t>(n); }

// An empty, extendable 1-D scale for a table that grows by appending.
h5::Dataset growing_scale(h5::Group& root, const std::string& path, const std::string& name) {
  h5::Dataset scale = root.create_dataset<std::int64_t>(
      path, {0}, {.chunk = {table_chunk_rows}, .deflate = deflate_level, .shuffle = true, .extendable = true});
  scale.make_scale(name);
  return scale;
}

// Appends row numbers `first`.. to a growing scale, so it keeps the length of its table.
void extend_scale(h5::Dataset& scale, std::int64_t first, std::size_t rows) {
  std::vector<std::int64_t> numbers(rows);
  for (std::size_t i = 0; i < rows; ++i) numbers[i] = first + static_cast<std::int64_t>(i);
  scale.append<std::int64_t>(numbers);
}

}  // namespace

struct ResultsWriter::Impl {
  std::string name;  // the path as given, for messages
  RunMetadata meta;
  h5::File file;
  std::vector<h5::Dataset> country_series;  // by CountryMetric
  std::vector<h5::Dataset> global_series;   // by GlobalMetric
  h5::Dataset events;
  h5::Dataset event_scale;
  h5::Dataset operators;
  h5::Dataset operator_scale;
  h5::CompoundType event_type;     // memory layout of EventRow
  h5::CompoundType operator_type;  // memory layout of OperatorRow
  std::int64_t written = 0;        // replicates stored so far
  bool failed = false;             // a write threw: what is in the file is no longer in step

  Impl(const std::filesystem::path& path, const RunMetadata& m)
      : name(path.string()),
        meta(m),
        event_type(event_row_type(event_kind_enum().get())),
        operator_type(operator_row_type(operator_state_enum().get())) {
    check_metadata();
    file = h5::File::create(path);
    write_metadata();
    const Scales scales = write_coordinates();
    create_series(scales);
    create_tables();
    file.flush();
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw h5::Error(fmt::format("cannot write results file '{}': {}", name, what));
  }

  void check_metadata() const {
    if (meta.replicates < 1) fail(fmt::format("{} replicates: a run has at least one", meta.replicates));
    if (meta.draws < 0) fail(fmt::format("{} draws", meta.draws));
    if (meta.draws > 0 &&
        (meta.draw_parameters.empty() ||
         meta.draw_values.size() != static_cast<std::size_t>(meta.draws) * meta.draw_parameters.size() ||
         meta.draw_particle.size() != static_cast<std::size_t>(meta.draws))) {
      fail(fmt::format("{} draws of {} parameters but {} values and {} particles", meta.draws,
                       meta.draw_parameters.size(), meta.draw_values.size(), meta.draw_particle.size()));
    }
    if (meta.steps < 1) fail(fmt::format("{} steps: a run has at least one", meta.steps));
    if (meta.dt_days < 1) fail(fmt::format("a step of {} days: steps last at least a day", meta.dt_days));
    if (!(meta.scale > 0) || !std::isfinite(meta.scale)) fail(fmt::format("run.scale {}: must be above 0", meta.scale));
    const std::size_t countries = meta.country_ids.size();
    if (countries == 0) fail("the run has no countries");
    if (meta.country_names.size() != countries || meta.latitude_deg.size() != countries ||
        meta.longitude_deg.size() != countries) {
      fail(fmt::format("{} country ids but {} names, {} latitudes and {} longitudes", countries,
                       meta.country_names.size(), meta.latitude_deg.size(), meta.longitude_deg.size()));
    }
  }

  void write_metadata() {
    // Everything needed to repeat the run and to trust the file, at the root.
    file.set_attribute("title", fmt::format("scamsim results: {}", meta.scenario_name));
    detail::write_identity(file, FileKind::run);
    const std::string created = utc_now();
    file.set_attribute("created_utc", created);
    file.set_attribute("history", fmt::format("{} {}", created, meta.command_line));
    file.set_attribute("scenario_name", meta.scenario_name);
    file.set_attribute("scenario_toml", meta.resolved_toml);
    file.set_attribute("command_line", meta.command_line);
    file.set_attribute("seed", meta.seed);
    file.set_attribute("replicates", meta.replicates);
    file.set_attribute(replicates_written_attribute, std::int64_t{0});
    file.set_attribute("start_date", meta.start_date.to_string());
    file.set_attribute("dt_days", meta.dt_days);
    file.set_attribute("steps", meta.steps);
    file.set_attribute(run_scale_attribute, meta.scale);
    // The series count the simulated world: divide by this for the whole region.
    file.set_attribute(detail::counts_at_scale_attribute, meta.scale);
    if (meta.draws > 0) {
      file.set_attribute(draws_attribute, meta.draws);
      file.set_attribute("posterior_file", meta.posterior_file);
    }
  }

  struct Scales {
    h5::Dataset time, country, replicate, draw;
  };

  Scales write_coordinates() {
    Scales scales;
    scales.time = detail::write_time_coordinate(file, meta.steps, meta.dt_days, meta.start_date);

    scales.country = write_scale<std::string>(file, country_path, meta.country_ids);
    scales.country.set_attribute("long_name", "country id, as in the scenario's [countries]");

    std::vector<std::int64_t> replicates(static_cast<std::size_t>(meta.replicates));
    for (std::size_t r = 0; r < replicates.size(); ++r) replicates[r] = static_cast<std::int64_t>(r);
    scales.replicate = write_scale<std::int64_t>(file, replicate_path, replicates);
    scales.replicate.set_attribute("long_name", "replicate index; replicate r runs with a seed derived from (seed, r)");

    // Lookup tables for the index columns of the event and operator tables.
    write_scale<std::string>(file, network_path, meta.network_ids)
        .set_attribute("long_name", "network id, as in the scenario's [networks]");
    write_scale<std::string>(file, site_path, meta.site_ids)
        .set_attribute("long_name", "site id, as in the scenario's [sites]");
    write_scenario_events(file, meta.scenario_events, meta.start_date);

    const std::pair<const h5::Dataset*, const char*> along_country[] = {{&scales.country, "country"}};
    h5::Dataset names = file.create_dataset<std::string>(country_name_path, {meta.country_names.size()});
    names.write<std::string>(meta.country_names);
    names.set_attribute("long_name", "country name");
    attach(names, along_country);
    h5::Dataset latitude = file.create_dataset<double>(latitude_path, {meta.latitude_deg.size()});
    latitude.write<double>(meta.latitude_deg);
    latitude.set_attribute("units", "degrees_north");
    latitude.set_attribute("standard_name", "latitude");
    latitude.set_attribute("long_name", "latitude of the country's marker on maps");
    attach(latitude, along_country);
    h5::Dataset longitude = file.create_dataset<double>(longitude_path, {meta.longitude_deg.size()});
    longitude.write<double>(meta.longitude_deg);
    longitude.set_attribute("units", "degrees_east");
    longitude.set_attribute("standard_name", "longitude");
    longitude.set_attribute("long_name", "longitude of the country's marker on maps");
    attach(longitude, along_country);

    if (meta.draws > 0) {
      scales.draw = detail::write_draws(file, meta.draw_parameters, meta.draw_values, meta.draw_particle,
                                        "each draw's parameter values, as the runs took them");
    }

    file.create_group(coords_group);
    for (const char* path : {time_path, country_path, replicate_path}) {
      file.create_hard_link(path, fmt::format("{}/{}", coords_group, path));
    }
    if (meta.draws > 0) file.create_hard_link(detail::draw_path, fmt::format("{}/{}", coords_group, detail::draw_path));
    return scales;
  }

  h5::Dataset create_series(h5::Group& group, const model::MetricInfo& info, const h5::Shape& shape) {
    h5::Shape chunk = shape;
    const std::size_t time = meta.draws > 0 ? 2 : 1;  // the dimensions before time are one run's
    for (std::size_t k = 0; k < time; ++k) chunk[k] = 1;
    chunk[time] = std::min(shape[time], series_chunk_steps);
    const h5::DatasetOptions options{.chunk = chunk, .deflate = deflate_level, .shuffle = true};
    return detail::create_metric_series(group, info, shape, options);
  }

  void create_series(const Scales& scales) {
    const hsize_t r = extent(meta.replicates);
    const hsize_t t = extent(meta.steps);
    const hsize_t c = meta.country_ids.size();
    // Each group's series are attached to the group's own copies of the coordinates (group_coordinates.hpp).
    // A run over a posterior puts its draws first: [draw][replicate][time]...
    const bool drawn = meta.draws > 0;
    const hsize_t d = extent(meta.draws);
    h5::Group by_country = file.create_group(by_country_group);
    std::vector<std::pair<const h5::Dataset*, const char*>> rtc;
    h5::Dataset country_draw;
    if (drawn) {
      country_draw = copy_coordinate(by_country, scales.draw, detail::draw_path);
      rtc.emplace_back(&country_draw, "draw");
    }
    const h5::Dataset country_replicate = copy_coordinate(by_country, scales.replicate, replicate_path);
    const h5::Dataset country_time = copy_coordinate(by_country, scales.time, time_path);
    const h5::Dataset country_country = copy_coordinate(by_country, scales.country, country_path);
    rtc.insert(rtc.end(), {{&country_replicate, "replicate"}, {&country_time, "time"}, {&country_country, "country"}});
    for (const model::MetricInfo& info : model::country_metrics()) {
      country_series.push_back(create_series(by_country, info, drawn ? h5::Shape{d, r, t, c} : h5::Shape{r, t, c}));
      attach(country_series.back(), rtc);
    }
    h5::Group global = file.create_group(global_group);
    std::vector<std::pair<const h5::Dataset*, const char*>> rt;
    h5::Dataset global_draw;
    if (drawn) {
      global_draw = copy_coordinate(global, scales.draw, detail::draw_path);
      rt.emplace_back(&global_draw, "draw");
    }
    const h5::Dataset global_replicate = copy_coordinate(global, scales.replicate, replicate_path);
    const h5::Dataset global_time = copy_coordinate(global, scales.time, time_path);
    rt.insert(rt.end(), {{&global_replicate, "replicate"}, {&global_time, "time"}});
    for (const model::MetricInfo& info : model::global_metrics()) {
      global_series.push_back(create_series(global, info, drawn ? h5::Shape{d, r, t} : h5::Shape{r, t}));
      attach(global_series.back(), rt);
    }
  }

  void create_tables() {
    const h5::DatasetOptions table{
        .chunk = {table_chunk_rows}, .deflate = deflate_level, .shuffle = true, .extendable = true};

    // The tables' types are transient, not named (tables_for_netcdf in run_layout.hpp says why).
    const h5::Handle event_record = event_row_type(event_kind_enum().get()).packed();
    event_scale = growing_scale(file, event_scale_path, "event");
    event_scale.set_attribute("long_name", "row of the event log");
    events = file.create_dataset(events_path, event_record.get(), {0}, table);
    events.set_attribute("long_name", "event log");
    events.set_attribute("description",
                         "One row per event, replicate by replicate, in the order they happened. country, network "
                         "and operator are indices into /country, /network and the operator slots (-1: none); "
                         "count is people (or cells made by a split); amount_usd is USD.");
    const std::pair<const h5::Dataset*, const char*> along_event[] = {{&event_scale, "event"}};
    attach(events, along_event);

    h5::Group group = file.create_group(operators_group);
    const h5::Handle operator_record = operator_row_type(operator_state_enum().get()).packed();
    operator_scale = growing_scale(file, operator_scale_path, "final_operator");
    operator_scale.set_attribute("long_name", "row of the final operator table");
    operators = file.create_dataset(operators_path, operator_record.get(), {0}, table);
    operators.set_attribute("long_name", "operators at the end of the run");
    operators.set_attribute("description",
                            "One row per operator slot at the end of each replicate. network, country and site are "
                            "indices into /network, /country and /site; workers and target_workers are people; "
                            "capital_usd is USD; protection, tech and perceived_risk are in [0, 1].");
    const std::pair<const h5::Dataset*, const char*> along_operator[] = {{&operator_scale, "final_operator"}};
    attach(operators, along_operator);
  }

  void check_record(std::int64_t replicate, const model::RunRecord& record) const {
    const auto fail_here = [&](const std::string& what) { fail(fmt::format("replicate {}: {}", replicate, what)); };
    if (failed) fail_here("an earlier write to this file failed");
    if (replicate != written) {
      fail_here(replicate < meta.runs()
                    ? fmt::format("replicates are written in order, and replicate {} is next", written)
                    : fmt::format("the file holds {} replicates", meta.runs()));
    }
    if (record.steps != meta.steps || record.countries != count_of(meta.country_ids.size())) {
      fail_here(fmt::format("the record has {} steps and {} countries, the file {} and {}", record.steps,
                            record.countries, meta.steps, meta.country_ids.size()));
    }
    const auto steps = static_cast<std::size_t>(meta.steps);
    if (record.by_country.size() != model::country_metric_count * steps * meta.country_ids.size() ||
        record.global.size() != model::global_metric_count * steps) {
      fail_here("the record's series are not sized for its steps and countries");
    }
    for (const model::EventRecord& e : record.events) {
      if (e.kind >= model::event_kind_names_log().size()) fail_here(fmt::format("unknown event kind {}", e.kind));
    }
    for (const model::OperatorRecord& o : record.final_operators) {
      if (o.state >= operator_state_names.size()) fail_here(fmt::format("unknown operator state {}", o.state));
    }
  }

  // The whole number a count or USD value holds, or a failure naming where it is.
  std::int64_t whole(double value, std::int64_t replicate, const model::MetricInfo& info, std::size_t index,
                     bool by_country) const {
    // 2^63 is exactly representable; anything at or above it does not fit.
    constexpr double limit = 9223372036854775808.0;
    if (std::isfinite(value) && value == std::nearbyint(value) && value >= -limit && value < limit) {
      return std::llround(value);
    }
    const std::size_t countries = meta.country_ids.size();
    const std::string where =
        by_country ? fmt::format("step {}, country '{}'", index / countries, meta.country_ids[index % countries])
                   : fmt::format("step {}", index);
    fail(fmt::format("replicate {}: {}/{} at {} is {}, not a whole number of {}", replicate,
                     by_country ? by_country_group : global_group, info.name, where, value, info.units));
  }

  void write_series(h5::Dataset& dataset, const model::MetricInfo& info, std::int64_t replicate,
                    std::span<const double> values, const h5::Shape& offset, const h5::Shape& block, bool by_country) {
    if (!stored_as_integer(info.kind)) {
      dataset.write_block<double>(offset, block, values);
      return;
    }
    std::vector<std::int64_t> integers(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) integers[i] = whole(values[i], replicate, info, i, by_country);
    dataset.write_block<std::int64_t>(offset, block, integers);
  }

  void write(std::int64_t replicate, const model::RunRecord& record) {
    check_record(replicate, record);
    try {
      const hsize_t t = extent(meta.steps);
      const hsize_t c = meta.country_ids.size();
      // Where the run goes: [replicate], or [draw][replicate] in a run over a posterior.
      h5::Shape at = {static_cast<hsize_t>(replicate)};
      h5::Shape one = {1};
      if (meta.draws > 0) {
        at = {static_cast<hsize_t>(replicate / meta.replicates), static_cast<hsize_t>(replicate % meta.replicates)};
        one = {1, 1};
      }
      const auto block = [&](std::initializer_list<hsize_t> rest, bool offsets) {
        h5::Shape shape = offsets ? at : one;
        for (const hsize_t n : rest) shape.push_back(offsets ? 0 : n);
        return shape;
      };
      // RunRecord is metric-major, so each metric's [time][country] block is contiguous.
      const std::span<const double> by_country(record.by_country);
      for (std::size_t m = 0; m < model::country_metric_count; ++m) {
        write_series(country_series[m], model::country_metrics()[m], replicate, by_country.subspan(m * t * c, t * c),
                     block({t, c}, true), block({t, c}, false), true);
      }
      const std::span<const double> global(record.global);
      for (std::size_t m = 0; m < model::global_metric_count; ++m) {
        write_series(global_series[m], model::global_metrics()[m], replicate, global.subspan(m * t, t),
                     block({t}, true), block({t}, false), false);
      }

      std::vector<EventRow> event_rows;
      event_rows.reserve(record.events.size());
      for (const model::EventRecord& e : record.events) {
        event_rows.push_back({replicate, e.step, e.kind, e.country, e.network, e.operator_id, e.count, e.amount_usd});
      }
      extend_scale(event_scale, count_of(events.size()), event_rows.size());
      events.append_records<EventRow>(event_rows, event_type);

      std::vector<OperatorRow> operator_rows;
      operator_rows.reserve(record.final_operators.size());
      for (const model::OperatorRecord& o : record.final_operators) {
        operator_rows.push_back({replicate, o.operator_id, o.network, o.country, o.site, o.state, o.workers,
                                 o.target_workers, o.capital_usd, o.protection, o.tech, o.perceived_risk});
      }
      extend_scale(operator_scale, count_of(operators.size()), operator_rows.size());
      operators.append_records<OperatorRow>(operator_rows, operator_type);

      // Counted only once everything is stored, and pushed to disk, so an
      // interrupted run leaves a file that says how far it got.
      ++written;
      file.set_attribute(replicates_written_attribute, written);
      file.flush();
    } catch (...) {
      failed = true;
      throw;
    }
  }

  void finish() {
    if (!file.valid()) fail("finish() was called twice");
    // Closed in any case, so the file is released even when incomplete.
    const std::int64_t stored = written;
    const bool broken = failed;
    country_series.clear();
    global_series.clear();
    events = {};
    event_scale = {};
    operators = {};
    operator_scale = {};
    file.close();
    if (broken) fail("a write failed earlier; the file is incomplete");
    if (stored != meta.runs()) {
      fail(fmt::format("finished after {} of {} replicates; the file is marked incomplete", stored, meta.runs()));
    }
  }
};

ResultsWriter::ResultsWriter(const std::filesystem::path& path, const RunMetadata& meta)
    : impl_(std::make_unique<Impl>(path, meta)) {}
ResultsWriter::ResultsWriter(ResultsWriter&&) noexcept = default;
ResultsWriter& ResultsWriter::operator=(ResultsWriter&&) noexcept = default;
ResultsWriter::~ResultsWriter() = default;

void ResultsWriter::write_replicate(std::int64_t replicate, const model::RunRecord& record) {
  if (!impl_) throw h5::Error("cannot write results: the writer was moved from");
  impl_->write(replicate, record);
}

void ResultsWriter::finish() {
  if (!impl_) throw h5::Error("cannot finish results: the writer was moved from");
  impl_->finish();
}

}  // namespace scamsim::io
