// Running sweeps: the design expanded into runs with their seeds, runs that
// do not depend on threads or on the order they finish in, a run repeated
// alone from its resolved scenario, failed runs, stopping, and the bytes a
// run's result travels in between processes.

#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <set>

#include <fmt/format.h>

#include "sim/run/runner.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/sweep/sweep_runner.hpp"
#include "sim/sweep/sweep_spec.hpp"
#include "tests/support/bits.hpp"
#include "tests/support/source.hpp"
#include "tests/support/sweep_runs.hpp"

using namespace scamsim;
using namespace scamsim::sweep;
namespace fs = std::filesystem;
using scamsim::test::run_all;
using scamsim::test::same_bits;
using scamsim::test::test_sweep_path;

TEST_CASE("Run seeds derive from the sweep seed and the replicate, or the run without common random numbers",
          "[unit][sweep]") {
  const SweepSpec grid = load_sweep(test_sweep_path("tiny_grid.toml"));
  const SweepPlan plan = plan_sweep(grid);
  REQUIRE(plan.runs.size() == 6);
  // Common random numbers: replicate r of every point shares its seed; replicates differ.
  CHECK(plan.runs[0].seed == plan.runs[2].seed);
  CHECK(plan.runs[1].seed == plan.runs[5].seed);
  CHECK(plan.runs[0].seed != plan.runs[1].seed);
  CHECK(plan.runs[3].point == 1);
  CHECK(plan.runs[3].replicate == 1);
  CHECK(plan.runs[0].seed == run_seed(11, 0));

  const SweepSpec lhs = load_sweep(test_sweep_path("tiny_lhs.toml"));
  std::set<std::int64_t> seeds;
  for (const RunPlan& r : plan_sweep(lhs).runs) {
    CHECK(r.seed >= 0);
    CHECK(static_cast<double>(r.seed) <= 9.2e18);  // what run.seed accepts
    seeds.insert(r.seed);
  }
  CHECK(seeds.size() == 32);
  CHECK(run_seed(1, 0) != run_seed(2, 0));
  CHECK(run_seed(1, 0) == run_seed(1, 0));
}

TEST_CASE("A grid runs every combination, the last parameter fastest, with unit coordinates on the grid",
          "[unit][sweep]") {
  const SweepSpec spec = load_sweep(test_sweep_path("tiny_failing.toml"));
  const SweepPlan plan = plan_sweep(spec);
  REQUIRE(plan.runs.size() == 4);
  CHECK(plan.runs[0].values == std::vector<double>{0, 0});
  CHECK(plan.runs[1].values == std::vector<double>{0, 2000});
  CHECK(plan.runs[2].values == std::vector<double>{1, 0});
  CHECK(plan.runs[3].values == std::vector<double>{1, 2000});
  CHECK(plan.runs[1].unit == std::vector<double>{0, 1});
  CHECK(run_overrides(spec, plan.runs[1]) ==
        std::vector<std::string>{"countries.gamma.origin.initial_workforce_share=0", "operations.0.workers=2000",
                                 fmt::format("run.seed={}", plan.runs[1].seed), "run.replicates=1"});
}

TEST_CASE("Designs of every kind expand into points whose values lie in their ranges", "[unit][sweep]") {
  for (const char* name : {"tiny_lhs.toml", "tiny_saltelli.toml", "tiny_morris.toml"}) {
    INFO(name);
    const SweepSpec spec = load_sweep(test_sweep_path(name));
    const SweepPlan plan = plan_sweep(spec);
    CHECK(static_cast<std::int64_t>(plan.runs.size()) == spec.runs());
    for (const RunPlan& r : plan.runs) {
      for (std::size_t j = 0; j < spec.parameters.size(); ++j) {
        CHECK(r.values[j] >= spec.parameters[j].range.min);
        CHECK(r.values[j] <= spec.parameters[j].range.max);
        CHECK(r.unit[j] >= 0);
        CHECK(r.unit[j] <= 1);
      }
    }
  }
  // Whole-number keys take whole values, dates whole days.
  const SweepSpec lhs = load_sweep(test_sweep_path("tiny_lhs.toml"));
  for (const RunPlan& r : plan_sweep(lhs).runs) {
    CHECK(r.values[0] == std::floor(r.values[0]));
    CHECK(r.values[3] == std::floor(r.values[3]));
  }
}

