// Datasets and groups of the h5 layer (h5.hpp); files, attributes and types are in h5.cpp.
#include <hdf5_hl.h>

#include <algorithm>
#include <limits>

#include "sim/io/h5.hpp"
#include "sim/io/h5_detail.hpp"
#include "sim/io/heap_check.hpp"

namespace scamsim::io::h5 {

using namespace detail;

namespace {

// Writes `count` elements at `data` into the block at `offset` of extents
// `block`, or into the whole dataset when both are empty.
void write_values(hid_t dataset, const void* data, std::size_t count, hid_t mem_type, const Shape& offset,
                  const Shape& block, const Operation& op) {
  if (offset.empty() && block.empty()) {
    const std::size_t expected = element_count(dataset, op);
    if (count != expected) op.fail(fmt::format("{} values given for {} elements", count, expected));
    // HDF5 rejects a null buffer even when there is nothing to write.
    if (count > 0) op.check(H5Dwrite(dataset, mem_type, whole_space(), whole_space(), H5P_DEFAULT, data));
    return;
  }
  const Handle file_space(op.check(H5Dget_space(dataset)));
  const auto rank = static_cast<std::size_t>(op.check(H5Sget_simple_extent_ndims(file_space.get())));
  if (offset.size() != rank || block.size() != rank) {
    op.fail(fmt::format("offset and block need {} extents each, not {} and {}", rank, offset.size(), block.size()));
  }
  const std::size_t expected = product(block.begin(), block.end());
  if (count != expected) op.fail(fmt::format("{} values given for a block of {}", count, expected));
  if (count == 0) return;
  op.check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, offset.data(), nullptr, block.data(), nullptr));
  const Handle memory_space(op.check(H5Screate_simple(static_cast<int>(rank), block.data(), nullptr)));
  op.check(H5Dwrite(dataset, mem_type, memory_space.get(), file_space.get(), H5P_DEFAULT, data));
}

// Refuses to read a dataset whose heap IDs are damaged, which HDF5 would follow out of bounds (heap_check.hpp).
void check_heap_ids(hid_t dataset, const Operation& op) {
  if (const auto damage = io::detail::damaged_heap_references(dataset)) op.fail(*damage);
}

// Grows the first dimension by count / (elements per row) and writes the new rows.
void append_values(hid_t dataset, const void* data, std::size_t count, hid_t mem_type, const Operation& op) {
  const Handle space(op.check(H5Dget_space(dataset)));
  const auto rank = static_cast<std::size_t>(op.check(H5Sget_simple_extent_ndims(space.get())));
  if (rank == 0) op.fail("a scalar has no rows to append to");
  Shape extents(rank);
  Shape max_extents(rank);
  op.check(H5Sget_simple_extent_dims(space.get(), extents.data(), max_extents.data()));
  const std::size_t row = product(extents.begin() + 1, extents.end());
  if (row == 0 ? count != 0 : count % row != 0) {
    op.fail(fmt::format("{} values are not whole rows of {}", count, row));
  }
  if (count == 0) return;

  Shape offset(rank, 0);
  offset[0] = extents[0];
  Shape block = extents;
  block[0] = count / row;
  extents[0] += block[0];
  if (max_extents[0] != H5S_UNLIMITED && extents[0] > max_extents[0]) {
    op.fail("its first dimension is not extendable (create it with extendable = true)");
  }
  op.check(H5Dset_extent(dataset, extents.data()));
  write_values(dataset, data, count, mem_type, offset, block, op);
}

}  // namespace

// ---------------------------------------------------------------- Dataset

Shape Dataset::shape() const {
  const Operation op("get the shape of", id());
  const Handle space(op.check(H5Dget_space(id())));
  Shape extents(static_cast<std::size_t>(op.check(H5Sget_simple_extent_ndims(space.get()))));
  op.check(H5Sget_simple_extent_dims(space.get(), extents.data(), nullptr));
  return extents;
}

