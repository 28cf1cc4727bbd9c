// Paired comparisons (scamsim compare): the statistics on numbers worked by
// hand, identical scenarios differing by exactly nothing, the headline
// outcomes, refusing scenarios that cannot be compared, outcome files, and
// what pairing is for: common random numbers make the differences of a small
// policy change far less variable than runs with independent seeds.

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/core/error.hpp"
#include "sim/run/compare.hpp"
#include "sim/run/outcome_reader.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/support/error_message.hpp"
#include "tests/support/source.hpp"
#include "tests/support/temp_dir.hpp"

using namespace scamsim;
using namespace scamsim::run;
namespace fs = std::filesystem;

namespace {

std::size_t index_of_outcome(const std::vector<OutcomeSpec>& outcomes, const std::string& name) {
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    if (outcomes[i].name == name) return i;
  }
  FAIL("no outcome " << name);
  return 0;
}

double sample_variance(const std::vector<double>& v) {
  double mean = 0;
  for (const double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  double ss = 0;
  for (const double x : v) ss += (x - mean) * (x - mean);
  return ss / static_cast<double>(v.size() - 1);
}

std::vector<double> differences(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> d;
  for (std::size_t i = 0; i < a.size(); ++i) d.push_back(b[i] - a[i]);
  return d;
}

}  // namespace

TEST_CASE("A paired interval matches the hand computation", "[unit][compare]") {
  // d = b - a = {1, 2, 0, 2, 0}: mean 1, sd 1, se 1/sqrt(5); t(0.975, 4) = 2.776445.
  const std::vector<double> a = {1, 2, 3, 4, 5};
  const std::vector<double> b = {2, 4, 3, 6, 5};
  const PairedStatistics s = paired_statistics(a, b, 0.95);
  CHECK(s.pairs == 5);
  CHECK(s.mean_a == Approx(3));
  CHECK(s.mean_b == Approx(4));
  CHECK(s.mean_difference == Approx(1));
  CHECK(s.sd_difference == Approx(1));
  CHECK(s.sd_a == Approx(std::sqrt(2.5)));
  CHECK(s.sd_b == Approx(std::sqrt(2.5)));
  const double half = 2.776445105 / std::sqrt(5.0);
  CHECK(s.ci_low == Approx(1 - half).epsilon(1e-8));
  CHECK(s.ci_high == Approx(1 + half).epsilon(1e-8));
  // Unpaired (Welch): se = sqrt(2.5/5 + 2.5/5) = 1, df = 8, t(0.975, 8) = 2.306004.
  CHECK(s.unpaired_low == Approx(1 - 2.306004135).epsilon(1e-8));
  CHECK(s.unpaired_high == Approx(1 + 2.306004135).epsilon(1e-8));
  // Cross products 4 + 0 + 0 + 2 + 2 = 8 over sqrt(10 x 10).
  CHECK(s.correlation == Approx(0.8));
  CHECK(student_t_quantile(0.975, 4) == Approx(2.776445105).epsilon(1e-9));
  CHECK(student_t_quantile(0.95, 1e6) == Approx(1.644854).epsilon(1e-5));
  // A 90% interval is narrower: t(0.95, 4) = 2.131847.
  const PairedStatistics ninety = paired_statistics(a, b, 0.90);
  CHECK(ninety.ci_high == Approx(1 + 2.131846786 / std::sqrt(5.0)).epsilon(1e-8));
}

TEST_CASE("Paired statistics leave out pairs with a missing side and need two pairs", "[unit][compare]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> a = {1, nan, 3, 5};
  const std::vector<double> b = {3, 7, 5, 7};
  const PairedStatistics s = paired_statistics(a, b, 0.95);
  CHECK(s.pairs == 3);
  // Every used pair differs by exactly 2: the interval is that difference, not a NaN from 0/0.
  CHECK(s.mean_difference == 2);
  CHECK(s.sd_difference == 0);
  CHECK(s.ci_low == 2);
  CHECK(s.ci_high == 2);
  const std::vector<double> one_a = {1, nan};
  const std::vector<double> one_b = {2, 3};
  const PairedStatistics one = paired_statistics(one_a, one_b, 0.95);
  CHECK(one.pairs == 1);
  CHECK(one.mean_difference == 1);
  CHECK(std::isnan(one.ci_low));
  CHECK(std::isnan(one.sd_difference));
  CHECK_THROWS_AS(paired_statistics(a, one_b, 0.95), std::invalid_argument);
  CHECK_THROWS_AS(paired_statistics(a, b, 1.0), std::invalid_argument);
}

