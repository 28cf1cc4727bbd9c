#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <numeric>

#include "sim/model/simulation.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/support/source.hpp"

using namespace scamsim;
using namespace scamsim::model;

namespace {

std::int64_t total_people(const Simulation& sim) {
  std::int64_t total = 0;
  for (std::size_t s = 0; s < worker_state_count; ++s) {
    for (std::size_t c = 0; c < sim.scenario().countries.size(); ++c) {
      total += sim.stock(static_cast<WorkerState>(s), id_at<CountryId>(c));
    }
  }
  return total;
}

}  // namespace

TEST_CASE("Every worker is in exactly one state every step, and the kept stocks match a recount",
          "[invariant][simulation]") {
  const auto s = test::load_source_scenario("tests/scenarios/tiny.toml", {"run.years=1"});
  Simulation sim(s, 0);
  while (!sim.finished()) {
    sim.step();
    REQUIRE(total_people(sim) == static_cast<std::int64_t>(sim.workers().size()));
    const auto recount = sim.recount_stocks();
    std::vector<std::int64_t> kept;
    for (std::size_t st = 0; st < worker_state_count; ++st) {
      for (std::size_t c = 0; c < s.countries.size(); ++c) {
        kept.push_back(sim.stock(static_cast<WorkerState>(st), id_at<CountryId>(c)));
      }
    }
    REQUIRE(kept == recount);
    // Operators' head counts agree with the workers they hold.
    std::vector<std::int32_t> held(sim.operators().size(), 0);
    std::vector<std::int32_t> incoming(sim.operators().size(), 0);
    for (std::size_t i = 0; i < sim.workers().size(); ++i) {
      if (sim.workers()[i].state == WorkerState::held) ++held[index_of(sim.workers()[i].op)];
      if (sim.workers()[i].state == WorkerState::in_transit) ++incoming[index_of(sim.workers()[i].op)];
    }
    REQUIRE(held == sim.operators().workers);
    REQUIRE(incoming == sim.operators().incoming);
  }
}

TEST_CASE("Money is conserved every step: the change in capital is what came in less what went out",
          "[invariant][simulation]") {
  // Two worlds between them have every flow: raids that seize, leaks,
  // splits, sanctions (tiny.toml's events), moves, bankruptcies.
  std::int64_t moves = 0;
  std::int64_t seized = 0;
  std::int64_t frozen = 0;
  for (const char* inertia : {"relocation.inertia=10", "relocation.inertia=0"}) {
    const auto s = test::load_source_scenario(
        "tests/scenarios/tiny.toml",
        {"run.years=1", "countries.alpha.governance=0.9", "countries.alpha.corruption=0.3", "pressure.will_base=0.6",
         "countries.alpha.enforcement_capacity_raids_per_year=200", inertia});
    Simulation sim(s, 0);
    std::int64_t capital = 0;
    for (std::size_t o = 0; o < sim.operators().size(); ++o) capital += sim.operators().capital_usd[o];
    while (!sim.finished()) {
      sim.step();
      const Ledger& l = sim.ledger();
      REQUIRE(l.capital_usd - capital == l.revenue_usd - l.costs_usd - l.frozen_usd - l.seized_usd -
                                             l.moving_costs_usd - l.written_off_usd + l.invested_usd);
      capital = l.capital_usd;
      moves += l.moving_costs_usd;
      seized += l.seized_usd;
      frozen += l.frozen_usd;
    }
  }
  // The ledger saw every kind of flow, or the check above proved little.
  CHECK(moves > 0);
  CHECK(seized > 0);
  CHECK(frozen > 0);
}

TEST_CASE("Operators' releases appear in the event log with the people they let go", "[unit][simulation]") {
  const auto s =
      test::load_source_scenario("tests/scenarios/tiny.toml",
                                 {"run.years=1", "countries.alpha.governance=0.9", "countries.alpha.corruption=0.3",
                                  "pressure.will_base=0.6", "countries.alpha.enforcement_capacity_raids_per_year=200"});
  Simulation sim(s, 0);
  sim.run_to_end();
  const auto& r = sim.record();
  double logged = 0;
  for (const auto& e : r.events) {
    if (static_cast<EventKind>(e.kind) != EventKind::release) continue;
    CHECK(e.count > 0);
    CHECK(e.operator_id >= 0);
    logged += static_cast<double>(e.count);
  }
  double flow = 0;
  for (std::int64_t t = 0; t < r.steps; ++t) {
    for (std::int64_t c = 0; c < r.countries; ++c) flow += r.at(CountryMetric::releases_by_operator, t, c);
  }
  CHECK(logged > 0);
  // The flow also counts people stranded on arrival, whom no operator released.
  CHECK(logged <= flow);
}

