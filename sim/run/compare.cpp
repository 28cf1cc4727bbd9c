#include "sim/run/compare.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>
#include <tuple>
#include <type_traits>
#include <variant>

#include <fmt/format.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <boost/math/distributions/students_t.hpp>

#include "sim/core/error.hpp"
#include "sim/model/simulation.hpp"

namespace scamsim::run {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

double mean_of(std::span<const double> v) {
  double sum = 0;
  for (const double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}

// Sum of squared deviations from the mean, over the same values in the same order: it repeats bit for bit.
double squares_about(std::span<const double> v, double mean) {
  double sum = 0;
  for (const double x : v) sum += (x - mean) * (x - mean);
  return sum;
}

// mean +- t * se, or exactly [mean, mean] when there is no spread, so that identical sides give [0, 0].
std::pair<double, double> interval(double mean, double se, double df, double confidence) {
  if (!(df > 0) || std::isnan(se)) return {nan, nan};
  if (se == 0) return {mean, mean};
  const double t = student_t_quantile(0.5 + confidence / 2, df);
  return {mean - t * se, mean + t * se};
}

}  // namespace

double student_t_quantile(double p, double df) {
  if (!(df > 0) || !(p > 0 && p < 1)) throw std::invalid_argument("student_t_quantile: needs df > 0 and 0 < p < 1");
  return boost::math::quantile(boost::math::students_t_distribution<double>(df), p);
}

PairedStatistics paired_statistics(std::span<const double> a, std::span<const double> b, double confidence) {
  if (a.size() != b.size()) throw std::invalid_argument("paired_statistics: the two sides differ in size");
  if (!(confidence > 0 && confidence < 1)) throw std::invalid_argument("paired_statistics: confidence not in (0, 1)");
  std::vector<double> x, y, d;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!std::isfinite(a[i]) || !std::isfinite(b[i])) continue;
    x.push_back(a[i]);
    y.push_back(b[i]);
    d.push_back(b[i] - a[i]);
  }
  PairedStatistics s;
  s.pairs = static_cast<std::int64_t>(d.size());
  if (d.empty()) {
    s.mean_a = s.mean_b = s.sd_a = s.sd_b = s.mean_difference = s.sd_difference = nan;
    s.ci_low = s.ci_high = s.unpaired_low = s.unpaired_high = s.correlation = nan;
    return s;
  }
  const auto n = static_cast<double>(d.size());
  s.mean_a = mean_of(x);
  s.mean_b = mean_of(y);
  s.mean_difference = mean_of(d);
  if (d.size() < 2) {
    s.sd_a = s.sd_b = s.sd_difference = nan;
    s.ci_low = s.ci_high = s.unpaired_low = s.unpaired_high = s.correlation = nan;
    return s;
  }
  const double ssa = squares_about(x, s.mean_a);
  const double ssb = squares_about(y, s.mean_b);
  const double ssd = squares_about(d, s.mean_difference);
  s.sd_a = std::sqrt(ssa / (n - 1));
  s.sd_b = std::sqrt(ssb / (n - 1));
  s.sd_difference = std::sqrt(ssd / (n - 1));
  std::tie(s.ci_low, s.ci_high) = interval(s.mean_difference, s.sd_difference / std::sqrt(n), n - 1, confidence);

  // Welch (1947): the interval two independent samples of n would give, with Welch-Satterthwaite's degrees
  // of freedom (equal to n - 1 when only one side varies, 2n - 2 when both vary alike).
  const double va = s.sd_a * s.sd_a / n;
  const double vb = s.sd_b * s.sd_b / n;
  const double se = std::sqrt(va + vb);
  const double df = (va + vb) > 0 ? (va + vb) * (va + vb) / ((va * va + vb * vb) / (n - 1)) : n - 1;
  std::tie(s.unpaired_low, s.unpaired_high) = interval(s.mean_b - s.mean_a, se, df, confidence);

  double cross = 0;
  for (std::size_t i = 0; i < x.size(); ++i) cross += (x[i] - s.mean_a) * (y[i] - s.mean_b);
  s.correlation = ssa > 0 && ssb > 0 ? cross / std::sqrt(ssa * ssb) : nan;
  return s;
}

