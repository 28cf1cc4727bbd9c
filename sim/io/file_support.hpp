#pragma once
// What the writers and readers of run, sweep and comparison files share. Internal to the io module: the
// names live in io::detail so that they do not meet the files' own overloads of the same names.

#include <filesystem>
#include <initializer_list>
#include <span>
#include <string>
#include <utility>

#include "sim/io/h5.hpp"

namespace scamsim::io::detail {

/// Now in UTC as ISO 8601 ("2025-01-31T12:00:00Z"), for the files' creation and history attributes.
std::string utc_now();

/// Whether the file starts with the HDF5 signature; our files never have a user block, so it is at offset 0.
bool has_hdf5_signature(const std::filesystem::path& path);

/// Throws SetupError about `path`: the files are inputs, so what is wrong with them is the user's to fix.
[[noreturn]] void refuse(const std::filesystem::path& path, const std::string& message);

/// The dataset at `name`, refusing the file when it is missing rather than failing deep in HDF5.
h5::Dataset required_dataset(const h5::File& file, const std::filesystem::path& path, const std::string& name);

/// A 1-D coordinate at `path` that is also the dimension scale of that name.
template <class T>
h5::Dataset write_scale(h5::Group& root, const std::string& path, std::span<const T> values) {
  h5::Dataset scale = root.create_dataset<T>(path, {values.size()});
  scale.write<T>(values);
  scale.make_scale(path);
  return scale;
}

/// Attaches one scale to each dimension of `d`, in order, each with its label.
void attach(h5::Dataset& d, std::initializer_list<std::pair<const h5::Dataset*, const char*>> scales);

}  // namespace scamsim::io::detail
