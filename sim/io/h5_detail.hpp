#pragma once
// Internal to the h5 layer (h5.cpp, h5_dataset.cpp): what an HDF5 call in
// progress knows for its error message, and the small helpers the wrappers of
// files, groups, datasets and attributes share. Nothing outside sim/io/h5*
// includes this.
#include <hdf5.h>

#include <fmt/format.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/io/h5.hpp"

namespace scamsim::io::h5::detail {

/// H5S_ALL and H5T_VARIABLE, which HDF5 spells with C casts.
hid_t whole_space();
std::size_t variable_length();

/// Switches off HDF5's stderr dump of its error stack on this thread (a per-thread setting in thread-safe builds).
void silence_hdf5_on_this_thread();
/// HDF5's own reason for the last failure (the innermost entry of its error stack); when the operating system
/// refused (a full disk, say), its reason in words, e.g. "no space left on device".
std::string innermost_hdf5_error();
/// Whether the last failure was a refused file lock.
bool failed_to_lock();

// HDF5's two-call idiom for names: ask for the length, then fill a buffer one
// byte longer for the NUL. Empty when HDF5 fails.
template <class Get>
std::optional<std::string> try_fetch_name(Get get) {
  const ssize_t length = get(nullptr, 0);
  if (length < 0) return std::nullopt;
  std::string name(static_cast<std::size_t>(length), '\0');
  if (get(name.data(), name.size() + 1) < 0) return std::nullopt;
  return name;
}

/// Path and file of an object for error messages, where a failure must not throw.
std::string path_or_empty(hid_t id);
std::string file_or_empty(hid_t id);
/// `name` relative to `base`, as HDF5 paths join.
std::string join_path(const std::string& base, std::string_view name);

// An HDF5 operation in progress: what we are doing and to which object, so that
// a failure can say so. Object names are looked up only when something fails.
// Every operation starts by making one, which is why the constructor is also
// where HDF5's printing gets switched off for this thread.
struct Operation {
  // `target_loc` is the object the operation runs on or in; `target_name` a path
  // relative to it (the full path when there is no object, e.g. after a close).
  Operation(std::string_view action, hid_t target_loc, std::string_view target_name = {},
            std::string_view target_file = {})
      : what(action), loc(target_loc), name(target_name), file(target_file) {
    silence_hdf5_on_this_thread();
  }

  std::string_view what;
  hid_t loc;
  std::string_view name;
  std::string_view file;
  std::string_view attribute = {};  // set for operations on an attribute of `loc`

  // Throws Error; without `reason` it uses HDF5's description of the last failure.
  [[noreturn]] void fail(std::string_view reason = {}) const {
    // Read the error stack first: any HDF5 call, even a name lookup, clears it.
    const std::string why = reason.empty() ? innermost_hdf5_error() : std::string(reason);
    const std::string path = loc >= 0 ? join_path(path_or_empty(loc), name) : std::string(name);
    const std::string file_name = loc >= 0 ? file_or_empty(loc) : std::string(file);

    std::string message = fmt::format("cannot {}", what);
    if (!attribute.empty()) message += fmt::format(" attribute '{}' of", attribute);
    if (!path.empty()) message += fmt::format(" '{}'", path);
    if (!file_name.empty()) {
      message +=
          path.empty() ? fmt::format(" HDF5 file '{}'", file_name) : fmt::format(" in HDF5 file '{}'", file_name);
    }
    if (!why.empty()) message += fmt::format(": {}", why);
    throw Error(message);
  }

