#pragma once
// `scamsim validate`: load a scenario, check it, print the resolved world.

#include "sim/app/command.hpp"

namespace scamsim::app {

/// Adds `validate` and its options to `app`.
Command add_validate_command(CLI::App& app);

}  // namespace scamsim::app
