// The displacement mechanisms of issue 13 (MODEL.md §7.2-7.4, §7.7), each on
// the quiet world (tests/scenarios/quiet.toml) with one thing switched on:
// enforcement's visibility floor, news of raids, dispersal into cells and
// back, premises, merges, labour supply and the pool of victims (entry and
// exit: test_entry_mechanisms.cpp). Each is off at its default, which the
// golden files check leaves every output as it was.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sim/model/decisions.hpp"
#include "sim/model/simulation.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/support/quiet_world.hpp"

using namespace scamsim;
using namespace scamsim::model;
using namespace scamsim::test;

TEST_CASE("Raids in a host with less industry than the visibility floor find it in proportion",
          "[unit][mechanism][entry]") {
  // Alpha mounts a raid a day at full will (no success, so nothing changes). Its industry weighs
  // 300/200 + 300/200 x (1 - 0.5 x 0.6) + 100/200 = 3.05: with no floor every raid is mounted; with a
  // floor of ten times that, a tenth of them.
  auto raids = [](const char* floor) {
    return total(run(quiet({"countries.alpha.enforcement_capacity_raids_per_year=365",
                            std::string("enforcement.visibility_floor=") + floor})),
                 CountryMetric::raids, alpha);
  };
  const double all = raids("0");
  const double tenth = raids("30.5");
  CHECK(all == Approx(365).margin(4 * std::sqrt(365.0)));
  CHECK(tenth == Approx(36.5).margin(4 * std::sqrt(36.5)));
}

TEST_CASE("News of a successful raid makes operators decide within days, not on their monthly day",
          "[unit][mechanism][news]") {
  // Decisions are yearly (the first of them at step 0, before any risk); beta is safe and moving is free
  // of inertia. With news, the operators left in alpha move within a day or two of the first successful
  // raid; without it, none moves within the year.
  auto with = [](const char* news_days) {
    return run(
        quiet({"relocation.decision_interval_days=3650", "relocation.inertia=0",
               "countries.alpha.enforcement_capacity_raids_per_year=36", "enforcement.raid_success_probability=1",
               "enforcement.risk_memory_days=30", std::string("relocation.news_reaction_days=") + news_days}));
  };
  const auto off = with("0");
  REQUIRE(!events_of(off, EventKind::raid_success, alpha).empty());
  CHECK(events_of(off, EventKind::relocation_start).empty());

  const auto on = with("3");
  const auto raids = events_of(on, EventKind::raid_success, alpha);
  const auto moves = events_of(on, EventKind::relocation_start, alpha);
  REQUIRE(!raids.empty());
  REQUIRE(!moves.empty());
  CHECK(moves.front()->step > raids.front()->step);
  CHECK(moves.front()->step <= raids.front()->step + 3);
}

TEST_CASE("Under enough risk compounds disperse into cells of tens, and take compounds again when it fades",
          "[unit][mechanism][forms]") {
  // A four-month crackdown on alpha raises the threat fifty-fold; cells hold about 50 (people are shared
  // among the houses at random, so a few more or less). No moves (quiet's inertia), no splits (quiet's
  // smallest cell). During the crackdown the compounds disperse and nearly everyone held is in cells of
  // fewer than 80; once it ends, with the risk soon forgotten, every cell takes a compound again.
  const std::vector<std::string> world = {
      "countries.alpha.enforcement_capacity_raids_per_year=2",
      "enforcement.raid_success_probability=0.2",
      "enforcement.risk_memory_days=5",
      "relocation.decision_interval_days=10",
      "economics.small_operation_workers=80",
      R"(events=[{kind="crackdown", date=2025-03-01, country="alpha", capacity_factor=50, duration_days=120}])"};
  auto overrides = world;
  overrides.push_back("forms.cell_max_workers=50");
  const auto s = quiet(overrides);
  Simulation sim(s, 0);
  sim.run_to_end();
  const auto& ops = sim.operators();
  const auto r = sim.take_record();
  const auto dispersals = events_of(r, EventKind::disperse, alpha);
  REQUIRE(!dispersals.empty());
  CHECK(dispersals.front()->step >= 59);  // not before the crackdown (2025-03-01)
  const std::int64_t during = 59 + 100;
  const double held = r.at(CountryMetric::workers_held, during, alpha);
  REQUIRE(held > 0);
  CHECK(r.at(CountryMetric::workers_in_small_operations, during, alpha) / held > 0.9);
  const auto consolidations = events_of(r, EventKind::consolidate, alpha);
  REQUIRE(!consolidations.empty());
  CHECK(consolidations.back()->step > 59 + 120);
  std::size_t active = 0;
  for (std::size_t o = 0; o < ops.size(); ++o) {
    if (ops.state[o] != OperatorState::active) continue;
    ++active;
    INFO("operation " << o << " holds " << ops.workers[o] << ", capital " << ops.capital_usd[o] << ", risk "
                      << ops.perceived_risk[o]);
    CHECK(ops.form[o] == OperationForm::compound);
  }
  CHECK(active > 0);

  // Forms off (cell_max_workers 0, the default): nothing disperses.
  CHECK(events_of(run(quiet(world)), EventKind::disperse).empty());
}

