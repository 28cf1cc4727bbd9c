// read_results: reads a run file back (layout in run_layout.hpp), refusing what is not a whole one.
#include <fmt/format.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/io/file_support.hpp"
#include "sim/io/h5.hpp"
#include "sim/io/open_file.hpp"
#include "sim/io/results.hpp"
#include "sim/io/run_layout.hpp"

namespace scamsim::io {

using namespace run_layout;

namespace {

hsize_t extent(std::int64_t n) { return static_cast<hsize_t>(n); }

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
    file_ = open_scamsim_file(path_, FileKind::run);
    try {
      results_.schema_version = file_.attribute<std::int64_t>("schema_version");
      results_.scamsim_version = attribute<std::string>(file_, "scamsim_version");
      return read_contents();
    } catch (const h5::Error& e) {
      fail(fmt::format("results file is truncated or corrupt ({})", e.what()));
    }
  }

 private:
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
    meta.scale = detail::read_run_scale(file_, path_, run_scale_attribute, meta.resolved_toml);
    const std::string start = attribute<std::string>(file_, "start_date");
    const std::optional<Date> start_date = Date::parse(start);
    if (!start_date) fail(fmt::format("start_date '{}' is not a YYYY-MM-DD date", start));
    meta.start_date = *start_date;
    if (meta.replicates < 1 || meta.steps < 1 || meta.dt_days < 1) {
      fail(
          fmt::format("odd run size: {} replicates of {} steps of {} days", meta.replicates, meta.steps, meta.dt_days));
    }
    if (file_.has_attribute(draws_attribute)) {
      meta.draws = attribute<std::int64_t>(file_, draws_attribute);
      if (meta.draws < 1) fail(fmt::format("odd number of draws: {}", meta.draws));
      meta.posterior_file = attribute<std::string>(file_, "posterior_file");
    }
    const auto written = attribute<std::int64_t>(file_, replicates_written_attribute);
    if (written != meta.runs()) {
      fail(fmt::format("incomplete: {} of {} replicates were written (the run stopped before it finished)", written,
                       meta.runs()));
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
    if (meta.draws > 0) {
      // A run over a posterior: [draw][replicate]... read flat, run by run (draw x replicates + replicate).
      const auto d = static_cast<std::size_t>(meta.draws);
      (void)vector<std::int64_t>(detail::draw_path, d);
      meta.draw_parameters = dataset(detail::draw_parameter_path).read<std::string>();
      meta.draw_values = vector<double>(detail::draw_values_path, d * meta.draw_parameters.size());
      meta.draw_particle = vector<std::int64_t>(detail::draw_particle_path, d);
      out.by_country = read_series(by_country_group, {extent(meta.draws), r, extent(meta.steps), countries});
      out.global = read_series(global_group, {extent(meta.draws), r, extent(meta.steps)});
    } else {
      out.by_country = read_series(by_country_group, {r, extent(meta.steps), countries});
      out.global = read_series(global_group, {r, extent(meta.steps)});
    }

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
    if (replicate < 0 || replicate >= results_.meta.runs()) {
      fail(fmt::format("'/{}' has a row of replicate {}, outside 0..{}", table, replicate,
                       results_.meta.replicates - 1));
    }
  }

  // Every dataset of a series group but its coordinates (schema 3 on), whatever metrics this build knows: files
  // from builds with more or fewer metrics (same schema version) read alike.
  std::map<std::string, std::vector<double>> read_series(const std::string& group_path, const h5::Shape& shape) {
    if (!file_.exists(group_path)) fail(fmt::format("the group '/{}' is missing", group_path));
    const h5::Group group = file_.open_group(group_path);
    std::map<std::string, std::vector<double>> series;
    for (const std::string& name : group.member_names()) {
      const h5::Dataset d = group.open_dataset(name);
      if (d.is_scale()) continue;
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

}  // namespace scamsim::io
