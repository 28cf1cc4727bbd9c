#include "sim/io/h5.hpp"

#include <fmt/format.h>
#include <hdf5_hl.h>

#include <algorithm>
#include <optional>

namespace scamsim::io::h5 {
namespace {

// HDF5 spells these two with C casts; wrapping them here keeps -Wold-style-cast
// quiet everywhere else.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
hid_t whole_space() { return H5S_ALL; }
std::size_t variable_length() { return H5T_VARIABLE; }
#pragma GCC diagnostic pop

// HDF5 prints its error stack to stderr unless told not to, and in thread-safe
// builds (Debian's is one) that setting belongs to each thread. We report
// through exceptions instead, so every thread that uses this layer turns it off.
void silence_hdf5_on_this_thread() {
  thread_local bool silenced = false;
  if (!silenced) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    silenced = true;
  }
}

// HDF5's own reason for the last failure. The innermost entry of the error
// stack is where the problem was detected; the outer ones only say which
// calls it passed through.
std::string innermost_hdf5_error() {
  std::string description;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_UPWARD,
      [](unsigned n, const H5E_error2_t* error, void* out) -> herr_t {
        if (n == 0 && error->desc != nullptr) *static_cast<std::string*>(out) = error->desc;
        return 0;
      },
      &description);
  return description;
}

// Whether the last failure was a refused file lock, which HDF5 (1.10 and later) takes when it opens a file and
// which fails while another process holds the file open for writing. The reason can sit at any depth of the
// stack, so every entry is looked at; the text is a fallback for builds that report another minor number.
bool failed_to_lock() {
  bool locked = false;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_UPWARD,
      [](unsigned /*n*/, const H5E_error2_t* error, void* out) -> herr_t {
        if (error->min_num == H5E_CANTLOCKFILE ||
            (error->desc != nullptr &&
             std::string_view(error->desc).find("unable to lock") != std::string_view::npos)) {
          *static_cast<bool*>(out) = true;
        }
        return 0;
      },
      &locked);
  return locked;
}

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

// Path and file of an object for error messages, where a failure must not throw.
std::string path_or_empty(hid_t id) {
  return try_fetch_name([id](char* buffer, std::size_t size) { return H5Iget_name(id, buffer, size); }).value_or("");
}
std::string file_or_empty(hid_t id) {
  return try_fetch_name([id](char* buffer, std::size_t size) { return H5Fget_name(id, buffer, size); }).value_or("");
}

std::string join_path(const std::string& base, std::string_view name) {
  if (name.empty()) return base;
  if (name.front() == '/' || base.empty()) return std::string(name);
  return base == "/" ? fmt::format("/{}", name) : fmt::format("{}/{}", base, name);
}

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

Operation on_attribute(std::string_view action, hid_t object, std::string_view attribute) {
  Operation op(action, object);
  op.attribute = attribute;
  return op;
}

template <class Get>
std::string fetch_name(const Operation& op, Get get) {
  std::optional<std::string> name = try_fetch_name(get);
  if (!name) op.fail();
  return *name;
}

// Each kind of identifier has its own close call; asking HDF5 for the kind
// keeps Handle a single class.
herr_t close_id(hid_t id) {
  switch (H5Iget_type(id)) {
    case H5I_FILE:
      return H5Fclose(id);
    case H5I_GROUP:
      return H5Gclose(id);
    case H5I_DATASET:
      return H5Dclose(id);
    case H5I_DATASPACE:
      return H5Sclose(id);
    case H5I_DATATYPE:
      return H5Tclose(id);
    case H5I_ATTR:
      return H5Aclose(id);
    case H5I_GENPROP_LST:
      return H5Pclose(id);
    default:
      return -1;
  }
}

std::string describe_type(hid_t type) {
  const std::size_t bits = H5Tget_size(type) * 8;
  switch (H5Tget_class(type)) {
    case H5T_INTEGER:
      return fmt::format("{}-bit {} integers", bits, H5Tget_sign(type) == H5T_SGN_NONE ? "unsigned" : "signed");
    case H5T_FLOAT:
      return fmt::format("{}-bit floats", bits);
    case H5T_STRING:
      return "strings";
    case H5T_COMPOUND:
      return "compound records";
    case H5T_ENUM:
      return "enums";
    default:
      return "another type";
  }
}

bool same_member_names(hid_t stored, hid_t wanted) {
  const int count = H5Tget_nmembers(wanted);
  if (count < 0 || count != H5Tget_nmembers(stored)) return false;
  for (int i = 0; i < count; ++i) {
    char* member = H5Tget_member_name(wanted, static_cast<unsigned>(i));
    const bool found = member != nullptr && H5Tget_member_index(stored, member) >= 0;
    H5free_memory(member);
    if (!found) return false;
  }
  return true;
}

