#pragma once
// `scamsim serve`: the what-if explorer, a web page and JSON API over the engine (sim/serve/, docs/SERVE.md). Built
// in the scamsim_serve library, which only the executable links, so that the engine's library needs no Boost.Beast.

#include "sim/app/command.hpp"

namespace scamsim::app {

/// Adds `serve` and its options to `app`.
Command add_serve_command(CLI::App& app);

}  // namespace scamsim::app
