// Validation of the displacement patterns of issue 13 (docs/MODEL.md section
// 7.8): the industry comes back after pressure fades, breaks into small cells
// under pressure and gathers again after, reacts within weeks, enters hosts
// that had none, and is safer where corruption is higher. All at 1:1, with
// the rules of test_patterns.cpp: directions on a one-sided 99% bound across
// replicates, figures on the mean, paired replicates where two scenarios are
// compared.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/validation/runs.hpp"

using namespace scamsim;
using namespace scamsim::validation;
using model::CountryMetric;
using model::EventKind;

// Issue 13: with model v0.3's mechanisms 0.5% of Cambodia's loss was back a year after pressure was let go;
// entry, reopened premises and pipelines that answer demand (docs/MODEL.md section 7.10) bring it back.
// The measured share is in section 7.8.
TEST_CASE("Rebound: within a year of pressure being let go, Cambodia recovers at least half of its loss",
          "[validation][rebound]") {
  const Runs& decays = shared_runs("scenarios/pressure_decays.toml");
  const auto kh = decays.country("cambodia");
  const std::int64_t sanctions = decays.step_of("2025-10-14");
  const std::int64_t let_go = decays.step_of("2026-07-01");
  const std::int64_t year_after = let_go + 365;
  const auto recovered = bounds(per_replicate(decays.replicates(), [&](auto r) {
    const double before = decays.mean(r, CountryMetric::workers_held, sanctions - 30, sanctions, {kh});
    double lowest = before;
    for (std::int64_t t = sanctions; t <= year_after; ++t) {
      lowest = std::min(lowest, decays.value(r, CountryMetric::workers_held, t, {kh}));
    }
    return (decays.value(r, CountryMetric::workers_held, year_after, {kh}) - lowest) / (before - lowest);
  }));
  INFO("share of Cambodia's loss back a year after pressure was let go: " << recovered.mean);
  CHECK(recovered.mean >= 0.5);
}

// Issue 13: with model v0.3's mechanisms no operation of 50 or fewer was left under the campaign or at rest
// (0.0%); dispersed cells (section 7.10) make them.
TEST_CASE(
    "Cells: small operations rise under the crackdown and fall after it, and at rest neither vanish nor take over",
    "[validation][cells]") {
  const Runs& decays = shared_runs("scenarios/pressure_decays.toml");
  const auto kh = decays.country("cambodia");
  const std::int64_t arrest = decays.step_of("2026-01-07");
  const std::int64_t end = decays.scenario.run.steps();
  auto small_share = [&](const Runs& x, std::size_t r, std::int64_t from, std::int64_t to,
                         const std::vector<std::int64_t>& countries) {
    return x.total(r, CountryMetric::workers_in_small_operations, from, to, countries) /
           x.total(r, CountryMetric::workers_held, from, to, countries);
  };
  // Under the campaign (its first half year), held in operations of 50 or fewer in Cambodia.
  const auto during = bounds(
      per_replicate(decays.replicates(), [&](auto r) { return small_share(decays, r, arrest, arrest + 180, {kh}); }));
  INFO("Cambodia, share held in small operations under the campaign: " << during.mean);
  CHECK(during.mean >= 0.03);
  // And it falls again once pressure has faded: the last year against the campaign's half year.
  const auto fall = bounds(per_replicate(decays.replicates(), [&](auto r) {
    return small_share(decays, r, arrest, arrest + 180, {kh}) - small_share(decays, r, end - 365, end, {kh});
  }));
  INFO("fall of that share by the last year: " << fall.mean);
  CHECK(fall.low > 0);
  // With no events, the region's small operations neither vanish nor take over (the fifth year).
  const Runs& base = shared_runs("scenarios/baseline.toml");
  const auto at_rest =
      bounds(per_replicate(base.replicates(), [&](auto r) { return small_share(base, r, end - 365, end, {}); }));
  INFO("baseline, region's share held in small operations in the fifth year: " << at_rest.mean);
  CHECK(at_rest.low > 0.005);
  CHECK(at_rest.high < 0.25);
}