// We move values only between matching types, never letting HDF5 convert:
// doubles read as int32, or written into an int32 dataset, would be silently
// truncated. Compound records match member by member name, as HDF5 converts them.
void require_same_kind(hid_t stored, hid_t wanted, const Operation& op) {
  const H5T_class_t kind = H5Tget_class(stored);
  bool same = kind == H5Tget_class(wanted);
  if (same && kind == H5T_COMPOUND) {
    same = same_member_names(stored, wanted);
  } else if (same) {
    same = H5Tget_size(stored) == H5Tget_size(wanted) &&
           (kind != H5T_INTEGER || H5Tget_sign(stored) == H5Tget_sign(wanted));
  }
  if (!same) op.fail(fmt::format("it holds {}, not {}", describe_type(stored), describe_type(wanted)));
}

std::size_t product(Shape::const_iterator begin, Shape::const_iterator end) {
  std::size_t result = 1;
  for (auto it = begin; it != end; ++it) result *= static_cast<std::size_t>(*it);
  return result;
}

Handle scalar_space(const Operation& op) { return Handle(op.check(H5Screate(H5S_SCALAR))); }

Handle vector_space(std::size_t count, const Operation& op) {
  const hsize_t extent = count;
  return Handle(op.check(H5Screate_simple(1, &extent, nullptr)));
}

// A creation property list of class `kind` (file, group, dataset, datatype)
// that leaves out the object's access and modification times, which HDF5
// records by default: with them, the same content written twice differs.
Handle untimed_creation(hid_t kind, const Operation& op) {
  Handle list(op.check(H5Pcreate(kind)));
  op.check(H5Pset_obj_track_times(list.get(), false));
  return list;
}

// Creation properties of a group (or, for a file, its root group). Links are
// tracked in creation order, as in files netCDF-4 writes: netCDF readers walk
// a group in that order when it is tracked and in name order otherwise, and
// in name order they can meet a dataset before its named type (and skip the
// dataset) or a compound before the named enum of one of its members (and
// fail). Creation order puts every type before its users.
Handle group_creation(hid_t kind, const Operation& op) {
  Handle list = untimed_creation(kind, op);
  op.check(H5Pset_link_creation_order(list.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED));
  return list;
}

// File access for new files: the HDF5 1.8 file format at least, whose object
// headers store large attributes apart (in a heap) instead of failing with
// "object header message is too large" past 64 KiB, as the 1.6 format the
// library picks by default does; a resolved scenario can be that long. At most
// 1.8 too, so that any HDF5 from 1.8 on (2008) reads our files.
Handle new_file_access(const Operation& op) {
  Handle list(op.check(H5Pcreate(H5P_FILE_ACCESS)));
  op.check(H5Pset_libver_bounds(list.get(), H5F_LIBVER_V18, H5F_LIBVER_V18));
  return list;
}

// Link creation that makes missing parent groups, so callers can name a full path.
Handle with_intermediate_groups(const Operation& op) {
  Handle list(op.check(H5Pcreate(H5P_LINK_CREATE)));
  op.check(H5Pset_create_intermediate_group(list.get(), 1));
  return list;
}

std::size_t element_count(hid_t dataset, const Operation& op) {
  const Handle space(op.check(H5Dget_space(dataset)));
  return static_cast<std::size_t>(op.check(H5Sget_simple_extent_npoints(space.get())));
}

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

// Replaces attribute `name` of `object`: attributes can't change type or shape in place.
void write_attribute(hid_t object, const std::string& name, hid_t type, hid_t space, const void* data,
                     const Operation& op) {
  if (op.check(H5Aexists(object, name.c_str())) > 0) op.check(H5Adelete(object, name.c_str()));
  const Handle attribute(op.check(H5Acreate2(object, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT)));
  // HDF5 rejects a null buffer even for an empty array.
  static const char nothing = 0;
  op.check(H5Awrite(attribute.get(), type, data != nullptr ? data : &nothing));
}

}  // namespace

// ---------------------------------------------------------------- Handle

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    const Handle previous(id_);  // closes what we held as it goes out of scope
    id_ = std::exchange(other.id_, H5I_INVALID_HID);
  }
  return *this;
}

Handle::~Handle() {
  if (valid()) {  // errors are dropped: a destructor can't throw, and close() exists to report them
    silence_hdf5_on_this_thread();
    close_id(id_);
  }
}

void Handle::close() {
  if (!valid()) return;
  silence_hdf5_on_this_thread();
  // Names first: after a failed close the identifier may be gone.
  const std::string path = path_or_empty(id_);
  const std::string file = file_or_empty(id_);
  if (close_id(std::exchange(id_, H5I_INVALID_HID)) < 0) Operation("close", H5I_INVALID_HID, path, file).fail();
}

// ---------------------------------------------------------------- types

