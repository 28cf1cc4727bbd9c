// Model v2's trial stack (scripts/trial): the files the trials of docs/MODEL.md section 7.8 run on. They are
// not shipped scenarios, so nothing else loads them; this keeps them loadable as parameters change (a renamed
// key or a tightened range would otherwise break the next round's trials unnoticed, as a lost stack did).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "sim/run/calibration.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/support/source.hpp"
#include "tests/support/temp_dir.hpp"

using namespace scamsim;

TEST_CASE("scripts/trial/make builds a folder whose scenarios and calibration files load on the trial stack",
          "[unit][scenario][trial]") {
  const test::TempDir temp;
  const auto dir = temp.path() / "trial";
  const std::string command =
      "bash '" + test::source_path("scripts/trial/make").string() + "' '" + dir.string() + "' > /dev/null";
  REQUIRE(std::system(command.c_str()) == 0);

  // Every shipped scenario loads on the stack, and the stack is what they run: cells, premises and entry on.
  int scenarios = 0;
  for (const auto& file : test::toml_files(dir / "scenarios")) {
    if (file.filename() == "baseline_v03.toml") continue;  // the shipped baseline, which the stack is based on
    INFO(file.string());
    const scenario::Scenario s = scenario::load_scenario(file);
    CHECK(s.params.forms.cell_max_workers == 40);
    CHECK(s.params.forms.premises_capacity_factor > 0);
    CHECK(s.params.entry.reopen_rate_per_year > 0);
    ++scenarios;
  }
  CHECK(scenarios >= 10);
  // Both stages of the trials' calibration load (parameters, ranges, targets and the scenario they fit).
  for (const char* name : {"baseline_steady.toml", "crackdown_response.toml"}) {
    INFO(name);
    CHECK_NOTHROW(run::load_calibration(dir / "scenarios" / "calibration" / name));
  }
  // The validation suite's own scenarios are based on the trial's baseline.
  const scenario::Scenario month = scenario::load_scenario(dir / "tests/scenarios/validation/month_campaign.toml");
  CHECK(month.params.forms.cell_max_workers == 40);
}
