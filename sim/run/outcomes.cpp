#include "sim/run/outcomes.hpp"

#include <algorithm>
#include <cassert>

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

model::MetricKind kind_of(const SeriesRef& series) {
  if (series.country_metric) return model::country_metrics()[static_cast<std::size_t>(*series.country_metric)].kind;
  return model::global_metrics()[static_cast<std::size_t>(*series.global_metric)].kind;
}

namespace {

double value_at(const SeriesRef& series, const model::RunRecord& record, std::int64_t step) {
  if (series.global_metric) return record.at(*series.global_metric, step);
  double sum = 0;
  if (series.countries.empty()) {
    for (std::int64_t c = 0; c < record.countries; ++c) sum += record.at(*series.country_metric, step, c);
  } else {
    for (const CountryId c : series.countries) {
      sum += record.at(*series.country_metric, step, static_cast<std::int64_t>(index_of(c)));
    }
  }
  return sum;
}

}  // namespace

double evaluate(const OutcomeSpec& outcome, const model::RunRecord& record, double dt_days) {
  const std::int64_t from = std::clamp<std::int64_t>(outcome.from_step, 0, record.steps - 1);
  const std::int64_t to = std::clamp<std::int64_t>(outcome.to_step, from + 1, record.steps);
  switch (outcome.reduction) {
    case Reduction::end:
      return value_at(outcome.series, record, to - 1);
    case Reduction::mean:
    case Reduction::sum_per_year: {
      double sum = 0;
      for (std::int64_t t = from; t < to; ++t) sum += value_at(outcome.series, record, t);
      const auto n = static_cast<double>(to - from);
      return outcome.reduction == Reduction::mean ? sum / n : sum * 365.0 / (n * dt_days);
    }
  }
  return 0;
}

const char* reduction_name(Reduction reduction) {
  switch (reduction) {
    case Reduction::mean:
      return "mean";
    case Reduction::end:
      return "end";
    case Reduction::sum_per_year:
      return "sum_per_year";
  }
  return "?";
}

std::optional<Reduction> find_reduction(const std::string& name) {
  for (const Reduction r : {Reduction::mean, Reduction::end, Reduction::sum_per_year}) {
    if (name == reduction_name(r)) return r;
  }
  return std::nullopt;
}

}  // namespace scamsim::run
