#pragma once
// The terminal table of a run file, for `scamsim summary RUN.h5`.

#include <string>

#include "sim/io/results.hpp"

namespace scamsim::app {

/// The headline outcomes per host country and for the region, as a terminal table at most 120 columns wide.
std::string summarize_run(const io::Results& results);

}  // namespace scamsim::app
