#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>

#include "sim/run/runner.hpp"
#include "sim/scenario/loader.hpp"

using namespace scamsim;

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
  return scenario::load_scenario(std::filesystem::path(SCAMSIM_SOURCE_DIR) / "tests/scenarios/tiny.toml", overrides);
}

bool bitwise_equal(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

bool same_events(const std::vector<model::EventRecord>& a, const std::vector<model::EventRecord>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].step != b[i].step || a[i].kind != b[i].kind || a[i].operator_id != b[i].operator_id ||
        a[i].count != b[i].count || a[i].amount_usd != b[i].amount_usd) {
      return false;
    }
  }
  return true;
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
  for (const int threads : {2, 4}) {
    INFO(threads << " threads");
    const auto many = run::run_replicates(s, with_threads(threads));
    for (std::size_t r = 0; r < 2; ++r) {
      CHECK(bitwise_equal(one.replicates[r].by_country, many.replicates[r].by_country));
      CHECK(bitwise_equal(one.replicates[r].global, many.replicates[r].global));
      CHECK(same_events(one.replicates[r].events, many.replicates[r].events));
      CHECK(one.replicates[r].final_operators.size() == many.replicates[r].final_operators.size());
    }
  }
}

TEST_CASE("Another seed, or another replicate, gives different results", "[determinism]") {
  const auto a = run::run_replicates(crackdown_world(), with_threads(2));
  const auto b = run::run_replicates(crackdown_world({"run.seed=43"}), with_threads(2));
  CHECK_FALSE(bitwise_equal(a.replicates[0].by_country, b.replicates[0].by_country));
  CHECK_FALSE(bitwise_equal(a.replicates[0].by_country, a.replicates[1].by_country));
}

TEST_CASE("A run asked to stop throws Interrupted", "[unit][run]") {
  std::atomic<bool> stop{true};
  CHECK_THROWS_AS(run::run_replicates(crackdown_world(), with_threads(1, &stop)), run::Interrupted);
}
