// Entry and exit (MODEL.md section 7.10, entry.cpp and operators.cpp), each on the quiet world with one
// thing switched on: where new operations open and in which form, vacant premises taken again, free entry at
// a normal return, hedging, crowding, and free exit. Each is off at its default, which the golden files check
// leaves every output as it was.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sim/model/decisions.hpp"
#include "tests/support/quiet_world.hpp"

using namespace scamsim;
using namespace scamsim::model;
using namespace scamsim::test;

namespace {

// From 1 March a crackdown raises alpha's raids twentyfold for eight months, against a first day that is the
// normal return and entrants at 24 a year at full opportunity; `extra` switches on what the test looks at.
std::vector<std::string> crackdown_on_alpha(const std::string& extra) {
  return {"countries.alpha.enforcement_capacity_raids_per_year=1",
          "enforcement.raid_success_probability=0.5",
          "entry.entrant_rate_per_year=24",
          "entry.normal_return_share=1",
          extra,
          R"(events=[{kind="crackdown", date=2025-03-01, country="alpha", capacity_factor=20, duration_days=240}])"};
}

}  // namespace

TEST_CASE("Operations open where the opportunity is, including a host with no industry", "[unit][mechanism][entry]") {
  // Beta has no industry and no enforcement, alpha raids heavily: entrants open in beta, and fewer in
  // alpha, where expected raid losses eat the margin. No entrants at all at rate 0.
  const std::vector<std::string> risky_alpha = {"countries.alpha.enforcement_capacity_raids_per_year=3650",
                                                "enforcement.raid_success_probability=0.5"};
  auto with = [&](const char* rate) {
    auto overrides = risky_alpha;
    overrides.push_back(std::string("entry.entrant_rate_per_year=") + rate);
    return run(quiet(overrides));
  };
  CHECK(events_of(with("0"), EventKind::opened).empty());
  const auto r = with("24");
  const auto in_beta = events_of(r, EventKind::opened, beta).size();
  const auto in_alpha = events_of(r, EventKind::opened, alpha).size();
  CHECK(in_beta >= 10);  // 24 a year at an opportunity of about 0.9
  CHECK(in_beta <= 30);
  CHECK(in_alpha < in_beta);
  // Each opening is an operation of beta that counts as active from the step it opens.
  CHECK(r.at(CountryMetric::operations_active, r.steps - 1, beta) == static_cast<double>(in_beta));
}

TEST_CASE("Vacant premises left by raids are taken again, and only where there are some", "[unit][mechanism][entry]") {
  // Every raid in alpha succeeds; its dismantled compounds leave premises that reopen at 12 a year each.
  // Beta has none, so nothing opens there.
  const auto s = quiet({"countries.alpha.enforcement_capacity_raids_per_year=4",
                        "enforcement.raid_success_probability=1", "entry.reopen_rate_per_year=24"});
  const auto r = run(s);
  const auto raided = events_of(r, EventKind::raid_success, alpha).size();
  REQUIRE(raided > 0);
  const auto reopened = events_of(r, EventKind::opened, alpha).size();
  CHECK(reopened > 0);
  CHECK(events_of(r, EventKind::opened, beta).empty());
  // A reopening takes premises: never more than were left, by raids, moves or closures.
  CHECK(reopened <= raided + events_of(r, EventKind::relocation_start, alpha).size() +
                        events_of(r, EventKind::bankruptcy, alpha).size());
  // Without reopening, a dismantled compound is gone for good.
  CHECK(events_of(run(quiet({"countries.alpha.enforcement_capacity_raids_per_year=4",
                             "enforcement.raid_success_probability=1"})),
                  EventKind::opened)
            .empty());
}

TEST_CASE("With a normal return new operations are built only where returns rise above the first day's",
          "[unit][mechanism][entry]") {
  // Beta has no industry and nothing changes its opportunity: with the whole first-day opportunity a normal
  // return, nobody builds there, where at share 0 entrants open at 24 a year times an opportunity of about
  // 0.4 (a fixed cost of 30,000 a day leaves room for returns to rise). When raids dismantle alpha's industry
  // on the first days and the victims are one pool, each worker earns ten times as much (the cap), beta's
  // return rises above its first day's, and building starts there.
  auto opened_in_beta = [](const char* normal, const char* saturation) {
    const auto r =
        run(quiet({"countries.alpha.enforcement_capacity_raids_per_year=3650",
                   "enforcement.raid_success_probability=0.5", "entry.entrant_rate_per_year=24",
                   "economics.fixed_cost_usd_per_day=30000", std::string("entry.normal_return_share=") + normal,
                   std::string("economics.market_saturation=") + saturation}));
    INFO("alpha held " << r.at(CountryMetric::workers_held, 0, alpha) << " -> "
                       << r.at(CountryMetric::workers_held, r.steps - 1, alpha));
    return events_of(r, EventKind::opened, beta).size();
  };
  CHECK(opened_in_beta("0", "0") >= 3);
  CHECK(opened_in_beta("1", "0") == 0);
  CHECK(opened_in_beta("1", "1") > 0);
}

