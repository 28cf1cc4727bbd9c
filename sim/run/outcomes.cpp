#include "sim/run/outcomes.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <limits>
#include <string_view>

#include <fmt/format.h>

namespace scamsim::run {

std::optional<model::CountryMetric> find_country_metric(const std::string& name) {
  const auto metrics = model::country_metrics();
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    if (metrics[i].name == name) return static_cast<model::CountryMetric>(i);
  }
  return std::nullopt;
}

std::optional<model::GlobalMetric> find_global_metric(const std::string& name) {
  const auto metrics = model::global_metrics();
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    if (metrics[i].name == name) return static_cast<model::GlobalMetric>(i);
  }
  return std::nullopt;
}

const model::MetricInfo& info_of(const SeriesRef& series) {
  if (series.country_metric) return model::country_metrics()[static_cast<std::size_t>(*series.country_metric)];
  return model::global_metrics()[static_cast<std::size_t>(*series.global_metric)];
}

model::MetricKind kind_of(const SeriesRef& series) { return info_of(series).kind; }

namespace {

bool listed(const SeriesRef& series, std::int64_t country) {
  return std::any_of(series.countries.begin(), series.countries.end(),
                     [&](CountryId c) { return static_cast<std::int64_t>(index_of(c)) == country; });
}

// Countries are summed in a fixed order (as listed, or by index), so the
// floating-point sum repeats whatever else changes.
double value_at(const SeriesRef& series, const model::RunRecord& record, std::int64_t step) {
  if (series.global_metric) return record.at(*series.global_metric, step);
  double sum = 0;
  if (series.countries.empty() || series.outside) {
    for (std::int64_t c = 0; c < record.countries; ++c) {
      if (!series.outside || !listed(series, c)) sum += record.at(*series.country_metric, step, c);
    }
  } else {
    for (const CountryId c : series.countries) {
      sum += record.at(*series.country_metric, step, static_cast<std::int64_t>(index_of(c)));
    }
  }
  return sum;
}

double reduce(const OutcomeSpec& outcome, const SeriesRef& series, const model::RunRecord& record, double dt_days) {
  const std::int64_t from = std::clamp<std::int64_t>(outcome.from_step, 0, record.steps - 1);
  const std::int64_t to = std::clamp<std::int64_t>(outcome.to_step, from + 1, record.steps);
  switch (outcome.reduction) {
    case Reduction::end:
      return value_at(series, record, to - 1);
    case Reduction::change:
      return value_at(series, record, to - 1) - value_at(series, record, from);
    case Reduction::mean:
    case Reduction::sum:
    case Reduction::sum_per_year: {
      double sum = 0;
      for (std::int64_t t = from; t < to; ++t) sum += value_at(series, record, t);
      const auto n = static_cast<double>(to - from);
      if (outcome.reduction == Reduction::sum) return sum;
      return outcome.reduction == Reduction::mean ? sum / n : sum * 365.0 / (n * dt_days);
    }
  }
  return 0;
}

}  // namespace

double evaluate(const OutcomeSpec& outcome, const model::RunRecord& record, double dt_days) {
  const double value = reduce(outcome, outcome.series, record, dt_days);
  if (!outcome.share) return value;
  SeriesRef everywhere = outcome.series;
  everywhere.countries.clear();
  everywhere.outside = false;
  const double all = reduce(outcome, everywhere, record, dt_days);
  return all == 0 ? std::numeric_limits<double>::quiet_NaN() : value / all;
}

bool scales_with_world(const OutcomeSpec& outcome) {
  return !outcome.share && kind_of(outcome.series) != model::MetricKind::real;
}

double at_full_scale(const OutcomeSpec& outcome, double value, double scale) {
  return scales_with_world(outcome) ? value / scale : value;
}

std::string outcome_units(const OutcomeSpec& outcome) {
  if (outcome.share) return "1";
  const std::string units(info_of(outcome.series).units);
  const bool flow = units.ends_with("/step");
  const std::string stem = flow ? units.substr(0, units.size() - 5) : units;
  switch (outcome.reduction) {
    case Reduction::mean:
    case Reduction::end:
    case Reduction::change:
      return units;
    case Reduction::sum:
      // A flow summed over steps is its total; a stock summed is stock-steps (person-days with daily steps).
      if (flow) return stem;
      return units == "1" ? "steps" : units + " x steps";
    case Reduction::sum_per_year:
      if (flow) return stem + "/year";
      return units == "1" ? "steps/year" : units + " x steps/year";
  }
  return units;
}

namespace {
constexpr std::array all_reductions = {Reduction::mean, Reduction::end, Reduction::sum_per_year, Reduction::sum,
                                       Reduction::change};
}  // namespace

const char* reduction_name(Reduction reduction) {
  switch (reduction) {
    case Reduction::mean:
      return "mean";
    case Reduction::end:
      return "end";
    case Reduction::sum_per_year:
      return "sum_per_year";
    case Reduction::sum:
      return "sum";
    case Reduction::change:
      return "change";
  }
  return "?";
}

std::optional<Reduction> find_reduction(const std::string& name) {
  for (const Reduction r : all_reductions) {
    if (name == reduction_name(r)) return r;
  }
  return std::nullopt;
}

std::string reduction_names_quoted() {
  std::string out;
  for (const Reduction r : all_reductions) {
    if (!out.empty()) out += ", ";
    out += '"';
    out += reduction_name(r);
    out += '"';
  }
  return out;
}

std::string define_outcome(const OutcomeSpec& o, const scenario::Scenario& s) {
  const auto date_of = [&](std::int64_t step) {
    return s.run.start_date.plus_days(static_cast<int>(step * s.run.dt_days)).to_string();
  };
  const std::string window = fmt::format("[{}, {})", date_of(o.from_step), date_of(o.to_step));
  std::string what;
  switch (o.reduction) {
    case Reduction::mean:
      what = "mean over the steps of " + window;
      break;
    case Reduction::end:
      what = "value at the last step of " + window;
      break;
    case Reduction::sum:
      what = "sum over the steps of " + window;
      break;
    case Reduction::sum_per_year:
      what = "sum per year over " + window;
      break;
    case Reduction::change:
      what = "change from the first to the last step of " + window;
      break;
  }
  const model::MetricInfo& info = info_of(o.series);
  std::string where;
  if (o.series.global_metric) {
    where = "the whole region";
  } else {
    std::string names;
    for (const CountryId c : o.series.countries) names += (names.empty() ? "" : ", ") + s.country(c).id;
    where = o.series.countries.empty() ? "every country" : o.series.outside ? "every country except " + names : names;
  }
  std::string out = fmt::format("{} of {} ({}) summed over {}", what, info.name, info.units, where);
  if (o.series.global_metric) out = fmt::format("{} of {} ({}) for {}", what, info.name, info.units, where);
  if (o.share) out += ", divided by the same over every country";
  if (scales_with_world(o)) out += "; at scale 1 (divided by run.scale)";
  return out;
}

}  // namespace scamsim::run
