// run.scale: how far a smaller world's shares and ratios are from 1:1
// (issue 13). Findings come from 1:1 runs; run.scale below 1 stays for quick
// looks, and this test measures what such a look gets wrong. The measured
// differences and the tolerances asserted here are in docs/MODEL.md section 8;
// a model change that moves them past the tolerances fails here, and then
// the paragraph there (and these tolerances, re-measured) must be updated.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/core/date.hpp"
#include "sim/run/runner.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/validation/runs.hpp"

using namespace scamsim;
using model::CountryMetric;
using model::GlobalMetric;

namespace {

// Mean share of the region's held people in each country at `step`, over replicates.
std::vector<double> held_shares(const std::vector<model::RunRecord>& records, std::int64_t step) {
  std::vector<double> share(static_cast<std::size_t>(records.front().countries), 0.0);
  for (const auto& r : records) {
    const double region = r.at(GlobalMetric::workers_held, step);
    for (std::int64_t c = 0; c < r.countries; ++c) {
      share[static_cast<std::size_t>(c)] += r.at(CountryMetric::workers_held, step, c) / region;
    }
  }
  for (double& s : share) s /= static_cast<double>(records.size());
  return share;
}

template <class F>
double mean_over(const std::vector<model::RunRecord>& records, F f) {
  double sum = 0;
  for (const auto& r : records) sum += f(r);
  return sum / static_cast<double>(records.size());
}

}  // namespace

TEST_CASE("A world at run.scale 0.2 keeps 1:1's shares and relative changes, not its operation counts",
          "[validation][scale]") {
  // The crackdown: the scenario the README's figures come from. Replicate r of both scales has the same seed.
  const auto path = validation::validation_root() / "scenarios/cambodia_crackdown_2025.toml";
  const std::vector<std::string> at_small = {"run.scale=0.2", "run.replicates=3"};
  const std::vector<std::string> at_whole = {"run.scale=1", "run.replicates=3"};
  const scenario::Scenario small = scenario::load_scenario(path, at_small);
  const scenario::Scenario whole = scenario::load_scenario(path, at_whole);
  const auto a = run::run_replicates(small, run::RunOptions{}).replicates;
  const auto b = run::run_replicates(whole, run::RunOptions{}).replicates;
  const std::int64_t end = whole.run.steps() - 1;
  const auto step_of = [&](const char* date) {
    return Date::parse(date).value().days_after(whole.run.start_date) / whole.run.dt_days;
  };

  // Shares of held people by country, one and two years in (under the crackdown) and at the end.
  double worst_points = 0;
  std::string table = "share of the region's held people, % (0.2 vs 1:1)\n";
  for (const std::int64_t step : {step_of("2026-01-01"), step_of("2027-01-01"), end}) {
    const auto sa = held_shares(a, step);
    const auto sb = held_shares(b, step);
    for (std::size_t c = 0; c < sa.size(); ++c) {
      if (sb[c] < 0.001 && sa[c] < 0.001) continue;
      worst_points = std::max(worst_points, std::abs(sa[c] - sb[c]) * 100);
      table +=
          fmt::format("  step {:4} {:<14} {:5.1f} {:5.1f}\n", step, whole.countries[c].id, sa[c] * 100, sb[c] * 100);
    }
  }

  // Relative change of what is held, start to end, in Cambodia and in the region.
  const std::int64_t kh = [&] {
    for (std::size_t c = 0; c < whole.countries.size(); ++c) {
      if (whole.countries[c].id == "cambodia") return static_cast<std::int64_t>(c);
    }
    FAIL("no cambodia");
    return std::int64_t{-1};
  }();
  const auto kh_change = [&](const model::RunRecord& r) {
    return r.at(CountryMetric::workers_held, end, kh) / r.at(CountryMetric::workers_held, 0, kh);
  };
  const auto region_change = [&](const model::RunRecord& r) {
    return r.at(GlobalMetric::workers_held, end) / r.at(GlobalMetric::workers_held, 0);
  };
  // Operations per 1,000 people held in the region at the end: counts of operations are not scale-free.
  const auto ops_per_1000 = [&](const model::RunRecord& r) {
    return r.at(GlobalMetric::operations_active, end) / r.at(GlobalMetric::workers_held, end) * 1000;
  };
  const double kh_a = mean_over(a, kh_change), kh_b = mean_over(b, kh_change);
  const double region_a = mean_over(a, region_change), region_b = mean_over(b, region_change);
  const double ops_a = mean_over(a, ops_per_1000), ops_b = mean_over(b, ops_per_1000);
  table += fmt::format("Cambodia held end/start {:.3f} vs {:.3f}; region {:.3f} vs {:.3f}\n", kh_a, kh_b, region_a,
                       region_b);
  table +=
      fmt::format("operations per 1,000 held at the end {:.3f} vs {:.3f} (x{:.2f})\n", ops_a, ops_b, ops_a / ops_b);
  table += fmt::format("largest difference of a share: {:.2f} points", worst_points);
  WARN(table);  // the figures docs/MODEL.md section 8 quotes, printed on every run

  // Tolerances (docs/MODEL.md section 8): measured 2.3 points, 0.063 and 0.045, x2.2 with the model of
  // issue 13's start; 2.35 points, 0.050, 0.043 and x2.34 with operations drawn at their 1:1 size; 1.75 points,
  // 0.041, 0.045 and x2.30 with dependence set against a GDP scaled as the revenue.
  CHECK(worst_points <= 4.0);
  CHECK(std::abs(kh_a - kh_b) <= 0.10);
  CHECK(std::abs(region_a - region_b) <= 0.10);
  // Operation counts are where a small world is wrong: up to about twice as many operations per person.
  CHECK(ops_a / ops_b <= 3.0);
}
