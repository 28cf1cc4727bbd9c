// A run written as it goes (issue 12, item 10): replicates reach the file in
// order while later ones still run, the file equals one written at the end,
// and the estimates of disk and memory bound what a run takes.

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <numeric>
#include <vector>

#include "sim/io/h5.hpp"
#include "sim/io/results.hpp"
#include "sim/io/run_file.hpp"
#include "sim/run/runner.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/support/temp_dir.hpp"

using namespace scamsim;
namespace fs = std::filesystem;

namespace {

scenario::Scenario tiny(int replicates) {
  const std::vector<std::string> overrides = {"run.years=1", fmt::format("run.replicates={}", replicates)};
  return scenario::load_scenario(fs::path(SCAMSIM_SOURCE_DIR) / "tests/scenarios/tiny.toml", overrides);
}

bool same_bytes(const void* a, const void* b, std::size_t bytes) { return bytes == 0 || std::memcmp(a, b, bytes) == 0; }

}  // namespace

TEST_CASE("Replicates reach the sink in order, each once, while later ones still run", "[unit][run]") {
  const scenario::Scenario s = tiny(8);
  const std::int64_t total = s.run.steps() * 8;
  std::atomic<std::int64_t> steps_done{0};
  std::vector<std::size_t> order;
  std::int64_t steps_at_first = -1;
  run::RunOptions options;
  options.threads = 2;
  options.progress = [&](std::int64_t done, std::int64_t) { steps_done = std::max<std::int64_t>(steps_done, done); };
  options.on_replicate = [&](std::size_t r, model::RunRecord&& record) {
    if (order.empty()) steps_at_first = steps_done.load();
    order.push_back(r);
    CHECK(record.steps == s.run.steps());
  };
  const run::RunResult result = run::run_replicates(s, options);
  std::vector<std::size_t> expected(8);
  std::iota(expected.begin(), expected.end(), std::size_t{0});
  CHECK(order == expected);
  CHECK(result.replicates.empty());  // handed over, not kept
  CHECK(steps_at_first < total);     // the first was handed over before the last step of the run
  CHECK(result.worker_steps > 0);
}

TEST_CASE("A sink that throws stops the run and its error comes out", "[unit][run]") {
  const scenario::Scenario s = tiny(6);
  run::RunOptions options;
  options.threads = 2;
  int calls = 0;
  options.on_replicate = [&](std::size_t, model::RunRecord&&) {
    ++calls;
    throw io::h5::Error("disk full");
  };
  CHECK_THROWS_WITH(run::run_replicates(s, options), "disk full");
  CHECK(calls == 1);
}

TEST_CASE("A run written replicate by replicate equals one written at the end", "[unit][io][determinism]") {
  const test::TempDir dir("scamsim-test-run-file");
  const scenario::Scenario s = tiny(3);
  run::RunOptions options;
  options.threads = 2;
  (void)io::run_into_file(s, options, dir.file("streamed.h5"), "scamsim run tiny");
  {
    const run::RunResult kept = run::run_replicates(s, options);
    io::ResultsWriter writer(dir.file("at_end.h5"), io::RunMetadata::from_scenario(s, "scamsim run tiny"));
    for (std::size_t r = 0; r < kept.replicates.size(); ++r) {
      writer.write_replicate(static_cast<std::int64_t>(r), kept.replicates[r]);
    }
    writer.finish();
  }
  const io::Results a = io::read_results(dir.file("streamed.h5"));
  const io::Results b = io::read_results(dir.file("at_end.h5"));
  REQUIRE(a.by_country.size() == b.by_country.size());
  for (const auto& [name, values] : a.by_country) {
    INFO(name);
    REQUIRE(values.size() == b.by_country.at(name).size());
    CHECK(same_bytes(values.data(), b.by_country.at(name).data(), values.size() * sizeof(double)));
  }
  for (const auto& [name, values] : a.global) {
    INFO(name);
    CHECK(values == b.global.at(name));
  }
  CHECK(a.event_replicate == b.event_replicate);
  REQUIRE(a.events.size() == b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    CHECK(a.events[i].step == b.events[i].step);
    CHECK(a.events[i].kind == b.events[i].kind);
    CHECK(a.events[i].count == b.events[i].count);
    CHECK(a.events[i].amount_usd == b.events[i].amount_usd);
  }
  CHECK(a.operator_replicate == b.operator_replicate);
  REQUIRE(a.final_operators.size() == b.final_operators.size());
  for (std::size_t i = 0; i < a.final_operators.size(); ++i) {
    CHECK(a.final_operators[i].workers == b.final_operators[i].workers);
    CHECK(a.final_operators[i].capital_usd == b.final_operators[i].capital_usd);
  }
}

TEST_CASE("The estimates bound the file a run writes and grow with its size", "[unit][io]") {
  const test::TempDir dir("scamsim-test-run-file");
  const scenario::Scenario s = tiny(2);
  (void)io::run_into_file(s, {}, dir.file("run.h5"), "scamsim run tiny");
  const std::uint64_t estimate = io::estimate_run_file_bytes(s, 2);
  CHECK(fs::file_size(dir.file("run.h5")) <= estimate);
  // Linear in replicates, and at least the series of each replicate.
  const std::uint64_t per_replicate = io::estimate_run_file_bytes(s, 3) - estimate;
  CHECK(io::estimate_run_file_bytes(s, 102) - estimate == 100 * per_replicate);
  const std::uint64_t series = static_cast<std::uint64_t>(s.run.steps()) *
                               (model::country_metric_count * s.countries.size() + model::global_metric_count) *
                               sizeof(double);
  CHECK(per_replicate >= series);
  // A century of days and 50 replicates (issue 12, item 10) comes to gigabytes, which is what the command
  // compares with the free disk and memory.
  const std::vector<std::string> overrides = {"run.years=100", "run.replicates=50", "run.scale=0.05"};
  const scenario::Scenario century =
      scenario::load_scenario(fs::path(SCAMSIM_SOURCE_DIR) / "scenarios/baseline.toml", overrides);
  CHECK(io::estimate_run_file_bytes(century, 50) > 1'000'000'000ULL);
  CHECK(io::estimate_run_memory_bytes(century, 2) > io::estimate_run_memory_bytes(tiny(2), 2));
  CHECK(io::estimate_run_memory_bytes(century, 4) > io::estimate_run_memory_bytes(century, 2));
}
