#include <catch2/catch.hpp>

#include <cmath>

#include "sim/run/outcomes.hpp"

using namespace scamsim;
using namespace scamsim::run;
using model::CountryMetric;

namespace {
// Three steps, two countries: held 10, 20, 30 in country 0 and 1, 2, 3 in country 1.
model::RunRecord record() {
  model::RunRecord r(3, 2);
  for (std::int64_t t = 0; t < 3; ++t) {
    r.at(CountryMetric::workers_held, t, 0) = 10.0 * static_cast<double>(t + 1);
    r.at(CountryMetric::workers_held, t, 1) = static_cast<double>(t + 1);
    r.at(CountryMetric::revenue_usd, t, 0) = 100;
    r.at(model::GlobalMetric::workers_held, t) = 11.0 * static_cast<double>(t + 1);
  }
  return r;
}
}  // namespace

TEST_CASE("Outcomes reduce a series by mean, end and yearly sum over their window", "[unit][outcomes]") {
  const auto r = record();
  OutcomeSpec o{"held", {CountryMetric::workers_held, std::nullopt, {id_at<CountryId>(0)}}, Reduction::mean, 0, 3};
  CHECK(evaluate(o, r, 1.0) == Approx(20.0));
  o.reduction = Reduction::end;
  CHECK(evaluate(o, r, 1.0) == 30.0);
  o.from_step = 1;
  o.to_step = 2;
  CHECK(evaluate(o, r, 1.0) == 20.0);
  o.series.countries.clear();  // every country
  CHECK(evaluate(o, r, 1.0) == 22.0);
  const OutcomeSpec revenue{"revenue", {CountryMetric::revenue_usd, std::nullopt, {}}, Reduction::sum_per_year, 0, 3};
  CHECK(evaluate(revenue, r, 1.0) == Approx(100.0 * 365));
  CHECK(evaluate(revenue, r, 7.0) == Approx(100.0 * 365 / 7));
  const OutcomeSpec global{"g", {std::nullopt, model::GlobalMetric::workers_held, {}}, Reduction::mean, 0, 3};
  CHECK(evaluate(global, r, 1.0) == Approx(22.0));
}

TEST_CASE("Metrics and reductions are found by name", "[unit][outcomes]") {
  CHECK(find_country_metric("workers_held") == CountryMetric::workers_held);
  CHECK(find_global_metric("held_concentration_hhi") == model::GlobalMetric::held_concentration_hhi);
  CHECK_FALSE(find_country_metric("nonsense"));
  CHECK(find_reduction("sum_per_year") == Reduction::sum_per_year);
  CHECK_FALSE(find_reduction("median"));
}

TEST_CASE("Outcomes sum and take the change over their window", "[unit][outcomes]") {
  const auto r = record();
  OutcomeSpec o{"held", {CountryMetric::workers_held, std::nullopt, {id_at<CountryId>(0)}}, Reduction::sum, 0, 3};
  CHECK(evaluate(o, r, 1.0) == 60.0);
  o.reduction = Reduction::change;
  CHECK(evaluate(o, r, 1.0) == 20.0);  // 30 at the last step minus 10 at the first
  o.from_step = 1;
  CHECK(evaluate(o, r, 1.0) == 10.0);
  CHECK(outcome_units(o) == "people");
  o.reduction = Reduction::sum;
  CHECK(outcome_units(o) == "people x steps");
  const OutcomeSpec revenue{"r", {CountryMetric::revenue_usd, std::nullopt, {}}, Reduction::sum, 0, 3};
  CHECK(outcome_units(revenue) == "USD");
  CHECK(find_reduction("change") == Reduction::change);
  CHECK_THAT(reduction_names_quoted(), Catch::Contains("\"sum\""));
}

TEST_CASE("Outcomes reach the countries outside a list, and shares of the whole", "[unit][outcomes]") {
  const auto r = record();
  OutcomeSpec o{"outside", {CountryMetric::workers_held, std::nullopt, {id_at<CountryId>(0)}}, Reduction::end, 0, 3};
  o.series.outside = true;
  CHECK(evaluate(o, r, 1.0) == 3.0);  // country 1 only
  o.share = true;
  CHECK(evaluate(o, r, 1.0) == Approx(3.0 / 33.0));
  CHECK(outcome_units(o) == "1");
  CHECK_FALSE(scales_with_world(o));
  CHECK(at_full_scale(o, 0.5, 0.1) == 0.5);  // shares do not grow with the world
  o.series.outside = false;
  CHECK(evaluate(o, r, 1.0) == Approx(30.0 / 33.0));
  o.share = false;
  CHECK(at_full_scale(o, 30, 0.1) == Approx(300));  // people are reported at scale 1
  // A share of nothing is not a number.
  const OutcomeSpec none{"n", {CountryMetric::escapes, std::nullopt, {id_at<CountryId>(0)}}, Reduction::sum, 0, 3,
                         true};
  CHECK(std::isnan(evaluate(none, r, 1.0)));
}
