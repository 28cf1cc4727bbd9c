// Validation: the patterns of shared/MODEL.md section 7, asserted by running
// the shipped scenarios. Each test runs several replicates. A direction (a
// rise, a fall, more than) is asserted with a one-sided 99% Student-t bound
// across replicates, so that it holds "in the model", not in one lucky draw;
// a tolerance around a figure applies, as in the calibration, to the mean
// over replicates. Where two scenarios
// are compared, replicate r of both shares its random numbers (same seed)
// and the bound is on the paired differences. The tolerances and why they
// are what they are: docs/MODEL.md section 7.8.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include "sim/core/date.hpp"
#include "sim/run/runner.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/validation/runs.hpp"

using namespace scamsim;
using namespace scamsim::validation;
using model::CountryMetric;

TEST_CASE("Baseline: the calibrated stocks and revenue, and steady for five years", "[validation][baseline]") {
  // 1:1, as the calibration is fitted.
  const Runs b = run_scenario("scenarios/baseline.toml", {"run.scale=1", "run.replicates=3"});
  const double scale = b.scenario.run.scale;
  const auto kh = b.country("cambodia");
  const auto mm = b.country("myanmar");
  const std::int64_t y5 = b.step_of("2029-01-01");
  const std::int64_t end = b.scenario.run.steps();
  const auto held_kh = bounds(
      per_replicate(b.replicates(), [&](auto r) { return b.mean(r, CountryMetric::workers_held, y5, end, {kh}); }));
  const auto held_mm = bounds(
      per_replicate(b.replicates(), [&](auto r) { return b.mean(r, CountryMetric::workers_held, y5, end, {mm}); }));
  const auto revenue_kh = bounds(per_replicate(b.replicates(), [&](auto r) {
    return b.total(r, CountryMetric::revenue_usd, 0, end, {kh}) * 365.0 / static_cast<double>(end);
  }));
  const auto revenue_all = bounds(per_replicate(b.replicates(), [&](auto r) {
    return b.total(r, CountryMetric::revenue_usd, 0, end) * 365.0 / static_cast<double>(end);
  }));
  // The targets of the calibration, with its tolerances (15%).
  CHECK(held_kh.mean / scale == Approx(100'000).epsilon(0.15));
  CHECK(held_mm.mean / scale == Approx(120'000).epsilon(0.15));
  CHECK(revenue_kh.mean / scale == Approx(12.5e9).epsilon(0.15));
  CHECK(revenue_all.mean / scale == Approx(44e9).epsilon(0.15));
  // Steady: the region's people held, year by year, stay within 15% of the start.
  const double start = b.value(0, CountryMetric::workers_held, 0);
  for (std::int64_t year = 0; year < 5; ++year) {
    const auto held = bounds(per_replicate(b.replicates(), [&](auto r) {
      return b.mean(r, CountryMetric::workers_held, year * 365, std::min(end, (year + 1) * 365));
    }));
    INFO("year " << year + 1 << ": " << held.mean << " held against " << start << " at the start");
    CHECK(held.mean == Approx(start).epsilon(0.15));
  }
}

TEST_CASE("Crackdown: mass releases within weeks, decentralisation, geographic shift, displacement",
          "[validation][crackdown]") {
  const auto years = "run.years=2";
  // Twenty replicates, not five: under model v2 a raid frees a whole compound of about a thousand people, so the
  // baseline's own releases in the six weeks range from 0 to 8,000 across replicates, and five cannot bound the
  // crackdown's excess over them (docs/MODEL.md section 7.8, fourteenth trials: a 99% lower bound of -7,900 with
  // 5, +2,500 with 20, for a mean of 7,000 and 8,100).
  const auto replicates = "run.replicates=20";
  // Static: Catch runs the case once per SECTION, and the runs are the same each time (a 1:1 run is not cheap).
  static const Runs c = run_scenario("scenarios/cambodia_crackdown_2025.toml", with(one_to_one, {years, replicates}));
  static const Runs b = run_scenario("scenarios/baseline.toml", with(one_to_one, {years, replicates}));
  const auto kh = c.country("cambodia");
  const std::int64_t arrest = c.step_of("2026-01-07");
  const std::int64_t sanctions = c.step_of("2025-10-14");
  const std::int64_t six_weeks = 42;

  SECTION("mass releases in Cambodia within six weeks of the arrest") {
    const auto released = bounds(per_replicate(c.replicates(), [&](auto r) {
      const double out = c.total(r, CountryMetric::releases_by_operator, arrest, arrest + six_weeks, {kh}) +
                         c.total(r, CountryMetric::released_by_raids, arrest, arrest + six_weeks, {kh});
      return out / c.value(r, CountryMetric::workers_held, arrest - 1, {kh});
    }));
    INFO("share of Cambodia's held workforce released in six weeks: " << released.mean);
    CHECK(released.low > 0.10);
    // ... against a handful in the same six weeks with no crackdown (same random numbers).
    const auto excess = bounds(per_replicate(c.replicates(), [&](auto r) {
      auto released_in = [&](const Runs& x) {
        return x.total(r, CountryMetric::releases_by_operator, arrest, arrest + six_weeks, {kh}) +
               x.total(r, CountryMetric::released_by_raids, arrest, arrest + six_weeks, {kh});
      };
      return released_in(c) - 5 * released_in(b);
    }));
    CHECK(excess.low > 0);
  }
  SECTION("the mean operation size in Cambodia falls") {
    const auto ratio = bounds(per_replicate(c.replicates(), [&](auto r) {
      const double before = c.mean(r, CountryMetric::mean_operation_size, sanctions - 30, sanctions, {kh});
      const double after = c.mean(r, CountryMetric::mean_operation_size, arrest + 60, arrest + 150, {kh});
      return after / before;
    }));
    INFO("mean size after / before: " << ratio.mean);
    CHECK(ratio.high < 0.75);
  }
  SECTION("the share of held workers outside Cambodia rises within a year of the sanctions") {
    const auto rise = bounds(per_replicate(c.replicates(), [&](auto r) {
      auto outside = [&](std::int64_t t) {
        return 1 - c.value(r, CountryMetric::workers_held, t, {kh}) / c.value(r, CountryMetric::workers_held, t);
      };
      return outside(sanctions + 365) - outside(sanctions - 1);
    }));
    INFO("share outside Cambodia rises by " << rise.mean);
    CHECK(rise.low > 0.02);
  }
  SECTION("regional revenue falls proportionally less than Cambodia's (against the baseline, 2026)") {
    const std::int64_t from = c.step_of("2026-01-01");
    const std::int64_t to = c.step_of("2027-01-01");
    const auto gap = bounds(per_replicate(c.replicates(), [&](auto r) {
      const double kh_ratio = c.total(r, CountryMetric::revenue_usd, from, to, {kh}) /
                              b.total(r, CountryMetric::revenue_usd, from, to, {kh});
      const double all_ratio =
          c.total(r, CountryMetric::revenue_usd, from, to) / b.total(r, CountryMetric::revenue_usd, from, to);
      return all_ratio - kh_ratio;
    }));
    INFO("region's revenue ratio minus Cambodia's: " << gap.mean);
    CHECK(gap.low > 0.05);
  }
}

// Issue 13: with model v0.3 the region ended at 83% of the baseline at 1:1 (99% lower bound 81%); it had
// passed at run.scale 0.1 only. Model v2's mechanisms (docs/MODEL.md section 7.10) bring it back. "Within" is
// both ways: model v2's trials overshot (the region at 1.21 times the baseline with crowding at 0.3,
// docs/MODEL.md section 7.8), which the lower bound alone let pass.
TEST_CASE("Pressure that decays lets the region's industry return to within 15% of the baseline",
          "[validation][pressure]") {
  const Runs& decays = shared_runs("scenarios/pressure_decays.toml");
  const Runs& base = shared_runs("scenarios/baseline.toml");
  const std::int64_t end = decays.scenario.run.steps();
  // The region's held workforce in the last quarter is back within 15% (the
  // calibration's tolerance) of the baseline's at the same time. A tolerance,
  // like the calibration's, applies to the mean over replicates.
  const auto back = bounds(per_replicate(decays.replicates(), [&](auto r) {
    return decays.mean(r, CountryMetric::workers_held, end - 90, end) /
           base.mean(r, CountryMetric::workers_held, end - 90, end);
  }));
  INFO("decaying pressure: region at the end / baseline = " << back.mean << " (99% lower bound " << back.low << ")");
  CHECK(back.mean > 0.85);
  CHECK(back.mean < 1.15);
}

TEST_CASE("Pressure that decays lets the industry rebound, and pressure that is sustained keeps it down",
          "[validation][pressure]") {
  const Runs& decays = shared_runs("scenarios/pressure_decays.toml");
  const Runs& sustained = shared_runs("scenarios/pressure_sustained.toml");
  const auto kh = decays.country("cambodia");
  const std::int64_t end = decays.scenario.run.steps();
  const std::int64_t let_go = decays.step_of("2026-07-01");
  // Decays: directions (rises, falls) are asserted on the 99% bound. It rebounds: it ends above its lowest point after
  // pressure was let go.
  const auto rebound = bounds(per_replicate(decays.replicates(), [&](auto r) {
    double lowest = INFINITY;
    for (std::int64_t t = let_go; t < end; ++t)
      lowest = std::min(lowest, decays.value(r, CountryMetric::workers_held, t));
    return decays.value(r, CountryMetric::workers_held, end - 1) / lowest - 1;
  }));
  INFO("decaying pressure: rebound from the lowest point " << rebound.mean);
  CHECK(rebound.low > 0.03);
  // Sustained: Cambodia keeps falling after mid-2027 (no rebound) and ends far
  // below the decaying case (paired replicates).
  const std::int64_t mid = decays.step_of("2027-07-01");
  const auto still_falling = bounds(per_replicate(sustained.replicates(), [&](auto r) {
    return sustained.value(r, CountryMetric::workers_held, end - 1, {kh}) /
           sustained.value(r, CountryMetric::workers_held, mid, {kh});
  }));
  INFO("sustained pressure: Cambodia at the end / mid-2027 = " << still_falling.mean);
  CHECK(still_falling.high < 1.0);
  const auto lower = bounds(per_replicate(sustained.replicates(), [&](auto r) {
    return sustained.value(r, CountryMetric::workers_held, end - 1, {kh}) /
           decays.value(r, CountryMetric::workers_held, end - 1, {kh});
  }));
  INFO("Cambodia at the end, sustained / decaying = " << lower.mean);
  CHECK(lower.high < 0.75);
}

TEST_CASE("More aftercare funding lowers re-recruitment, with diminishing returns", "[validation][aftercare]") {
  // Budgets a factor of three apart; replicate r of every budget shares its random numbers. Twenty replicates,
  // not five: once the industry's own decisions answer what aftercare changes (model v2's dispersal, entry and
  // exit), the runs of a pair part within two months of the budget, and five cannot see 10 M USD a year
  // (docs/MODEL.md section 7.8, tenth trials: for the first step, a 99% lower bound of -2,666 with 5, 1,006 with
  // 20).
  const std::vector<double> budgets = {0, 10e6, 30e6, 90e6};
  std::vector<Runs> runs;
  for (const double budget : budgets) {
    runs.push_back(run_scenario(
        "scenarios/aftercare_funding.toml",
        with(one_to_one, {"run.years=3", "run.replicates=20",
                          "events.aftercare.budget_usd_per_year=" + std::to_string(static_cast<long long>(budget))})));
  }
  const std::int64_t end = runs[0].scenario.run.steps();
  auto rerecruited = [&](std::size_t k, std::size_t r) { return runs[k].total(r, CountryMetric::rerecruited, 0, end); };
  std::vector<double> averted_per_million;
  for (std::size_t k = 1; k < budgets.size(); ++k) {
    const auto fall =
        bounds(per_replicate(runs[k].replicates(), [&](auto r) { return rerecruited(k - 1, r) - rerecruited(k, r); }));
    INFO("budget " << budgets[k - 1] << " -> " << budgets[k] << ": re-recruitments fall by " << fall.mean);
    CHECK(fall.low > 0);  // monotone
    averted_per_million.push_back(fall.mean / ((budgets[k] - budgets[k - 1]) / 1e6));
  }
  // Diminishing returns: each extra million averts fewer re-recruitments than the one before.
  for (std::size_t k = 1; k < averted_per_million.size(); ++k) {
    INFO("averted per million USD: " << averted_per_million[k - 1] << " then " << averted_per_million[k]);
    CHECK(averted_per_million[k] < averted_per_million[k - 1]);
  }
}

// Displacement is what the campaign pushes out of Cambodia: its operations moving out, and the people held
// elsewhere growing. Until the eleventh trials the test measured the rise of the share of the region's people
// held outside Cambodia, which cooperation's raids outside Cambodia also move: a share of a smaller region moved
// almost as much while cooperation kept some 30,000 people out of the industry (docs/MODEL.md section 7.8).
TEST_CASE("Coordinated enforcement displaces less than a unilateral crackdown of equal effort",
          "[validation][cooperation]") {
  // Twenty replicates, not five: the paired runs part within months of the campaign, and with five the 99% lower
  // bound of the displacement below was 0.4% of the region for a mean of 2.7% (model v2's trial stack, docs/
  // MODEL.md section 7.8, fourteenth trials); with twenty, 2.8% for a mean of 3.6%.
  const std::vector<std::string> three_years = with(one_to_one, {"run.years=3", "run.replicates=20"});
  const Runs coop = run_scenario("scenarios/regional_cooperation.toml", three_years);
  const Runs solo = run_scenario("scenarios/unilateral_crackdown.toml", three_years);
  const auto kh = coop.country("cambodia");
  const std::int64_t start = coop.step_of("2026-01-08");
  const std::int64_t year = start + 365;
  auto held_outside = [&](const Runs& x, std::size_t r, std::int64_t t) {
    return x.value(r, CountryMetric::workers_held, t) - x.value(r, CountryMetric::workers_held, t, {kh});
  };
  // The people held outside Cambodia grow more under the unilateral campaign, by at least 2% of the region's
  // people at the start (the 2 points the share test asked).
  const auto more_outside = bounds(per_replicate(coop.replicates(), [&](auto r) {
    const double solo_growth = held_outside(solo, r, year) - held_outside(solo, r, start - 1);
    const double coop_growth = held_outside(coop, r, year) - held_outside(coop, r, start - 1);
    return (solo_growth - coop_growth) / coop.value(r, CountryMetric::workers_held, start - 1);
  }));
  // And more of Cambodia's operations move out.
  const auto more_moves = bounds(per_replicate(coop.replicates(), [&](auto r) {
    return solo.total(r, CountryMetric::relocations_out, start, year, {kh}) -
           coop.total(r, CountryMetric::relocations_out, start, year, {kh});
  }));
  // The effort is equal at full will (the scenario headers); what was raided is printed beside it.
  const auto raids = bounds(per_replicate(coop.replicates(), [&](auto r) {
    return solo.total(r, CountryMetric::raids, start, year) - coop.total(r, CountryMetric::raids, start, year);
  }));
  INFO("growth of the people held outside Cambodia, unilateral minus cooperation, in shares of the region: "
       << more_outside.mean);
  INFO("moves out of Cambodia, unilateral minus cooperation: " << more_moves.mean);
  INFO("raids in the region, unilateral minus cooperation: " << raids.mean);
  CHECK(more_outside.low > 0.02);
  CHECK(more_moves.low > 0);
}
