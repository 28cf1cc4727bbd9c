#include "sim/io/group_coordinates.hpp"

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace scamsim::io::detail {

namespace {

// What describes a coordinate to readers; the dimension-scale bookkeeping (CLASS, NAME, REFERENCE_LIST) is
// not copied: it belongs to the source and its attached datasets.
constexpr std::array<std::string_view, 7> described_by = {"long_name", "standard_name", "units",      "calendar",
                                                          "axis",      "bounds",        "description"};

template <class T>
h5::Dataset copy_values(h5::Group& group, const h5::Dataset& source, const std::string& name) {
  const std::vector<T> values = source.read<T>();
  h5::Dataset copy = group.create_dataset<T>(name, {values.size()});
  copy.write<T>(values);
  return copy;
}

}  // namespace

h5::Dataset copy_coordinate(h5::Group& group, const h5::Dataset& source, const std::string& name) {
  h5::Dataset copy;
  switch (source.type_class()) {
    case H5T_INTEGER:
      copy = copy_values<std::int64_t>(group, source, name);
      break;
    case H5T_FLOAT:
      copy = copy_values<double>(group, source, name);
      break;
    case H5T_STRING:
      copy = copy_values<std::string>(group, source, name);
      break;
    default:
      throw h5::Error(fmt::format("cannot copy coordinate '{}' into '{}': it holds neither numbers nor strings",
                                  source.path(), group.path()));
  }
  copy.make_scale(name);
  for (const std::string_view attribute : described_by) {
    const std::string key(attribute);
    if (source.has_attribute(key)) copy.set_attribute(key, source.attribute<std::string>(key));
  }
  return copy;
}

}  // namespace scamsim::io::detail