TEST_CASE("Trafficking pipelines follow open places within their lag, up to their cap", "[unit][mechanism][labour]") {
  // Escapes open about 1,400 places a year in alpha; the fixed supply is 500 a year (0.0001 x 5 M). With
  // pipelines (30 days' lag, at most 4 x 500 a year) recruiting follows the open places, so more people
  // are held at the end than with the fixed supply, and no year's recruits exceed the cap.
  auto with = [](const char* lag) {
    return run(quiet({"workers.escape_hazard_per_year=2", "recruitment.trafficking_rate_per_year=0.0001",
                      "recruitment.pipeline_cap_factor=4", std::string("recruitment.pipeline_lag_days=") + lag}));
  };
  const auto fixed = with("0");
  const auto pipelines = with("30");
  const std::int64_t end = fixed.steps - 1;
  const double recruits_fixed = total(fixed, CountryMetric::new_recruits, alpha);
  const double recruits_pipelines = total(pipelines, CountryMetric::new_recruits, alpha);
  CHECK(recruits_fixed <= 500 + 4 * std::sqrt(500.0));
  CHECK(recruits_pipelines > 1.5 * recruits_fixed);
  CHECK(recruits_pipelines <= 2000 + 4 * std::sqrt(2000.0));
  CHECK(pipelines.at(CountryMetric::workers_held, end, alpha) > fixed.at(CountryMetric::workers_held, end, alpha));
}

TEST_CASE("A compound grows to its premises and no further, and premises left behind keep their size",
          "[unit][mechanism][premises]") {
  // No risk: each operation's most profitable size is the cap (5,000). With premises of 1.5 times their
  // first workforce the three compounds aim for 450, 450 and 150; without premises, for 5,000.
  auto targets = [](const char* factor) {
    const auto s = quiet({"economics.target_growth_per_year=10", "relocation.decision_interval_days=10",
                          "economics.min_cell_workers=10", std::string("forms.premises_capacity_factor=") + factor});
    Simulation sim(s, 0);
    sim.run_to_end();
    return std::vector<std::int32_t>(sim.operators().target.begin(), sim.operators().target.end());
  };
  // Targets close the gap geometrically: within a worker or two of the room by the end of the year.
  const std::vector<std::int32_t> room = {450, 450, 150};
  const auto capped = targets("1.5");
  REQUIRE(capped.size() == room.size());
  for (std::size_t o = 0; o < room.size(); ++o) {
    CHECK(capped[o] <= room[o]);
    CHECK(capped[o] >= room[o] - 2);
  }
  for (const std::int32_t t : targets("0")) CHECK(t >= 4990);
  // A raided compound's premises are taken again with their room: alpha's compounds are dismantled (every
  // raid succeeds) and reopened; a reopening aims for at most the room it took.
  const auto s =
      quiet({"countries.alpha.enforcement_capacity_raids_per_year=4", "enforcement.raid_success_probability=1",
             "entry.reopen_rate_per_year=24", "entry.entrant_workers=150", "forms.premises_capacity_factor=1"});
  Simulation sim(s, 0);
  sim.run_to_end();
  const auto& ops = sim.operators();
  const auto r = sim.take_record();
  std::size_t reopened = 0;
  for (const auto& e : r.events) {
    if (e.kind != static_cast<std::uint8_t>(EventKind::opened)) continue;
    ++reopened;
    const auto o = static_cast<std::size_t>(e.operator_id);
    if (ops.state[o] != OperatorState::active) continue;
    // Alpha's premises hold 300 or 100: an entrant gets the room of the premises it took, not new ones.
    CHECK((ops.premises[o] == 300 || ops.premises[o] == 100));
    CHECK(ops.target[o] <= ops.premises[o]);
  }
  CHECK(reopened > 0);
}

