// One test per mechanism of MODEL.md section 4, each on the quiet world
// (tests/scenarios/quiet.toml) with one thing switched on, against an
// expectation worked out by hand.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "sim/model/decisions.hpp"
#include "sim/model/random.hpp"
#include "sim/model/simulation.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/support/source.hpp"

using namespace scamsim;
using namespace scamsim::model;

namespace {

/// One field of every worker's row, in id order.
template <class T>
std::vector<T> column(const Workers& workers, T Worker::*field) {
  std::vector<T> values;
  values.reserve(workers.size());
  for (const Worker& w : workers.rows) values.push_back(w.*field);
  return values;
}

}  // namespace

namespace {

scenario::Scenario quiet(std::vector<std::string> overrides = {}) {
  return scenario::load_scenario(test::test_scenario_path("quiet.toml"), overrides);
}

double total(const RunRecord& r, CountryMetric m, std::int64_t country = -1) {
  double sum = 0;
  for (std::int64_t t = 0; t < r.steps; ++t) {
    for (std::int64_t c = 0; c < r.countries; ++c) {
      if (country < 0 || c == country) sum += r.at(m, t, c);
    }
  }
  return sum;
}

RunRecord run(const scenario::Scenario& s, std::uint32_t replicate = 0) {
  Simulation sim(s, replicate);
  sim.run_to_end();
  return sim.take_record();
}

constexpr std::int64_t alpha = 0;  // countries sort by id: alpha, beta, gamma

}  // namespace

TEST_CASE("Pressure halves after one half-life", "[unit][mechanism]") {
  const auto r = run(quiet({"countries.alpha.initial_pressure=0.8", "pressure.half_life_days=30"}));
  // Pressure decays at the start of each step: after step 29 it has decayed 30 days.
  CHECK(r.at(CountryMetric::pressure, 29, alpha) == Approx(0.4).epsilon(1e-12));
  CHECK(r.at(CountryMetric::pressure, 59, alpha) == Approx(0.2).epsilon(1e-12));
}

TEST_CASE("A pressure shock raises will and the raid rate, and none of them without capacity", "[unit][mechanism]") {
  const auto r =
      run(quiet({"pressure.will_base=0", "countries.alpha.enforcement_capacity_raids_per_year=100",
                 R"(events=[{kind="pressure_shock", date=2025-03-01, country="alpha", pressure_shock=0.5}])"}));
  const std::int64_t before = 58;  // 2025-02-28
  const std::int64_t after = 59;   // 2025-03-01
  CHECK(r.at(CountryMetric::enforcement_will, before, alpha) == 0.0);
  CHECK(r.at(CountryMetric::enforcement_will, after, alpha) > 0.4);
  CHECK(r.at(CountryMetric::raid_rate_per_year, after, alpha) > 40);
}

TEST_CASE("No enforcement means no raids, whatever the pressure or crackdowns", "[invariant][mechanism]") {
  const auto r = run(quiet(
      {"countries.alpha.initial_pressure=1",
       R"(events=[{kind="crackdown", date=2025-02-01, country="alpha", capacity_factor=100, duration_days=200}])"}));
  CHECK(total(r, CountryMetric::raids) == 0);
  CHECK(std::none_of(r.events.begin(), r.events.end(), [](const EventRecord& e) {
    return e.kind == static_cast<std::uint8_t>(EventKind::raid_failed) ||
           e.kind == static_cast<std::uint8_t>(EventKind::raid_success) ||
           e.kind == static_cast<std::uint8_t>(EventKind::raid_leaked);
  }));
}

