#pragma once
// Scenario files in, validated Scenario out (MODEL.md section 6); see
// docs/SCENARIOS.md for the format. The other input files (sweep,
// calibration, outcome files) are read with the same strict TOML toolkit,
// toml_reader.hpp.

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "sim/scenario/spec.hpp"

namespace scamsim::scenario {

/// Scenario files larger than this are refused before parsing: a world of
/// hundreds of countries is well under 1 MiB, and a bound keeps a stray
/// data file from stalling the loader.
inline constexpr std::uintmax_t max_scenario_file_bytes = 16u << 20;

/// Files may be based on others at most this deep.
inline constexpr int max_base_depth = 16;

/// Loads a scenario file: follows `base = "..."` (relative to the including
/// file), applies `--set key.path=value` overrides in order, and checks
/// everything against the parameter table and the world. Throws SetupError
/// carrying every problem found, each with file, line, column and key path.
Scenario load_scenario(const std::filesystem::path& file, std::span<const std::string> overrides = {});

/// The same for text in memory; `name` stands for the file in messages and
/// `base` paths resolve against its folder.
Scenario load_scenario_text(std::string_view text, const std::filesystem::path& name,
                            std::span<const std::string> overrides = {});

}  // namespace scamsim::scenario