TEST_CASE("Headline outcomes cover the region, each host and the country the first event aims at", "[unit][compare]") {
  const scenario::Scenario s = test::tiny_scenario({"run.years=1"});
  const std::vector<OutcomeSpec> outcomes = headline_outcomes(s, s);
  std::vector<std::string> names;
  for (const OutcomeSpec& o : outcomes) names.push_back(o.name);
  // tiny's first event by date is the crackdown in alpha (2025-06-01), before the sanctions.
  const std::vector<std::string> expected = {"held_end",
                                             "held_end_alpha",
                                             "held_end_beta",
                                             "revenue_per_year",
                                             "revenue_per_year_alpha",
                                             "revenue_per_year_beta",
                                             "released_by_operators",
                                             "released_by_raids",
                                             "rerecruited",
                                             "operations_end",
                                             "mean_operation_size_end",
                                             "share_held_outside_alpha_end"};
  CHECK(names == expected);
  for (const OutcomeSpec& o : outcomes) {
    CHECK(o.from_step == 0);
    CHECK(o.to_step == s.run.steps());
    CHECK_FALSE(o.definition.empty());
  }
  CHECK(outcome_units(outcomes[index_of_outcome(outcomes, "revenue_per_year")]) == "USD/year");
  CHECK(outcome_units(outcomes[index_of_outcome(outcomes, "rerecruited")]) == "people");
  // The policy's own event decides: B moves the crackdown to beta, so the share is of the held outside beta.
  const scenario::Scenario moved = test::tiny_scenario({"run.years=1", "events.1.country=beta"});
  CHECK(headline_outcomes(s, moved).back().name == "share_held_outside_beta_end");
  CHECK(headline_outcomes(moved, s).back().name == "share_held_outside_alpha_end");  // and the other way round
  // Without events there is no country to single out.
  const scenario::Scenario quiet = scenario::load_scenario(test::test_scenario_path("quiet.toml"), {});
  const std::vector<OutcomeSpec> plain = headline_outcomes(quiet, quiet);
  for (const OutcomeSpec& o : plain) CHECK_FALSE(o.name.starts_with("share_held_outside"));
}

TEST_CASE("Identical scenarios differ by exactly 0 in every pair", "[unit][compare]") {
  const scenario::Scenario a = test::tiny_scenario({"run.years=1", "run.replicates=3"});
  const scenario::Scenario b = test::tiny_scenario({"run.years=1", "run.replicates=3"});
  const std::vector<OutcomeSpec> outcomes = headline_outcomes(a, b);
  const PairedRuns runs = run_pairs(a, b, outcomes, {});
  REQUIRE(runs.a.size() == 3 * outcomes.size());
  REQUIRE(runs.b.size() == runs.a.size());
  for (std::size_t o = 0; o < outcomes.size(); ++o) {
    const std::vector<double> x = column(runs.a, outcomes.size(), o);
    const std::vector<double> y = column(runs.b, outcomes.size(), o);
    for (std::size_t p = 0; p < x.size(); ++p) CHECK(y[p] - x[p] == 0);
    const PairedStatistics s = paired_statistics(x, y, 0.95);
    CHECK(s.mean_difference == 0);
    CHECK(s.ci_low == 0);
    CHECK(s.ci_high == 0);
  }
  // The replicates themselves differ: the zeros are pairing, not a model without chance.
  const std::vector<double> held = column(runs.a, outcomes.size(), index_of_outcome(outcomes, "rerecruited"));
  CHECK((held[0] != held[1] || held[1] != held[2]));
}

