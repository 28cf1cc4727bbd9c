#include "sim/io/compare_results.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <ctime>
#include <fstream>
#include <numeric>
#include <span>

#include <fmt/format.h>

#include "sim/core/error.hpp"
#include "sim/core/text.hpp"
#include "sim/core/version.hpp"
#include "sim/io/file_support.hpp"
#include "sim/io/group_coordinates.hpp"
#include "sim/io/h5.hpp"
#include "sim/io/open_file.hpp"
#include "sim/io/results.hpp"
#include "sim/scenario/describe.hpp"

namespace scamsim::io {

namespace fs = std::filesystem;

namespace {

using namespace detail;  // the helpers every scamsim file shares

// ---------------------------------------------------------------- the layout
//
// docs/SWEEPS.md ("Paired comparisons") is the user-facing description. P = pairs, O = outcomes.

constexpr const char* pair_path = "pair";
constexpr const char* side_path = "side";
constexpr const char* outcome_path = "outcome";
constexpr const char* coords_group = "coords";
constexpr const char* outcomes_group = "outcomes";      // outcomes/<name>: (pair, side)
constexpr const char* difference_group = "difference";  // difference/<name>: (pair)
constexpr const char* summary_group = "summary";        // summary/<statistic>: (outcome)

/// The float64 columns of /summary, in file order, with what each holds.
struct SummaryColumn {
  const char* name;
  double run::PairedStatistics::*field;
  const char* long_name;
};
constexpr std::array<SummaryColumn, 11> summary_columns = {{
    {"mean_a", &run::PairedStatistics::mean_a, "mean of A over the pairs"},
    {"mean_b", &run::PairedStatistics::mean_b, "mean of B over the pairs"},
    {"sd_a", &run::PairedStatistics::sd_a, "sample standard deviation of A"},
    {"sd_b", &run::PairedStatistics::sd_b, "sample standard deviation of B"},
    {"mean_difference", &run::PairedStatistics::mean_difference, "mean of B - A over the pairs"},
    {"sd_difference", &run::PairedStatistics::sd_difference, "sample standard deviation of B - A"},
    {"ci_low", &run::PairedStatistics::ci_low, "paired Student-t interval of the mean difference: low end"},
    {"ci_high", &run::PairedStatistics::ci_high, "paired Student-t interval of the mean difference: high end"},
    {"unpaired_low", &run::PairedStatistics::unpaired_low,
     "Welch interval of mean B - mean A as if unpaired (independent seeds): low end"},
    {"unpaired_high", &run::PairedStatistics::unpaired_high,
     "Welch interval of mean B - mean A as if unpaired (independent seeds): high end"},
    {"correlation", &run::PairedStatistics::correlation, "Pearson correlation of A and B across the pairs"},
}};

template <class T>
T attribute(const h5::Object& object, const fs::path& path, const std::string& name) {
  if (!object.has_attribute(name)) refuse(path, fmt::format("missing attribute '{}' on '{}'", name, object.path()));
  return object.attribute<T>(name);
}

/// The world statistics' columns in file order.
struct WorldColumn {
  const char* name;
  double run::WorldStatistics::*field;
  const char* long_name;
};
constexpr std::array<WorldColumn, 5> world_columns = {{
    {"share_b_above", &run::WorldStatistics::share_above, "share of the plausible worlds where B - A > 0"},
    {"share_b_below", &run::WorldStatistics::share_below, "share of the plausible worlds where B - A < 0"},
    {"low", &run::WorldStatistics::low, "5% quantile of B - A over the plausible worlds"},
    {"median", &run::WorldStatistics::median, "median of B - A over the plausible worlds"},
    {"high", &run::WorldStatistics::high, "95% quantile of B - A over the plausible worlds"},
}};

/// A comparison over a posterior: the draws, each pair's draw, and B - A over the worlds per outcome.
void write_worlds(h5::File& file, const CompareResults& r, const h5::Dataset& pair_scale,
                  const h5::Dataset& outcome_scale) {
  file.set_attribute("draws", r.draws);
  file.set_attribute("pairs_per_draw", r.pairs_per_draw);
  file.set_attribute("posterior_file", r.posterior_file);
  write_draws(file, r.draw_parameters, r.draw_values, r.draw_particle,
              "each draw's parameter values, as both sides' runs took them");
  std::vector<std::int64_t> pair_draw;
  for (std::int64_t p = 0; p < r.pairs; ++p) pair_draw.push_back(p / r.pairs_per_draw);
  h5::Dataset pd = file.create_dataset<std::int64_t>("pair_draw", {static_cast<std::size_t>(r.pairs)});
  pd.write<std::int64_t>(pair_draw);
  pd.set_attribute("long_name", "the draw (plausible world) of each pair");
  attach(pd, {{&pair_scale, "pair"}});

  const auto group = [&](const std::string& name, const std::vector<run::WorldStatistics>& stats,
                         const std::string& description) {
    h5::Group g = file.create_group(name);
    const h5::Dataset outcome = copy_coordinate(g, outcome_scale, outcome_path);
    g.set_attribute("description", description);
    for (const WorldColumn& c : world_columns) {
      std::vector<double> v;
      for (const run::WorldStatistics& s : stats) v.push_back(s.*c.field);
      h5::Dataset d = g.create_dataset<double>(c.name, {v.size()});
      d.write<double>(v);
      d.set_attribute("long_name", c.long_name);
      attach(d, {{&outcome, "outcome"}});
    }
    std::vector<std::int64_t> n;
    for (const run::WorldStatistics& s : stats) n.push_back(s.worlds);
    h5::Dataset d = g.create_dataset<std::int64_t>("worlds", {n.size()});
    d.write<std::int64_t>(n);
    d.set_attribute("long_name", "worlds used: those whose B - A is finite");
    attach(d, {{&outcome, "outcome"}});
  };
  group("worlds", r.worlds,
        "Per outcome, over the plausible worlds (draws from the posterior), each world's B - A being the mean over "
        "its pairs: the shares of worlds by its sign and its 5%, 50% and 95% quantiles");
  if (!r.per_million.empty()) {
    file.set_attribute("per_million", r.per_million);
    group("worlds_per_million", r.worlds_per_million,
          fmt::format("As /worlds, of each world's B - A per million USD of its B - A in {}", r.per_million));
  }
}

}  // namespace

void fill_outcomes(CompareResults& r, const std::vector<run::OutcomeSpec>& outcomes) {
  r.outcomes.clear();
  r.outcome_units.clear();
  r.outcome_descriptions.clear();
  r.outcome_definitions.clear();
  r.statistics.clear();
  for (std::size_t o = 0; o < outcomes.size(); ++o) {
    const run::OutcomeSpec& spec = outcomes[o];
    r.outcomes.push_back(spec.name);
    r.outcome_units.push_back(run::outcome_units(spec));
    r.outcome_descriptions.push_back(spec.description.empty() ? spec.definition : spec.description);
    r.outcome_definitions.push_back(spec.definition);
    r.statistics.push_back(run::paired_statistics(run::column(r.a, outcomes.size(), o),
                                                  run::column(r.b, outcomes.size(), o), r.confidence));
  }
  fill_worlds(r);
}

void fill_worlds(CompareResults& r) {
  r.worlds.clear();
  r.worlds_per_million.clear();
  if (r.draws <= 0 || r.pairs_per_draw <= 0) return;
  const std::size_t o_count = r.outcomes.size();
  const auto per = static_cast<std::size_t>(r.pairs_per_draw);
  std::vector<std::vector<double>> differences;
  for (std::size_t o = 0; o < o_count; ++o) {
    differences.push_back(run::world_differences(r.a, r.b, o_count, o, per));
    r.worlds.push_back(run::world_statistics(differences.back()));
  }
  const auto money = std::find(r.outcomes.begin(), r.outcomes.end(), r.per_million);
  if (r.per_million.empty() || money == r.outcomes.end()) return;
  const std::vector<double>& spent = differences[static_cast<std::size_t>(money - r.outcomes.begin())];
  for (std::size_t o = 0; o < o_count; ++o) {
    std::vector<double> ratio(spent.size());
    for (std::size_t w = 0; w < spent.size(); ++w) {
      ratio[w] = spent[w] != 0 ? differences[o][w] / (spent[w] / 1e6) : std::numeric_limits<double>::quiet_NaN();
    }
    r.worlds_per_million.push_back(run::world_statistics(ratio));
  }
}

void stamp(CompareResults& r) {
  r.scamsim_version = version();
  r.git_commit = git_commit();
  r.created_utc = utc_now();
  r.schema_version = results_schema_version;
}

void write_compare(const fs::path& path, const CompareResults& r) {
  const std::size_t o_count = r.outcomes.size();
  const auto pairs = static_cast<std::size_t>(r.pairs);
  if (r.a.size() != pairs * o_count || r.b.size() != pairs * o_count || r.statistics.size() != o_count ||
      r.outcome_units.size() != o_count || r.outcome_descriptions.size() != o_count ||
      r.outcome_definitions.size() != o_count) {
    throw h5::Error(
        fmt::format("'{}': the comparison's values are not {} pairs x {} outcomes", path.string(), r.pairs, o_count));
  }
  h5::File file = h5::File::create(path);
  file.set_attribute("title", fmt::format("scamsim compare: {} (A) vs {} (B)", r.name_a, r.name_b));
  detail::write_identity(file, FileKind::compare);
  file.set_attribute("created_utc", r.created_utc.empty() ? utc_now() : r.created_utc);
  file.set_attribute("command_line", r.command_line);
  file.set_attribute("scenario_a_name", r.name_a);
  file.set_attribute("scenario_b_name", r.name_b);
  file.set_attribute("scenario_a_file", r.file_a);
  file.set_attribute("scenario_b_file", r.file_b);
  file.set_attribute("scenario_a_toml", r.toml_a);
  file.set_attribute("scenario_b_toml", r.toml_b);
  file.set_attribute("seed", r.seed);
  file.set_attribute("scenario_a_run_scale", r.scale_a);
  file.set_attribute("scenario_b_run_scale", r.scale_b);
  file.set_attribute(counts_at_scale_attribute, 1.0);  // the outcomes are each run's divided by its run.scale
  file.set_attribute("replicates", r.pairs);
  file.set_attribute("confidence", r.confidence);
  file.set_attribute("start_date", r.start_date.to_string());
  file.set_attribute("dt_days", r.dt_days);
  file.set_attribute("steps", r.steps);

  std::vector<std::int64_t> pair_numbers(pairs);
  std::iota(pair_numbers.begin(), pair_numbers.end(), std::int64_t{0});
  h5::Dataset pair_scale = write_scale<std::int64_t>(file, pair_path, pair_numbers);
  pair_scale.set_attribute("long_name", "pair: replicate r of A and of B, run on the same random streams");
  const std::array<std::string, 2> sides = {"a", "b"};
  h5::Dataset side_scale = write_scale<std::string>(file, side_path, sides);
  side_scale.set_attribute("long_name", "side of the pair: a (the baseline, first scenario), b (the policy, second)");
  h5::Dataset outcome_scale = write_scale<std::string>(file, outcome_path, r.outcomes);
  outcome_scale.set_attribute("long_name", "outcome: a named reduction of a run's series");
  file.create_group(coords_group);
  for (const char* p : {pair_path, side_path, outcome_path}) {
    file.create_hard_link(p, fmt::format("{}/{}", coords_group, p));
  }

  // Each group's datasets are attached to the group's own copies of the coordinates (group_coordinates.hpp).
  h5::Group outcomes = file.create_group(outcomes_group);
  const h5::Dataset outcomes_pair = copy_coordinate(outcomes, pair_scale, pair_path);
  const h5::Dataset outcomes_side = copy_coordinate(outcomes, side_scale, side_path);
  h5::Group differences = file.create_group(difference_group);
  const h5::Dataset difference_pair = copy_coordinate(differences, pair_scale, pair_path);
  for (std::size_t o = 0; o < o_count; ++o) {
    std::vector<double> values(pairs * 2), difference(pairs);
    for (std::size_t p = 0; p < pairs; ++p) {
      values[2 * p] = r.a[p * o_count + o];
      values[2 * p + 1] = r.b[p * o_count + o];
      difference[p] = values[2 * p + 1] - values[2 * p];
    }
    // A pair whose run gave no value (NaN) reads as missing in netCDF readers too.
    h5::Dataset d = file.create_dataset<double>(fmt::format("{}/{}", outcomes_group, r.outcomes[o]), {pairs, 2},
                                                {.missing_is_fill = true});
    d.write<double>(values);
    d.set_attribute("long_name", r.outcomes[o]);
    set_units(d, r.outcome_units[o]);
    d.set_attribute("description", r.outcome_descriptions[o]);
    d.set_attribute("definition", r.outcome_definitions[o]);
    attach(d, {{&outcomes_pair, "pair"}, {&outcomes_side, "side"}});
    h5::Dataset diff = file.create_dataset<double>(fmt::format("{}/{}", difference_group, r.outcomes[o]), {pairs},
                                                   {.missing_is_fill = true});
    diff.write<double>(difference);
    diff.set_attribute("long_name", fmt::format("{}: B - A", r.outcomes[o]));
    set_units(diff, r.outcome_units[o]);
    diff.set_attribute("description", fmt::format("{}: B - A in each pair", r.outcome_descriptions[o]));
    attach(diff, {{&difference_pair, "pair"}});
  }

  h5::Group summary = file.create_group(summary_group);
  const h5::Dataset summary_outcome = copy_coordinate(summary, outcome_scale, outcome_path);
  summary.set_attribute("confidence", r.confidence);
  summary.set_attribute("description",
                        "Per outcome, over the pairs whose two values are finite: the means and standard deviations "
                        "of A, B and B - A; the paired Student-t interval of the mean difference (n - 1 degrees of "
                        "freedom); Welch's interval of mean B - mean A as if the sides were unpaired, for contrast");
  for (const SummaryColumn& c : summary_columns) {
    std::vector<double> values;
    for (const run::PairedStatistics& s : r.statistics) values.push_back(s.*c.field);
    h5::Dataset d = summary.create_dataset<double>(c.name, {o_count});
    d.write<double>(values);
    d.set_attribute("long_name", c.long_name);
    attach(d, {{&summary_outcome, "outcome"}});
  }
  if (r.draws > 0) write_worlds(file, r, pair_scale, outcome_scale);
  std::vector<std::int64_t> used;
  for (const run::PairedStatistics& s : r.statistics) used.push_back(s.pairs);
  h5::Dataset d = summary.create_dataset<std::int64_t>("pairs", {o_count});
  d.write<std::int64_t>(used);
  d.set_attribute("long_name", "pairs used: those whose A and B values are both finite");
  attach(d, {{&summary_outcome, "outcome"}});
  h5::Dataset units = summary.create_dataset<std::string>("units", {o_count});
  units.write<std::string>(r.outcome_units);
  units.set_attribute("long_name", "units of the outcome and of its differences");
  attach(units, {{&summary_outcome, "outcome"}});
  file.close();
}

CompareResults read_compare(const fs::path& path) {
  const h5::File file = open_scamsim_file(path, FileKind::compare);
  CompareResults r;
  try {
    r.schema_version = attribute<std::int64_t>(file, path, "schema_version");
    r.scamsim_version = attribute<std::string>(file, path, "scamsim_version");
    r.git_commit = attribute<std::string>(file, path, "git_commit");
    r.created_utc = attribute<std::string>(file, path, "created_utc");
    r.command_line = file.has_attribute("command_line") ? file.attribute<std::string>("command_line") : "";
    r.name_a = attribute<std::string>(file, path, "scenario_a_name");
    r.name_b = attribute<std::string>(file, path, "scenario_b_name");
    r.file_a = attribute<std::string>(file, path, "scenario_a_file");
    r.file_b = attribute<std::string>(file, path, "scenario_b_file");
    r.toml_a = attribute<std::string>(file, path, "scenario_a_toml");
    r.toml_b = attribute<std::string>(file, path, "scenario_b_toml");
    r.seed = attribute<std::int64_t>(file, path, "seed");
    r.scale_a = read_run_scale(file, path, "scenario_a_run_scale", r.toml_a);
    r.scale_b = read_run_scale(file, path, "scenario_b_run_scale", r.toml_b);
    r.pairs = attribute<std::int64_t>(file, path, "replicates");
    r.confidence = attribute<double>(file, path, "confidence");
    r.dt_days = attribute<std::int64_t>(file, path, "dt_days");
    r.steps = attribute<std::int64_t>(file, path, "steps");
    const auto start = Date::parse(attribute<std::string>(file, path, "start_date"));
    if (!start) refuse(path, "start_date is not a YYYY-MM-DD date");
    r.start_date = *start;
    if (r.pairs < 0) refuse(path, "replicates is negative");
    const auto pairs = static_cast<std::size_t>(r.pairs);
    r.outcomes = required_dataset(file, path, outcome_path).read<std::string>();
    const std::size_t o_count = r.outcomes.size();
    r.a.assign(pairs * o_count, 0);
    r.b.assign(pairs * o_count, 0);
    for (std::size_t o = 0; o < o_count; ++o) {
      const h5::Dataset d = required_dataset(file, path, fmt::format("{}/{}", outcomes_group, r.outcomes[o]));
      if (d.shape() != h5::Shape{pairs, 2}) {
        refuse(path, fmt::format("'/{}/{}' is not pairs x 2", outcomes_group, r.outcomes[o]));
      }
      const std::vector<double> values = d.read<double>();
      for (std::size_t p = 0; p < pairs; ++p) {
        r.a[p * o_count + o] = values[2 * p];
        r.b[p * o_count + o] = values[2 * p + 1];
      }
      r.outcome_units.push_back(units_in_words(d));
      r.outcome_descriptions.push_back(d.has_attribute("description") ? d.attribute<std::string>("description") : "");
      r.outcome_definitions.push_back(d.has_attribute("definition") ? d.attribute<std::string>("definition") : "");
    }
    r.statistics.assign(o_count, {});
    for (const SummaryColumn& c : summary_columns) {
      const std::vector<double> values =
          required_dataset(file, path, fmt::format("{}/{}", summary_group, c.name)).read<double>();
      if (values.size() != o_count) refuse(path, fmt::format("'/{}/{}' is not one per outcome", summary_group, c.name));
      for (std::size_t o = 0; o < o_count; ++o) r.statistics[o].*c.field = values[o];
    }
    const std::vector<std::int64_t> used =
        required_dataset(file, path, fmt::format("{}/pairs", summary_group)).read<std::int64_t>();
    if (used.size() != o_count) refuse(path, "'/summary/pairs' is not one per outcome");
    for (std::size_t o = 0; o < o_count; ++o) r.statistics[o].pairs = used[o];
    if (file.has_attribute("draws")) {
      r.draws = attribute<std::int64_t>(file, path, "draws");
      r.pairs_per_draw = attribute<std::int64_t>(file, path, "pairs_per_draw");
      r.posterior_file = attribute<std::string>(file, path, "posterior_file");
      if (r.draws < 1 || r.pairs_per_draw < 1 || r.draws * r.pairs_per_draw != r.pairs) {
        refuse(path, fmt::format("{} draws of {} pairs do not make its {} pairs", r.draws, r.pairs_per_draw, r.pairs));
      }
      r.draw_parameters = required_dataset(file, path, draw_parameter_path).read<std::string>();
      r.draw_values = required_dataset(file, path, draw_values_path).read<double>();
      r.draw_particle = required_dataset(file, path, draw_particle_path).read<std::int64_t>();
      if (r.draw_values.size() != static_cast<std::size_t>(r.draws) * r.draw_parameters.size() ||
          r.draw_particle.size() != static_cast<std::size_t>(r.draws)) {
        refuse(path, "'/draw_values' or '/draw_particle' is not one per draw");
      }
      if (file.has_attribute("per_million")) r.per_million = attribute<std::string>(file, path, "per_million");
      fill_worlds(r);
    }
  } catch (const h5::Error& e) {
    refuse(path, fmt::format("comparison file is truncated or corrupt ({})", e.what()));
  }
  return r;
}

}  // namespace scamsim::io