TEST_CASE("Raid targets are drawn in proportion to visibility x (1 - protection x corruption)",
          "[distribution][mechanism]") {
  // Ten raids a day that never succeed and change nothing: 3,650 target draws.
  const auto s = quiet({"countries.alpha.enforcement_capacity_raids_per_year=3650"});
  const auto r = run(s);
  std::vector<double> hits(3, 0.0);
  for (const auto& e : r.events) {
    const auto kind = static_cast<EventKind>(e.kind);
    if (kind == EventKind::raid_failed || kind == EventKind::raid_leaked)
      hits.at(static_cast<std::size_t>(e.operator_id)) += 1;
  }
  const double n = std::accumulate(hits.begin(), hits.end(), 0.0);
  REQUIRE(n > 3000);
  // Operators in slot order: open_a 300, protected_b 300 (protection 0.5), open_c 100; corruption 0.6, beta 1.
  const std::vector<double> weight = {300.0 / 200, 300.0 / 200 * (1 - 0.5 * 0.6), 100.0 / 200};
  const double sum = weight[0] + weight[1] + weight[2];
  for (std::size_t o = 0; o < 3; ++o) {
    const double p = weight[o] / sum;
    INFO("operator " << o);
    CHECK(hits[o] / n == Approx(p).margin(4 * std::sqrt(p * (1 - p) / n)));
  }
  // Leaks happen only to the protected operator, at rate protection x corruption = 0.3.
  double leaked_b = 0;
  for (const auto& e : r.events) {
    if (static_cast<EventKind>(e.kind) != EventKind::raid_leaked) continue;
    CHECK(e.operator_id == 1);
    leaked_b += 1;
  }
  CHECK(leaked_b / hits[1] == Approx(0.3).margin(4 * std::sqrt(0.3 * 0.7 / hits[1])));
}

TEST_CASE("Sanctions freeze the network's capital", "[unit][mechanism]") {
  const auto s = quiet(
      {R"(events=[{kind="sanctions_network", date=2025-01-11, network="protected_b", capital_frozen_share=0.75}])"});
  Simulation sim(s, 0);
  for (int t = 0; t < 10; ++t) sim.step();
  const std::int64_t before = sim.operators().capital_usd[1];
  const std::int64_t untouched = sim.operators().capital_usd[0];
  sim.step();
  const auto frozen = static_cast<std::int64_t>(std::llround(static_cast<double>(before) * 0.75));
  const auto& log = sim.record().events;
  const auto event = std::find_if(log.begin(), log.end(), [](const EventRecord& e) {
    return static_cast<EventKind>(e.kind) == EventKind::scenario_event;
  });
  REQUIRE(event != log.end());
  CHECK(event->amount_usd == frozen);
  // What is left is a quarter of the capital plus one day's earnings, at most
  // what the untouched operator of the same size earned (it pays no bribes).
  const std::int64_t earned = sim.operators().capital_usd[0] - untouched;
  CHECK(earned > 0);
  CHECK(sim.operators().capital_usd[1] > before - frozen);
  CHECK(sim.operators().capital_usd[1] <= before - frozen + earned);
}

TEST_CASE("Aftercare never exceeds its beds, and full effectiveness means nobody in care is re-recruited",
          "[invariant][mechanism]") {
  // Raids free people; recruiters want them back; beds are few.
  const auto s =
      quiet({"countries.alpha.enforcement_capacity_raids_per_year=50", "enforcement.raid_success_probability=1",
             "workers.rerecruit_hazard_per_month=5", "economics.target_growth_per_year=10", "aftercare.effectiveness=1",
             "countries.alpha.host.aftercare_budget_usd_per_year=730000",  // 100 beds at 20 USD/day
             "countries.beta.host.aftercare_budget_usd_per_year=0", "operations.0.workers=3000",
             "operations.0.operations=6"});
  Simulation sim(s, 0);
  std::int64_t admitted = 0;
  while (!sim.finished()) {
    const std::vector<WorkerState> before = column(sim.workers(), &Worker::state);
    sim.step();
    REQUIRE(sim.stock(WorkerState::in_aftercare, id_at<CountryId>(0)) <= sim.countries()[0].aftercare_beds);
    REQUIRE(sim.countries()[0].aftercare_beds == 100);
    for (std::size_t i = 0; i < before.size(); ++i) {
      REQUIRE_FALSE((before[i] == WorkerState::in_aftercare && sim.workers()[i].state == WorkerState::held));
    }
    admitted +=
        static_cast<std::int64_t>(sim.record().at(CountryMetric::aftercare_admissions, sim.current_step() - 1, 0));
  }
  CHECK(admitted > 100);  // the beds were used and turned over
}

