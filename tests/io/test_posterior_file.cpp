// The posterior file of an ABC-SMC calibration (issue 16) and run files over a posterior: what is written reads
// back exactly, a calibration made differently is named, other files are refused, and the draw dimension keeps
// each run where run_draws put it.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <filesystem>
#include <string>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/io/posterior_file.hpp"
#include "sim/io/results.hpp"
#include "sim/io/run_file.hpp"
#include "sim/run/calibration.hpp"
#include "sim/run/runner.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/support/source.hpp"
#include "tests/support/temp_dir.hpp"

using namespace scamsim;
namespace fs = std::filesystem;

namespace {

run::RunOptions on_threads(int threads) {
  run::RunOptions options;
  options.threads = threads;
  return options;
}

run::CalibrationSpec quiet_spec(const std::vector<std::string>& overrides = {}) {
  return run::load_calibration(test::source_path("tests/scenarios/calibration/quiet_escapes_abc.toml"), overrides);
}

/// A small finished calibration of the quiet world.
io::Posterior small_posterior(const run::CalibrationSpec& spec) {
  run::AbcSettings settings = spec.abc;
  settings.population = 12;
  settings.max_generations = 3;
  settings.batch = 6;
  io::Posterior p = io::posterior_of(spec, "scamsim calibrate (test)");
  p.state = run::calibrate_abc(spec, settings, 2);
  return p;
}

}  // namespace

TEST_CASE("A posterior file reads back what was written, bit for bit", "[io][abc]") {
  const test::TempDir dir;
  const run::CalibrationSpec spec = quiet_spec();
  const io::Posterior written = small_posterior(spec);
  REQUIRE(written.state.generations.size() == 3);
  REQUIRE(written.complete());
  io::write_posterior(dir.file("post.h5"), written);
  const io::Posterior read = io::read_posterior(dir.file("post.h5"));
  CHECK(read.schema_version == io::results_schema_version);
  CHECK(read.scenario_toml == written.scenario_toml);
  CHECK(read.parameter_keys == written.parameter_keys);
  CHECK(read.parameter_integer == written.parameter_integer);
  CHECK(read.replicates == written.replicates);
  CHECK(read.state.stop == written.state.stop);
  CHECK(read.state.settings.seed == written.state.settings.seed);
  CHECK(read.state.settings.population == 12);
  REQUIRE(read.state.priors.size() == 1);
  CHECK(read.state.priors[0].kind == written.state.priors[0].kind);
  CHECK(read.state.priors[0].min == written.state.priors[0].min);
  REQUIRE(read.targets.size() == 1);
  CHECK(read.targets[0].figure == "275");
  CHECK(read.targets[0].z(275 * 1.1) == Approx(2));  // 10% over, at a tolerance of 5%
  REQUIRE(read.state.generations.size() == written.state.generations.size());
  for (std::size_t g = 0; g < read.state.generations.size(); ++g) {
    const auto& a = written.state.generations[g];
    const auto& b = read.state.generations[g];
    CHECK(a.particles == b.particles);
    CHECK(a.weights == b.weights);
    CHECK(a.distances == b.distances);
    CHECK(a.statistics == b.statistics);
    CHECK(a.tolerance == b.tolerance);
    CHECK(a.proposals == b.proposals);
    CHECK(a.simulated == b.simulated);
  }
  // Each accepted particle's statistics are its simulated figure, whose miss is its distance.
  const auto& last = read.final_population();
  for (std::size_t k = 0; k < last.particles.size(); ++k) {
    CHECK(std::abs(read.targets[0].z(last.statistics[k][0])) == Approx(last.distances[k]));
  }
  // A resume from the file read back ends where an uninterrupted run with one more generation does.
  run::AbcSettings more = read.state.settings;
  more.max_generations = 4;
  const run::AbcState resumed = run::calibrate_abc(spec, more, 1, {}, read.state);
  const run::AbcState whole = run::calibrate_abc(spec, more, 2);
  REQUIRE(resumed.generations.size() == whole.generations.size());
  CHECK(resumed.generations.back().particles == whole.generations.back().particles);
  CHECK(resumed.generations.back().weights == whole.generations.back().weights);
}