H5T_class_t Dataset::type_class() const {
  const Operation op("get the element type of", id());
  const Handle stored(op.check(H5Dget_type(id())));
  return op.check(H5Tget_class(stored.get()));
}

std::size_t Dataset::size() const { return element_count(id(), Operation("get the size of", id())); }

template <Element T>
void Dataset::write(std::span<const T> values) {
  write_block<T>({}, {}, values);
}

template <Element T>
void Dataset::write_block(const Shape& offset, const Shape& count, std::span<const T> values) {
  if constexpr (std::same_as<T, std::string>) {
    const Operation op("write", id());
    const Handle stored(op.check(H5Dget_type(id())));
    const PackedStrings packed(values, stored.get(), op);
    write_values(id(), packed.data(), values.size(), packed.type(), offset, count, op);
  } else {
    write_raw(values.data(), values.size(), TypeTraits<T>::native(), offset, count);
  }
}

template <Element T>
void Dataset::append(std::span<const T> values) {
  if constexpr (std::same_as<T, std::string>) {
    const Operation op("append to", id());
    const Handle stored(op.check(H5Dget_type(id())));
    const PackedStrings packed(values, stored.get(), op);
    append_values(id(), packed.data(), values.size(), packed.type(), op);
  } else {
    append_raw(values.data(), values.size(), TypeTraits<T>::native());
  }
}

template <Element T>
std::vector<T> Dataset::read() const {
  if constexpr (std::same_as<T, std::string>) {
    const Operation op("read", id());
    const Handle stored(op.check(H5Dget_type(id())));
    check_heap_ids(id(), op);
    return read_strings(stored.get(), size(), op, [this](hid_t type, void* out) {
      return H5Dread(id(), type, whole_space(), whole_space(), H5P_DEFAULT, out);
    });
  } else {
    std::vector<T> values(size());
    read_raw(values.data(), values.size(), TypeTraits<T>::native());
    return values;
  }
}

void Dataset::write_raw(const void* data, std::size_t count, hid_t mem_type, const Shape& offset, const Shape& block) {
  const Operation op("write", id());
  const Handle stored(op.check(H5Dget_type(id())));
  require_same_kind(stored.get(), mem_type, op);
  write_values(id(), data, count, mem_type, offset, block, op);
}

void Dataset::append_raw(const void* data, std::size_t count, hid_t mem_type) {
  const Operation op("append to", id());
  const Handle stored(op.check(H5Dget_type(id())));
  require_same_kind(stored.get(), mem_type, op);
  append_values(id(), data, count, mem_type, op);
}

void Dataset::read_raw(void* data, std::size_t count, hid_t mem_type) const {
  const Operation op("read", id());
  const Handle stored(op.check(H5Dget_type(id())));
  require_same_kind(stored.get(), mem_type, op);
  const std::size_t expected = element_count(id(), op);
  if (count != expected) op.fail(fmt::format("room for {} values given for {} elements", count, expected));
  check_heap_ids(id(), op);
  // HDF5 rejects a null buffer even when there is nothing to read.
  if (count > 0) op.check(H5Dread(id(), mem_type, whole_space(), whole_space(), H5P_DEFAULT, data));
}

void Dataset::check_record_size(const CompoundType& type, std::size_t record_size) const {
  if (type.size() != record_size) {
    Operation("use records with", id())
        .fail(fmt::format("the compound type is {} bytes but the struct is {}", type.size(), record_size));
  }
}

void Dataset::make_scale(const std::string& dimension) {
  Operation("make a dimension scale of", id()).check(H5DSset_scale(id(), dimension.c_str()));
}

bool Dataset::is_scale() const { return Operation("check for a dimension scale", id()).check(H5DSis_scale(id())) > 0; }