TEST_CASE("Re-recruitment falls as aftercare effectiveness rises", "[mechanism]") {
  auto rerecruited = [](double effectiveness) {
    const auto s = quiet({"countries.alpha.enforcement_capacity_raids_per_year=50",
                          "enforcement.raid_success_probability=1", "workers.rerecruit_hazard_per_month=2",
                          "economics.target_growth_per_year=10", "operations.0.workers=3000",
                          "operations.0.operations=6", "countries.alpha.host.aftercare_budget_usd_per_year=100000000",
                          "aftercare.effectiveness=" + std::to_string(effectiveness)});
    double sum = 0;
    for (std::uint32_t r = 0; r < 3; ++r) sum += total(run(s, r), CountryMetric::rerecruited);
    return sum;
  };
  const double none = rerecruited(0.0);
  const double most = rerecruited(0.9);
  INFO("re-recruited with effectiveness 0: " << none << ", with 0.9: " << most);
  CHECK(none > 100);
  CHECK(most < 0.6 * none);
}

TEST_CASE("Workers differ in vulnerability with a spread, around the same mean", "[unit][mechanism][vulnerability]") {
  auto vulnerabilities = [](const char* spread) {
    const auto s = quiet({"operations.0.workers=3000", std::string("workers.vulnerability_spread=") + spread});
    const Simulation sim(s, 0);
    return column(sim.workers(), &Worker::vulnerability);
  };
  const auto same = vulnerabilities("0");
  REQUIRE(same.size() >= 3000);
  for (const float v : same) REQUIRE(v == 0.7f);  // v0.3: one value for everyone

  const auto spread = vulnerabilities("1");
  const auto [low, high] = std::minmax_element(spread.begin(), spread.end());
  const double mean = std::accumulate(spread.begin(), spread.end(), 0.0) / static_cast<double>(spread.size());
  INFO("vulnerability from " << *low << " to " << *high << ", mean " << mean);
  CHECK(*low >= 0);
  CHECK(*high <= 1);
  CHECK(*high - *low > 0.5);
  CHECK(std::abs(mean - 0.7) < 0.03);  // the cut at 0 lifts it a little
}

TEST_CASE("Shelters that take the most vulnerable first admit people more vulnerable than those left waiting",
          "[unit][mechanism][vulnerability]") {
  // Raids free thousands; 100 beds. Each step, those admitted against those still waiting.
  auto admitted_over_waiting = [](const char* triage) {
    const auto s = quiet({"countries.alpha.enforcement_capacity_raids_per_year=50",
                          "enforcement.raid_success_probability=1", "operations.0.workers=3000",
                          "operations.0.operations=6", "countries.alpha.host.aftercare_budget_usd_per_year=730000",
                          "countries.beta.host.aftercare_budget_usd_per_year=0", "workers.vulnerability_spread=1",
                          std::string("aftercare.most_vulnerable_first=") + triage});
    Simulation sim(s, 0);
    double admitted = 0, waiting = 0;
    std::int64_t n_admitted = 0, n_waiting = 0;
    while (!sim.finished()) {
      const std::vector<WorkerState> before = column(sim.workers(), &Worker::state);
      const std::vector<float> vulnerability =
          column(sim.workers(), &Worker::vulnerability);  // as filed: it falls only in care
      sim.step();
      const auto after = column(sim.workers(), &Worker::state);
      for (std::size_t i = 0; i < before.size(); ++i) {
        if (before[i] != WorkerState::released || after[i] == WorkerState::repatriated) continue;
        if (after[i] == WorkerState::in_aftercare) {
          admitted += vulnerability[i];
          ++n_admitted;
        } else if (after[i] == WorkerState::released && sim.workers()[i].country == id_at<CountryId>(0)) {
          waiting += vulnerability[i];
          ++n_waiting;
        }
      }
    }
    REQUIRE(n_admitted > 100);
    REQUIRE(n_waiting > 100);
    return (admitted / static_cast<double>(n_admitted)) / (waiting / static_cast<double>(n_waiting));
  };
  const double first_come = admitted_over_waiting("0");
  const double triage = admitted_over_waiting("1");
  INFO("admitted over waiting, mean vulnerability: first come " << first_come << ", most vulnerable first " << triage);
  CHECK(triage > 1.2);
  CHECK(triage > first_come + 0.1);
}