TEST_CASE("Compounds merge only into a building that holds both", "[unit][mechanism][premises]") {
  // The tiny world's syndicate runs four compounds of 500 in alpha and two of 300 in beta; with no risk
  // (no raids, no events) compounds of one network merge pairwise when they decide on the same day (daily
  // decisions here). Premises that hold their first workforce exactly (factor 1) leave no room for a
  // partner, so none merges; with room for two and a half times as many, they merge, and nobody is held
  // beyond a compound's room.
  auto run_tiny = [](const char* factor) {
    const auto s = test::load_source_scenario(
        "tests/scenarios/tiny.toml", {"events=[]", "countries.alpha.enforcement_capacity_raids_per_year=0",
                                      std::string("forms.premises_capacity_factor=") + factor,
                                      "economics.target_growth_per_year=0", "relocation.decision_interval_days=1"});
    auto sim = std::make_unique<Simulation>(s, 0);
    sim->run_to_end();
    return sim;
  };
  auto merges = [](Simulation& sim) {
    const auto r = sim.take_record();
    return total(r, CountryMetric::merges, alpha) + total(r, CountryMetric::merges, beta);
  };
  CHECK(merges(*run_tiny("1")) == 0);
  const auto roomy = run_tiny("2.5");
  const auto& ops = roomy->operators();
  for (std::size_t o = 0; o < ops.size(); ++o) {
    if (ops.state[o] != OperatorState::active || ops.form[o] != OperationForm::compound) continue;
    INFO("operation " << o << " holds " << ops.workers[o] << " in premises for " << ops.premises[o]);
    CHECK(ops.workers[o] <= ops.premises[o]);
  }
  CHECK(merges(*roomy) > 0);
}

TEST_CASE("Cells gathering into one compound on the same day fill it only to its room",
          "[unit][mechanism][premises][forms]") {
  // The dispersal case's crackdown on alpha, with premises of 1.1 times each compound's first workforce (330,
  // 330 and 110): the compounds disperse into cells of 50 and, once the risk fades, each network's cells gather
  // into a compound again, several on the same day. Each cell that joins must fit beside the ones that joined
  // before it that day, whose people have not moved yet (sim/model/phases/plans.cpp fits_in); when they were
  // left out, 186 people gathered into premises for 110 on the day after the first dispersal. Checked at the
  // end of every day.
  const auto s = quiet({"countries.alpha.enforcement_capacity_raids_per_year=2",
                        "enforcement.raid_success_probability=0.2", "enforcement.risk_memory_days=5",
                        "relocation.decision_interval_days=1", "economics.small_operation_workers=80",
                        R"(events=[{kind="crackdown", date=2025-03-01, country="alpha", capacity_factor=50, )"
                        R"(duration_days=120}])",
                        "forms.cell_max_workers=50", "forms.premises_capacity_factor=1.1"});
  Simulation sim(s, 0);
  std::int64_t overfull_days = 0;
  std::string first_overfull;
  for (std::int64_t t = 0; t < s.run.steps(); ++t) {
    sim.step();
    const auto& ops = sim.operators();
    for (std::size_t o = 0; o < ops.size(); ++o) {
      if (ops.state[o] != OperatorState::active || ops.form[o] != OperationForm::compound || ops.premises[o] <= 0) {
        continue;
      }
      if (ops.workers[o] > ops.premises[o]) {
        if (overfull_days++ == 0) {
          first_overfull = "day " + std::to_string(t) + ": operation " + std::to_string(o) + " holds " +
                           std::to_string(ops.workers[o]) + " in premises for " + std::to_string(ops.premises[o]);
        }
      }
    }
  }
  const auto r = sim.take_record();
  REQUIRE(events_of(r, EventKind::disperse, alpha).size() >= 2);
  REQUIRE(events_of(r, EventKind::consolidate, alpha).size() >= 2);
  INFO("operation-days over their room: " << overfull_days << "; the first: " << first_overfull);
  CHECK(overfull_days == 0);
  // A cell that does not fit takes premises and the cells after it join it: on any day a network's cells make
  // at most as many compounds as their people need rooms, here two (110 and 330) for the 300 of open_a or
  // protected_b. When they gathered into the first hub alone, each cell past its room took premises of its own.
  std::map<std::pair<std::int32_t, std::int32_t>, int> made;  // (step, network) -> compounds taken by cells
  for (const auto* e : events_of(r, EventKind::consolidate, alpha)) ++made[{e->step, e->network}];
  int most = 0;
  for (const auto& [day_network, n] : made) most = std::max(most, n);
  INFO("most compounds one network's cells took on one day: " << most);
  CHECK(most <= 2);
}

