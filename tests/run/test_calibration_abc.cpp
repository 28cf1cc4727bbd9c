// ABC-SMC on scamsim itself (issue 16): a recovery test, where the record is what a run at a known parameter
// value gave, and the posterior's 90% interval must hold that value.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "sim/model/random.hpp"
#include "sim/model/simulation.hpp"
#include "sim/run/calibration.hpp"
#include "sim/run/outcomes.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/support/source.hpp"

using namespace scamsim;

namespace {

/// What the calibration's one target gives in a run of its scenario with the escape hazard at `hazard`.
double observed_escapes(const run::CalibrationSpec& spec, double hazard, std::int64_t seed) {
  const std::vector<std::string> overrides = {"workers.escape_hazard_per_year=" + std::to_string(hazard),
                                              "run.seed=" + std::to_string(seed)};
  const auto s = scenario::load_scenario(spec.scenario, overrides);
  model::Simulation sim(s, 0);
  sim.run_to_end();
  return run::evaluate(spec.targets[0].outcome, sim.record(), spec.dt_days);
}

}  // namespace

TEST_CASE("ABC-SMC on scamsim recovers the escape hazard a run was made with", "[abc][calibration]") {
  // The quiet world: 700 people held, nothing happens but escapes, so the year's escapes are binomial with
  // chance 1 - exp(-hazard): at 0.5 about 275, give or take 13. The record is one run at 0.5 (seed 2026); the
  // posterior is about 0.03 wide either side, the prior log-uniform on [0.05, 5].
  auto spec = run::load_calibration(test::source_path("tests/scenarios/calibration/quiet_escapes.toml"));
  const double truth = 0.5;
  spec.targets[0].value = observed_escapes(spec, truth, 2026);
  REQUIRE(spec.targets[0].value > 200);

  run::AbcSettings settings;
  settings.population = 200;
  settings.max_generations = 8;
  settings.batch = 50;
  settings.seed = 3;
  std::vector<double> tolerances;
  const run::AbcState state = run::calibrate_abc(spec, settings, 2, [&](const run::AbcState& s) {
    if (!s.generations.empty()) tolerances.push_back(s.generations.back().tolerance);
  });
  REQUIRE(state.generations.size() >= 4);
  const run::AbcGeneration& last = state.generations.back();
  const run::PosteriorSummary hazard = run::summarise(last, 0);
  INFO("observed " << spec.targets[0].value << " escapes; " << state.generations.size() << " generations ("
                   << run::abc_stop_text(state.stop) << "), tolerance " << last.tolerance << ", ESS " << last.ess()
                   << "; hazard median " << hazard.median << ", 90% interval " << hazard.low << " to " << hazard.high);
  CHECK(hazard.low <= truth);
  CHECK(truth <= hazard.high);
  // The record pins the hazard: the interval is a small part of the prior's range, and centred near the truth.
  CHECK(hazard.high - hazard.low < 0.25);
  CHECK(std::abs(hazard.median - truth) < 0.1);
  // Each generation's tolerance is below the last's.
  for (std::size_t g = 2; g < tolerances.size(); ++g) CHECK(tolerances[g] < tolerances[g - 1]);
}

TEST_CASE("ABC-SMC on scamsim gives the same posterior on one thread and on two", "[abc][calibration][determinism]") {
  auto spec = run::load_calibration(test::source_path("tests/scenarios/calibration/quiet_escapes.toml"));
  spec.targets[0].value = 275;
  run::AbcSettings settings;
  settings.population = 40;
  settings.max_generations = 3;
  settings.batch = 16;
  const run::AbcState one = run::calibrate_abc(spec, settings, 1);
  const run::AbcState two = run::calibrate_abc(spec, settings, 2);
  REQUIRE(one.generations.size() == 3);
  for (std::size_t g = 0; g < 3; ++g) {
    CHECK(one.generations[g].particles == two.generations[g].particles);
    CHECK(one.generations[g].weights == two.generations[g].weights);
    CHECK(one.generations[g].distances == two.generations[g].distances);
  }
}

TEST_CASE("Coverage study: how often ABC-SMC's 90% interval holds the truth over synthetic records", "[.coverage]") {
  // Not in CI (hidden tag; about a minute and a half): `build/tests/scamsim_tests "[.coverage]" -s` prints each
  // record's interval and the share that holds the truth. Each record is one run of the quiet world at a hazard
  // drawn from the prior's central part, with its own seed; docs/CALIBRATION.md records the result.
  auto spec = run::load_calibration(test::source_path("tests/scenarios/calibration/quiet_escapes.toml"));
  const int records = 40;
  int covered = 0;
  for (int k = 0; k < records; ++k) {
    model::Draws d(model::StreamKey{4242, 0}, 0, static_cast<std::uint32_t>(k), model::Purpose::test);
    const double truth = std::exp(std::log(0.2) + d.uniform() * (std::log(2.0) - std::log(0.2)));
    spec.targets[0].value = observed_escapes(spec, truth, 1000 + k);
    run::AbcSettings settings;
    settings.population = 200;
    settings.max_generations = 8;
    settings.batch = 50;
    settings.seed = static_cast<std::uint64_t>(100 + k);
    const run::AbcState state = run::calibrate_abc(spec, settings, 0);
    const run::PosteriorSummary hazard = run::summarise(state.generations.back(), 0);
    const bool holds = hazard.low <= truth && truth <= hazard.high;
    covered += holds ? 1 : 0;
    WARN("record " << k << ": truth " << truth << ", 90% interval " << hazard.low << " to " << hazard.high
                   << (holds ? "" : "  MISSED"));
  }
  WARN("90% intervals held the truth for " << covered << " of " << records << " records");
  // Binomial(40, 0.9): 36 expected, below 31 has a chance under 1%.
  CHECK(covered >= 31);
}