TEST_CASE("An entrant weighs the cover it will have: its network's protection, as far as it carries",
          "[unit][mechanism][entry]") {
  // Alpha raids enough that expected raid losses take about half an uncovered entrant's margin; every network has
  // protection 0.9. An opening is given its network's protection times relocation.protection_kept_share, and weighs its
  // risk with that cover, as an operator does: with the share at 1 raids find it at 1 - 0.9 x 0.6 = 0.46 of the rate of
  // an uncovered one (share 0), so more open in alpha. Incumbents keep their own cover either way; nobody moves in the
  // quiet world.
  auto openings_in_alpha = [](const char* kept) {
    const auto r = run(quiet(
        {"countries.alpha.enforcement_capacity_raids_per_year=6", "enforcement.raid_success_probability=0.5",
         "entry.entrant_rate_per_year=48", "networks.open_a.protection=0.9", "networks.protected_b.protection=0.9",
         "networks.open_c.protection=0.9", std::string("relocation.protection_kept_share=") + kept}));
    return events_of(r, EventKind::opened, alpha).size();
  };
  const auto uncovered = openings_in_alpha("0");
  const auto covered = openings_in_alpha("1");
  INFO("openings in alpha: " << uncovered << " uncovered, " << covered << " covered");
  CHECK(covered >= uncovered + 5);
}