TEST_CASE("Paired runs do not depend on the number of threads", "[unit][compare]") {
  const scenario::Scenario a = test::tiny_scenario({"run.years=1", "run.replicates=2"});
  const scenario::Scenario b = test::tiny_scenario(
      {"run.years=1", "run.replicates=2", "countries.alpha.host.aftercare_budget_usd_per_year=3000000"});
  const std::vector<OutcomeSpec> outcomes = headline_outcomes(a, b);
  RunOptions one;
  one.threads = 1;
  RunOptions two;
  two.threads = 2;
  const PairedRuns x = run_pairs(a, b, outcomes, one);
  const PairedRuns y = run_pairs(a, b, outcomes, two);
  REQUIRE(x.a.size() == y.a.size());
  CHECK(std::memcmp(x.a.data(), y.a.data(), x.a.size() * sizeof(double)) == 0);
  CHECK(std::memcmp(x.b.data(), y.b.data(), x.b.size() * sizeof(double)) == 0);
  CHECK_THROWS_AS(run_pairs(a, test::tiny_scenario({"run.years=1", "run.replicates=3"}), outcomes, one),
                  std::invalid_argument);
}

TEST_CASE("Pairing reduces the variance of a small policy change's differences", "[unit][compare]") {
  // A small aftercare change in alpha (1.0 -> 1.2 M USD a year) on tiny: the policy moves the outcomes a
  // little; chance between replicates moves them a lot. Paired, chance cancels; with B on other seeds it
  // does not.
  constexpr int pairs = 12;
  const std::vector<std::string> common = {"run.replicates=" + std::to_string(pairs), "run.seed=42"};
  const scenario::Scenario a = test::tiny_scenario(common);
  std::vector<std::string> policy = common;
  policy.push_back("countries.alpha.host.aftercare_budget_usd_per_year=1200000");
  const scenario::Scenario b = test::tiny_scenario(policy);
  policy.push_back("run.seed=4242");  // the same policy, unpaired: other random streams
  const scenario::Scenario b_unpaired = test::tiny_scenario(policy);
  const std::vector<OutcomeSpec> outcomes = headline_outcomes(a, b);
  const std::array<const scenario::Scenario*, 3> all = {&a, &b, &b_unpaired};
  const std::vector<std::vector<double>> values = run_outcomes(all, outcomes, {});

  for (const std::string name : {"held_end", "held_end_alpha", "rerecruited", "revenue_per_year"}) {
    const std::size_t o = index_of_outcome(outcomes, name);
    const std::vector<double> va = column(values[0], outcomes.size(), o);
    const double paired = sample_variance(differences(va, column(values[1], outcomes.size(), o)));
    const double unpaired = sample_variance(differences(va, column(values[2], outcomes.size(), o)));
    INFO(fmt::format("{}: variance of differences paired {:.6g}, unpaired {:.6g}, ratio {:.4f}", name, paired, unpaired,
                     paired / unpaired));
    CHECK(paired < unpaired);
    CHECK(paired < 0.5 * unpaired);
  }
}

TEST_CASE("Scenarios over other days or countries cannot be compared, and the error names both files",
          "[unit][compare]") {
  const scenario::Scenario a = test::tiny_scenario({});
  const scenario::Scenario shorter = test::tiny_scenario({"run.years=1"});
  const std::string message =
      test::error_message<SetupError>([&] { check_comparable(a, "a.toml", shorter, "b.toml"); });
  CHECK_THAT(message, Catch::Contains("a.toml") && Catch::Contains("b.toml") && Catch::Contains("730 steps") &&
                          Catch::Contains("365 steps"));
  const scenario::Scenario weekly = test::tiny_scenario({"run.dt_days=7"});
  CHECK_THROWS_AS(check_comparable(a, "a.toml", weekly, "b.toml"), SetupError);
  const scenario::Scenario later = test::tiny_scenario({"run.start_date=2025-02-01"});
  CHECK_THROWS_AS(check_comparable(a, "a.toml", later, "b.toml"), SetupError);
  // The shipped baseline over tiny's two years: same days, other countries.
  const scenario::Scenario region =
      scenario::load_scenario(test::source_path("scenarios/baseline.toml"),
                              std::vector<std::string>{"run.start_date=2025-01-01", "run.years=2"});
  CHECK_THAT(test::error_message<SetupError>([&] { check_comparable(a, "a.toml", region, "b.toml"); }),
             Catch::Contains("same countries") && Catch::Contains("alpha, beta, gamma"));
  // A policy that changes a parameter, not the days or the countries, is accepted, and the comparison has
  // the outcomes of A against itself: the two share their events, so no event adds a share outside.
  const scenario::Scenario policy = test::tiny_scenario({"pressure.half_life_days=90"});
  REQUIRE(policy.params.pressure.half_life_days != a.params.pressure.half_life_days);
  CHECK_NOTHROW(check_comparable(a, "a.toml", policy, "b.toml"));
  const std::vector<OutcomeSpec> accepted = headline_outcomes(a, policy);
  REQUIRE(!accepted.empty());
  const std::vector<OutcomeSpec> same = headline_outcomes(a, a);
  REQUIRE(accepted.size() == same.size());
  for (std::size_t i = 0; i < accepted.size(); ++i) CHECK(accepted[i].name == same[i].name);
}

