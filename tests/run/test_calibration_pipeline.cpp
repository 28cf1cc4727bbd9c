// The calibration repeats (issue 13): each stage starts from the `start`s
// written in its file and holds the other stage's parameters at values
// written there too, so the documented commands, run in the documented
// order, give the same values bit for bit, whatever the scenario currently
// holds for the parameters the stages fit (baseline.toml holds the last
// fit's output). Checked on a CI-sized pipeline of the shipped one's shape
// (tests/scenarios/calibration/pipeline_*.toml on the tiny world).
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/run/calibration.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/support/bits.hpp"
#include "tests/support/source.hpp"
#include "tests/support/temp_dir.hpp"

using namespace scamsim;
namespace fs = std::filesystem;

namespace {

struct Pipeline {
  std::vector<double> fitted;        ///< stage 1's values, then stage 2's
  std::vector<std::string> written;  ///< the fitted files' TOML, without their header comments
};

// The TOML a stage writes, less its header (which names the build's commit and the command) and its `base`
// (which names the scenario's folder).
std::string body(const std::string& fitted_toml) {
  std::istringstream in(fitted_toml);
  std::string out;
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("#") && !line.starts_with("base =")) out += line + "\n";
  }
  return out;
}

// Stage 1, then stage 2 holding stage 1's fitted values, as the shipped stage 2 holds them in its `set`
// (given here as overrides, which load_calibration applies at the same point, after the file's `set`).
Pipeline run_pipeline(const fs::path& folder, const fs::path& output_folder) {
  Pipeline out;
  const run::CalibrationSpec steady = run::load_calibration(folder / "pipeline_steady.toml");
  const run::CalibrationResult first = run::calibrate(steady, 2);
  out.written.push_back(body(run::fitted_scenario_toml(steady, first, output_folder / "steady_fitted.toml", "")));
  std::vector<std::string> held;
  for (std::size_t k = 0; k < steady.parameters.size(); ++k) {
    const run::FreeParameter& p = steady.parameters[k];
    held.push_back(p.integer ? fmt::format("{}={}", p.key, std::llround(first.fitted[k]))
                             : fmt::format("{}={:.17g}", p.key, first.fitted[k]));
  }
  const run::CalibrationSpec response = run::load_calibration(folder / "pipeline_response.toml", held);
  const run::CalibrationResult second = run::calibrate(response, 2);
  out.written.push_back(body(run::fitted_scenario_toml(response, second, output_folder / "response_fitted.toml", "")));
  out.fitted = first.fitted;
  out.fitted.insert(out.fitted.end(), second.fitted.begin(), second.fitted.end());
  return out;
}

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("The two-stage calibration repeats bit for bit, whatever the scenario holds for the fitted parameters",
          "[calibration]") {
  const fs::path shipped = test::source_path("tests/scenarios/calibration");
  const test::TempDir out("scamsim-test-calibration-pipeline");
  const Pipeline first = run_pipeline(shipped, out.path());
  const Pipeline again = run_pipeline(shipped, out.path());
  REQUIRE(first.fitted.size() == 3);
  CHECK(test::same_bits(first.fitted, again.fitted));
  CHECK(first.written == again.written);
  // The searches moved from their recorded starts, so repeating is not trivially true.
  CHECK(first.fitted[0] != 0.002);
  CHECK(first.fitted[1] != 300);
  CHECK(first.fitted[2] != 2);

  // The same calibration files beside a tiny world that holds other values for every fitted parameter, as
  // baseline.toml holds whatever the last fit found.
  const test::TempDir other("scamsim-test-calibration-pipeline");
  other.write("tiny.toml", fmt::format("base = '{}'\n\n[economics]\nrevenue_usd_per_worker_day = 900\n\n"
                                       "[pressure]\nwill_pressure_gain = 7.25\n\n"
                                       "[recruitment]\ntrafficking_rate_per_year = 0.0001\n",
                                       test::source_path("tests/scenarios/tiny.toml").generic_string()));
  for (const char* name : {"pipeline_steady.toml", "pipeline_response.toml"}) {
    other.write(fs::path("calibration") / name, read(shipped / name));
  }
  const auto moved = scenario::load_scenario(other.file("tiny.toml"));
  REQUIRE(moved.params.pressure.will_pressure_gain == 7.25);  // the world does hold other values
  const Pipeline elsewhere = run_pipeline(other.path() / "calibration", out.path());
  CHECK(test::same_bits(first.fitted, elsewhere.fitted));
  CHECK(first.written == elsewhere.written);
}
