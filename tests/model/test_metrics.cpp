#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "sim/model/metrics.hpp"
#include "sim/model/simulation.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/support/source.hpp"

using namespace scamsim;
using namespace scamsim::model;

TEST_CASE("Every flow metric is counted by some phase in a crackdown run", "[invariant][metrics]") {
  // The Cambodian crackdown of 2025 at 5% over two years has every kind of
  // flow: raids (leaked and successful), releases, escapes, aftercare,
  // repatriation, re-recruitment, splits, merges and moves. A flow whose
  // series is zero everywhere here has lost its producer (MODEL.md §3). No
  // flow is documented as possibly absent from this run.
  const auto s =
      test::load_source_scenario("scenarios/cambodia_crackdown_2025.toml", {"run.scale=0.05", "run.years=2"});
  Simulation sim(s, 0);
  sim.run_to_end();
  const RunRecord& r = sim.record();
  int flows = 0;
  for (std::size_t k = 0; k < country_metric_count; ++k) {
    if (country_metric_table[k].role != MetricRole::flow) continue;
    ++flows;
    double total = 0;
    for (std::int64_t t = 0; t < r.steps; ++t) {
      for (std::int64_t c = 0; c < r.countries; ++c) total += r.at(static_cast<CountryMetric>(k), t, c);
    }
    INFO("flow metric " << country_metric_table[k].name);
    CHECK(total > 0);
  }
  CHECK(flows == 18);
}

TEST_CASE("Stock metrics are the kept stocks, and global stocks and flows sum their country series",
          "[invariant][metrics]") {
  const auto s = test::load_source_scenario("tests/scenarios/tiny.toml", {"run.years=1"});
  Simulation sim(s, 0);
  const auto nc = static_cast<std::int64_t>(s.countries.size());
  while (!sim.finished()) {
    const std::int64_t t = sim.current_step();
    sim.step();
    const RunRecord& r = sim.record();
    for (std::int64_t c = 0; c < nc; ++c) {
      const auto country = id_at<CountryId>(static_cast<std::size_t>(c));
      REQUIRE(r.at(CountryMetric::workers_held, t, c) == static_cast<double>(sim.stock(WorkerState::held, country)));
      REQUIRE(r.at(CountryMetric::workers_in_transit, t, c) ==
              static_cast<double>(sim.stock(WorkerState::in_transit, country)));
      REQUIRE(r.at(CountryMetric::workers_released, t, c) ==
              static_cast<double>(sim.stock(WorkerState::released, country)));
      REQUIRE(r.at(CountryMetric::workers_in_aftercare, t, c) ==
              static_cast<double>(sim.stock(WorkerState::in_aftercare, country)));
      REQUIRE(r.at(CountryMetric::workers_repatriated, t, c) ==
              static_cast<double>(sim.stock(WorkerState::repatriated, country)));
    }
    double held = 0;
    double revenue = 0;
    for (std::int64_t c = 0; c < nc; ++c) {
      held += r.at(CountryMetric::workers_held, t, c);
      revenue += r.at(CountryMetric::revenue_usd, t, c);
    }
    REQUIRE(r.at(GlobalMetric::workers_held, t) == held);
    REQUIRE(r.at(GlobalMetric::revenue_usd, t) == revenue);
    // The revenue flow is the operators' revenue the ledger summed this step.
    REQUIRE(r.at(GlobalMetric::revenue_usd, t) == static_cast<double>(sim.ledger().revenue_usd));
  }
}

TEST_CASE("Every metric row has a role, and global stocks and flows have a country series of their name",
          "[unit][metrics]") {
  for (const MetricInfo& g : global_metrics()) {
    if (g.role == MetricRole::derived) continue;
    bool found = false;
    for (const MetricInfo& c : country_metrics()) found = found || (c.name == g.name && c.role == g.role);
    INFO("global metric " << g.name);
    CHECK(found);
  }
  // Stocks are people; flows are per step.
  for (const MetricInfo& m : country_metrics()) {
    INFO("country metric " << m.name);
    if (m.role == MetricRole::stock) CHECK(m.units == "people");
    if (m.role == MetricRole::flow) CHECK(m.units.ends_with("/step"));
  }
}