TEST_CASE("A smaller world keeps each operation's size and draws how many there are, at least one per network",
          "[unit][simulation][scale]") {
  // The shipped baseline at run.scale 0.2: each operation at the start has the size of its group's operations at
  // 1:1 (give or take one person of the group's remainder), every network has one at least (events name them),
  // and over replicates the people held average 0.2 of 1:1's. Until the tenth trials a group of two compounds
  // of 1,500 became one of 600.
  const auto whole = test::load_source_scenario("scenarios/baseline.toml", {"run.years=1"});
  const auto small = test::load_source_scenario("scenarios/baseline.toml", {"run.years=1", "run.scale=0.2"});
  std::int64_t held_whole = 0;
  for (const auto& g : whole.operations) held_whole += g.workers;
  {
    const Simulation at_one(whole, 0);
    std::int64_t n = 0;
    for (const auto& g : whole.operations) n += g.operations;
    CHECK(static_cast<std::int64_t>(at_one.operators().size()) == n);  // 1:1 is the file
  }
  constexpr std::uint32_t replicates = 40;
  double held_small = 0;
  for (std::uint32_t r = 0; r < replicates; ++r) {
    const Simulation sim(small, r);
    const auto& ops = sim.operators();
    std::vector<std::int64_t> per_network(small.networks.size(), 0);
    for (std::size_t o = 0; o < ops.size(); ++o) {
      ++per_network[index_of(ops.network[o])];
      held_small += static_cast<double>(ops.workers[o]);
      // The group it comes from: the one of its network and site (unique in the baseline).
      const auto group = std::find_if(small.operations.begin(), small.operations.end(), [&](const auto& g) {
        return g.network == ops.network[o] && g.site == ops.site[o];
      });
      REQUIRE(group != small.operations.end());
      const std::int64_t size = group->workers / group->operations;
      CHECK(ops.workers[o] >= size);
      CHECK(ops.workers[o] <= size + 1);
    }
    for (const auto count : per_network) CHECK(count >= 1);
  }
  const double mean_share = held_small / replicates / static_cast<double>(held_whole);
  INFO("people held at 0.2 over 1:1's, mean of " << replicates << " replicates: " << mean_share);
  CHECK(mean_share == Approx(0.2).epsilon(0.05));
}

TEST_CASE("A smaller world sets its industry's revenue against a GDP as small, so its will is 1:1's",
          "[unit][simulation][scale]") {
  // Domestic will is divided by 1 + dependence_damping x (scam revenue / GDP). A world at run.scale 0.2 takes a
  // fifth of the revenue; set against the whole GDP it saw a fifth of the dependence, and Laos, whose industry
  // is about three quarters of its GDP, had 1.65 times 1:1's will (Cambodia 1.36). With no pressure in the will (gain
  // 0), dependence is all that moves it: on day 90 the will at 0.2, averaged over replicates, is 1:1's.
  const std::vector<std::string> no_pressure = {"run.years=1", "pressure.will_pressure_gain=0"};
  auto will_on_day_90 = [](const scenario::Scenario& s, std::uint32_t replicate, std::int64_t country) {
    Simulation sim(s, replicate);
    for (int t = 0; t <= 90; ++t) sim.step();
    return sim.take_record().at(CountryMetric::enforcement_will, 90, country);
  };
  const auto whole = test::load_source_scenario("scenarios/baseline.toml", no_pressure);
  auto small_overrides = no_pressure;
  small_overrides.push_back("run.scale=0.2");
  const auto small = test::load_source_scenario("scenarios/baseline.toml", small_overrides);
  for (const char* id : {"laos", "cambodia"}) {
    const auto found =
        std::find_if(whole.countries.begin(), whole.countries.end(), [&](const auto& k) { return k.id == id; });
    REQUIRE(found != whole.countries.end());
    const auto c = static_cast<std::int64_t>(found - whole.countries.begin());
    const double at_one = will_on_day_90(whole, 0, c);
    constexpr std::uint32_t replicates = 10;
    double at_small = 0;
    for (std::uint32_t r = 0; r < replicates; ++r) at_small += will_on_day_90(small, r, c) / replicates;
    INFO(id << ": will on day 90 at 0.2 " << at_small << ", at 1:1 " << at_one);
    REQUIRE(at_one > 0);
    CHECK(at_small / at_one == Approx(1.0).epsilon(0.05));
  }
}

TEST_CASE("No one is held by an operation that is gone, with or without the displacement mechanisms",
          "[invariant][simulation]") {
  // People on their way into another operation (a merge partner, a cell made today) used to stay attached to it
  // when it met its own fate the same day (merged in turn into a third, or raided after the plans were carried
  // out), held by an operation that was gone until they escaped: 21,526 person-days in the shipped crackdown's
  // first two years at 1:1, 40,004 in the v2 run below.
  auto ghost_person_days = [](const std::vector<std::string>& overrides) {
    const auto s = test::load_source_scenario("scenarios/cambodia_crackdown_2025.toml", overrides);
    Simulation sim(s, 0);
    std::int64_t ghosts = 0;
    while (!sim.finished()) {
      sim.step();
      for (std::size_t i = 0; i < sim.workers().size(); ++i) {
        if (sim.workers()[i].state != WorkerState::held) continue;
        if (sim.operators().state[index_of(sim.workers()[i].op)] == OperatorState::dismantled) ++ghosts;
      }
    }
    return ghosts;
  };
  CHECK(ghost_person_days({"run.years=2"}) == 0);
  CHECK(ghost_person_days({"run.scale=0.2", "run.years=2", "forms.cell_max_workers=40",
                           "forms.premises_capacity_factor=1.1", "economics.merge_window_days=30",
                           "relocation.news_reaction_days=3", "enforcement.visibility_floor=20",
                           "entry.entrant_rate_per_year=12", "entry.reopen_rate_per_year=20",
                           "entry.entrant_workers=1000", "workers.release_by_utility=1"}) == 0);
}
