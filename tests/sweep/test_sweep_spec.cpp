// Sweep files: what a good one loads into, and the catalogue of bad ones
// (tests/scenarios/sweeps/bad/*.toml), each of which says in its header
// comments what load_sweep must report, as the bad-scenario catalogue does:
//
//   # expect-error: did you mean 'replicates'   a fragment of a formatted diagnostic
//   # expect-line: 7                            its line (0: no line), one per expect-error, in order
//   # expect-count: 1                           the exact number of diagnostics

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/sweep/sweep_spec.hpp"
#include "tests/support/expectations.hpp"
#include "tests/support/source.hpp"
#include "tests/support/temp_dir.hpp"

using namespace scamsim;
using namespace scamsim::sweep;
namespace fs = std::filesystem;

namespace {

using scamsim::test::Expectations;
using scamsim::test::read_expectations;
using scamsim::test::source_path;
using scamsim::test::toml_files;
const fs::path sweeps_dir = scamsim::test::test_scenario_path("sweeps");

std::string messages_of(const fs::path& file) {
  try {
    (void)load_sweep(file);
  } catch (const SetupError& e) {
    std::string out;
    for (const auto& d : e.diagnostics()) out += d.format() + "\n";
    return out;
  }
  return "no error";
}

}  // namespace

TEST_CASE("A sweep file loads into its spec, with the base scenario resolved", "[unit][sweep]") {
  const SweepSpec spec = load_sweep(sweeps_dir / "tiny_grid.toml");
  CHECK(spec.name == "tiny_grid");
  CHECK(spec.design == DesignKind::grid);
  CHECK(spec.replicates == 2);
  CHECK(spec.seed == 11);
  CHECK(spec.common_random_numbers);
  CHECK(spec.base.run.scale == 0.02);
  CHECK(spec.base.run.steps() == 365);
  REQUIRE(spec.parameters.size() == 1);
  CHECK(spec.parameters[0].type == ValueType::integer);  // dollars are whole
  CHECK(spec.parameters[0].units == "USD/year");
  CHECK(grid_values(spec.parameters[0].range) == std::vector<double>{0, 5e6, 1e7});
  CHECK(spec.design_points() == 3);
  CHECK(spec.runs() == 6);
  REQUIRE(spec.outcomes.size() == 3);
  CHECK(spec.outcomes[0].reduction == run::Reduction::sum);
  CHECK(spec.outcomes[1].share);
  CHECK(spec.outcomes[1].series.outside);
  CHECK(spec.outcomes[2].reduction == run::Reduction::change);
  CHECK(spec.outcomes[2].from_step == 151);  // 2025-06-01
  CHECK(spec.keep_series ==
        std::vector<model::CountryMetric>{model::CountryMetric::rerecruited, model::CountryMetric::pressure});
  CHECK_THAT(spec.sweep_toml, Catch::Contains("tiny_grid"));
  CHECK_THAT(spec.base.resolved_toml, Catch::Contains("scale = 0.02"));
}

TEST_CASE("Swept keys are typed by the scenario: dates, whole numbers and reals", "[unit][sweep]") {
  const SweepSpec spec = load_sweep(sweeps_dir / "tiny_lhs.toml");
  REQUIRE(spec.parameters.size() == 4);
  CHECK(spec.parameters[0].type == ValueType::date);
  CHECK(spec.parameters[0].units == "days since 2025-01-01");
  CHECK(spec.parameters[0].range.min == 59);  // 2025-03-01
  CHECK(value_text(spec, spec.parameters[0], 59) == "2025-03-01");
  CHECK(spec.parameters[1].type == ValueType::real);
  CHECK(spec.parameters[2].range.distribution == Distribution::log_uniform);
  CHECK(spec.parameters[3].type == ValueType::integer);
  CHECK(value_text(spec, spec.parameters[3], 4.4) == "4");
  CHECK(value_text(spec, spec.parameters[1], 0.1) == "0.1");
  CHECK_FALSE(spec.common_random_numbers);
  CHECK(spec.runs() == 32);
}

TEST_CASE("The command line's --set applies to the base after the sweep's own set", "[unit][sweep]") {
  const std::vector<std::string> flags = {"run.scale=0.01"};
  const SweepSpec spec = load_sweep(sweeps_dir / "tiny_grid.toml", flags);
  CHECK(spec.base.run.scale == 0.01);
  CHECK(spec.overrides.back() == "run.scale=0.01");
}

TEST_CASE("Every good sweep file of the tests and every shipped one loads", "[unit][sweep]") {
  std::vector<fs::path> files = toml_files(sweeps_dir);
  for (const auto& f : toml_files(source_path("scenarios/sweeps"))) files.push_back(f);
  CHECK(files.size() >= 8);
  for (const auto& file : files) {
    INFO(file.string());
    CHECK(messages_of(file) == "no error");
  }
}