TEST_CASE("With no recruitment of any kind the population held only falls", "[invariant][mechanism]") {
  const auto s =
      quiet({"countries.alpha.enforcement_capacity_raids_per_year=50", "enforcement.raid_success_probability=1",
             "workers.escape_hazard_per_year=0.5", "operations.0.workers=3000"});
  const auto r = run(s);
  // Held or being moved by an operator that relocates (in transit, then held
  // again on arrival): the people in the operations' hands only fall.
  auto in_hand = [&](std::int64_t t) {
    double sum = 0;
    for (std::int64_t c = 0; c < r.countries; ++c) {
      sum += r.at(CountryMetric::workers_held, t, c) + r.at(CountryMetric::workers_in_transit, t, c);
    }
    return sum;
  };
  for (std::int64_t t = 1; t < r.steps; ++t) REQUIRE(in_hand(t) <= in_hand(t - 1));
  CHECK(r.at(GlobalMetric::workers_held, r.steps - 1) < r.at(GlobalMetric::workers_held, 0));
  CHECK(total(r, CountryMetric::new_recruits) == 0);
  CHECK(total(r, CountryMetric::rerecruited) == 0);
}

TEST_CASE("Escape times match their hazard", "[distribution][mechanism]") {
  // Held people escape at 1 a year and nothing else happens: after a year,
  // e^-1 of them remain, binomially.
  const auto s = quiet({"workers.escape_hazard_per_year=1", "operations.0.workers=20000"});
  const auto r = run(s);
  const double start = 20000 + 300 + 100;
  const double p = std::exp(-1.0);
  const double left = r.at(GlobalMetric::workers_held, r.steps - 1);
  CHECK(left / start == Approx(p).margin(4 * std::sqrt(p * (1 - p) / start) + 1.0 / 365));
  CHECK(total(r, CountryMetric::escapes) == start - left);
}

TEST_CASE("An operator splits when enforcement makes smaller cells more profitable, and not otherwise",
          "[unit][mechanism]") {
  SizeEconomics e{300, 2000, 0, 200, 1, 365};
  CHECK(best_split(1000, 4, 10, e) == 0);  // no risk: splitting only adds fixed costs
  e.hazard_per_visibility = 2e-4;
  // By hand: loss = 2e-4 * 5 * 1000 * 300 * 365 = 109,500/day; two cells save half, 54,750 > 2,000.
  CHECK(split_gain(1000, 2, e) == Approx(109500 * 0.5 - 2000));
  CHECK(best_split(1000, 4, 10, e) == 4);
  CHECK(best_split(1000, 4, 400, e) == 2);  // cells of 400 at least: only 2 fit
  // The most profitable size falls as the hazard rises.
  CHECK(most_profitable_size(e, 5000) == Approx(200 / (2e-4 * 365 * 2)));
  SizeEconomics riskier = e;
  riskier.hazard_per_visibility = 4e-4;
  CHECK(most_profitable_size(riskier, 5000) < most_profitable_size(e, 5000));

  // And in the world: a sustained raid threat makes operators split; without it none do.
  auto splits = [](bool raids) {
    const auto s = quiet({"economics.min_cell_workers=10", "economics.max_split_cells=4",
                          "enforcement.raid_success_probability=0.2", "enforcement.risk_memory_days=1",
                          std::string("countries.alpha.enforcement_capacity_raids_per_year=") + (raids ? "20" : "0")});
    return total(run(s), CountryMetric::splits);
  };
  CHECK(splits(false) == 0);
  CHECK(splits(true) > 0);
}

