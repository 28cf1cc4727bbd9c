// libFuzzer entry for the scenario loader: any input must either load or be
// refused with a SetupError; anything else (a crash, a sanitizer report, a
// different exception, a hang) is a bug.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/scenario/describe.hpp"
#include "sim/scenario/loader.hpp"

namespace {

void load(std::string_view text, const std::vector<std::string>& overrides) {
  try {
    const auto scenario = scamsim::scenario::load_scenario_text(text, "fuzz-input.toml", overrides);
    // A scenario that loads must also describe itself and re-load from its resolved text.
    (void)scamsim::scenario::describe(scenario);
    (void)scamsim::scenario::load_scenario_text(scenario.resolved_toml, "fuzz-resolved.toml");
  } catch (const scamsim::SetupError&) {
    // Refused with located errors: the expected outcome for most inputs.
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  load(text, {});
  // The first line doubles as a --set override on the rest, to fuzz overrides too.
  if (const auto newline = text.find('\n'); newline != std::string_view::npos && newline < 200) {
    load(text.substr(newline + 1), {std::string(text.substr(0, newline))});
  }
  return 0;
}
