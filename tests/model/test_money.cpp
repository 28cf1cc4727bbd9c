#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>

#include "sim/model/money.hpp"
#include "sim/model/simulation.hpp"
#include "sim/model/tallies.hpp"
#include "sim/model/units.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/support/source.hpp"

using namespace scamsim;
using namespace scamsim::model;

namespace {
constexpr std::int64_t max_usd = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t min_usd = std::numeric_limits<std::int64_t>::min();
}  // namespace

TEST_CASE("Checked money arithmetic gives exact sums in range and refuses to wrap", "[unit][money]") {
  CHECK(add_usd(40, 2, "x") == 42);
  CHECK(add_usd(max_usd - 1, 1, "x") == max_usd);
  CHECK(sub_usd(min_usd + 1, 1, "x") == min_usd);
  CHECK(mul_usd(3'000'000'000, 3'000'000'000, "x") == 9'000'000'000'000'000'000);
  CHECK_THROWS_AS(add_usd(max_usd, 1, "a capital"), MoneyOverflow);
  CHECK_THROWS_AS(sub_usd(min_usd, 1, "a capital"), MoneyOverflow);
  CHECK_THROWS_AS(mul_usd(max_usd / 2 + 1, 2, "spending"), MoneyOverflow);
  std::int64_t total = max_usd - 5;
  accumulate_usd(total, 5, "total");
  CHECK(total == max_usd);
  CHECK_THROWS_WITH(accumulate_usd(total, 1, "the operators' total capital"),
                    Catch::Contains("the operators' total capital") && Catch::Contains("out of range"));
  CHECK(total == max_usd);  // left as it was
}

TEST_CASE("Rounding to whole dollars matches llround in range and refuses what int64 cannot hold", "[unit][money]") {
  CHECK(whole_usd(2.5, "x") == 3);
  CHECK(whole_usd(-2.5, "x") == -3);
  CHECK(whole_usd(1e18, "x") == 1'000'000'000'000'000'000);
  CHECK(whole_usd(9223372036854774784.0, "x") == 9223372036854774784);    // the largest double below 2^63
  CHECK_THROWS_AS(whole_usd(9223372036854775808.0, "x"), MoneyOverflow);  // 2^63
  CHECK_THROWS_AS(whole_usd(-1e19, "x"), MoneyOverflow);
  CHECK_THROWS_AS(whole_usd(std::numeric_limits<double>::quiet_NaN(), "x"), MoneyOverflow);
  CHECK_THROWS_AS(whole_usd(std::numeric_limits<double>::infinity(), "x"), MoneyOverflow);
}

TEST_CASE("A capital near the int64 limit stops the run with a clear error instead of wrapping", "[invariant][money]") {
  // Built here rather than read from a file, so that the test does not
  // depend on the parameter table's upper bounds (which should refuse such a
  // file first): the engine's own arithmetic must not wrap either.
  auto s = scenario::load_scenario(test::test_scenario_path("tiny.toml"), std::vector<std::string>{"run.years=1"});
  REQUIRE(s.networks.size() == 1);
  s.networks[0].capital_usd = max_usd;
  bool stopped = false;
  try {
    Simulation sim(s, 0);
    while (!sim.finished()) {
      sim.step();
      for (const std::int64_t capital : sim.operators().capital_usd) REQUIRE(capital >= 0);
      REQUIRE(sim.ledger().capital_usd >= 0);
    }
  } catch (const MoneyOverflow& e) {
    stopped = true;
    CHECK_THAT(e.what(), Catch::Contains("out of range"));
  }
  CHECK(stopped);
}

TEST_CASE("Tallies by country add, move, take and merge counts", "[unit][money]") {
  Stocks stocks;
  stocks.reset(3);
  stocks.add(WorkerState::held, id_at<CountryId>(1), 5);
  stocks.move(WorkerState::held, id_at<CountryId>(1), WorkerState::released, id_at<CountryId>(2));
  CHECK(stocks.get(WorkerState::held, id_at<CountryId>(1)) == 4);
  CHECK(stocks.get(WorkerState::released, std::size_t{2}) == 1);
  Flows flows;
  flows.reset(3);
  Flows chunk;
  chunk.reset(3);
  chunk.add(CountryMetric::raids, std::size_t{0});
  chunk.add(CountryMetric::raids, id_at<CountryId>(0), 2);
  flows.add_all(chunk);
  flows.add_all(chunk);
  CHECK(flows.take(CountryMetric::raids, 0) == 6);
  CHECK(flows.take(CountryMetric::raids, 0) == 0);  // a flow starts again from zero
}

TEST_CASE("Calendar units are the ones the model's rates were written with", "[unit][money]") {
  CHECK(days_per_month == 365.25 / 12);
  CHECK(days_per_year == 365.0);
}
