#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/run/runner.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/support/bits.hpp"
#include "tests/support/source.hpp"

using namespace scamsim;
using scamsim::test::same_bits;

namespace {

scenario::Scenario crackdown_world(std::vector<std::string> extra = {}) {
  // tiny.toml has a crackdown and sanctions; raise enforcement so raids,
  // releases, splits and moves all happen within the year.
  std::vector<std::string> overrides = {"run.years=1", "run.replicates=2", "countries.alpha.governance=0.9",
                                        "countries.alpha.corruption=0.3", "pressure.will_base=0.6",
                                        "countries.alpha.enforcement_capacity_raids_per_year=200",
                                        // Several chunks of the worker phase, so threads really share it.
                                        "operations.0.workers=50000", "operations.0.operations=40"};
  overrides.insert(overrides.end(), extra.begin(), extra.end());
  return test::tiny_scenario(overrides);
}

// Compared field by field below: a field added to either record changes its size and stops the build here
// until it is compared too.
static_assert(sizeof(model::EventRecord) == 40, "compare the new EventRecord field in first_event_difference");
static_assert(sizeof(model::OperatorRecord) == 72, "compare the new OperatorRecord field in first_operator_difference");

// The first event whose fields differ, named with the field ("" if the logs are the same).
std::string first_event_difference(const std::vector<model::EventRecord>& a, const std::vector<model::EventRecord>& b) {
  if (a.size() != b.size()) return fmt::format("{} events against {}", a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto differs = [&](const char* field, auto x, auto y) {
      return x == y ? std::string() : fmt::format("event {}: {} {} against {}", i, field, x, y);
    };
    for (const std::string& difference :
         {differs("step", a[i].step, b[i].step), differs("kind", int{a[i].kind}, int{b[i].kind}),
          differs("country", a[i].country, b[i].country), differs("network", a[i].network, b[i].network),
          differs("operator_id", a[i].operator_id, b[i].operator_id), differs("count", a[i].count, b[i].count),
          differs("amount_usd", a[i].amount_usd, b[i].amount_usd)}) {
      if (!difference.empty()) return difference;
    }
  }
  return {};
}

// The first final operator whose fields differ, named with the field ("" if the tables are the same).
std::string first_operator_difference(const std::vector<model::OperatorRecord>& a,
                                      const std::vector<model::OperatorRecord>& b) {
  if (a.size() != b.size()) return fmt::format("{} operators against {}", a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto differs = [&](const char* field, auto x, auto y) {
      return x == y ? std::string() : fmt::format("operator row {}: {} {} against {}", i, field, x, y);
    };
    const auto bits_differ = [&](const char* field, double x, double y) {
      return same_bits(x, y) ? std::string() : fmt::format("operator row {}: {} {} against {}", i, field, x, y);
    };
    for (const std::string& difference :
         {differs("operator_id", a[i].operator_id, b[i].operator_id), differs("network", a[i].network, b[i].network),
          differs("country", a[i].country, b[i].country), differs("site", a[i].site, b[i].site),
          differs("state", int{a[i].state}, int{b[i].state}), differs("workers", a[i].workers, b[i].workers),
          differs("target_workers", a[i].target_workers, b[i].target_workers),
          differs("capital_usd", a[i].capital_usd, b[i].capital_usd),
          bits_differ("protection", a[i].protection, b[i].protection), bits_differ("tech", a[i].tech, b[i].tech),
          bits_differ("perceived_risk", a[i].perceived_risk, b[i].perceived_risk)}) {
      if (!difference.empty()) return difference;
    }
  }
  return {};
}

run::RunOptions with_threads(int threads, const std::atomic<bool>* stop = nullptr) {
  run::RunOptions options;
  options.threads = threads;
  options.stop = stop;
  return options;
}

}  // namespace

TEST_CASE("The same seed gives bitwise identical results with 1, 2 and 4 threads", "[determinism]") {
  const auto s = crackdown_world();
  const auto one = run::run_replicates(s, with_threads(1));
  REQUIRE(one.replicates.size() == 2);
  // The world must actually move, or equality would prove nothing.
  double raids = 0;
  for (std::int64_t t = 0; t < one.replicates[0].steps; ++t) {
    raids += one.replicates[0].at(model::CountryMetric::raids, t, 0);
  }
  CHECK(raids > 0);
  // ... and leave events and operators to compare.
  CHECK(!one.replicates[0].events.empty());
  CHECK(!one.replicates[0].final_operators.empty());
  for (const int threads : {2, 4}) {
    INFO(threads << " threads");
    const auto many = run::run_replicates(s, with_threads(threads));
    for (std::size_t r = 0; r < 2; ++r) {
      CHECK(same_bits(one.replicates[r].by_country, many.replicates[r].by_country));
      CHECK(same_bits(one.replicates[r].global, many.replicates[r].global));
      CHECK(first_event_difference(one.replicates[r].events, many.replicates[r].events) == "");
      CHECK(first_operator_difference(one.replicates[r].final_operators, many.replicates[r].final_operators) == "");
      CHECK(same_bits(one.replicates[r].worker_steps, many.replicates[r].worker_steps));
    }
  }
}

TEST_CASE("Another seed, or another replicate, gives different results", "[determinism]") {
  const auto a = run::run_replicates(crackdown_world(), with_threads(2));
  const auto b = run::run_replicates(crackdown_world({"run.seed=43"}), with_threads(2));
  CHECK_FALSE(same_bits(a.replicates[0].by_country, b.replicates[0].by_country));
  CHECK_FALSE(same_bits(a.replicates[0].by_country, a.replicates[1].by_country));
}

TEST_CASE("A run asked to stop throws Interrupted", "[unit][run]") {
  std::atomic<bool> stop{true};
  CHECK_THROWS_AS(run::run_replicates(crackdown_world(), with_threads(1, &stop)), run::Interrupted);
}
