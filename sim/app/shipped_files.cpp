#include "sim/app/shipped_files.hpp"

#include <system_error>

#include <fmt/format.h>

#include "sim/core/error.hpp"

#ifndef SCAMSIM_SCENARIOS_FROM_BINARY
#error "sim/CMakeLists.txt defines SCAMSIM_SCENARIOS_FROM_BINARY, the path from the bin folder to the scenarios"
#endif

namespace scamsim::app {

namespace fs = std::filesystem;

namespace {

/// The running executable, links resolved: the kernel's own record, whatever the current folder or argv[0]
/// (which a shell may give as a bare name found on PATH).
fs::path running_executable() {
  std::error_code error;
  fs::path executable = fs::read_symlink("/proc/self/exe", error);
  if (error) {
    throw SetupError(
        fmt::format("cannot find where scamsim is installed (reading /proc/self/exe: {}); name the scenario file",
                    error.message()));
  }
  return executable;
}

}  // namespace

fs::path shipped_scenarios_folder() {
  return (running_executable().parent_path() / SCAMSIM_SCENARIOS_FROM_BINARY).lexically_normal();
}

fs::path shipped_scenario(std::string_view name) {
  const fs::path folder = shipped_scenarios_folder();
  fs::path file = folder / name;
  std::error_code error;
  if (!fs::is_regular_file(file, error)) {
    throw SetupError(fmt::format(
        "the shipped scenario '{}' is not there: scamsim {} looks for its scenarios in {}, relative to where it is "
        "installed (cmake --install puts them there); name a scenario file instead",
        file.string(), running_executable().string(), folder.string()));
  }
  return file;
}

}  // namespace scamsim::app