TEST_CASE("Where raids would find a compound at once, new operations are built as cells", "[unit][mechanism][entry]") {
  // Beta has no industry and mounts 200 raids a year over a visibility floor of 20 operations: a compound
  // entrant of 200 people would lose more than it makes there, a cell of 40 (less visible, cheap) would not.
  // Without cell entrants nothing opens in beta; with them, cells do, each with a cell's workforce and a
  // compound entrant's capital pro rata (2,000,000 x 40 / 200). Alpha, unraided, is still built in compounds.
  auto with = [](const char* cells) {
    return run(quiet({"forms.cell_max_workers=40", std::string("entry.cell_entrants=") + cells,
                      "entry.entrant_rate_per_year=24", "countries.beta.enforcement_capacity_raids_per_year=200",
                      "enforcement.visibility_floor=20", "enforcement.raid_success_probability=0.5"}));
  };
  CHECK(events_of(with("0"), EventKind::opened, beta).empty());
  const auto r = with("1");
  const auto in_beta = events_of(r, EventKind::opened, beta);
  CHECK(in_beta.size() >= 5);
  for (const auto* e : in_beta) CHECK(e->amount_usd == 400'000);
  for (const auto& o : r.final_operators) {
    if (o.country == beta) CHECK(o.target_workers <= 40);
  }
  const auto in_alpha = events_of(r, EventKind::opened, alpha);
  REQUIRE(!in_alpha.empty());
  for (const auto* e : in_alpha) CHECK(e->amount_usd == 2'000'000);
}

TEST_CASE("With hedging, a fall in returns where the industry is draws building where they did not fall",
          "[unit][mechanism][entry]") {
  // Beta has no industry and no enforcement; its return never changes, so with the first day's return a
  // normal one nobody builds there. From 1 March a crackdown raises alpha's raids twentyfold for eight months,
  // and the going rate (alpha's return, weighed by the first day's industry) falls to nothing. With hedging at
  // elasticity 1 the return asked in beta falls with it and building starts there (24 a year at an opportunity
  // near 0.96, about 15 in the eight months), and only while the crackdown lasts.
  // The steps of beta's openings (copied: the run they come from does not outlive the call).
  auto opened_in_beta = [](const char* hedging) {
    const auto r = run(quiet(crackdown_on_alpha(std::string("entry.hedging_elasticity=") + hedging)));
    std::vector<std::int32_t> steps;
    for (const auto* e : events_of(r, EventKind::opened, beta)) steps.push_back(e->step);
    return steps;
  };
  CHECK(opened_in_beta("0").empty());
  const auto hedged = opened_in_beta("1");
  CHECK(hedged.size() >= 5);
  for (const auto step : hedged) {
    CHECK(step >= 59);  // 2025-03-01
    CHECK(step < 299);  // the crackdown's last day
  }
}

TEST_CASE("Crowding costs only beyond a host's first-day industry, and sends growth where there is room",
          "[unit][mechanism][congestion]") {
  // With no recruits alpha never holds more than on its first day: crowding costs nothing and the run is
  // the same, bit for bit, as without it.
  auto held = [](const RunRecord& r, std::int64_t country) {
    return r.at(CountryMetric::workers_held, r.steps - 1, country);
  };
  const auto still = run(quiet({"economics.congestion_cost_share=0.5"}));
  const auto still_off = run(quiet());
  for (std::int64_t t = 0; t < still.steps; ++t) {
    REQUIRE(still.at(CountryMetric::revenue_usd, t, alpha) == still_off.at(CountryMetric::revenue_usd, t, alpha));
    REQUIRE(still.at(CountryMetric::workers_held, t, alpha) == still_off.at(CountryMetric::workers_held, t, alpha));
  }
  // With recruits alpha's operations grow (700 held to about 4,600 in a year, none in beta). Crowding at half
  // the first day's margin per unit of excess makes each worker-day beyond the first day's 700 dearer, so that
  // operators leave for beta, which had no industry and so has no crowding cost.
  const std::vector<std::string> growing = {"economics.target_growth_per_year=4",
                                            "recruitment.trafficking_rate_per_year=0.002"};
  auto with = [&](const char* share) {
    auto overrides = growing;
    overrides.push_back(std::string("economics.congestion_cost_share=") + share);
    return run(quiet(overrides));
  };
  const auto free = with("0");
  const auto crowded = with("0.5");
  INFO("alpha " << held(free, alpha) << " -> " << held(crowded, alpha) << ", beta " << held(free, beta) << " -> "
                << held(crowded, beta));
  CHECK(held(free, alpha) > 3 * 700);
  CHECK(held(free, beta) == 0);
  CHECK(held(crowded, alpha) < held(free, alpha) / 2);
  CHECK(held(crowded, beta) > 0);
  CHECK(total(crowded, CountryMetric::relocations_in, beta) > 0);
}

TEST_CASE("Where returns fall below normal, networks close operations there, and only while they are below",
          "[unit][mechanism][entry]") {
  // Alpha's first day is the normal return (normal_return_share 1). From 1 March a crackdown raises its raids
  // twentyfold for eight months: its return falls below normal, and with free exit at 12 a year at a whole
  // shortfall its networks close operations there, where at rate 0 none closes. A closure lets its people go;
  // once the crackdown and the month its memory lasts are over, nothing more closes.
  struct Closures {
    std::vector<std::int32_t> steps;
    double let_go = 0;
  };
  auto closures_in_alpha = [](const char* exit_rate) {
    const auto r = run(quiet(crackdown_on_alpha(std::string("entry.exit_rate_per_year=") + exit_rate)));
    Closures out;
    for (const auto* e : events_of(r, EventKind::withdrawn, alpha)) {
      out.steps.push_back(e->step);
      CHECK(e->amount_usd >= 0);  // closed by choice, not for want of money (that is a bankruptcy)
      out.let_go += static_cast<double>(e->count);
    }
    CHECK(events_of(r, EventKind::withdrawn, beta).empty());  // beta's returns never fall
    return out;
  };
  CHECK(closures_in_alpha("0").steps.empty());
  const auto closed = closures_in_alpha("12");
  CHECK(!closed.steps.empty());
  CHECK(closed.let_go > 0);
  for (const auto step : closed.steps) {
    CHECK(step >= 59);       // 2025-03-01
    CHECK(step < 299 + 60);  // the crackdown's last day, and the memory of its risk
  }
}

TEST_CASE("Opportunity is measured in the first day's margin, so that a fall in the margin alone closes operations",
          "[unit][mechanism][entry]") {
  // From 1 March a regulation freezes 30% of laundered money everywhere: with 70% of revenue laundered, alpha's
  // margin falls by about a quarter and nothing else changes. Measured in the first day's margin, its
  // opportunity falls by about as much, 12 a year times that shortfall closes each operation at about 3.6 a
  // year, and all three of alpha's close within the year. Measured in the margin of the day (before), only
  // the fixed cost's share of the smaller margin rose, and one of the three closed.
  auto closures_in_alpha = [](const char* frozen) {
    const auto r =
        run(quiet({"entry.entrant_rate_per_year=24", "entry.normal_return_share=1", "entry.exit_rate_per_year=12",
                   std::string(R"(events=[{kind="crypto_regulation", id="cr", date=2025-03-01, )") +
                       "frozen_share=" + frozen + "}]"}));
    return events_of(r, EventKind::withdrawn, alpha).size();
  };
  CHECK(closures_in_alpha("0") == 0);
  CHECK(closures_in_alpha("0.3") == 3);
}
