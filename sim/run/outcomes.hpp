#pragma once
// Outcomes: named reductions of a run's recorded series to one number, the
// quantities calibration fits and sweeps report ("people held in Cambodia,
// mean over 2029"; "revenue across the region per year"; "share of the held
// outside Cambodia at the end").

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/ids.hpp"
#include "sim/model/metrics.hpp"
#include "sim/scenario/spec.hpp"

namespace scamsim::run {

/// How a series is reduced over its window of steps.
enum class Reduction : std::uint8_t {
  mean,          ///< the mean over the window
  end,           ///< the value at the last step of the window
  sum_per_year,  ///< the sum over the window, per year of the window (flows: USD/year, people/year)
  sum,           ///< the sum over the window (flows: the total over it)
  change,        ///< the value at the last step of the window minus the value at its first step
};

/// A recorded series: a per-country metric summed over a set of countries, or a global metric.
struct SeriesRef {
  std::optional<model::CountryMetric> country_metric;
  std::optional<model::GlobalMetric> global_metric;
  std::vector<CountryId> countries;  ///< for a per-country metric; empty means every country
  bool outside = false;              ///< sum over every country *not* in `countries` instead
};

/// One outcome: a series, a reduction and a window of steps [from_step, to_step).
struct OutcomeSpec {
  std::string name;
  SeriesRef series;
  Reduction reduction = Reduction::mean;
  std::int64_t from_step = 0;
  std::int64_t to_step = 0;
  /// Divide by the same reduction over every country: "the share of ... in (or outside) these countries".
  bool share = false;
  std::string description{};  ///< the author's words, optional
  std::string definition{};   ///< what is computed, in words (filled by read_outcome)
};

/// The metric of that name, per-country or global ("workers_held" is both:
/// a per-country metric wins when `per_country` is true).
std::optional<model::CountryMetric> find_country_metric(const std::string& name);
std::optional<model::GlobalMetric> find_global_metric(const std::string& name);

/// The kind (count, usd, real) of the series' metric.
model::MetricKind kind_of(const SeriesRef& series);
/// The name, units and meaning of the series' metric.
const model::MetricInfo& info_of(const SeriesRef& series);

/// The outcome's value on one replicate's record, at the record's scale; `dt_days` converts sums to per-year.
/// A share whose denominator is 0 is NaN.
double evaluate(const OutcomeSpec& outcome, const model::RunRecord& record, double dt_days);

/// Whether the outcome counts people, operations, raids or dollars, which grow with run.scale: such values
/// are divided by the run's scale to report them at scale 1 (calibration targets and sweep outcomes both do).
bool scales_with_world(const OutcomeSpec& outcome);
/// The value at scale 1: divided by `scale` if the outcome scales with the world, else unchanged.
double at_full_scale(const OutcomeSpec& outcome, double value, double scale);

/// The units of the outcome's value: the metric's units, per year for sum_per_year, the total over the
/// window for sums of flows ("people/step" summed is "people"), and "1" for shares.
std::string outcome_units(const OutcomeSpec& outcome);

/// The name of a reduction as written in files ("mean", "end", "sum_per_year", "sum", "change").
const char* reduction_name(Reduction reduction);
/// The reduction of that name, if any.
std::optional<Reduction> find_reduction(const std::string& name);
/// Every reduction's name, quoted and joined, for messages: "\"mean\", \"end\", ...".
std::string reduction_names_quoted();

/// The outcome in words, e.g. "sum over [2025-10-15, 2027-01-01) of rerecruited in cambodia, at scale 1".
std::string define_outcome(const OutcomeSpec& outcome, const scenario::Scenario& scenario);

}  // namespace scamsim::run