TEST_CASE("A lone cell takes a compound only if it can carry its fixed cost until recruits come",
          "[unit][mechanism][premises][forms]") {
  // The gathering world, with a compound's fixed cost of 20,000 USD a day and recruits two months away: a cell
  // whose network has no compound here with room takes premises for the network's cells here, which join it at
  // once, and only if between them they can carry the compound until recruits come; a cell that weighed joining
  // its network's compound joins that one or stays a cell. Valued alone at the compound it could grow to, a
  // cell took premises with its 50 people and went bankrupt within weeks, and the next cell took the premises
  // it left (at run.scale 0.2, where networks have fewer cells to gather, that churn grew model v2's baseline by
  // 30% in five years: docs/MODEL.md 7.8); a cell that weighed joining took premises of its own when the
  // compound was not to be had that day.
  const auto s = quiet(
      {"countries.alpha.enforcement_capacity_raids_per_year=2", "enforcement.raid_success_probability=0.2",
       "enforcement.risk_memory_days=5", "relocation.decision_interval_days=1", "economics.small_operation_workers=80",
       R"(events=[{kind="crackdown", date=2025-03-01, country="alpha", capacity_factor=50, )"
       R"(duration_days=120}])",
       "forms.cell_max_workers=50", "forms.premises_capacity_factor=1.1", "economics.fixed_cost_usd_per_day=20000",
       "recruitment.pipeline_lag_days=60", "recruitment.trafficking_rate_per_year=0.002"});
  const auto r = run(s);
  const auto consolidations = events_of(r, EventKind::consolidate, alpha);
  const auto merges = events_of(r, EventKind::merge, alpha);
  std::map<std::int64_t, std::int32_t> bankrupt_step;  // operation -> step
  for (const auto* e : events_of(r, EventKind::bankruptcy, alpha)) bankrupt_step[e->operator_id] = e->step;
  int failed_within_90_days = 0;
  for (const auto* e : consolidations) {
    const auto it = bankrupt_step.find(e->operator_id);
    if (it != bankrupt_step.end() && it->second >= e->step && it->second - e->step <= 90) {
      ++failed_within_90_days;
    }
  }
  INFO(consolidations.size() << " cells took premises, " << failed_within_90_days
                             << " of them bankrupt within 90 days; " << merges.size() << " joined a compound");
  CHECK(failed_within_90_days == 0);
  // The cells still gather back: into the compounds their networks run, or into premises they can carry.
  CHECK(consolidations.size() + merges.size() > 0);
}

TEST_CASE("With dispersed cells in the model, the start's small operations are cells", "[unit][mechanism][forms]") {
  // Quiet's operations hold 300, 300 and 100; with small operations at most 150 people, the third starts
  // as a cell once cells exist (forms.cell_max_workers > 0), and as a compound otherwise.
  auto forms = [](const char* cell_max) {
    const auto s = quiet({"economics.small_operation_workers=150", std::string("forms.cell_max_workers=") + cell_max});
    const Simulation sim(s, 0);
    return std::vector<OperationForm>(sim.operators().form.begin(), sim.operators().form.end());
  };
  CHECK(forms("40") ==
        std::vector<OperationForm>{OperationForm::compound, OperationForm::compound, OperationForm::cell});
  CHECK(forms("0") ==
        std::vector<OperationForm>{OperationForm::compound, OperationForm::compound, OperationForm::compound});
}

