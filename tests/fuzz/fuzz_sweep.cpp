// libFuzzer entry for the sweep-file loader: any input must either load (and
// expand into its runs) or be refused with a SetupError; anything else (a
// crash, a sanitizer report, another exception, a hang) is a bug.
//
// A sweep file names its base scenario by a path relative to itself, so each
// input is written as sweeps/input.toml in a scratch folder whose top holds
// links to every scenario of scenarios/ and tests/scenarios/: the seeds'
// "../tiny.toml" and "../aftercare_funding.toml" both resolve.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "sim/core/error.hpp"
#include "sim/sweep/sweep_runner.hpp"
#include "sim/sweep/sweep_spec.hpp"

namespace fs = std::filesystem;

namespace {

fs::path make_scratch() {
  const fs::path scratch = fs::temp_directory_path() / ("scamsim-fuzz-sweep-" + std::to_string(::getpid()));
  fs::create_directories(scratch / "sweeps");
  for (const char* folder : {"scenarios", "tests/scenarios"}) {
    for (const auto& entry : fs::directory_iterator(fs::path(SCAMSIM_SOURCE_DIR) / folder)) {
      if (entry.path().extension() != ".toml") continue;
      std::error_code ignored;  // a name in both folders keeps the first
      fs::create_symlink(entry.path(), scratch / entry.path().filename(), ignored);
    }
  }
  return scratch;
}

const fs::path& input_path() {
  static const fs::path path = make_scratch() / "sweeps" / "input.toml";
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  {
    std::ofstream out(input_path(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    const auto spec = scamsim::sweep::load_sweep(input_path());
    // A sweep that loads has a size in range: the checked products of the design (base_points x (k + 2),
    // trajectories x (k + 1), x replicates) never wrap into a negative or oversized count that was let through.
    const std::int64_t points = spec.design_points();
    const std::int64_t runs = spec.runs();
    if (points < 1 || runs < points || runs > scamsim::sweep::max_sweep_runs) __builtin_trap();
    // A sweep that loads must expand into runs whose scenarios load or are refused with a located error.
    // Large designs are only counted, so that one input cannot take the fuzzer's whole time.
    if (spec.runs() <= 2'000) {
      const auto plan = scamsim::sweep::plan_sweep(spec);
      for (std::size_t i = 0; i < plan.runs.size() && i < 3; ++i) {
        try {
          (void)scamsim::sweep::run_scenario(spec, plan.runs[i]);
        } catch (const scamsim::SetupError&) {
          // A bad combination of values: recorded as a failed run by a real sweep.
        }
      }
    }
  } catch (const scamsim::SetupError&) {
    // Refused with located errors: the expected outcome for most inputs.
  }
  return 0;
}
