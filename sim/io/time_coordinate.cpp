#include "sim/io/time_coordinate.hpp"

#include <fmt/format.h>

#include <string>
#include <utility>
#include <vector>

#include "sim/io/file_support.hpp"

namespace scamsim::io::detail {

namespace {

constexpr const char* time_path = "time";
constexpr const char* bounds_path = "time_bnds";
constexpr const char* vertices_path = "nv";

// A dimension without a coordinate variable, as netCDF-C writes one: a dimension scale whose NAME says so
// (netCDF-C and h5netcdf hide such a dataset and keep only the dimension, of the dataset's length).
h5::Dataset write_dimension_without_variable(h5::Group& group, const char* name, std::size_t length) {
  h5::Dataset dimension = group.create_dataset<std::int64_t>(name, {length});
  dimension.write<std::int64_t>(std::vector<std::int64_t>(length, 0));
  dimension.make_scale(fmt::format("This is a netCDF dimension but not a netCDF variable.{:10}", length));
  return dimension;
}

}  // namespace

h5::Dataset write_time_coordinate(h5::Group& file, std::int64_t steps, std::int64_t dt_days, Date start) {
  std::vector<std::int64_t> days(static_cast<std::size_t>(steps));
  std::vector<std::int64_t> bounds;
  for (std::size_t s = 0; s < days.size(); ++s) {
    days[s] = static_cast<std::int64_t>(s) * dt_days;
    bounds.push_back(days[s]);            // 00:00 of the step's first day
    bounds.push_back(days[s] + dt_days);  // 00:00 after its last day: the end, where stocks are taken
  }
  h5::Dataset time = write_scale<std::int64_t>(file, time_path, days);
  time.set_attribute("units", fmt::format("days since {}", start.to_string()));
  time.set_attribute("calendar", "proleptic_gregorian");
  time.set_attribute("standard_name", "time");
  time.set_attribute("axis", "T");
  time.set_attribute("long_name", "first day of the step; stocks are as at the end of the step");
  time.set_attribute("bounds", bounds_path);

  const h5::Dataset vertices = write_dimension_without_variable(file, vertices_path, 2);
  h5::Dataset time_bounds = file.create_dataset<std::int64_t>(bounds_path, {days.size(), 2});
  time_bounds.write<std::int64_t>(bounds);
  time_bounds.set_attribute("long_name", "start and end of the step");
  attach(time_bounds, {{&time, "time"}, {&vertices, "nv"}});
  return time;
}

}  // namespace scamsim::io::detail