TEST_CASE(
    "Raids that follow the industry grow with it up to the full capacity while v0.3 holds them at the first day's",
    "[unit][mechanism][enforcement]") {
  // By hand: a will's rate of 0.1 raids a day over a first day's industry of 4 is 0.025 per unit of
  // visibility, at any size until the full rate of 1 a day is spread over 40 units; beyond, 1 / visible.
  CHECK(raids_per_visibility_per_day(0.1, 1.0, 4, 2) == Approx(0.025));
  CHECK(raids_per_visibility_per_day(0.1, 1.0, 4, 20) == Approx(0.025));
  CHECK(raids_per_visibility_per_day(0.1, 1.0, 4, 80) == Approx(1.0 / 80));
  CHECK(raids_per_visibility_per_day(0.1, 1.0, 4, 0) == Approx(0.025));
  // In a run: alpha's industry grows (recruits fill targets that nothing holds back) under a will of a
  // tenth of its capacity. Raids that stop at the first day's industry stay near a tenth of capacity
  // (36.5 a year); raids that follow it rise as it grows.
  auto raids_late = [](const char* follow) {
    const auto r = run(quiet({"countries.alpha.enforcement_capacity_raids_per_year=365", "pressure.will_base=0.1",
                              "recruitment.trafficking_rate_per_year=0.02", "economics.target_growth_per_year=10",
                              std::string("enforcement.raids_follow_industry=") + follow}));
    double raids = 0;
    double held_first = r.at(CountryMetric::workers_held, 0, alpha);
    double held_last = r.at(CountryMetric::workers_held, r.steps - 1, alpha);
    for (std::int64_t t = r.steps / 2; t < r.steps; ++t) raids += r.at(CountryMetric::raids, t, alpha);
    INFO("alpha held " << held_first << " -> " << held_last << ", raids in the second half " << raids);
    CHECK(held_last > 2 * held_first);
    return raids;
  };
  const double stopped = raids_late("0");
  const double following = raids_late("1");
  CHECK(stopped <= 18.25 + 4 * std::sqrt(18.25));
  CHECK(following > 2 * stopped);
}

