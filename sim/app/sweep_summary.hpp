#pragma once
// The terminal table of a sweep file, for `scamsim summary SWEEP.h5`.

#include <string>

#include "sim/io/sweep_results.hpp"

namespace scamsim::app {

/// The design, the runs done and failed, each outcome's mean and sd per point (for up to 20 points, else over
/// all points), and the sensitivity table.
std::string summarize_sweep(const io::SweepResults& results);

}  // namespace scamsim::app
