#pragma once
// `scamsim params`: the parameter table as text, CSV or Markdown.

#include "sim/app/command.hpp"

namespace scamsim::app {

/// Adds `params` and its options to `app`.
Command add_params_command(CLI::App& app);

}  // namespace scamsim::app