TEST_CASE("A sweep gives the same rows whatever the number of threads", "[sweep][determinism]") {
  const SweepSpec spec = load_sweep(test_sweep_path("tiny_grid.toml"));
  const SweepPlan plan = plan_sweep(spec);
  const auto one = run_all(spec, plan, 1);
  const auto two = run_all(spec, plan, 2);
  REQUIRE(one.size() == plan.runs.size());
  REQUIRE(two.size() == plan.runs.size());
  for (const auto& [run, a] : one) {
    INFO("run " << run);
    const RunOutput& b = two.at(run);
    CHECK(a.status == RunStatus::done);
    CHECK(same_bits(a.outcomes, b.outcomes));
    REQUIRE(a.series.size() == 2);
    CHECK(same_bits(a.series[0], b.series[0]));
    CHECK(same_bits(a.series[1], b.series[1]));
  }
  // Budgets change something, and common random numbers make equal budgets' replicates equal.
  CHECK(one.at(0).outcomes[0] != one.at(4).outcomes[0]);
}

TEST_CASE("A run of a sweep repeated alone from its resolved scenario equals its row bitwise", "[sweep][determinism]") {
  const SweepSpec spec = load_sweep(test_sweep_path("tiny_lhs.toml"));
  const SweepPlan plan = plan_sweep(spec);
  for (const std::size_t n : {std::size_t{0}, std::size_t{13}, std::size_t{31}}) {
    INFO("run " << n);
    const RunOutput row = execute_run(spec, plan.runs[n]);
    REQUIRE(row.status == RunStatus::done);
    // What --print-run prints, loaded as scamsim run loads a file, run as scamsim run runs it.
    const std::string text = run_scenario(spec, plan.runs[n]).resolved_toml;
    const scenario::Scenario alone = scenario::load_scenario_text(text, "printed_run.toml");
    CHECK(alone.run.seed == plan.runs[n].seed);
    CHECK(alone.run.replicates == 1);
    run::RunOptions options;
    options.threads = 2;
    const run::RunResult result = run::run_replicates(alone, options);
    REQUIRE(result.replicates.size() == 1);
    std::vector<double> outcomes;
    for (const run::OutcomeSpec& o : spec.outcomes) {
      outcomes.push_back(run::at_full_scale(o, run::evaluate(o, result.replicates[0], 1.0), alone.run.scale));
    }
    CHECK(same_bits(outcomes, row.outcomes));
    const auto block = static_cast<std::size_t>(result.replicates[0].steps * result.replicates[0].countries);
    for (std::size_t m = 0; m < spec.keep_series.size(); ++m) {
      const auto first = result.replicates[0].by_country.begin() +
                         static_cast<std::ptrdiff_t>(static_cast<std::size_t>(spec.keep_series[m]) * block);
      CHECK(same_bits(std::vector<double>(first, first + static_cast<std::ptrdiff_t>(block)), row.series[m]));
    }
  }
}

TEST_CASE("A run the scenario refuses is recorded as failed with its message, and the others run", "[sweep]") {
  const SweepSpec spec = load_sweep(test_sweep_path("tiny_failing.toml"));
  const SweepPlan plan = plan_sweep(spec);
  const auto out = run_all(spec, plan, 2);
  REQUIRE(out.size() == 4);
  CHECK(out.at(0).status == RunStatus::done);
  CHECK(out.at(1).status == RunStatus::failed);
  CHECK_THAT(out.at(1).message, Catch::Contains("no nationality"));
  CHECK(std::isnan(out.at(1).outcomes.at(0)));
  CHECK(out.at(2).status == RunStatus::done);
  CHECK(out.at(3).status == RunStatus::done);
  CHECK(out.at(3).outcomes[0] > 0);
  CHECK(out.at(0).message.empty());
}