TEST_CASE("The catalogue of bad sweeps has a file for each of at least 20 failure kinds", "[unit][sweep][catalogue]") {
  const auto files = toml_files(sweeps_dir / "bad");
  CHECK(files.size() >= 20);
  for (const auto& file : files) {
    INFO(file.filename().string());
    const Expectations e = read_expectations(file);
    CHECK(!e.errors.empty());
    CHECK((e.lines.empty() || e.lines.size() == e.errors.size()));
  }
}

TEST_CASE("Every bad sweep in the catalogue fails with the errors its header announces", "[unit][sweep][catalogue]") {
  for (const auto& file : toml_files(sweeps_dir / "bad")) {
    DYNAMIC_SECTION(file.filename().string()) {
      const Expectations e = read_expectations(file);
      std::vector<Diagnostic> diagnostics;
      bool refused = false;
      try {
        (void)load_sweep(file);
      } catch (const SetupError& error) {
        refused = true;
        diagnostics = error.diagnostics();
      }
      std::string all;
      for (const auto& d : diagnostics) all += "  " + d.format() + "\n";
      INFO("diagnostics:\n" << all);
      REQUIRE(refused);
      REQUIRE(!diagnostics.empty());
      for (const auto& d : diagnostics) CHECK(!d.where.file.empty());
      for (std::size_t i = 0; i < e.errors.size(); ++i) {
        const std::optional<int> line = i < e.lines.size() ? std::optional(e.lines[i]) : std::nullopt;
        INFO("expected: '" << e.errors[i] << "' on line " << (line ? std::to_string(*line) : "(any)"));
        const bool found = std::any_of(diagnostics.begin(), diagnostics.end(), [&](const Diagnostic& d) {
          return d.format().find(e.errors[i]) != std::string::npos && (!line || d.where.line == *line);
        });
        CHECK(found);
      }
      if (e.count) CHECK(diagnostics.size() == *e.count);
    }
  }
}

TEST_CASE("A sweep's errors name the sweep file and line, and a bad --set names the flag", "[unit][sweep]") {
  const test::TempDir dir("scamsim-test-sweep");
  const std::string base = scamsim::test::test_scenario_path("tiny.toml").string();
  const std::string body =
      "[design]\nkind = \"lhs\"\npoints = 4\n"
      "[[parameter]]\nkey = \"pressure.half_life_dayz\"\nmin = 10\nmax = 100\n"
      "[[outcome]]\nname = \"held\"\nmetric = \"workers_held\"\n";
  const auto file = dir.write("s.toml", "scenario = \"" + base + "\"\n" + body);
  const std::string messages = messages_of(file);
  CHECK_THAT(messages, Catch::Contains(file.string() + ":6:7: error: parameter.0.key"));
  CHECK_THAT(messages, Catch::Contains("did you mean 'half_life_days'"));

  const std::vector<std::string> flags = {"run.scale=0"};
  const auto good = dir.write("g.toml", "scenario = \"" + base + "\"\n" +
                                            "[design]\nkind = \"lhs\"\npoints = 4\n[[parameter]]\nkey = "
                                            "\"pressure.half_life_days\"\nmin = 10\nmax = 100\n[[outcome]]\n"
                                            "name = \"held\"\nmetric = \"workers_held\"\n");
  try {
    (void)load_sweep(good, flags);
    FAIL("a bad --set was accepted");
  } catch (const SetupError& e) {
    CHECK(e.diagnostics().front().where.file == "--set run.scale=0");
  }
}

TEST_CASE("A sweep's size saturates instead of wrapping into a negative count", "[unit][sweep]") {
  // The spec as load_sweep would make it from saltelli/morris files with huge sizes; v0.3 overflowed.
  SweepSpec spec = load_sweep(sweeps_dir / "tiny_saltelli.toml");
  const auto k = static_cast<std::int64_t>(spec.parameters.size());
  constexpr auto most = std::numeric_limits<std::int64_t>::max();
  spec.base_points = most / (k + 2) + 1;
  CHECK(spec.design_points() == most);
  CHECK(spec.runs() == most);
  spec.base_points = 1000;
  spec.replicates = most / 2;
  CHECK(spec.design_points() == 1000 * (k + 2));
  CHECK(spec.runs() == most);
  spec.design = DesignKind::morris;
  spec.trajectories = most / (k + 1) + 1;
  CHECK(spec.design_points() == most);
}

TEST_CASE("A sweep's integer values beyond int64 are written as numbers for the scenario to refuse", "[unit][sweep]") {
  const SweepSpec spec = load_sweep(sweeps_dir / "tiny_lhs.toml");
  REQUIRE(spec.parameters[3].type == ValueType::integer);
  CHECK(value_text(spec, spec.parameters[3], 1e300) == "1e+300");
  CHECK(value_text(spec, spec.parameters[3], -1e19) == "-1e+19");
  CHECK(value_text(spec, spec.parameters[3], 9.1e18) == "9100000000000000000");
}
