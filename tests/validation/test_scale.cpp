// run.scale: how far a smaller world's shares and ratios are from 1:1
// (issue 13). Findings come from 1:1 runs; run.scale below 1 stays for quick
// looks, and these tests measure what such a look gets wrong. The measured
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

// The crackdown (the scenario the README's figures come from) at 0.2 and at 1:1, 3 replicates each;
// replicate r of both scales has the same seed.
struct ScaleComparison {
  double worst_points = 0;                    ///< largest difference of a country's share of the region's held, points
  double kh_small = 0, kh_whole = 0;          ///< Cambodia's held at the end over the start
  double region_small = 0, region_whole = 0;  ///< the region's
  double ops_small = 0, ops_whole = 0;        ///< operations per 1,000 held at the end
  std::string table;
};

ScaleComparison compare_scales(const std::vector<std::string>& sets) {
  const auto path = validation::validation_root() / "scenarios/cambodia_crackdown_2025.toml";
  auto at = [&](const char* scale) {
    std::vector<std::string> all = {std::string("run.scale=") + scale, "run.replicates=3"};
    all.insert(all.end(), sets.begin(), sets.end());
    return scenario::load_scenario(path, all);
  };
  const scenario::Scenario small = at("0.2");
  const scenario::Scenario whole = at("1");
  const auto a = run::run_replicates(small, run::RunOptions{}).replicates;
  const auto b = run::run_replicates(whole, run::RunOptions{}).replicates;
  const std::int64_t end = whole.run.steps() - 1;
  const auto step_of = [&](const char* date) {
    return Date::parse(date).value().days_after(whole.run.start_date) / whole.run.dt_days;
  };

  ScaleComparison out;
  // Shares of held people by country, one and two years in (under the crackdown) and at the end.
  out.table = "share of the region's held people, % (0.2 vs 1:1)\n";
  for (const std::int64_t step : {step_of("2026-01-01"), step_of("2027-01-01"), end}) {
    const auto sa = held_shares(a, step);
    const auto sb = held_shares(b, step);
    for (std::size_t c = 0; c < sa.size(); ++c) {
      if (sb[c] < 0.001 && sa[c] < 0.001) continue;
      out.worst_points = std::max(out.worst_points, std::abs(sa[c] - sb[c]) * 100);
      out.table +=
          fmt::format("  step {:4} {:<14} {:5.1f} {:5.1f}\n", step, whole.countries[c].id, sa[c] * 100, sb[c] * 100);
    }
  }
  // Relative change of what is held, start to end, in Cambodia and in the region.
  std::int64_t kh = -1;
  for (std::size_t c = 0; c < whole.countries.size(); ++c) {
    if (whole.countries[c].id == "cambodia") kh = static_cast<std::int64_t>(c);
  }
  REQUIRE(kh >= 0);
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
  out.kh_small = mean_over(a, kh_change), out.kh_whole = mean_over(b, kh_change);
  out.region_small = mean_over(a, region_change), out.region_whole = mean_over(b, region_change);
  out.ops_small = mean_over(a, ops_per_1000), out.ops_whole = mean_over(b, ops_per_1000);
  out.table += fmt::format("Cambodia held end/start {:.3f} vs {:.3f}; region {:.3f} vs {:.3f}\n", out.kh_small,
                           out.kh_whole, out.region_small, out.region_whole);
  out.table += fmt::format("operations per 1,000 held at the end {:.3f} vs {:.3f} (x{:.2f})\n", out.ops_small,
                           out.ops_whole, out.ops_small / out.ops_whole);
  out.table += fmt::format("largest difference of a share: {:.2f} points", out.worst_points);
  return out;
}

// The shipped model's comparison, run once for the two cases that read it.
const ScaleComparison& shipped_comparison() {
  static const ScaleComparison shipped = compare_scales({});
  return shipped;
}

}  // namespace

TEST_CASE("A world at run.scale 0.2 keeps 1:1's shares, not its operation counts", "[validation][scale]") {
  const ScaleComparison& x = shipped_comparison();
  WARN(x.table);  // the figures docs/MODEL.md section 8 quotes, printed on every run
  // Tolerances (docs/MODEL.md section 8): measured 2.3 points and x2.2 with the model of issue 13's start; 2.35
  // points and x2.34 with operations drawn at their 1:1 size; 1.75 points and x2.30 with dependence set against a
  // GDP scaled as the revenue; 2.46 points and x1.00 with model v2 (the fifteenth trials).
  CHECK(x.worst_points <= 4.0);
  // Operation counts are where a small world was wrong: up to about twice as many operations per person.
  CHECK(x.ops_small / x.ops_whole <= 3.0);
}

// KNOWN FAILURE with model v2, kept as a finding (docs/MODEL.md section 8): a world at 0.2 reopens vacant
// compounds far more often per person than 1:1 does, so its industry grows where 1:1's holds (Cambodia's end
// over its start 1.29 against 0.90, the region's 1.47 against 1.12; in the baseline with no events the region
// ends at 1.26 against 1.02). The ratios were within 0.07 with v0.3 (0.46 against 0.42, 0.89 against 0.84), and
// are within 0.07 with reopening off (the case below). [!shouldfail] makes this case fail the suite the day the
// ratios agree again, so that the tag goes then; the tolerances are unchanged.
TEST_CASE("A world at run.scale 0.2 keeps 1:1's relative changes", "[validation][scale][!shouldfail]") {
  const ScaleComparison& x = shipped_comparison();
  INFO(x.table);
  CHECK(std::abs(x.kh_small - x.kh_whole) <= 0.10);
  CHECK(std::abs(x.region_small - x.region_whole) <= 0.10);
}

TEST_CASE("Without reopened premises, a world at run.scale 0.2 keeps 1:1's relative changes", "[validation][scale]") {
  // The rest of model v2 is as scale-free as v0.3 was: with entry.reopen_rate_per_year at 0 the ratios are
  // within v0.3's tolerances (measured: Cambodia 0.489 against 0.425, the region 0.807 against 0.740).
  const ScaleComparison x = compare_scales({"entry.reopen_rate_per_year=0"});
  INFO(x.table);
  CHECK(x.worst_points <= 4.0);
  CHECK(std::abs(x.kh_small - x.kh_whole) <= 0.10);
  CHECK(std::abs(x.region_small - x.region_whole) <= 0.10);
}
