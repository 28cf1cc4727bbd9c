#pragma once
// The terminal table of a comparison, for `scamsim compare` and `scamsim summary COMPARE.h5`.

#include <string>

#include "sim/io/compare_results.hpp"

namespace scamsim::app {

/// The comparison as a terminal table: each outcome's mean over A and over B, the mean difference B - A and its
/// paired interval, and the unpaired interval for contrast; then the outcomes' units and meaning.
std::string summarize_compare(const io::CompareResults& results);

}  // namespace scamsim::app
