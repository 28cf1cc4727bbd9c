#include "sim/io/h5.hpp"

#include <fmt/format.h>
#include <hdf5_hl.h>

#include <algorithm>
#include <optional>

#include "sim/io/h5_detail.hpp"

namespace scamsim::io::h5 {

using namespace detail;

namespace {

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
