#pragma once
// Outcomes: named reductions of a run's recorded series to one number, the
// quantities calibration fits and sweeps report ("people held in Cambodia,
// mean over 2029"; "revenue across the region per year").

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/ids.hpp"
#include "sim/model/metrics.hpp"

namespace scamsim::run {

/// How a series is reduced over its window of steps.
enum class Reduction : std::uint8_t {
  mean,          ///< the mean over the window
  end,           ///< the value at the last step of the window
  sum_per_year,  ///< the sum over the window, per year of the window (flows: USD/year, people/year)
};

/// A recorded series: a per-country metric summed over a set of countries, or a global metric.
struct SeriesRef {
  std::optional<model::CountryMetric> country_metric;
  std::optional<model::GlobalMetric> global_metric;
  std::vector<CountryId> countries;  ///< for a per-country metric; empty means every country
};

/// One outcome: a series, a reduction and a window of steps [from_step, to_step).
struct OutcomeSpec {
  std::string name;
  SeriesRef series;
  Reduction reduction = Reduction::mean;
  std::int64_t from_step = 0;
  std::int64_t to_step = 0;
};

/// The metric of that name, per-country or global ("workers_held" is both:
/// a per-country metric wins when `per_country` is true).
std::optional<model::CountryMetric> find_country_metric(const std::string& name);
std::optional<model::GlobalMetric> find_global_metric(const std::string& name);

/// The kind (count, usd, real) of the series' metric.
model::MetricKind kind_of(const SeriesRef& series);

/// The outcome's value on one replicate's record; `dt_days` converts sums to per-year.
double evaluate(const OutcomeSpec& outcome, const model::RunRecord& record, double dt_days);

/// The name of a reduction as written in files ("mean", "end", "sum_per_year").
const char* reduction_name(Reduction reduction);
/// The reduction of that name, if any.
std::optional<Reduction> find_reduction(const std::string& name);

}  // namespace scamsim::run