  // Passes HDF5's result through, failing on the negative values that signal errors.
  template <class Result>
  Result check(Result result) const {
    if (result < 0) fail();
    return result;
  }
};

/// An operation on attribute `attribute` of `object`.
Operation on_attribute(std::string_view action, hid_t object, std::string_view attribute);

/// A name through HDF5's two-call idiom, failing `op` when HDF5 fails.
template <class Get>
std::string fetch_name(const Operation& op, Get get) {
  std::optional<std::string> name = try_fetch_name(get);
  if (!name) op.fail();
  return *name;
}

/// Closes any identifier with the close call of its kind.
herr_t close_id(hid_t id);
/// "64-bit floats", "strings", ...: a stored type for messages.
std::string describe_type(hid_t type);
/// Fails `op` unless `stored` and `wanted` are the same kind of element (no silent conversion).
void require_same_kind(hid_t stored, hid_t wanted, const Operation& op);
/// The product of extents.
std::size_t product(Shape::const_iterator begin, Shape::const_iterator end);
/// A scalar, and a 1-D dataspace of `count` elements.
Handle scalar_space(const Operation& op);
Handle vector_space(std::size_t count, const Operation& op);
/// A creation property list of class `kind` without access and modification times (same content, same bytes).
Handle untimed_creation(hid_t kind, const Operation& op);
/// Creation properties of a group (or a file's root group): untimed, tracking creation order.
Handle group_creation(hid_t kind, const Operation& op);
/// File access for new files: the HDF5 1.8 format, no older and no newer.
Handle new_file_access(const Operation& op);
/// Link creation that makes missing parent groups.
Handle with_intermediate_groups(const Operation& op);
/// Elements of a dataset.
std::size_t element_count(hid_t dataset, const Operation& op);

// Strings laid out as H5Dwrite and H5Awrite want them for the stored type:
// pointers for variable-length strings, NUL-padded fixed-size slots otherwise.
class PackedStrings {
 public:
  PackedStrings(std::span<const std::string> values, hid_t stored, const Operation& op) {
    if (H5Tget_class(stored) != H5T_STRING) op.fail(fmt::format("it holds {}, not strings", describe_type(stored)));
    // The memory twin of the stored type: same length kind, padding and character set.
    type_ = Handle(op.check(H5Tget_native_type(stored, H5T_DIR_DEFAULT)));
    variable_ = op.check(H5Tis_variable_str(stored)) > 0;
    if (variable_) {
      for (const std::string& value : values) pointers_.push_back(value.c_str());
      return;
    }
    const std::size_t slot = H5Tget_size(stored);
    bytes_.assign(values.size() * slot, '\0');
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (values[i].size() > slot) {
        op.fail(fmt::format("\"{}\" is longer than its fixed size of {} bytes", values[i], slot));
      }
      std::copy(values[i].begin(), values[i].end(), bytes_.begin() + static_cast<std::ptrdiff_t>(i * slot));
    }
  }

  [[nodiscard]] const void* data() const {
    return variable_ ? static_cast<const void*>(pointers_.data()) : static_cast<const void*>(bytes_.data());
  }
  [[nodiscard]] hid_t type() const { return type_.get(); }

 private:
  Handle type_;
  bool variable_ = false;
  std::vector<const char*> pointers_;
  std::vector<char> bytes_;
};

// Reads `count` strings through `read` (an H5Dread or H5Aread), whichever
// length kind they are stored as, so we also read files written by others.
template <class Read>
std::vector<std::string> read_strings(hid_t stored, std::size_t count, const Operation& op, Read read) {
  if (H5Tget_class(stored) != H5T_STRING) op.fail(fmt::format("it holds {}, not strings", describe_type(stored)));
  const Handle type(op.check(H5Tget_native_type(stored, H5T_DIR_DEFAULT)));
  std::vector<std::string> values;
  values.reserve(count);
  if (count == 0) return values;

  if (op.check(H5Tis_variable_str(stored)) > 0) {
    std::vector<char*> pointers(count, nullptr);
    op.check(read(type.get(), pointers.data()));
    for (const char* pointer : pointers) values.emplace_back(pointer != nullptr ? pointer : "");
    // HDF5 allocated each string; it must free them too.
    const Handle space = vector_space(count, op);
    op.check(H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, pointers.data()));
    return values;
  }
  const std::size_t slot = H5Tget_size(stored);
  std::vector<char> bytes(count * slot);
  op.check(read(type.get(), bytes.data()));
  const bool space_padded = H5Tget_strpad(stored) == H5T_STR_SPACEPAD;
  for (std::size_t i = 0; i < count; ++i) {
    std::string_view value(bytes.data() + i * slot, slot);
    value = value.substr(0, value.find('\0'));
    if (space_padded) value = value.substr(0, value.find_last_not_of(' ') + 1);
    values.emplace_back(value);
  }
  return values;
}

}  // namespace scamsim::io::h5::detail
