#pragma once
// The time coordinate of run and sweep files, the one place that says what a step's label means: CF units
// "days since <start_date>" with its calendar, the first day of each step as the value, and the step's
// bounds in /time_bnds, since a stock is the state at the end of the step and a flow the total over its
// days (docs/OUTPUT.md section 3.1). Internal to io.

#include <cstdint>

#include "sim/core/date.hpp"
#include "sim/io/h5.hpp"

namespace scamsim::io::detail {

/// Writes `time` at the root of `file`: the dimension scale of `steps` steps of `dt_days` days from `start`
/// (value: days from `start` to the step's first day), with its CF attributes, and `time_bnds` (time, nv):
/// the days from `start` to the beginning and to the end of each step, as CF time bounds. `nv` is a netCDF
/// dimension without a variable (what netCDF-C itself writes for one).
h5::Dataset write_time_coordinate(h5::Group& file, std::int64_t steps, std::int64_t dt_days, Date start);

}  // namespace scamsim::io::detail