TEST_CASE("A posterior made by another calibration is named for what differs", "[io][abc]") {
  const run::CalibrationSpec spec = quiet_spec();
  const io::Posterior now = io::posterior_of(spec, "");
  CHECK_FALSE(io::calibration_difference(now, now));
  run::CalibrationSpec other_target = spec;
  other_target.targets[0].value = 300;
  auto why = io::calibration_difference(io::posterior_of(other_target, ""), now);
  REQUIRE(why);
  CHECK_THAT(*why, Catch::Contains("its target 1 is 'escapes in the year', 300"));
  run::CalibrationSpec more_replicates = spec;
  more_replicates.replicates = 2;
  why = io::calibration_difference(io::posterior_of(more_replicates, ""), now);
  REQUIRE(why);
  CHECK_THAT(*why, Catch::Contains("with 2 replicates per proposal (now 1)"));
  // The scenario as run: the calibration's --set changes it.
  // A --set of the calibration changes what every proposal runs.
  why = io::calibration_difference(io::posterior_of(quiet_spec({"run.seed=99"}), ""), now);
  REQUIRE(why);
  CHECK_THAT(*why, Catch::Contains("from another scenario"));
}

TEST_CASE("Reading a posterior refuses what is not one", "[io][abc]") {
  const test::TempDir dir;
  const auto s = scenario::load_scenario(test::source_path("tests/scenarios/quiet.toml"));
  io::run_into_file(s, on_threads(1), dir.file("run.h5"), "test");
  CHECK_THROWS_WITH(io::read_posterior(dir.file("run.h5")),
                    Catch::Contains("a scamsim run file, not a posterior file"));
  CHECK_THROWS_WITH(io::read_posterior(dir.file("none.h5")), Catch::Contains("no such posterior file"));
}

TEST_CASE("A run over draws keeps each run at its draw and replicate, and reads back flat in run order", "[io][abc]") {
  const test::TempDir dir;
  std::vector<scenario::Scenario> draws;
  for (const char* hazard : {"0.2", "1.5", "0.6"}) {
    draws.push_back(scenario::load_scenario(
        test::source_path("tests/scenarios/quiet.toml"),
        std::vector<std::string>{"run.replicates=2", fmt::format("workers.escape_hazard_per_year={}", hazard)}));
  }
  io::RunMetadata meta = io::RunMetadata::from_scenario(draws[0], "test");
  meta.draws = 3;
  meta.draw_parameters = {"workers.escape_hazard_per_year"};
  meta.draw_values = {0.2, 1.5, 0.6};
  meta.draw_particle = {4, 0, 2};
  meta.posterior_file = "post.h5";
  io::run_draws_into_file(draws, meta, on_threads(2), dir.file("over.h5"));
  const io::Results r = io::read_results(dir.file("over.h5"));
  CHECK(r.meta.draws == 3);
  CHECK(r.meta.runs() == 6);
  CHECK(r.meta.draw_values == meta.draw_values);
  CHECK(r.meta.draw_particle == meta.draw_particle);
  // Each run as a single run of its draw's scenario and replicate gives it.
  const std::size_t per_run = r.global.at("workers_held").size() / 6;
  for (std::size_t run = 0; run < 6; ++run) {
    auto one = draws[run / 2];
    const auto alone = run::run_replicates(one, on_threads(1));
    const auto& record = alone.replicates[run % 2];
    const std::size_t steps = static_cast<std::size_t>(record.steps);
    REQUIRE(per_run == steps);
    const std::size_t countries = r.meta.country_ids.size();
    std::size_t m = 0;
    while (model::country_metrics()[m].name != std::string_view("escapes")) ++m;
    const std::vector<double>& file = r.by_country.at("escapes");
    const std::vector<double> from_file(file.begin() + static_cast<std::ptrdiff_t>(run * steps * countries),
                                        file.begin() + static_cast<std::ptrdiff_t>((run + 1) * steps * countries));
    const std::vector<double> from_record(
        record.by_country.begin() + static_cast<std::ptrdiff_t>(m * steps * countries),
        record.by_country.begin() + static_cast<std::ptrdiff_t>((m + 1) * steps * countries));
    INFO("run " << run);
    CHECK(from_file == from_record);
  }
}