TEST_CASE("Speed: within four weeks of a month-long campaign's start, operations have left Cambodia or split",
          "[validation][speed]") {
  const Runs month = run_scenario("tests/scenarios/validation/month_campaign.toml", one_to_one);
  const Runs base = run_scenario("scenarios/baseline.toml", with(one_to_one, {"run.years=1"}));
  const auto kh = month.country("cambodia");
  const std::int64_t start = month.step_of("2025-06-01");
  auto responses = [&](const Runs& x, std::size_t r) {
    return x.total(r, CountryMetric::relocations_out, start, start + 28, {kh}) +
           x.total(r, CountryMetric::splits, start, start + 28, {kh}) +
           count_events(x, r, EventKind::disperse, kh, start, start + 28);
  };
  const auto more =
      bounds(per_replicate(month.replicates(), [&](auto r) { return responses(month, r) - responses(base, r); }));
  INFO("moves, splits and dispersals in Cambodia in four weeks, campaign minus none: " << more.mean);
  CHECK(more.low > 0);
}

// Issue 13: with model v0.3's mechanisms no operation opened in or moved to Thailand, Vietnam or Malaysia
// (0 more than with no campaign); entry and the visibility floor (section 7.10) let them.
TEST_CASE("Entry: under pressure on every Southeast Asian host at once, operations open or move where there were none",
          "[validation][entry]") {
  const Runs region = run_scenario("scenarios/regionwide_crackdown.toml", with(one_to_one, {"run.years=3"}));
  const Runs base = run_scenario("scenarios/baseline.toml", with(one_to_one, {"run.years=3"}));
  const std::int64_t start = region.step_of("2026-01-08");
  const std::int64_t end = region.scenario.run.steps();
  // The hosts with no operation on the first day (Thailand, Vietnam, Malaysia in the baseline).
  std::vector<std::int64_t> empty_hosts;
  for (const char* id : {"thailand", "vietnam", "malaysia", "rest_of_world"}) {
    const auto c = region.country(id);
    if (region.value(0, CountryMetric::operations_active, 0, {c}) == 0) empty_hosts.push_back(c);
  }
  REQUIRE(empty_hosts.size() >= 3);
  auto arrivals = [&](const Runs& x, std::size_t r) {
    double n = x.total(r, CountryMetric::relocations_in, start, end, empty_hosts);
    for (const auto c : empty_hosts) n += count_events(x, r, EventKind::opened, c, start, end);
    return n;
  };
  const auto more =
      bounds(per_replicate(region.replicates(), [&](auto r) { return arrivals(region, r) - arrivals(base, r); }));
  INFO("operations opened in or moved to hosts that had none, campaign minus none: " << more.mean);
  CHECK(more.low > 0);
}

// Corruption buys protection from raids (enforcement.cpp) and lowers the state's own will to raid, its
// will_base and resolve (countries.cpp), so it can make a host larger only where raids hold the industry back. The test
// takes the Philippines, the one host of the baseline where they do: 1.3 successful raids a year per 1,000 held against
// 0.03 in Laos, 0.07 in Myanmar and 0.09 in Cambodia (model v2's stack at 1:1, docs/MODEL.md section 7.8). It
// took Laos until issue 13's tenth trials, where the state does not raid what it holds (the industry is three
// quarters of its GDP, and dependence damps the will to act on it): there corruption changes what it holds by
// under 1% (0.5% at 1:1), the model's answer and, as far as the record goes, the world's (section 7.8).
TEST_CASE("Corruption: raising the corruption of a host whose raids bind raises what it holds",
          "[validation][corruption]") {
  // The Philippines from 0.67 (CPI 2024) to 0.87, everything else the baseline; three years, paired replicates.
  const Runs base = run_scenario("scenarios/baseline.toml", with(one_to_one, {"run.years=3"}));
  const Runs corrupt = run_scenario("scenarios/baseline.toml",
                                    with(one_to_one, {"run.years=3", "countries.philippines.corruption=0.87"}));
  const auto ph = base.country("philippines");
  const std::int64_t end = base.scenario.run.steps();
  const auto gain = bounds(per_replicate(base.replicates(), [&](auto r) {
    return corrupt.mean(r, CountryMetric::workers_held, end - 365, end, {ph}) /
               base.mean(r, CountryMetric::workers_held, end - 365, end, {ph}) -
           1;
  }));
  INFO("the Philippines held in the third year, corruption 0.87 over 0.67, minus 1: " << gain.mean);
  CHECK(gain.low > 0.05);
}