TEST_CASE("Outcome files are read like a sweep's outcomes, their errors located", "[unit][compare]") {
  const test::TempDir dir;
  const scenario::Scenario s = test::tiny_scenario({});
  const fs::path good = dir.write("outcomes.toml", R"([[outcome]]
name = "rerecruited_alpha"
metric = "rerecruited"
countries = ["alpha"]
reduction = "sum"
from = 2025-06-01

[[outcome]]
name = "held_mean"
metric = "workers_held"
)");
  const std::vector<OutcomeSpec> outcomes = load_outcomes(good, s);
  REQUIRE(outcomes.size() == 2);
  CHECK(outcomes[0].name == "rerecruited_alpha");
  CHECK(outcomes[0].reduction == Reduction::sum);
  CHECK(outcomes[0].from_step == 151);
  CHECK(outcomes[1].series.global_metric == model::GlobalMetric::workers_held);
  const fs::path bad = dir.write("bad.toml", R"([[outcome]]
name = "x"
metric = "rerecruited"
reductoin = "sum"

[[outcome]]
name = "x"
metric = "nonsense"
)");
  const std::string message = test::error_message<SetupError>([&] { (void)load_outcomes(bad, s); });
  CHECK_THAT(message, Catch::Contains("bad.toml:4") && Catch::Contains("did you mean 'reduction'"));
  CHECK_THAT(message, Catch::Contains("named twice") && Catch::Contains("no metric named 'nonsense'"));
  const fs::path empty = dir.write("empty.toml", "title = 1\n");
  CHECK_THROWS_AS(load_outcomes(empty, s), SetupError);
}

TEST_CASE("B - A over plausible worlds: each world's mean over its pairs, shares by sign, quantiles", "[compare]") {
  // Three worlds of two pairs, one outcome: B - A is (1, 3) -> 2, (-1, -1) -> -1, (NaN, 4) -> 4 (the NaN pair left
  // out), so worlds are 2, -1 and 4.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> a = {0, 0, 5, 5, nan, 1};
  const std::vector<double> b = {1, 3, 4, 4, 2, 5};
  const std::vector<double> worlds = scamsim::run::world_differences(a, b, 1, 0, 2);
  REQUIRE(worlds.size() == 3);
  CHECK(worlds[0] == 2);
  CHECK(worlds[1] == -1);
  CHECK(worlds[2] == 4);
  const scamsim::run::WorldStatistics s = scamsim::run::world_statistics(worlds);
  CHECK(s.worlds == 3);
  CHECK(s.share_above == Approx(2.0 / 3));
  CHECK(s.share_below == Approx(1.0 / 3));
  CHECK(s.median == 2);
  // Linear between order statistics (-1, 2, 4): the 5% point is -1 + 0.1 x 3, the 95% point 2 + 0.9 x 2.
  CHECK(s.low == Approx(-0.7));
  CHECK(s.high == Approx(3.8));
  // Two outcomes interleaved: the second's worlds are its own.
  const std::vector<double> a2 = {0, 10, 0, 10};
  const std::vector<double> b2 = {1, 7, 1, 7};
  CHECK(scamsim::run::world_differences(a2, b2, 2, 1, 1) == std::vector<double>{-3, -3});
  // No finite world: NaN statistics, none counted.
  const scamsim::run::WorldStatistics none = scamsim::run::world_statistics(std::vector<double>{nan});
  CHECK(none.worlds == 0);
  CHECK(std::isnan(none.median));
}
