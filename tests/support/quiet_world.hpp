#pragma once
// Test helper: the quiet world (tests/scenarios/quiet.toml: two hosts, alpha with three operations and beta with
// none, one origin, nothing happening) on which each displacement mechanism is tested with one thing switched
// on, and what those tests read from a run.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/model/simulation.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/support/source.hpp"

namespace scamsim::test {

inline scenario::Scenario quiet(std::vector<std::string> overrides = {}) {
  return scenario::load_scenario(test::test_scenario_path("quiet.toml"), overrides);
}

inline model::RunRecord run(const scenario::Scenario& s, std::uint32_t replicate = 0) {
  model::Simulation sim(s, replicate);
  sim.run_to_end();
  return sim.take_record();
}

inline double total(const model::RunRecord& r, model::CountryMetric m, std::int64_t country) {
  double sum = 0;
  for (std::int64_t t = 0; t < r.steps; ++t) sum += r.at(m, t, country);
  return sum;
}

inline std::vector<const model::EventRecord*> events_of(const model::RunRecord& r, model::EventKind kind,
                                                        std::int32_t country = -1) {
  std::vector<const model::EventRecord*> out;
  for (const auto& e : r.events) {
    if (e.kind == static_cast<std::uint8_t>(kind) && (country < 0 || e.country == country)) out.push_back(&e);
  }
  return out;
}

constexpr std::int32_t alpha = 0;  // countries sort by id: alpha, beta, gamma
constexpr std::int32_t beta = 1;

}  // namespace scamsim::test
