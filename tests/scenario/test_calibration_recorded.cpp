// No hand-edited numbers without record: every value a calibration stage
// wrote into scenarios/calibration/*_fitted.toml must be the value
// scenarios/baseline.toml runs with (docs/MODEL.md section 6).
#include <catch2/catch.hpp>

#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <toml++/toml.h>

#include "sim/scenario/loader.hpp"

using namespace scamsim;

namespace {

// Every number in a fitted file (its base aside) is a fitted value: its dotted key and the value.
std::vector<std::pair<std::string, double>> fitted_values(const toml::table& fitted) {
  std::vector<std::pair<std::string, double>> out;
  std::function<void(const toml::table&, const std::string&)> walk = [&](const toml::table& t,
                                                                         const std::string& prefix) {
    for (const auto& [key, node] : t) {
      const std::string path = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
      if (const auto* sub = node.as_table()) {
        walk(*sub, path);
      } else if (const auto value = node.value<double>()) {  // base = "...": not a fitted value
        out.emplace_back(path, *value);
      }
    }
  };
  walk(fitted, "");
  return out;
}

}  // namespace

TEST_CASE("The calibrated values in baseline.toml are those the calibration stages found", "[scenario][calibration]") {
  const std::filesystem::path root(SCAMSIM_SOURCE_DIR);
  const auto baseline = scenario::load_scenario(root / "scenarios/baseline.toml");
  const toml::table resolved = toml::parse(baseline.resolved_toml);
  int compared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(root / "scenarios/calibration")) {
    const std::string name = entry.path().filename().string();
    if (!name.ends_with("_fitted.toml")) continue;
    const toml::table fitted = toml::parse_file(entry.path().string());
    for (const auto& [path, value] : fitted_values(fitted)) {
      INFO(name << ": " << path);
      const auto in_baseline = toml::at_path(resolved, path).value<double>();
      REQUIRE(in_baseline.has_value());
      // baseline.toml writes fitted values to six significant digits.
      CHECK(*in_baseline == Approx(value).epsilon(1e-5));
      ++compared;
    }
  }
  CHECK(compared >= 6);
}

TEST_CASE("Stage 2 holds fixed exactly the values stage 1 found", "[scenario][calibration]") {
  // Stage 2 takes stage 1's output from its own `set`, not from baseline.toml, so that it repeats bit for
  // bit (issue 13): the copy must be exact.
  const std::filesystem::path folder = std::filesystem::path(SCAMSIM_SOURCE_DIR) / "scenarios/calibration";
  const toml::table fitted = toml::parse_file((folder / "baseline_fitted.toml").string());
  const toml::table stage2 = toml::parse_file((folder / "crackdown_response.toml").string());
  const toml::array* set = stage2["set"].as_array();
  REQUIRE(set != nullptr);
  int compared = 0;
  for (const auto& entry : *set) {
    const std::string text = entry.value<std::string>().value_or("");
    const auto equals = text.find('=');
    REQUIRE(equals != std::string::npos);
    const std::string key = text.substr(0, equals);
    INFO(key);
    const auto found = toml::at_path(fitted, key).value<double>();
    if (!found) continue;  // a setting of the run, not a fitted value
    CHECK(std::stod(text.substr(equals + 1)) == *found);
    ++compared;
  }
  // Every value stage 1 found is held: as many as the fitted file has numbers.
  const auto found = static_cast<int>(fitted_values(fitted).size());
  CHECK(found >= 3);
  CHECK(compared == found);
}