TEST_CASE("A stopped sweep reports the runs that finished and throws Interrupted", "[sweep]") {
  const SweepSpec spec = load_sweep(test_sweep_path("tiny_lhs.toml"));
  const SweepPlan plan = plan_sweep(spec);
  std::vector<std::int64_t> todo;
  for (const RunPlan& r : plan.runs) todo.push_back(r.run);
  std::atomic<bool> stop{false};
  std::int64_t finished = 0;
  SweepRunOptions options;
  options.threads = 1;
  options.stop = &stop;
  CHECK_THROWS_AS(run_sweep(spec, plan, todo, options,
                            [&](RunOutput&& o) {
                              CHECK(o.status == RunStatus::done);
                              if (++finished == 2) stop = true;
                            }),
                  run::Interrupted);
  CHECK(finished >= 2);
  CHECK(finished < static_cast<std::int64_t>(plan.runs.size()));
}

TEST_CASE("A run's result survives its encoding for other processes, and garbage is refused", "[unit][sweep]") {
  RunOutput o;
  o.run = 42;
  o.status = RunStatus::failed;
  o.message = "bad: é";
  o.outcomes = {1.5, std::numeric_limits<double>::quiet_NaN(), -3};
  o.series = {{1, 2, 3}, {}};
  const RunOutput back = decode(encode(o));
  CHECK(back.run == 42);
  CHECK(back.status == RunStatus::failed);
  CHECK(back.message == o.message);
  CHECK(same_bits(back.outcomes, o.outcomes));
  REQUIRE(back.series.size() == 2);
  CHECK(back.series[0] == o.series[0]);
  CHECK(back.series[1].empty());
  std::vector<std::byte> bytes = encode(o);
  bytes.pop_back();
  CHECK_THROWS_AS(decode(bytes), std::invalid_argument);
  bytes[0] = std::byte{0};
  CHECK_THROWS_AS(decode(bytes), std::invalid_argument);
}

TEST_CASE("Sensitivity is analysed on each point's mean over its finished replicates", "[unit][sweep]") {
  const std::vector<RunStatus> status = {RunStatus::done, RunStatus::done,   RunStatus::failed,
                                         RunStatus::done, RunStatus::failed, RunStatus::failed};
  const std::vector<double> means = point_means(3, 2, 1, std::vector<double>{1, 3, 99, 5, 7, 9}, status);
  CHECK(means[0] == 2);         // (1 + 3) / 2
  CHECK(means[1] == 5);         // the failed replicate left out
  CHECK(std::isnan(means[2]));  // nothing finished
  const SweepSpec saltelli_spec = load_sweep(test_sweep_path("tiny_saltelli.toml"));
  const SweepPlan plan = plan_sweep(saltelli_spec);
  const auto out = run_all(saltelli_spec, plan, 2);
  std::vector<double> values;
  std::vector<RunStatus> statuses;
  for (const auto& [run, o] : out) {
    values.insert(values.end(), o.outcomes.begin(), o.outcomes.end());
    statuses.push_back(o.status);
  }
  const auto s = analyse(saltelli_spec, plan, values, statuses);
  REQUIRE(s);
  CHECK(s->method == "sobol");
  REQUIRE(s->tables.size() == 6);
  CHECK(s->tables[0].first == "first");
  CHECK(s->tables[0].second.size() == 2 * 2);
  CHECK(s->used == std::vector<std::int64_t>{4, 4});
  CHECK_FALSE(analyse(load_sweep(test_sweep_path("tiny_grid.toml")),
                      plan_sweep(load_sweep(test_sweep_path("tiny_grid.toml"))), {}, {}));
}

TEST_CASE("A run that cannot be recorded stops the sweep with the recorder's error", "[sweep]") {
  const SweepSpec spec = load_sweep(test_sweep_path("tiny_lhs.toml"));
  const SweepPlan plan = plan_sweep(spec);
  std::vector<std::int64_t> todo;
  for (const RunPlan& r : plan.runs) todo.push_back(r.run);
  std::int64_t calls = 0;
  SweepRunOptions options;
  options.threads = 2;
  CHECK_THROWS_WITH(run_sweep(spec, plan, todo, options,
                              [&](RunOutput&&) {
                                ++calls;
                                throw std::runtime_error("disk full");
                              }),
                    "disk full");
  CHECK(calls == 1);
}