hid_t TypeTraits<double>::native() { return H5T_NATIVE_DOUBLE; }
hid_t TypeTraits<std::int64_t>::native() { return H5T_NATIVE_INT64; }
hid_t TypeTraits<std::int32_t>::native() { return H5T_NATIVE_INT32; }
hid_t TypeTraits<std::uint8_t>::native() { return H5T_NATIVE_UINT8; }

Handle string_type(std::size_t size) {
  const Operation op("make a string type", H5I_INVALID_HID);
  Handle type(op.check(H5Tcopy(H5T_C_S1)));
  op.check(H5Tset_size(type.get(), size == 0 ? variable_length() : size));
  op.check(H5Tset_cset(type.get(), H5T_CSET_UTF8));
  // NUL padding rather than termination: a string may fill its slot exactly (h5py and numpy agree).
  if (size > 0) op.check(H5Tset_strpad(type.get(), H5T_STR_NULLPAD));
  return type;
}

Handle enum_type(const std::vector<std::pair<std::string, std::uint8_t>>& members) {
  Handle type(Operation("make an enum type", H5I_INVALID_HID).check(H5Tenum_create(H5T_NATIVE_UINT8)));
  for (const auto& [name, value] : members) {
    Operation("add enum member", H5I_INVALID_HID, name).check(H5Tenum_insert(type.get(), name.c_str(), &value));
  }
  return type;
}

CompoundType::CompoundType(std::size_t size) : size_(size) {
  type_ = Handle(Operation("make a compound type", H5I_INVALID_HID).check(H5Tcreate(H5T_COMPOUND, size)));
}

Handle CompoundType::packed() const {
  const Operation op("pack a compound type", H5I_INVALID_HID);
  Handle copy(op.check(H5Tcopy(type_.get())));
  op.check(H5Tpack(copy.get()));
  return copy;
}

CompoundType& CompoundType::add(const std::string& name, std::size_t offset, hid_t member_type) {
  Operation("add compound member", H5I_INVALID_HID, name)
      .check(H5Tinsert(type_.get(), name.c_str(), offset, member_type));
  return *this;
}

// ---------------------------------------------------------------- Object

std::string Object::path() const {
  const Operation op("get the path of", id());
  return fetch_name(op, [this](char* buffer, std::size_t size) { return H5Iget_name(id(), buffer, size); });
}

std::string Object::file_name() const {
  const Operation op("get the file name of", id());
  return fetch_name(op, [this](char* buffer, std::size_t size) { return H5Fget_name(id(), buffer, size); });
}

bool Object::has_attribute(const std::string& name) const {
  return on_attribute("look up", id(), name).check(H5Aexists(id(), name.c_str())) > 0;
}

std::vector<std::string> Object::attribute_names() const {
  const Operation op("list attributes of", id());
  std::vector<std::string> names;
  op.check(H5Aiterate2(
      id(), H5_INDEX_NAME, H5_ITER_INC, nullptr,
      [](hid_t, const char* name, const H5A_info_t*, void* out) -> herr_t {
        try {
          static_cast<std::vector<std::string>*>(out)->emplace_back(name);
          return 0;
        } catch (...) {  // nothing may unwind through HDF5's C frames
          return -1;
        }
      },
      &names));
  return names;
}

void Object::set_attribute(const std::string& name, std::string_view value) {
  // Fixed length, because netCDF-C reads a scalar fixed-length string as an
  // ordinary NC_CHAR text attribute, the form CF conventions and older netCDF
  // tools expect for `units` and `description`; a variable-length one becomes
  // NC_STRING, which some of them reject. h5py and xarray read both.
  const Operation op = on_attribute("write", id(), name);
  std::string bytes(value);
  bytes.resize(std::max<std::size_t>(value.size(), 1), '\0');  // HDF5 has no zero-length strings
  const Handle type = string_type(bytes.size());
  write_attribute(id(), name, type.get(), scalar_space(op).get(), bytes.data(), op);
}

void Object::set_attribute(const std::string& name, std::int64_t value) {
  const Operation op = on_attribute("write", id(), name);
  write_attribute(id(), name, TypeTraits<std::int64_t>::native(), scalar_space(op).get(), &value, op);
}

void Object::set_attribute(const std::string& name, double value) {
  const Operation op = on_attribute("write", id(), name);
  write_attribute(id(), name, TypeTraits<double>::native(), scalar_space(op).get(), &value, op);
}

void Object::set_attribute(const std::string& name, std::span<const std::int64_t> values) {
  const Operation op = on_attribute("write", id(), name);
  write_attribute(id(), name, TypeTraits<std::int64_t>::native(), vector_space(values.size(), op).get(), values.data(),
                  op);
}

