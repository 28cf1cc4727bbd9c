#pragma once
// Stage 2 of loading a scenario (loader.cpp): `--set key.path=value` applied
// to the merged document. Internal to the scenario module.

#include <string>

#include <toml++/toml.h>

#include "sim/scenario/toml_reader.hpp"

namespace scamsim::scenario::detail {

/// Applies one `--set key.path=value` flag to `root`; a bad flag is recorded in `diagnostics`, naming the flag.
void apply_override(toml::table& root, const std::string& flag, Diagnostics& diagnostics);

}  // namespace scamsim::scenario::detail
