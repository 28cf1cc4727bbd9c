#pragma once
// Where the files installed with scamsim are: the shipped scenarios, found relative to the running executable
// (`<prefix>/bin/scamsim` -> `<prefix>/share/scamsim/scenarios`), never relative to the current folder, so that a
// default path works from any folder and in any install prefix. The build tree has the same layout: a link
// `build/share/scamsim/scenarios` to the source's scenarios/ beside `build/sim/scamsim` (sim/CMakeLists.txt).
// Internal to the app module.

#include <filesystem>
#include <string_view>

namespace scamsim::app {

/// The folder of the shipped scenarios: the executable's folder joined with the path from the install's bin
/// folder to its share/scamsim/scenarios, which CMake computes once. Not checked: it may not exist.
std::filesystem::path shipped_scenarios_folder();

/// The shipped scenario `name` (e.g. "baseline.toml"); throws SetupError naming the path looked at and the
/// executable when it is not there (an install without its share folder, a binary copied elsewhere).
std::filesystem::path shipped_scenario(std::string_view name);

}  // namespace scamsim::app