void Object::set_attribute(const std::string& name, std::span<const double> values) {
  const Operation op = on_attribute("write", id(), name);
  write_attribute(id(), name, TypeTraits<double>::native(), vector_space(values.size(), op).get(), values.data(), op);
}

void Object::set_attribute(const std::string& name, std::span<const std::string> values) {
  // Variable length: fixed-length text (NC_CHAR) has no arrays of strings in netCDF.
  const Operation op = on_attribute("write", id(), name);
  const Handle type = string_type(0);
  const PackedStrings packed(values, type.get(), op);
  write_attribute(id(), name, packed.type(), vector_space(values.size(), op).get(), packed.data(), op);
}

template <AttributeElement T>
std::vector<T> Object::attribute_values(const std::string& name) const {
  const Operation op = on_attribute("read", id(), name);
  const Handle attribute(op.check(H5Aopen(id(), name.c_str(), H5P_DEFAULT)));
  const Handle stored(op.check(H5Aget_type(attribute.get())));
  const Handle space(op.check(H5Aget_space(attribute.get())));
  const auto count = static_cast<std::size_t>(op.check(H5Sget_simple_extent_npoints(space.get())));
  if constexpr (std::same_as<T, std::string>) {
    return read_strings(stored.get(), count, op,
                        [&attribute](hid_t type, void* out) { return H5Aread(attribute.get(), type, out); });
  } else {
    require_same_kind(stored.get(), TypeTraits<T>::native(), op);
    std::vector<T> values(count);
    if (count > 0) op.check(H5Aread(attribute.get(), TypeTraits<T>::native(), values.data()));
    return values;
  }
}

template <AttributeElement T>
T Object::attribute(const std::string& name) const {
  std::vector<T> values = attribute_values<T>(name);
  if (values.size() != 1)
    on_attribute("read", id(), name).fail(fmt::format("it holds {} values, not one", values.size()));
  return std::move(values.front());
}

template std::string Object::attribute<std::string>(const std::string&) const;
template std::int64_t Object::attribute<std::int64_t>(const std::string&) const;
template double Object::attribute<double>(const std::string&) const;
template std::vector<std::string> Object::attribute_values<std::string>(const std::string&) const;
template std::vector<std::int64_t> Object::attribute_values<std::int64_t>(const std::string&) const;
template std::vector<double> Object::attribute_values<double>(const std::string&) const;

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
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    names.push_back(fetch_name(op, [this, i](char* buffer, std::size_t size) {
      return H5Lget_name_by_idx(id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, buffer, size, H5P_DEFAULT);
    }));
  }
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
  const Handle links = with_intermediate_groups(op);
  return Dataset(
      Handle(op.check(H5Dcreate2(id(), path.c_str(), type, space.get(), links.get(), creation.get(), H5P_DEFAULT))));
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

// ---------------------------------------------------------------- File

File File::create(const std::filesystem::path& path) {
  const std::string name = path.string();
  const Operation op("create", H5I_INVALID_HID, {}, name);
  const Handle creation = group_creation(H5P_FILE_CREATE, op);  // for the root group
  const Handle access = new_file_access(op);
  return File(Handle(op.check(H5Fcreate(name.c_str(), H5F_ACC_TRUNC, creation.get(), access.get()))));
}

File File::create_exclusive(const std::filesystem::path& path) {
  const std::string name = path.string();
  const Operation op("create new", H5I_INVALID_HID, {}, name);
  const Handle creation = group_creation(H5P_FILE_CREATE, op);  // for the root group
  const Handle access = new_file_access(op);
  return File(Handle(op.check(H5Fcreate(name.c_str(), H5F_ACC_EXCL, creation.get(), access.get()))));
}

namespace {

Handle open_existing(const std::filesystem::path& path, unsigned flags, std::string_view action) {
  const std::string name = path.string();
  const Operation op(action, H5I_INVALID_HID, {}, name);
  const hid_t id = H5Fopen(name.c_str(), flags, H5P_DEFAULT);
  if (id < 0 && failed_to_lock()) {
    throw FileLocked(
        fmt::format("cannot {} HDF5 file '{}': it {} ({})", action, name, locked_file_advice, innermost_hdf5_error()));
  }
  return Handle(op.check(id));
}

}  // namespace

File File::open_read_only(const std::filesystem::path& path) {
  return File(open_existing(path, H5F_ACC_RDONLY, "open for reading"));
}

File File::open_read_write(const std::filesystem::path& path) {
  return File(open_existing(path, H5F_ACC_RDWR, "open for writing"));
}

void File::flush() { Operation("flush", id()).check(H5Fflush(id(), H5F_SCOPE_LOCAL)); }

void File::close() {
  if (!valid()) return;
  // An explicit flush first: with objects still open, H5Fclose only defers the
  // real close, and a write error then would surface nowhere.
  flush();
  handle_.close();
}

}  // namespace scamsim::io::h5