void Dataset::attach_scale(const Dataset& scale, unsigned dim) {
  const Operation op("attach a dimension scale to", id());
  // H5DS reports a bad index without any HDF5 error to quote, so we check it.
  if (dim >= shape().size()) op.fail(fmt::format("it has no dimension {}", dim));
  op.check(H5DSattach_scale(id(), scale.id(), dim));
}

void Dataset::set_label(unsigned dim, const std::string& label) {
  const Operation op("label a dimension of", id());
  if (dim >= shape().size()) op.fail(fmt::format("it has no dimension {}", dim));
  op.check(H5DSset_label(id(), dim, label.c_str()));
}

// ---------------------------------------------------------------- Group

Group Group::create_group(const std::string& path) {
  const Operation op("create group", id(), path);
  const Handle links = with_intermediate_groups(op);
  const Handle creation = group_creation(H5P_GROUP_CREATE, op);
  return Group(Handle(op.check(H5Gcreate2(id(), path.c_str(), links.get(), creation.get(), H5P_DEFAULT))));
}

Group Group::open_group(const std::string& path) const {
  const Operation op("open group", id(), path);
  return Group(Handle(op.check(H5Gopen2(id(), path.c_str(), H5P_DEFAULT))));
}

bool Group::exists(const std::string& path) const {
  // H5Lexists fails, rather than saying no, when a parent is missing, so we
  // walk down one link at a time.
  const Operation op("look up", id(), path);
  std::string prefix = path.starts_with('/') ? "/" : "";
  std::size_t start = 0;
  while (start < path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) {
      if (!prefix.empty() && prefix.back() != '/') prefix += '/';
      prefix.append(path, start, end - start);
      if (op.check(H5Lexists(id(), prefix.c_str(), H5P_DEFAULT)) == 0) return false;
      if (end < path.size()) {
        const Handle object(op.check(H5Oopen(id(), prefix.c_str(), H5P_DEFAULT)));
        if (H5Iget_type(object.get()) != H5I_GROUP) return false;
      }
    }
    start = end + 1;
  }
  return true;
}

std::vector<std::string> Group::member_names() const {
  const Operation op("list members of", id());
  H5G_info_t info;
  op.check(H5Gget_info(id(), &info));
  std::vector<std::string> names;
  // In the order links are stored, then sorted here: asking HDF5 for name order makes it build a sorted table
  // of the links, and in HDF5 1.10.8 that path (H5G__link_release_table) reads uninitialised memory and
  // crashes on some damaged files (found by tests/fuzz/fuzz_results.cpp). The result is the same order.
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    names.push_back(fetch_name(op, [this, i](char* buffer, std::size_t size) {
      return H5Lget_name_by_idx(id(), ".", H5_INDEX_NAME, H5_ITER_NATIVE, i, buffer, size, H5P_DEFAULT);
    }));
  }
  std::sort(names.begin(), names.end());
  return names;
}

template <Element T>
Dataset Group::create_dataset(const std::string& path, const Shape& shape, const DatasetOptions& options) {
  if constexpr (std::same_as<T, std::string>) {
    const Handle type = string_type(options.string_size);
    return create_dataset(path, type.get(), shape, options);
  } else {
    return create_dataset(path, TypeTraits<T>::native(), shape, options);
  }
}