TEST_CASE("An operator chooses a country in proportion to the logit rule", "[distribution][mechanism]") {
  const std::vector<double> utility = {100, 90, 70};
  const double scale = 10;
  const auto cumulative = logit_cumulative(utility, scale);
  std::vector<double> expected(3);
  for (std::size_t k = 0; k < 3; ++k) expected[k] = std::exp((utility[k] - 100) / scale);
  const double sum = expected[0] + expected[1] + expected[2];
  std::vector<double> counts(3, 0.0);
  constexpr int n = 50000;
  for (std::uint32_t i = 0; i < n; ++i) {
    ++counts[Draws(StreamKey{1, 0}, 0, i, Purpose::relocation_choice).categorical(cumulative)];
  }
  for (std::size_t k = 0; k < 3; ++k) {
    const double p = expected[k] / sum;
    CHECK(counts[k] / n == Approx(p).margin(4 * std::sqrt(p * (1 - p) / n)));
  }
  // In the world: with no inertia and a country without raids next door, a
  // threatened operation moves there.
  const auto s = quiet({"relocation.inertia=0", "countries.alpha.enforcement_capacity_raids_per_year=200",
                        "enforcement.raid_success_probability=0.2", "enforcement.risk_memory_days=1",
                        "relocation.logit_scale=0.05"});
  const auto r = run(s);
  CHECK(total(r, CountryMetric::relocations_out, alpha) > 0);
  CHECK(total(r, CountryMetric::relocations_in, 1) == total(r, CountryMetric::relocations_out, alpha));
}

TEST_CASE("The shared formulas of decisions.hpp give MODEL.md's values by hand", "[unit][mechanism]") {
  CHECK(visibility(400, 200, 1) == 2);
  CHECK(visibility(800, 200, 0.5) == 2);
  CHECK(exposure(0.5, 0.4) == Approx(0.8));
  CHECK(detection(1, 0.5) == 1.5);
  CHECK(raid_weight(2, 1.5, 0.8) == Approx(2.4));
  CHECK(chance_of_raid_within(0, 3, 30) == 0);
  CHECK(chance_of_raid_within(0.01, 2, 30) == Approx(1 - std::exp(-0.6)));
  // 340 USD a worker-day at infrastructure 1, uplift 0.3 at tech 0.2, half the conversions lost at awareness 0.2.
  CHECK(revenue_usd_per_worker_day(340, 1, 0.3, 0.2, 0.5, 0.2) == Approx(340 * 1.06 * 0.9));
  // Bribes 0.5 x 0.1, laundering 0.7 x (0.1 fees + 0.02 frozen), upkeep 5.
  CHECK(margin_usd_per_worker_day(340, 0.5, 0.02, 5, {0.1, 0.7, 0.1}) == Approx(340 * (1 - 0.05 - 0.084) - 5));
}

TEST_CASE("Operators release people under acute risk within the release horizon, and not with no horizon",
          "[invariant][mechanism]") {
  // A raid-heavy host with no protection (so no leaks, the other reason to
  // release a share): with the default month, risk passes the threshold and
  // operators let people go; with a horizon of a second, the chance of a
  // raid within it never does, so none does.
  auto pressure_releases = [](const char* horizon) {
    const auto s =
        quiet({"countries.alpha.enforcement_capacity_raids_per_year=200", "enforcement.raid_success_probability=0.2",
               "enforcement.risk_memory_days=1", "workers.pressure_release_threshold=0.05", "relocation.inertia=10",
               "networks.protected_b.protection=0", std::string("workers.pressure_release_horizon_days=") + horizon});
    Simulation sim(s, 0);
    std::int64_t releases = 0;
    while (!sim.finished()) {
      sim.step();
      for (const OperatorFate fate : sim.operators().fate) releases += fate == OperatorFate::release_share ? 1 : 0;
    }
    return releases;
  };
  CHECK(pressure_releases("30") > 0);
  CHECK(pressure_releases("0.00001") == 0);
}