// ---------------------------------------------------------------- headline outcomes

namespace {

// The host country an event is aimed at, if any: its country, or a network's home country.
std::optional<CountryId> target_of(const scenario::EventSpec& event, const scenario::Scenario& s) {
  const std::optional<CountryId> target = scenario::event_target(s, event.payload).country();
  if (target && s.country(*target).host) return target;
  return std::nullopt;
}

// Whether two events are the same as far as telling two scenarios apart goes: day, id, kind and target.
bool same_event(const scenario::EventSpec& x, const scenario::Scenario& sx, const scenario::EventSpec& y,
                const scenario::Scenario& sy) {
  return x.date == y.date && x.id == y.id &&
         scenario::event_kind_name(x.payload) == scenario::event_kind_name(y.payload) &&
         target_of(x, sx) == target_of(y, sy);
}

// The host country the comparison is about: the first event (by date) aimed at a host that the policy adds,
// else the first that it removes, else the first of either.
std::optional<CountryId> compared_target(const scenario::Scenario& a, const scenario::Scenario& b) {
  const auto first_unmatched = [](const scenario::Scenario& s, const scenario::Scenario& other) {
    for (const scenario::EventSpec& e : s.events) {  // sorted by date
      if (!target_of(e, s)) continue;
      const bool matched = std::any_of(other.events.begin(), other.events.end(),
                                       [&](const scenario::EventSpec& o) { return same_event(e, s, o, other); });
      if (!matched) return std::optional<CountryId>(target_of(e, s));
    }
    return std::optional<CountryId>();
  };
  if (const auto added = first_unmatched(b, a)) return added;
  if (const auto removed = first_unmatched(a, b)) return removed;
  std::optional<std::pair<Date, CountryId>> first;
  for (const scenario::Scenario* s : {&a, &b}) {
    for (const scenario::EventSpec& e : s->events) {
      const auto c = target_of(e, *s);
      if (c && (!first || e.date < first->first)) first = std::pair(e.date, *c);
      if (c) break;
    }
  }
  if (first) return first->second;
  return std::nullopt;
}

}  // namespace

std::vector<OutcomeSpec> headline_outcomes(const scenario::Scenario& a, const scenario::Scenario& b) {
  using model::CountryMetric;
  using model::GlobalMetric;
  const std::int64_t steps = a.run.steps();
  std::vector<OutcomeSpec> out;
  const auto add = [&](std::string name, SeriesRef series, Reduction reduction, std::string description,
                       bool share = false) {
    OutcomeSpec o;
    o.name = std::move(name);
    o.series = std::move(series);
    o.reduction = reduction;
    o.from_step = 0;
    o.to_step = steps;
    o.share = share;
    o.description = std::move(description);
    o.definition = define_outcome(o, a);
    out.push_back(std::move(o));
  };
  const auto global = [](GlobalMetric m) { return SeriesRef{std::nullopt, m, {}, false}; };
  const auto in = [](CountryMetric m, std::vector<CountryId> countries) {
    return SeriesRef{m, std::nullopt, std::move(countries), false};
  };
  std::vector<std::size_t> hosts;
  for (std::size_t c = 0; c < a.countries.size(); ++c) {
    if (a.countries[c].host) hosts.push_back(c);
  }

  add("held_end", global(GlobalMetric::workers_held), Reduction::end, "People held across the region at the end");
  for (const std::size_t c : hosts) {
    add("held_end_" + a.countries[c].id, in(CountryMetric::workers_held, {id_at<CountryId>(c)}), Reduction::end,
        fmt::format("People held in {} at the end", a.countries[c].name));
  }
  add("revenue_per_year", global(GlobalMetric::revenue_usd), Reduction::sum_per_year,
      "Scam revenue across the region per year of the run");
  for (const std::size_t c : hosts) {
    add("revenue_per_year_" + a.countries[c].id, in(CountryMetric::revenue_usd, {id_at<CountryId>(c)}),
        Reduction::sum_per_year, fmt::format("Scam revenue in {} per year of the run", a.countries[c].name));
  }
  add("released_by_operators", in(CountryMetric::releases_by_operator, {}), Reduction::sum,
      "People released by operators over the run");
  add("released_by_raids", in(CountryMetric::released_by_raids, {}), Reduction::sum,
      "People freed by successful raids over the run");
  add("rerecruited", in(CountryMetric::rerecruited, {}), Reduction::sum,
      "Released or supported people re-recruited over the run");
  add("operations_end", global(GlobalMetric::operations_active), Reduction::end,
      "Active operations across the region at the end");
  add("mean_operation_size_end", global(GlobalMetric::mean_operation_size), Reduction::end,
      "People held per active operation across the region at the end");

  // The country the comparison is most likely about: where the policy's own event is aimed.
  const std::optional<CountryId> target = compared_target(a, b);
  if (target && hosts.size() > 1) {
    const scenario::CountrySpec& c = a.country(*target);
    SeriesRef outside = in(CountryMetric::workers_held, {*target});
    outside.outside = true;
    add("share_held_outside_" + c.id + "_end", outside, Reduction::end,
        fmt::format("Share of the held who are outside {} at the end", c.name), true);
  }
  return out;
}

