#pragma once
// Stage 3 of loading a scenario (loader.cpp): the merged document read into
// the spec structs, checking types, ranges and references, then the
// cross-checks between entities. Internal to the scenario module.

#include <string>

#include <toml++/toml.h>

#include "sim/scenario/spec.hpp"
#include "sim/scenario/toml_reader.hpp"

namespace scamsim::scenario::detail {

/// Reads a world from the merged document `root` (named `file` in messages); every problem goes to
/// `diagnostics`, and the returned Scenario is only meaningful when there is none.
Scenario read_schema(const toml::table& root, const std::string& file, Diagnostics& diagnostics);

}  // namespace scamsim::scenario::detail
