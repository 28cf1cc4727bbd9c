#pragma once
// Every data group of a run, sweep or comparison file carries its own copies of the coordinates its datasets
// use. netCDF-4 resolves a dimension in the group's ancestors, but xarray (both engines) only shows a group's
// own coordinate variables: with the coordinates only at the root, `xr.open_dataset(f, group="by_country")`
// had dimensions without labels and every user wrote assign_coords boilerplate. Internal to io.

#include <string>

#include "sim/io/h5.hpp"

namespace scamsim::io::detail {

/// A copy in `group` of the root coordinate `source` (a 1-D dimension scale of integers, doubles or strings):
/// the same values and descriptive attributes (long_name, units, calendar, ...), made the dimension scale
/// `name`, so that datasets of `group` attached to it have their labels within the group.
h5::Dataset copy_coordinate(h5::Group& group, const h5::Dataset& source, const std::string& name);

}  // namespace scamsim::io::detail