Dataset Group::create_dataset(const std::string& path, hid_t type, const Shape& shape, const DatasetOptions& options) {
  const Operation op("create dataset", id(), path);
  const bool chunked = !options.chunk.empty();
  if (!chunked && (options.extendable || options.deflate > 0 || options.shuffle)) {
    op.fail("extendable or compressed datasets need a chunk shape");
  }
  if (chunked && options.chunk.size() != shape.size()) {
    op.fail(fmt::format("the chunk shape has {} extents for {} dimensions", options.chunk.size(), shape.size()));
  }
  if (options.deflate < 0 || options.deflate > 9) op.fail(fmt::format("deflate level {} is not 0-9", options.deflate));
  if (options.extendable && shape.empty()) op.fail("a scalar can't be extendable");

  Shape max_shape = shape;
  if (options.extendable) max_shape[0] = H5S_UNLIMITED;
  const Handle space =
      shape.empty()
          ? scalar_space(op)
          : Handle(op.check(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), max_shape.data())));
  const Handle creation = untimed_creation(H5P_DATASET_CREATE, op);
  if (chunked) op.check(H5Pset_chunk(creation.get(), static_cast<int>(options.chunk.size()), options.chunk.data()));
  if (options.shuffle) op.check(H5Pset_shuffle(creation.get()));
  if (options.deflate > 0) op.check(H5Pset_deflate(creation.get(), static_cast<unsigned>(options.deflate)));
  const H5T_class_t type_class = H5Tget_class(type);
  const bool int64 = type_class == H5T_INTEGER && H5Tget_size(type) == sizeof(std::int64_t);
  const bool float64 = type_class == H5T_FLOAT && H5Tget_size(type) == sizeof(double);
  if (options.missing_is_fill && !int64 && !float64) op.fail("fill values are for int64 and float64 datasets");
  const double fill_real = std::numeric_limits<double>::quiet_NaN();
  if (options.missing_is_fill) {
    op.check(
        H5Pset_fill_value(creation.get(), int64 ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE,
                          int64 ? static_cast<const void*>(&nc_fill_int64) : static_cast<const void*>(&fill_real)));
  }
  const Handle links = with_intermediate_groups(op);
  Dataset dataset(
      Handle(op.check(H5Dcreate2(id(), path.c_str(), type, space.get(), links.get(), creation.get(), H5P_DEFAULT))));
  if (options.missing_is_fill) {
    if (int64) dataset.set_attribute("_FillValue", nc_fill_int64);
    if (float64) dataset.set_attribute("_FillValue", fill_real);
  }
  return dataset;
}

Dataset Group::open_dataset(const std::string& path) const {
  const Operation op("open dataset", id(), path);
  return Dataset(Handle(op.check(H5Dopen2(id(), path.c_str(), H5P_DEFAULT))));
}

Handle Group::commit_type(const std::string& path, hid_t type) {
  const Operation op("store named datatype", id(), path);
  // Committing turns the handle itself into the stored type, so we commit a copy
  // and leave the caller's type as it was.
  Handle copy(op.check(H5Tcopy(type)));
  const Handle links = with_intermediate_groups(op);
  const Handle creation = untimed_creation(H5P_DATATYPE_CREATE, op);
  op.check(H5Tcommit2(id(), path.c_str(), copy.get(), links.get(), creation.get(), H5P_DEFAULT));
  return copy;
}

void Group::create_hard_link(const std::string& target, const std::string& path) {
  const Operation op("link", id(), path);
  const Handle links = with_intermediate_groups(op);
  op.check(H5Lcreate_hard(id(), target.c_str(), id(), path.c_str(), links.get(), H5P_DEFAULT));
}

// One list, so every element type gets every dataset operation.
#define SCAMSIM_H5_ELEMENT_OPERATIONS(T)                                                              \
  template Dataset Group::create_dataset<T>(const std::string&, const Shape&, const DatasetOptions&); \
  template void Dataset::write<T>(std::span<const T>);                                                \
  template void Dataset::write_block<T>(const Shape&, const Shape&, std::span<const T>);              \
  template void Dataset::append<T>(std::span<const T>);                                               \
  template std::vector<T> Dataset::read<T>() const;
SCAMSIM_H5_ELEMENT_OPERATIONS(double)
SCAMSIM_H5_ELEMENT_OPERATIONS(std::int64_t)
SCAMSIM_H5_ELEMENT_OPERATIONS(std::int32_t)
SCAMSIM_H5_ELEMENT_OPERATIONS(std::uint8_t)
SCAMSIM_H5_ELEMENT_OPERATIONS(std::string)
#undef SCAMSIM_H5_ELEMENT_OPERATIONS
}  // namespace scamsim::io::h5