TEST_CASE("An operation aims at its efficient scale when that is below its most profitable size",
          "[unit][mechanism][forms]") {
  // By hand: F 10,000 a day, s0 200, beta 1, rho 1e-5, margin 100, H 180: s = 200 (10000 / 36)^(1/2).
  const SizeEconomics e{100, 10'000, 1e-5, 200, 1, 180};
  const double s = efficient_size(e, 1e9);
  CHECK(s == Approx(200 * std::sqrt(10'000.0 / 36)));
  // It is where profit per worker peaks, and below the single operation's most profitable size.
  auto per_worker = [&](double size) { return expected_profit(size, e) / size; };
  CHECK(per_worker(s) > per_worker(0.9 * s));
  CHECK(per_worker(s) > per_worker(1.1 * s));
  CHECK(s < most_profitable_size(e, 1e9));
  CHECK(efficient_size(e, 1000) == 1000);
  // In a run with raid risk, targets aimed at the efficient scale are smaller than v0.3's.
  auto largest_target = [](const char* efficient) {
    const auto r =
        run(quiet({"countries.alpha.enforcement_capacity_raids_per_year=365", "pressure.will_base=0.5",
                   "enforcement.raid_success_probability=0.002", "economics.target_growth_per_year=10",
                   "economics.min_cell_workers=1", std::string("economics.target_efficient_scale=") + efficient}));
    std::int64_t largest = 0;
    for (const auto& o : r.final_operators) {
      if (o.country == alpha) largest = std::max<std::int64_t>(largest, o.target_workers);
    }
    return largest;
  };
  const auto v03 = largest_target("0");
  const auto efficient = largest_target("1");
  INFO("largest target in alpha: most profitable " << v03 << ", efficient " << efficient);
  CHECK(efficient < v03);
}

TEST_CASE("Operations that would merge find a partner deciding on another day within the merge window",
          "[unit][mechanism][merge]") {
  // The tiny world's syndicate runs four compounds of 500 in alpha and two of 300 in beta, with no risk.
  // They would merge, but decide on days staggered by id (monthly): with no window only partners deciding
  // the same day merge, and none does; with a window of a decision interval they pair up, and the people
  // they hold are not changed by it.
  auto run_tiny = [](const char* window) {
    const auto s = test::load_source_scenario(
        "tests/scenarios/tiny.toml",
        {"events=[]", "countries.alpha.enforcement_capacity_raids_per_year=0", "economics.target_growth_per_year=0",
         std::string("economics.merge_window_days=") + window});
    Simulation sim(s, 0);
    sim.run_to_end();
    return sim.take_record();
  };
  const auto none = run_tiny("0");
  const auto month = run_tiny("30");
  CHECK(total(none, CountryMetric::merges, alpha) + total(none, CountryMetric::merges, beta) == 0);
  CHECK(total(month, CountryMetric::merges, alpha) > 0);
  CHECK(month.at(CountryMetric::operations_active, month.steps - 1, alpha) <
        none.at(CountryMetric::operations_active, none.steps - 1, alpha));
  for (const auto* e : events_of(month, EventKind::merge)) CHECK((e->country == alpha || e->country == beta));
}

TEST_CASE("Letting people go is weighed by expected profit with the other choices, not by a threshold",
          "[unit][mechanism][release]") {
  // By hand: releasing a share pays exactly when the smaller operation expects more profit, i.e. when it
  // stays above the most profitable size: above it the smaller operation expects more, below it less.
  const SizeEconomics e{100, 10'000, 1e-5, 200, 1, 180};
  const double best = most_profitable_size(e, 1e9);
  CHECK(expected_profit(0.9 * 2 * best, e) > expected_profit(2 * best, e));
  CHECK(expected_profit(0.9 * best / 2, e) < expected_profit(best / 2, e));
  // In a run: alpha's three compounds under raid risk, none allowed to split. The threshold rule is set
  // never to fire (threshold 1); weighed by utility, operations above their most profitable size let people
  // go. With no risk at all the utility never favours it, even with a threshold that would always fire.
  // Operations that move take everyone along, so that every release counted is a choice to let go.
  auto released = [](const char* by_utility, const char* threshold, const char* raids_per_year) {
    const auto r = run(quiet({std::string("countries.alpha.enforcement_capacity_raids_per_year=") + raids_per_year,
                              "enforcement.raid_success_probability=0.05", "economics.target_growth_per_year=10",
                              "relocation.workers_moved_share=1",  // a move abandons nobody
                              std::string("workers.pressure_release_threshold=") + threshold,
                              std::string("workers.release_by_utility=") + by_utility}));
    return total(r, CountryMetric::releases_by_operator, alpha);
  };
  CHECK(released("0", "1", "365") == 0);
  CHECK(released("1", "1", "365") > 0);
  CHECK(released("1", "0", "0") == 0);
  CHECK(released("0", "0", "365") > 0);  // the rule, for contrast: a threshold of 0 always fires
}

TEST_CASE("With a saturated market the region's revenue stays at its first day's as the industry grows",
          "[unit][mechanism][market]") {
  // At elasticity 1 revenue per worker-day is the base times (first day's held / held at the start of the
  // step), so the region earns the same each day however many work: one pool of victims. At 0 (v0.3) it
  // earns in proportion to the people held. The quiet world's alpha grows (recruits fill targets that
  // nothing holds back), with no AI tooling (ai.uplift 0) and no cells to change revenue per worker otherwise.
  auto revenue_and_held = [](const char* saturation) {
    const auto r = run(quiet({"recruitment.trafficking_rate_per_year=0.001", "economics.target_growth_per_year=10",
                              "ai.uplift=0", std::string("economics.market_saturation=") + saturation}));
    const std::int64_t last = r.steps - 1;
    return std::array{r.at(CountryMetric::revenue_usd, 1, alpha), r.at(CountryMetric::revenue_usd, last, alpha),
                      r.at(CountryMetric::workers_held, 0, alpha), r.at(CountryMetric::workers_held, last - 1, alpha)};
  };
  const auto fixed = revenue_and_held("0");
  const auto pooled = revenue_and_held("1");
  INFO("revenue a day " << fixed[0] << " -> " << fixed[1] << " (v0.3), " << pooled[0] << " -> " << pooled[1]
                        << " (pooled); held " << pooled[2] << " -> " << pooled[3]);
  REQUIRE(pooled[3] > 2 * pooled[2]);
  REQUIRE(pooled[3] < 10 * pooled[2]);  // within the cap on the ratio
  CHECK(fixed[1] / fixed[0] == Approx(fixed[3] / fixed[2]).epsilon(0.02));
  CHECK(pooled[1] == Approx(pooled[0]).epsilon(1e-4));
}

TEST_CASE("A cell weighs taking a compound at the premises it would get", "[unit][mechanism][forms]") {
  // open_c's 100 people start as cells (small operations at most 100 here), with no risk, so that a compound
  // pays only by its size. With no vacant premises a compound is built for an entrant's size: for 50 people
  // (room 55) a fixed cost of 20,000 a day is never worth it; for 1,000 it is, and the cells gather into one.
  auto consolidations = [](const char* entrant_workers) {
    const auto r =
        run(quiet({"forms.cell_max_workers=40", "forms.premises_capacity_factor=1.1",
                   "economics.small_operation_workers=100", "economics.fixed_cost_usd_per_day=20000",
                   "forms.consolidation_cost_usd=0", std::string("entry.entrant_workers=") + entrant_workers}));
    return events_of(r, EventKind::consolidate).size();
  };
  CHECK(consolidations("50") == 0);
  CHECK(consolidations("1000") > 0);
}

TEST_CASE("A merge folds the later compound's site into the one kept: no room is freed for entrants or lost",
          "[unit][mechanism][premises]") {
  // With no risk the tiny world's compounds merge (previous case). Premises left by raids, closures, moves
  // and dispersals may be taken again by entrants; a merged compound's site goes with it into the one kept,
  // or each merge would free a compound's room for a newcomer and merges under low risk would multiply the
  // industry; nor is it lost, so two halves of a split compound that merge again hold what it held.
  const auto s = test::load_source_scenario(
      "tests/scenarios/tiny.toml",
      {"events=[]", "countries.alpha.enforcement_capacity_raids_per_year=0", "forms.premises_capacity_factor=2.5",
       "economics.target_growth_per_year=0", "relocation.decision_interval_days=1", "entry.reopen_rate_per_year=365"});
  auto room = [](const Simulation& sim) {
    std::int64_t sum = 0;
    const auto& ops = sim.operators();
    for (std::size_t o = 0; o < ops.size(); ++o) {
      if (ops.state[o] == OperatorState::active && ops.form[o] == OperationForm::compound) sum += ops.premises[o];
    }
    return sum;
  };
  auto sim = std::make_unique<Simulation>(s, 0);
  const auto room_at_start = room(*sim);
  sim->run_to_end();
  const auto room_at_end = room(*sim);
  const auto r = sim->take_record();
  const double merged = total(r, CountryMetric::merges, alpha) + total(r, CountryMetric::merges, beta);
  REQUIRE(merged > 0);
  const auto left = events_of(r, EventKind::raid_success).size() + events_of(r, EventKind::bankruptcy).size() +
                    events_of(r, EventKind::relocation_start).size() + events_of(r, EventKind::disperse).size();
  INFO(merged << " merges, " << left << " sites left by raids, closures, moves and dispersals");
  REQUIRE(left == 0);
  CHECK(events_of(r, EventKind::opened).empty());
  CHECK(room_at_end == room_at_start);
}

TEST_CASE("Pressure relaxes to the country's background with relaxes_to_initial, and to nothing without",
          "[unit][mechanism][pressure]") {
  // Alpha starts at pressure 0.3 with a 30-day half-life and no events: after a year, without the switch
  // twelve half-lives leave 0.3 / 4096; with it, the background stays.
  auto last_pressure = [](const char* relax) {
    const auto r = run(quiet({"countries.alpha.initial_pressure=0.3", "pressure.half_life_days=30",
                              std::string("pressure.relaxes_to_initial=") + relax}));
    return r.at(CountryMetric::pressure, r.steps - 1, alpha);
  };
  CHECK(last_pressure("0") < 0.001);
  CHECK(last_pressure("1") == Approx(0.3).epsilon(1e-9));
}

TEST_CASE("With gain_above_background, pressure raises the will only above the country's background",
          "[unit][mechanism][pressure]") {
  // Alpha keeps a background pressure of 0.3 (relaxes_to_initial), domestic will 0.1 at governance 1 and a
  // gain of 1, and a shock of 0.4 on 2025-07-01. Before the shock the will is 0.1 + 0.3 on all of the pressure,
  // 0.1 above the background alone; on the shock's day both rise by the shock's 0.4.
  auto wills = [](const char* above) {
    const auto r =
        run(quiet({"countries.alpha.initial_pressure=0.3", "pressure.relaxes_to_initial=1", "pressure.will_base=0.1",
                   "pressure.will_pressure_gain=1", std::string("pressure.gain_above_background=") + above,
                   R"(events=[{kind="pressure_shock", date=2025-07-01, country="alpha", pressure_shock=0.4}])"}));
    const std::int64_t shock = 181;  // 2025-07-01
    return std::array{r.at(CountryMetric::enforcement_will, shock - 1, alpha),
                      r.at(CountryMetric::enforcement_will, shock, alpha)};
  };
  const auto all = wills("0");
  const auto above = wills("1");
  CHECK(all[0] == Approx(0.4).epsilon(1e-9));
  CHECK(above[0] == Approx(0.1).epsilon(1e-9));
  CHECK(all[1] - all[0] == Approx(above[1] - above[0]).epsilon(1e-6));
  CHECK(above[1] - above[0] > 0.3);
}

TEST_CASE("A state's own resolve is damped by its corruption, international pressure is not",
          "[unit][mechanism][pressure]") {
  // Alpha (governance 1) with will_base 0.1 and either a resolve of its own of 0.3 or a background pressure of
  // 0.3 at a gain of 1: at corruption 0 both give a will of 0.4. At corruption 0.5 (damping 1) the resolve is
  // damped with will_base, (0.1 + 0.3) x 0.5 = 0.2, while the pressure keeps its 0.3: 0.1 x 0.5 + 0.3 = 0.35.
  auto will = [](const char* resolve, const char* pressure, const char* corruption) {
    const auto r =
        run(quiet({"pressure.will_base=0.1", "pressure.corruption_damping=1", "pressure.will_pressure_gain=1",
                   "pressure.relaxes_to_initial=1", std::string("countries.alpha.domestic_resolve=") + resolve,
                   std::string("countries.alpha.initial_pressure=") + pressure,
                   std::string("countries.alpha.corruption=") + corruption, "run.years=0.1"}));
    return r.at(CountryMetric::enforcement_will, 10, alpha);
  };
  CHECK(will("0.3", "0", "0") == Approx(0.4).epsilon(1e-9));
  CHECK(will("0", "0.3", "0") == Approx(0.4).epsilon(1e-9));
  CHECK(will("0.3", "0", "0.5") == Approx(0.2).epsilon(1e-9));
  CHECK(will("0", "0.3", "0.5") == Approx(0.35).epsilon(1e-9));
}

TEST_CASE("News brings decisions forward without making targets move faster", "[unit][mechanism][news]") {
  // One network, forty operations in alpha, where raids succeed every few days, and one in beta, where there is
  // no enforcement: every success in alpha is news to the network's operation in beta, which then decides
  // within three days instead of monthly. Its target moves toward the size it wants at target_growth_per_year
  // (0.5) over the time that has passed, so that after a year it has moved as far as with monthly decisions:
  // a month's step at every decision made it move as far in a year as in ten.
  auto beta_target = [](const char* news_days) {
    const auto r = run(
        quiet({"economics.target_growth_per_year=0.5", "countries.alpha.enforcement_capacity_raids_per_year=365",
               "enforcement.raid_success_probability=0.5", std::string("relocation.news_reaction_days=") + news_days,
               R"(operations=[{network="open_a", site="alpha_sez", operations=40, workers=4000},)"
               R"({network="open_a", site="beta_border", operations=1, workers=300}])"}));
    std::int64_t target = -1;
    for (const auto& op : r.final_operators) {
      if (op.country == beta) target = op.target_workers;
    }
    INFO("news every " << news_days << " days: successful raids in alpha "
                       << total(r, CountryMetric::raids_successful, alpha));
    REQUIRE(target > 0);
    return static_cast<double>(target);
  };
  const double monthly = beta_target("0");
  const double with_news = beta_target("3");
  INFO("beta's target after a year: " << monthly << " deciding monthly, " << with_news << " with news");
  CHECK(monthly > 300);
  CHECK(with_news == Approx(monthly).epsilon(0.15));
}

TEST_CASE("Operators that read risk differently see the same raids as different risks",
          "[unit][mechanism][risk_perception]") {
  // Alpha's three operations face the same raids (none succeeds, so nothing changes) and decide only at
  // step 0, before any risk. With one reading (v0.3) they end the run perceiving the same risk; with a
  // spread of 1 each reads it through its own factor, and the three differ.
  auto perceived = [](const char* spread) {
    const auto r = run(
        quiet({"relocation.decision_interval_days=3650", "countries.alpha.enforcement_capacity_raids_per_year=36",
               "enforcement.raid_success_probability=0", std::string("enforcement.risk_perception_spread=") + spread}));
    std::vector<double> risk;
    for (const auto& o : r.final_operators) {
      if (o.country == alpha && o.state == 0) risk.push_back(o.perceived_risk);
    }
    return risk;
  };
  const auto same = perceived("0");
  REQUIRE(same.size() == 3);
  CHECK(same[0] > 0);
  CHECK(same[1] == same[0]);
  CHECK(same[2] == same[0]);

  const auto spread = perceived("1");
  REQUIRE(spread.size() == 3);
  const auto [low, high] = std::minmax_element(spread.begin(), spread.end());
  INFO("perceived risks " << spread[0] << ", " << spread[1] << ", " << spread[2]);
  CHECK(*low > 0);
  CHECK(*high / *low > 1.2);
}
