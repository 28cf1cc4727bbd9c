#pragma once
// Test helper: the files of the source tree the tests read (SCAMSIM_SOURCE_DIR, set by tests/CMakeLists.txt),
// and the test scenarios loaded with --set overrides.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "sim/scenario/loader.hpp"

namespace scamsim::test {

/// The root of the source tree.
inline std::filesystem::path source_dir() { return std::filesystem::path(SCAMSIM_SOURCE_DIR); }

/// A path relative to the root of the source tree.
inline std::filesystem::path source_path(const std::filesystem::path& relative) { return source_dir() / relative; }

/// tests/scenarios, the scenarios written for the tests.
inline std::filesystem::path test_scenarios_dir() { return source_dir() / "tests" / "scenarios"; }

/// A file of tests/scenarios (a name such as "tiny.toml" or "bad/x.toml").
inline std::filesystem::path test_scenario_path(const std::filesystem::path& name) {
  return test_scenarios_dir() / name;
}

/// A sweep file of tests/scenarios/sweeps.
inline std::filesystem::path test_sweep_path(const std::filesystem::path& name) {
  return test_scenario_path("sweeps") / name;
}

/// A scenario of the source tree (path relative to its root) with these --set overrides.
inline scenario::Scenario load_source_scenario(const std::filesystem::path& relative,
                                               const std::vector<std::string>& overrides = {}) {
  return scenario::load_scenario(source_path(relative), overrides);
}

/// tests/scenarios/tiny.toml with these --set overrides.
inline scenario::Scenario tiny_scenario(const std::vector<std::string>& overrides = {}) {
  return scenario::load_scenario(test_scenario_path("tiny.toml"), overrides);
}

/// The .toml files of a folder (not below it), sorted by name.
inline std::vector<std::filesystem::path> toml_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".toml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

/// A file's bytes, as they are (empty if it cannot be read).
inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace scamsim::test