void check_comparable(const scenario::Scenario& a, const std::string& file_a, const scenario::Scenario& b,
                      const std::string& file_b) {
  const auto refuse = [&](const std::string& what) {
    throw SetupError(fmt::format("{} and {} cannot be compared: {}", file_a, file_b, what));
  };
  if (a.run.start_date != b.run.start_date || a.run.dt_days != b.run.dt_days || a.run.steps() != b.run.steps()) {
    refuse(
        fmt::format("they must run over the same days, but {} runs {} steps of {} day{} from {} and {} runs {} "
                    "steps of {} day{} from {} (set run.start_date, run.years and run.dt_days alike)",
                    file_a, a.run.steps(), a.run.dt_days, a.run.dt_days == 1 ? "" : "s", a.run.start_date.to_string(),
                    file_b, b.run.steps(), b.run.dt_days, b.run.dt_days == 1 ? "" : "s", b.run.start_date.to_string()));
  }
  bool same_countries = a.countries.size() == b.countries.size();
  for (std::size_t c = 0; same_countries && c < a.countries.size(); ++c) {
    same_countries = a.countries[c].id == b.countries[c].id;
  }
  if (!same_countries) {
    const auto ids = [](const scenario::Scenario& s) {
      std::string out;
      for (const auto& c : s.countries) out += (out.empty() ? "" : ", ") + c.id;
      return out;
    };
    refuse(
        fmt::format("they must have the same countries, but {} has {} and {} has {}", file_a, ids(a), file_b, ids(b)));
  }
}

// ---------------------------------------------------------------- running

std::vector<std::vector<double>> run_outcomes(std::span<const scenario::Scenario* const> scenarios,
                                              std::span<const OutcomeSpec> outcomes, const RunOptions& options) {
  const tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                                  static_cast<std::size_t>(effective_threads(options.threads)));
  struct Task {
    std::size_t scenario;
    std::uint32_t replicate;
  };
  std::vector<Task> tasks;
  std::vector<std::vector<double>> result(scenarios.size());
  std::int64_t total = 0;
  // Replicate-major, so that the two sides of a pair run close together and finish together.
  std::int64_t most = 0;
  for (const scenario::Scenario* s : scenarios) most = std::max(most, s->run.replicates);
  for (std::int64_t r = 0; r < most; ++r) {
    for (std::size_t s = 0; s < scenarios.size(); ++s) {
      if (r < scenarios[s]->run.replicates) tasks.push_back({s, static_cast<std::uint32_t>(r)});
    }
  }
  for (std::size_t s = 0; s < scenarios.size(); ++s) {
    result[s].assign(static_cast<std::size_t>(scenarios[s]->run.replicates) * outcomes.size(), nan);
    total += scenarios[s]->run.steps() * scenarios[s]->run.replicates;
  }
  SharedSteps steps(options, total);
  tbb::parallel_for(std::size_t{0}, tasks.size(), [&](std::size_t i) {
    const Task task = tasks[i];
    const scenario::Scenario& s = *scenarios[task.scenario];
    if (steps.should_stop()) return;
    model::Simulation sim(s, task.replicate);
    if (!steps.run_to_end(sim)) return;
    const model::RunRecord record = sim.take_record();
    const auto dt_days = static_cast<double>(s.run.dt_days);
    for (std::size_t o = 0; o < outcomes.size(); ++o) {
      result[task.scenario][task.replicate * outcomes.size() + o] =
          at_full_scale(outcomes[o], evaluate(outcomes[o], record, dt_days), s.run.scale);
    }
  });
  if (steps.interrupted()) throw Interrupted();
  return result;
}

