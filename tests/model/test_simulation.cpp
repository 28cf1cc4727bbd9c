#include <catch2/catch.hpp>

#include <filesystem>
#include <numeric>

#include "sim/model/simulation.hpp"
#include "sim/scenario/loader.hpp"

using namespace scamsim;
using namespace scamsim::model;

namespace {

scenario::Scenario load(const std::string& relative, std::vector<std::string> overrides = {}) {
  return scenario::load_scenario(std::filesystem::path(SCAMSIM_SOURCE_DIR) / relative, overrides);
}

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
  const auto s = load("tests/scenarios/tiny.toml", {"run.years=1"});
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
      if (sim.workers().state[i] == WorkerState::held) ++held[index_of(sim.workers().op[i])];
      if (sim.workers().state[i] == WorkerState::in_transit) ++incoming[index_of(sim.workers().op[i])];
    }
    REQUIRE(held == sim.operators().workers);
    REQUIRE(incoming == sim.operators().incoming);
  }
}
