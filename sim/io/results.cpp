#include "sim/io/results.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <ctime>
#include <fstream>
#include <limits>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "sim/core/error.hpp"
#include "sim/core/version.hpp"
#include "sim/io/file_support.hpp"
#include "sim/io/h5.hpp"
#include "sim/scenario/describe.hpp"
#include "sim/scenario/spec.hpp"

namespace scamsim::io {
namespace {

using detail::has_hdf5_signature;
using detail::utc_now;

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

constexpr const char* time_path = "time";
constexpr const char* country_path = "country";
constexpr const char* replicate_path = "replicate";
constexpr const char* network_path = "network";
constexpr const char* site_path = "site";
constexpr const char* country_name_path = "country_name";
constexpr const char* latitude_path = "latitude_deg";
constexpr const char* longitude_path = "longitude_deg";
constexpr const char* by_country_group = "by_country";
constexpr const char* global_group = "global";
constexpr const char* coords_group = "coords";
constexpr const char* events_path = "events";
constexpr const char* event_scale_path = "event";
// Named types, so that netCDF readers show the tables (they skip compound
// datasets whose types are not named). They are created before the tables,
// and our groups track creation order, which is what lets netCDF-C meet each
// type before its users.
constexpr const char* event_kind_type_path = "event_kind";
constexpr const char* event_record_type_path = "event_record";
constexpr const char* operators_group = "operators";
constexpr const char* operators_path = "operators/final";
constexpr const char* operator_scale_path = "operators/final_operator";
constexpr const char* operator_state_type_path = "operators/operator_state";
constexpr const char* operator_record_type_path = "operators/operator_record";

// Root attribute counting the replicates completely stored: a file where it
// is below `replicates` was left by a run that never finished.
constexpr const char* replicates_written_attribute = "replicates_written";

// Table rows grow by a replicate's events at a time; 4096 rows of ~45 bytes
// is a chunk of ~180 KiB, a good size for deflate and for reading.
constexpr hsize_t table_chunk_rows = 4096;
// Series chunks hold one replicate's run of up to this many steps for every
// country: what a plot of one replicate reads, and still well under 1 MiB.
constexpr hsize_t series_chunk_steps = 1024;
constexpr int deflate_level = 4;

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
constexpr std::array<std::string_view, 3> operator_state_names = {"active", "relocating", "dismantled"};

std::vector<std::pair<std::string, std::uint8_t>> enum_members(std::span<const std::string_view> names) {
  std::vector<std::pair<std::string, std::uint8_t>> members;
  for (std::size_t i = 0; i < names.size(); ++i)
    members.emplace_back(std::string(names[i]), static_cast<std::uint8_t>(i));
  return members;
}

h5::Handle event_kind_enum() { return h5::enum_type(enum_members(model::event_kind_names_log())); }
h5::Handle operator_state_enum() { return h5::enum_type(enum_members(operator_state_names)); }

hid_t int64_type() { return h5::TypeTraits<std::int64_t>::native(); }
hid_t int32_type() { return h5::TypeTraits<std::int32_t>::native(); }
hid_t double_type() { return h5::TypeTraits<double>::native(); }

// Field names are the contract (docs/OUTPUT.md); `kind` is the enum so readers see names.
h5::CompoundType event_row_type(hid_t kind) {
  h5::CompoundType type(sizeof(EventRow));
  type.add("replicate", offsetof(EventRow, replicate), int64_type())
      .add("step", offsetof(EventRow, step), int32_type())
      .add("kind", offsetof(EventRow, kind), kind)
      .add("country", offsetof(EventRow, country), int32_type())
      .add("network", offsetof(EventRow, network), int32_type())
      .add("operator", offsetof(EventRow, operator_id), int64_type())
      .add("count", offsetof(EventRow, count), int64_type())
      .add("amount_usd", offsetof(EventRow, amount_usd), int64_type());
  return type;
}

h5::CompoundType operator_row_type(hid_t state) {
  h5::CompoundType type(sizeof(OperatorRow));
  type.add("replicate", offsetof(OperatorRow, replicate), int64_type())
      .add("operator", offsetof(OperatorRow, operator_id), int64_type())
      .add("network", offsetof(OperatorRow, network), int32_type())
      .add("country", offsetof(OperatorRow, country), int32_type())
      .add("site", offsetof(OperatorRow, site), int32_type())
      .add("state", offsetof(OperatorRow, state), state)
      .add("workers", offsetof(OperatorRow, workers), int64_type())
      .add("target_workers", offsetof(OperatorRow, target_workers), int64_type())
      .add("capital_usd", offsetof(OperatorRow, capital_usd), int64_type())
      .add("protection", offsetof(OperatorRow, protection), double_type())
      .add("tech", offsetof(OperatorRow, tech), double_type())
      .add("perceived_risk", offsetof(OperatorRow, perceived_risk), double_type());
  return type;
}

// Count and USD series hold whole numbers in doubles; the file stores them as
// int64 so that readers get exact integers.
bool stored_as_integer(model::MetricKind kind) { return kind != model::MetricKind::real; }

// Flows (units per step) are totals over a step's days; everything else is
// the state at the end of the step. CF's cell_methods says so to tools that
// resample (sum flows, take the last of stocks).
std::string cell_methods(std::string_view units) { return units.ends_with("/step") ? "time: sum" : "time: point"; }

std::int64_t count_of(std::size_t size) { return static_cast<std::int64_t>(size); }
hsize_t extent(std::int64_t n) { return static_cast<hsize_t>(n); }

// A 1-D coordinate that is also a dimension scale called `name`.
template <class T>
h5::Dataset write_scale(h5::Group& root, const std::string& path, const std::string& name, std::span<const T> values) {
  h5::Dataset scale = root.create_dataset<T>(path, {values.size()});
  scale.write<T>(values);
  scale.make_scale(name);
  return scale;
}

// An empty, extendable 1-D scale for a table that grows by appending.
h5::Dataset growing_scale(h5::Group& root, const std::string& path, const std::string& name) {
  h5::Dataset scale = root.create_dataset<std::int64_t>(
      path, {0}, {.chunk = {table_chunk_rows}, .deflate = deflate_level, .shuffle = true, .extendable = true});
  scale.make_scale(name);
  return scale;
}

void attach(h5::Dataset& dataset, std::span<const std::pair<const h5::Dataset*, const char*>> scales) {
  for (unsigned dim = 0; dim < scales.size(); ++dim) {
    dataset.attach_scale(*scales[dim].first, dim);
    dataset.set_label(dim, scales[dim].second);
  }
}

// Appends row numbers `first`.. to a growing scale, so it keeps the length of its table.
void extend_scale(h5::Dataset& scale, std::int64_t first, std::size_t rows) {
  std::vector<std::int64_t> numbers(rows);
  for (std::size_t i = 0; i < rows; ++i) numbers[i] = first + static_cast<std::int64_t>(i);
  scale.append<std::int64_t>(numbers);
}

}  // namespace

// ---------------------------------------------------------------- metadata

RunMetadata RunMetadata::from_scenario(const scenario::Scenario& s, std::string command_line) {
  RunMetadata meta;
  meta.scenario_name = s.name;
  meta.resolved_toml = s.resolved_toml;
  meta.command_line = std::move(command_line);
  meta.seed = s.run.seed;
  meta.replicates = s.run.replicates;
  meta.start_date = s.run.start_date;
  meta.dt_days = s.run.dt_days;
  meta.steps = s.run.steps();
  for (const scenario::CountrySpec& c : s.countries) {
    meta.country_ids.push_back(c.id);
    meta.country_names.push_back(c.name);
    meta.latitude_deg.push_back(c.latitude_deg);
    meta.longitude_deg.push_back(c.longitude_deg);
  }
  for (const scenario::NetworkSpec& n : s.networks) meta.network_ids.push_back(n.id);
  for (const scenario::SiteSpec& site : s.sites) meta.site_ids.push_back(site.id);
  meta.scenario_events = scenario_event_rows(s);
  return meta;
}

// ---------------------------------------------------------------- writing

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
    if (meta.steps < 1) fail(fmt::format("{} steps: a run has at least one", meta.steps));
    if (meta.dt_days < 1) fail(fmt::format("a step of {} days: steps last at least a day", meta.dt_days));
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
    file.set_attribute("source", fmt::format("scamsim {} (commit {})", version(), git_commit()));
    file.set_attribute("scamsim_version", version());
    file.set_attribute("git_commit", git_commit());
    file.set_attribute("schema_version", results_schema_version);
    file.set_attribute("file_kind", "run");
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
  }

  struct Scales {
    h5::Dataset time, country, replicate;
  };

  Scales write_coordinates() {
    Scales scales;
    std::vector<std::int64_t> days(static_cast<std::size_t>(meta.steps));
    for (std::size_t s = 0; s < days.size(); ++s) days[s] = static_cast<std::int64_t>(s) * meta.dt_days;
    scales.time = write_scale<std::int64_t>(file, time_path, "time", days);
    scales.time.set_attribute("units", fmt::format("days since {}", meta.start_date.to_string()));
    scales.time.set_attribute("calendar", "proleptic_gregorian");
    scales.time.set_attribute("standard_name", "time");
    scales.time.set_attribute("axis", "T");
    scales.time.set_attribute("long_name", "first day of the step; stocks are as at the end of the step");

    scales.country = write_scale<std::string>(file, country_path, "country", meta.country_ids);
    scales.country.set_attribute("long_name", "country id, as in the scenario's [countries]");

    std::vector<std::int64_t> replicates(static_cast<std::size_t>(meta.replicates));
    for (std::size_t r = 0; r < replicates.size(); ++r) replicates[r] = static_cast<std::int64_t>(r);
    scales.replicate = write_scale<std::int64_t>(file, replicate_path, "replicate", replicates);
    scales.replicate.set_attribute("long_name", "replicate index; replicate r runs with a seed derived from (seed, r)");

    // Lookup tables for the index columns of the event and operator tables.
    write_scale<std::string>(file, network_path, "network", meta.network_ids)
        .set_attribute("long_name", "network id, as in the scenario's [networks]");
    write_scale<std::string>(file, site_path, "site", meta.site_ids)
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
    latitude.set_attribute("long_name", "latitude of the country's marker on maps");
    attach(latitude, along_country);
    h5::Dataset longitude = file.create_dataset<double>(longitude_path, {meta.longitude_deg.size()});
    longitude.write<double>(meta.longitude_deg);
    longitude.set_attribute("units", "degrees_east");
    longitude.set_attribute("long_name", "longitude of the country's marker on maps");
    attach(longitude, along_country);

    file.create_group(coords_group);
    for (const char* path : {time_path, country_path, replicate_path}) {
      file.create_hard_link(path, fmt::format("{}/{}", coords_group, path));
    }
    return scales;
  }

  h5::Dataset create_series(h5::Group& group, const model::MetricInfo& info, const h5::Shape& shape) {
    h5::Shape chunk = shape;
    chunk[0] = 1;
    chunk[1] = std::min(shape[1], series_chunk_steps);
    const h5::DatasetOptions options{.chunk = chunk, .deflate = deflate_level, .shuffle = true};
    const std::string path(info.name);
    h5::Dataset dataset = stored_as_integer(info.kind) ? group.create_dataset<std::int64_t>(path, shape, options)
                                                       : group.create_dataset<double>(path, shape, options);
    dataset.set_attribute("long_name", info.name);
    dataset.set_attribute("units", info.units);
    dataset.set_attribute("description", info.description);
    dataset.set_attribute("cell_methods", cell_methods(info.units));
    return dataset;
  }

  void create_series(const Scales& scales) {
    const hsize_t r = extent(meta.replicates);
    const hsize_t t = extent(meta.steps);
    const hsize_t c = meta.country_ids.size();
    h5::Group by_country = file.create_group(by_country_group);
    const std::pair<const h5::Dataset*, const char*> rtc[] = {
        {&scales.replicate, "replicate"}, {&scales.time, "time"}, {&scales.country, "country"}};
    for (const model::MetricInfo& info : model::country_metrics()) {
      country_series.push_back(create_series(by_country, info, {r, t, c}));
      attach(country_series.back(), rtc);
    }
    h5::Group global = file.create_group(global_group);
    const std::pair<const h5::Dataset*, const char*> rt[] = {{&scales.replicate, "replicate"}, {&scales.time, "time"}};
    for (const model::MetricInfo& info : model::global_metrics()) {
      global_series.push_back(create_series(global, info, {r, t}));
      attach(global_series.back(), rt);
    }
  }

  void create_tables() {
    const h5::DatasetOptions table{
        .chunk = {table_chunk_rows}, .deflate = deflate_level, .shuffle = true, .extendable = true};

    // Named types: netCDF readers skip compound and enum datasets whose types are not named.
    const h5::Handle kinds = file.commit_type(event_kind_type_path, event_kind_enum().get());
    const h5::CompoundType event_file_layout = event_row_type(kinds.get());
    const h5::Handle event_record = file.commit_type(event_record_type_path, event_file_layout.packed().get());
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
    const h5::Handle states = file.commit_type(operator_state_type_path, operator_state_enum().get());
    const h5::CompoundType operator_file_layout = operator_row_type(states.get());
    const h5::Handle operator_record = file.commit_type(operator_record_type_path, operator_file_layout.packed().get());
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
      fail_here(replicate < meta.replicates
                    ? fmt::format("replicates are written in order, and replicate {} is next", written)
                    : fmt::format("the file holds {} replicates", meta.replicates));
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
      const auto r = static_cast<hsize_t>(replicate);
      const hsize_t t = extent(meta.steps);
      const hsize_t c = meta.country_ids.size();
      // RunRecord is metric-major, so each metric's [time][country] block is contiguous.
      const std::span<const double> by_country(record.by_country);
      for (std::size_t m = 0; m < model::country_metric_count; ++m) {
        write_series(country_series[m], model::country_metrics()[m], replicate, by_country.subspan(m * t * c, t * c),
                     {r, 0, 0}, {1, t, c}, true);
      }
      const std::span<const double> global(record.global);
      for (std::size_t m = 0; m < model::global_metric_count; ++m) {
        write_series(global_series[m], model::global_metrics()[m], replicate, global.subspan(m * t, t), {r, 0}, {1, t},
                     false);
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
    if (stored != meta.replicates) {
      fail(fmt::format("finished after {} of {} replicates; the file is marked incomplete", stored, meta.replicates));
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

// ---------------------------------------------------------------- reading

namespace {

class Reader {
 public:
  explicit Reader(const std::filesystem::path& path) : path_(path) {}

  [[noreturn]] void fail(const std::string& message) const {
    Diagnostic d;
    d.where.file = path_.string();
    d.message = message;
    throw SetupError(d);
  }

  Results read() {
    std::error_code ec;
    if (!std::filesystem::exists(path_, ec)) fail("no such results file");
    if (std::filesystem::is_directory(path_, ec)) fail("is a directory, not a results file");
    if (!std::ifstream(path_, std::ios::binary)) fail(fmt::format("cannot read the file: {}", std::strerror(errno)));
    try {
      file_ = h5::File::open_read_only(path_);
    } catch (const h5::FileLocked&) {
      fail(std::string(h5::locked_file_advice));
    } catch (const h5::Error& e) {
      if (!has_hdf5_signature(path_)) fail("not an HDF5 file, so not a scamsim result file");
      fail(fmt::format("HDF5 file is truncated or corrupt ({})", e.what()));
    }
    try {
      check_identity();
      return read_contents();
    } catch (const h5::Error& e) {
      fail(fmt::format("results file is truncated or corrupt ({})", e.what()));
    }
  }

 private:
  // Is this a scamsim result of a schema version we understand? Checked before
  // anything else, so other HDF5 files get a message about that, not about damage.
  void check_identity() {
    Results& out = results_;
    if (!file_.has_attribute("scamsim_version") || !file_.has_attribute("schema_version")) {
      fail(
          "an HDF5 file but not a scamsim result file: it has no root attributes 'scamsim_version' and "
          "'schema_version'");
    }
    try {
      out.schema_version = file_.attribute<std::int64_t>("schema_version");
      out.scamsim_version = file_.attribute<std::string>("scamsim_version");
    } catch (const h5::Error& e) {
      fail(fmt::format("not a scamsim result file: odd schema attributes ({})", e.what()));
    }
    if (out.schema_version < 1) {
      fail(fmt::format("not a scamsim result file: schema_version {} is not a version", out.schema_version));
    }
    if (out.schema_version > results_schema_version) {
      fail(
          fmt::format("written by scamsim {} with result schema version {}; this scamsim ({}) reads versions up to "
                      "{}: read it with a newer scamsim",
                      out.scamsim_version, out.schema_version, version(), results_schema_version));
    }
  }

  template <class T>
  T attribute(const h5::Object& object, const std::string& name) const {
    if (!object.has_attribute(name)) fail(fmt::format("missing attribute '{}' on '{}'", name, object.path()));
    return object.attribute<T>(name);
  }

  h5::Dataset dataset(const std::string& path) const {
    if (!file_.exists(path)) fail(fmt::format("the dataset '/{}' is missing", path));
    return file_.open_dataset(path);
  }

  template <class T>
  std::vector<T> vector(const std::string& path, std::size_t expected) const {
    std::vector<T> values = dataset(path).read<T>();
    if (values.size() != expected) {
      fail(fmt::format("'/{}' has {} values where {} were expected", path, values.size(), expected));
    }
    return values;
  }

  Results read_contents() {
    Results& out = results_;
    RunMetadata& meta = out.meta;
    out.git_commit = attribute<std::string>(file_, "git_commit");
    out.created_utc = attribute<std::string>(file_, "created_utc");
    meta.scenario_name = attribute<std::string>(file_, "scenario_name");
    meta.resolved_toml = attribute<std::string>(file_, "scenario_toml");
    meta.command_line = attribute<std::string>(file_, "command_line");
    meta.seed = attribute<std::int64_t>(file_, "seed");
    meta.replicates = attribute<std::int64_t>(file_, "replicates");
    meta.dt_days = attribute<std::int64_t>(file_, "dt_days");
    meta.steps = attribute<std::int64_t>(file_, "steps");
    const std::string start = attribute<std::string>(file_, "start_date");
    const std::optional<Date> start_date = Date::parse(start);
    if (!start_date) fail(fmt::format("start_date '{}' is not a YYYY-MM-DD date", start));
    meta.start_date = *start_date;
    if (meta.replicates < 1 || meta.steps < 1 || meta.dt_days < 1) {
      fail(
          fmt::format("odd run size: {} replicates of {} steps of {} days", meta.replicates, meta.steps, meta.dt_days));
    }
    const auto written = attribute<std::int64_t>(file_, replicates_written_attribute);
    if (written != meta.replicates) {
      fail(fmt::format("incomplete: {} of {} replicates were written (the run stopped before it finished)", written,
                       meta.replicates));
    }
    meta.scenario_events = read_scenario_events(file_, out.schema_version, meta.start_date);

    meta.country_ids = dataset(country_path).read<std::string>();
    const std::size_t countries = meta.country_ids.size();
    if (countries == 0) fail("the file has no countries");
    meta.country_names = vector<std::string>(country_name_path, countries);
    meta.latitude_deg = vector<double>(latitude_path, countries);
    meta.longitude_deg = vector<double>(longitude_path, countries);
    meta.network_ids = dataset(network_path).read<std::string>();
    meta.site_ids = dataset(site_path).read<std::string>();
    const auto steps = static_cast<std::size_t>(meta.steps);
    const std::vector<std::int64_t> days = vector<std::int64_t>(time_path, steps);
    for (std::size_t s = 0; s < steps; ++s) {
      if (days[s] != static_cast<std::int64_t>(s) * meta.dt_days) fail("the time coordinate is not steps * dt_days");
    }
    (void)vector<std::int64_t>(replicate_path, static_cast<std::size_t>(meta.replicates));

    const hsize_t r = extent(meta.replicates);
    out.by_country = read_series(by_country_group, {r, extent(meta.steps), countries});
    out.global = read_series(global_group, {r, extent(meta.steps)});

    const std::vector<EventRow> events =
        dataset(events_path).read_records<EventRow>(event_row_type(event_kind_enum().get()));
    for (const EventRow& e : events) {
      check_replicate(e.replicate, events_path);
      out.event_replicate.push_back(e.replicate);
      out.events.push_back({.step = e.step,
                            .kind = e.kind,
                            .country = e.country,
                            .network = e.network,
                            .operator_id = e.operator_id,
                            .count = e.count,
                            .amount_usd = e.amount_usd});
    }
    const std::vector<OperatorRow> operators =
        dataset(operators_path).read_records<OperatorRow>(operator_row_type(operator_state_enum().get()));
    for (const OperatorRow& o : operators) {
      check_replicate(o.replicate, operators_path);
      out.operator_replicate.push_back(o.replicate);
      out.final_operators.push_back({.operator_id = o.operator_id,
                                     .network = o.network,
                                     .country = o.country,
                                     .site = o.site,
                                     .state = o.state,
                                     .workers = o.workers,
                                     .target_workers = o.target_workers,
                                     .capital_usd = o.capital_usd,
                                     .protection = o.protection,
                                     .tech = o.tech,
                                     .perceived_risk = o.perceived_risk});
    }
    file_.close();
    return std::move(results_);
  }

  void check_replicate(std::int64_t replicate, const char* table) const {
    if (replicate < 0 || replicate >= results_.meta.replicates) {
      fail(fmt::format("'/{}' has a row of replicate {}, outside 0..{}", table, replicate,
                       results_.meta.replicates - 1));
    }
  }

  // Every dataset of a series group, whatever metrics this build knows: files
  // from builds with more or fewer metrics (same schema version) read alike.
  std::map<std::string, std::vector<double>> read_series(const std::string& group_path, const h5::Shape& shape) {
    if (!file_.exists(group_path)) fail(fmt::format("the group '/{}' is missing", group_path));
    const h5::Group group = file_.open_group(group_path);
    std::map<std::string, std::vector<double>> series;
    for (const std::string& name : group.member_names()) {
      const h5::Dataset d = group.open_dataset(name);
      if (d.shape() != shape) fail(fmt::format("'/{}/{}' does not have the shape of a series", group_path, name));
      switch (d.type_class()) {
        case H5T_FLOAT:
          series[name] = d.read<double>();
          break;
        case H5T_INTEGER: {
          const std::vector<std::int64_t> integers = d.read<std::int64_t>();
          series[name].assign(integers.begin(), integers.end());
          break;
        }
        default:
          fail(fmt::format("'/{}/{}' holds neither integers nor reals", group_path, name));
      }
    }
    return series;
  }

  std::filesystem::path path_;
  h5::File file_;
  Results results_;
};

}  // namespace

Results read_results(const std::filesystem::path& path) { return Reader(path).read(); }

// ---------------------------------------------------------------- summary

namespace {

double median(std::vector<double> values) {
  std::erase_if(values, [](double v) { return std::isnan(v); });
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

// People, operations and raids: whole numbers with digit groups; "-" where unknown.
std::string whole_number(double value) {
  if (std::isnan(value)) return "-";
  return scenario::group_digits(std::llround(value));
}

std::string decimal(double value, int digits) {
  if (std::isnan(value)) return "-";
  return fmt::format("{:.{}f}", value, digits);
}

// Per-replicate figures of the series in a Results, NaN where a metric is missing.
class Figures {
 public:
  explicit Figures(const Results& results)
      : results_(results),
        replicates_(static_cast<std::size_t>(results.meta.replicates)),
        steps_(static_cast<std::size_t>(results.meta.steps)),
        countries_(results.meta.country_ids.size()) {}

  [[nodiscard]] std::size_t replicates() const { return replicates_; }

  // The value at step `step` (negative: from the end) of a per-country series.
  [[nodiscard]] double at(std::string_view metric, std::size_t replicate, std::ptrdiff_t step, std::size_t c) const {
    const std::vector<double>* series = find(results_.by_country, metric, steps_ * countries_);
    if (series == nullptr || steps_ == 0) return nan();
    return (*series)[(replicate * steps_ + resolve(step)) * countries_ + c];
  }
  // Sum over all steps of a per-country series.
  [[nodiscard]] double total(std::string_view metric, std::size_t replicate, std::size_t c) const {
    const std::vector<double>* series = find(results_.by_country, metric, steps_ * countries_);
    if (series == nullptr) return nan();
    double sum = 0;
    for (std::size_t s = 0; s < steps_; ++s) sum += (*series)[(replicate * steps_ + s) * countries_ + c];
    return sum;
  }
  // Whether a per-country series is ever non-zero in any replicate.
  [[nodiscard]] bool ever(std::string_view metric, std::size_t c) const {
    const std::vector<double>* series = find(results_.by_country, metric, steps_ * countries_);
    if (series == nullptr) return false;
    for (std::size_t i = c; i < series->size(); i += countries_) {
      if ((*series)[i] != 0) return true;
    }
    return false;
  }
  [[nodiscard]] double global_at(std::string_view metric, std::size_t replicate, std::ptrdiff_t step) const {
    const std::vector<double>* series = find(results_.global, metric, steps_);
    if (series == nullptr || steps_ == 0) return nan();
    return (*series)[replicate * steps_ + resolve(step)];
  }
  [[nodiscard]] double global_total(std::string_view metric, std::size_t replicate) const {
    const std::vector<double>* series = find(results_.global, metric, steps_);
    if (series == nullptr) return nan();
    double sum = 0;
    for (std::size_t s = 0; s < steps_; ++s) sum += (*series)[replicate * steps_ + s];
    return sum;
  }

  // The median across replicates of `figure(replicate)`.
  template <class Figure>
  [[nodiscard]] double median_of(Figure figure) const {
    std::vector<double> values;
    for (std::size_t r = 0; r < replicates_; ++r) values.push_back(figure(r));
    return median(std::move(values));
  }

 private:
  static double nan() { return std::numeric_limits<double>::quiet_NaN(); }
  [[nodiscard]] std::size_t resolve(std::ptrdiff_t step) const {
    return step < 0 ? steps_ - static_cast<std::size_t>(-step) : static_cast<std::size_t>(step);
  }
  // The series, if present and of the size this run implies.
  [[nodiscard]] const std::vector<double>* find(const std::map<std::string, std::vector<double>>& group,
                                                std::string_view metric, std::size_t per_replicate) const {
    const auto it = group.find(std::string(metric));
    if (it == group.end() || it->second.size() != replicates_ * per_replicate) return nullptr;
    return &it->second;
  }

  const Results& results_;
  std::size_t replicates_;
  std::size_t steps_;
  std::size_t countries_;
};

// Ids longer than this are cut so tables keep within 120 columns.
constexpr std::size_t max_id_width = 24;

std::string fit(const std::string& id) { return id.size() <= max_id_width ? id : id.substr(0, max_id_width - 1) + "~"; }

// One table: a label column, then right-aligned figures.
class Table {
 public:
  Table(std::vector<std::string> headers, std::vector<std::size_t> widths)
      : headers_(std::move(headers)), widths_(std::move(widths)) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void add_rule() { rows_.emplace_back(); }

  [[nodiscard]] std::string render(std::size_t label_width) const {
    std::string out = line(headers_, label_width);
    out += rule(label_width);
    for (const auto& row : rows_) out += row.empty() ? rule(label_width) : line(row, label_width);
    return out;
  }

 private:
  [[nodiscard]] std::string line(const std::vector<std::string>& cells, std::size_t label_width) const {
    std::string out = fmt::format("  {:<{}}", cells[0], label_width);
    for (std::size_t i = 1; i < cells.size(); ++i) out += fmt::format(" {:>{}}", cells[i], widths_[i - 1]);
    return out + "\n";
  }
  [[nodiscard]] std::string rule(std::size_t label_width) const {
    std::size_t width = label_width;
    for (std::size_t w : widths_) width += w + 1;
    return "  " + std::string(width, '-') + "\n";
  }

  std::vector<std::string> headers_;
  std::vector<std::size_t> widths_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace

std::string summarize(const Results& results) {
  const RunMetadata& meta = results.meta;
  const Figures f(results);
  const std::size_t countries = meta.country_ids.size();
  const std::int64_t run_days = meta.steps * meta.dt_days;
  const double years = static_cast<double>(run_days) / 365.25;
  const Date end_date = meta.start_date.plus_days(static_cast<int>(run_days));

  std::string out = fmt::format("scamsim results: {}\n", meta.scenario_name);
  out += fmt::format("  run      {} to {}, {} steps of {} day{}, seed {}, {} replicate{}\n",
                     meta.start_date.to_string(), end_date.to_string(), meta.steps, meta.dt_days,
                     meta.dt_days == 1 ? "" : "s", meta.seed, meta.replicates, meta.replicates == 1 ? "" : "s");
  out += fmt::format("  written  {} by scamsim {} (commit {}), result schema version {}\n", results.created_utc,
                     results.scamsim_version, results.git_commit, results.schema_version);
  if (meta.replicates > 1) {
    out += fmt::format("  figures  medians across the {} replicates (each figure separately)\n", meta.replicates);
  }
  out += "  columns  start: at the end of the first step; end: at the end of the last; others: totals over the run\n";

  // Hosts: countries that ever held someone or had operations.
  std::vector<std::size_t> hosts;
  for (std::size_t c = 0; c < countries; ++c) {
    if (f.ever("workers_held", c) || f.ever("operations_active", c)) hosts.push_back(c);
  }
  std::size_t label_width = std::string_view("all hosts").size();
  for (std::size_t c : hosts) label_width = std::max(label_width, fit(meta.country_ids[c]).size());

  // Per replicate: a country's figure, or the sum over hosts for the "all hosts" row.
  const auto over_hosts = [&](auto figure) {
    return [&hosts, figure](std::size_t r) {
      double sum = 0;
      for (std::size_t c : hosts) sum += figure(r, c);
      return sum;
    };
  };
  const auto released = [&](std::size_t r, std::size_t c) {
    return f.total("releases_by_operator", r, c) + f.total("released_by_raids", r, c) + f.total("escapes", r, c);
  };
  const auto at_start = [&](std::string_view m) {
    return [&f, m](std::size_t r, std::size_t c) { return f.at(m, r, 0, c); };
  };
  const auto at_end = [&](std::string_view m) {
    return [&f, m](std::size_t r, std::size_t c) { return f.at(m, r, -1, c); };
  };
  const auto total = [&](std::string_view m) {
    return [&f, m](std::size_t r, std::size_t c) { return f.total(m, r, c); };
  };
  const auto of_country = [&](std::size_t c, auto figure) {
    return f.median_of([&](std::size_t r) { return figure(r, c); });
  };
  const auto of_hosts = [&](auto figure) { return f.median_of(over_hosts(figure)); };

  if (hosts.empty()) {
    out += "\nNo country held anyone or had operations.\n";
  } else {
    Table people({"country", "held start", "held end", "released", "re-recruited", "in aftercare", "repatriated"},
                 {12, 12, 12, 12, 12, 12});
    const auto people_row = [&](const std::string& label, auto value) {
      people.add({label, whole_number(value(at_start("workers_held"))), whole_number(value(at_end("workers_held"))),
                  whole_number(value(released)), whole_number(value(total("rerecruited"))),
                  whole_number(value(at_end("workers_in_aftercare"))), whole_number(value(total("repatriations")))});
    };
    for (std::size_t c : hosts) {
      people_row(fit(meta.country_ids[c]), [&](auto figure) { return of_country(c, figure); });
    }
    people.add_rule();
    people_row("all hosts", [&](auto figure) { return of_hosts(figure); });
    out += "\nPeople by host country (released = by operators + by raids + escapes)\n";
    out += people.render(label_width);

    Table operations(
        {"country", "ops start", "ops end", "size start", "size end", "revenue", "raids", "reloc in", "reloc out"},
        {10, 10, 10, 10, 11, 9, 9, 9});
    const auto operations_row = [&](const std::string& label, auto value, double size_start, double size_end) {
      operations.add({label, whole_number(value(at_start("operations_active"))),
                      whole_number(value(at_end("operations_active"))), decimal(size_start, 1), decimal(size_end, 1),
                      decimal(value(total("revenue_usd")) / 1e9, 2), whole_number(value(total("raids"))),
                      whole_number(value(total("relocations_in"))), whole_number(value(total("relocations_out")))});
    };
    for (std::size_t c : hosts) {
      const auto value = [&](auto figure) { return of_country(c, figure); };
      operations_row(fit(meta.country_ids[c]), value, value(at_start("mean_operation_size")),
                     value(at_end("mean_operation_size")));
    }
    operations.add_rule();
    operations_row(
        "all hosts", [&](auto figure) { return of_hosts(figure); },
        f.median_of([&](std::size_t r) { return f.global_at("mean_operation_size", r, 0); }),
        f.median_of([&](std::size_t r) { return f.global_at("mean_operation_size", r, -1); }));
    out += "\nOperations and money by host country (size: people per operation; revenue: bn USD)\n";
    out += operations.render(label_width);
  }

  const auto global_start = [&](std::string_view m) {
    return f.median_of([&](std::size_t r) { return f.global_at(m, r, 0); });
  };
  const auto global_end = [&](std::string_view m) {
    return f.median_of([&](std::size_t r) { return f.global_at(m, r, -1); });
  };
  const auto percent = [](double share) {
    return std::isnan(share) ? std::string("-") : fmt::format("{:.1f}%", share * 100);
  };
  out += "\nRegion\n";
  out += fmt::format("  {:<32} {:>14} {:>14}\n", "", "start", "end");
  out += fmt::format("  {:<32} {:>14} {:>14}\n", "people held", whole_number(global_start("workers_held")),
                     whole_number(global_end("workers_held")));
  out += fmt::format("  {:<32} {:>14} {:>14}\n", "operations", whole_number(global_start("operations_active")),
                     whole_number(global_end("operations_active")));
  out +=
      fmt::format("  {:<32} {:>14} {:>14}\n", "concentration of held (HHI)",
                  decimal(global_start("held_concentration_hhi"), 3), decimal(global_end("held_concentration_hhi"), 3));
  out += fmt::format("  {:<32} {:>14} {:>14}\n", "share held in small operations",
                     percent(global_start("share_held_in_small_operations")),
                     percent(global_end("share_held_in_small_operations")));
  const double revenue_per_year =
      f.median_of([&](std::size_t r) { return f.global_total("revenue_usd", r); }) / 1e9 / years;
  out += fmt::format("  {:<32} {:>14}\n", "revenue (bn USD per year)", decimal(revenue_per_year, 2));
  return out;
}

}  // namespace scamsim::io