PairedRuns run_pairs(const scenario::Scenario& a, const scenario::Scenario& b, std::span<const OutcomeSpec> outcomes,
                     const RunOptions& options) {
  if (a.run.seed != b.run.seed || a.run.replicates != b.run.replicates) {
    throw std::invalid_argument("run_pairs: the two scenarios must share run.seed and run.replicates");
  }
  const std::array<const scenario::Scenario*, 2> both = {&a, &b};
  std::vector<std::vector<double>> values = run_outcomes(both, outcomes, options);
  return {std::move(values[0]), std::move(values[1])};
}

std::vector<double> world_differences(std::span<const double> a, std::span<const double> b, std::size_t outcome_count,
                                      std::size_t outcome, std::size_t pairs_per_world) {
  const std::size_t pairs = outcome_count > 0 ? a.size() / outcome_count : 0;
  const std::size_t worlds = pairs_per_world > 0 ? pairs / pairs_per_world : 0;
  std::vector<double> out(worlds, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t w = 0; w < worlds; ++w) {
    double sum = 0;
    std::size_t used = 0;
    for (std::size_t p = w * pairs_per_world; p < (w + 1) * pairs_per_world; ++p) {
      const double d = b[p * outcome_count + outcome] - a[p * outcome_count + outcome];
      if (!std::isfinite(d)) continue;
      sum += d;  // in pair order: a fixed order of the sum
      ++used;
    }
    if (used > 0) out[w] = sum / static_cast<double>(used);
  }
  return out;
}

WorldStatistics world_statistics(std::span<const double> differences) {
  std::vector<double> kept;
  for (const double d : differences) {
    if (std::isfinite(d)) kept.push_back(d);
  }
  WorldStatistics s;
  s.worlds = static_cast<std::int64_t>(kept.size());
  if (kept.empty()) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    s.share_above = s.share_below = s.low = s.median = s.high = nan;
    return s;
  }
  const auto n = static_cast<double>(kept.size());
  s.share_above = static_cast<double>(std::count_if(kept.begin(), kept.end(), [](double d) { return d > 0; })) / n;
  s.share_below = static_cast<double>(std::count_if(kept.begin(), kept.end(), [](double d) { return d < 0; })) / n;
  s.low = quantile(kept, 0.05);
  s.median = quantile(kept, 0.5);
  s.high = quantile(kept, 0.95);
  return s;
}

double quantile(std::span<const double> values, double q) {
  std::vector<double> kept;
  for (const double v : values) {
    if (!std::isnan(v)) kept.push_back(v);
  }
  if (kept.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(kept.begin(), kept.end());
  const double at = q * static_cast<double>(kept.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(at));
  const std::size_t above = std::min(below + 1, kept.size() - 1);
  return kept[below] + (at - static_cast<double>(below)) * (kept[above] - kept[below]);
}

std::vector<double> column(std::span<const double> values, std::size_t outcome_count, std::size_t outcome) {
  std::vector<double> out;
  for (std::size_t i = outcome; i < values.size(); i += outcome_count) out.push_back(values[i]);
  return out;
}

}  // namespace scamsim::run
