#pragma once
// A small RAII layer over the HDF5 C API, only as wide as our result files
// need: files, groups, typed datasets, attributes, dimension scales and a
// compound event table. Every failure throws h5::Error; HDF5's own stderr
// dump is switched off on each thread that uses this layer. Objects are
// created without access or modification times, so that writing the same
// content twice gives the same bytes; groups made with create_group (and the
// root group) track the creation order of their members, as netCDF-4 files do,
// so that netCDF readers meet named types before the datasets that use them.
#include <hdf5.h>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace scamsim::io::h5 {

/// Any failed HDF5 call; the message says what we tried, on which object, in which file, and why.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Opening a file failed because HDF5 could not lock it: another process has it open for writing (a sweep
/// writing its in-progress file, say). A separate type, so that readers need not call that damage.
class FileLocked : public Error {
 public:
  using Error::Error;
};

/// What a FileLocked failure means and what to do about it, worded to follow a file name in a message.
inline constexpr std::string_view locked_file_advice =
    "is locked: another process has it open for writing (a sweep or run still going?); wait until that process "
    "has finished, or set HDF5_USE_FILE_LOCKING=FALSE to read a snapshot of the file as it is now";

/// Extents of a dataspace, outermost dimension first (HDF5's own order).
using Shape = std::vector<hsize_t>;

/// Owns one HDF5 identifier and closes it with the close call its kind needs, exactly once.
class Handle {
 public:
  /// An empty handle, so that owners can be default-constructed and filled later.
  Handle() noexcept = default;
  /// Takes ownership of `id` (a negative id gives an empty handle).
  explicit Handle(hid_t id) noexcept : id_(id) {}
  /// Moving leaves the source empty, which is what rules out double closes.
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  /// Closes what this handle held before taking over `other`'s identifier.
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  /// Closes quietly: destructors can't report errors, call close() where they matter.
  ~Handle();

  /// The raw identifier, for HDF5 calls this layer doesn't wrap (e.g. H5DS queries).
  [[nodiscard]] hid_t get() const noexcept { return id_; }
  /// False once moved from or closed.
  [[nodiscard]] bool valid() const noexcept { return id_ >= 0; }
  /// Closes now and throws Error if HDF5 reports a failure; a no-op on an empty handle.
  void close();

 private:
  hid_t id_ = H5I_INVALID_HID;
};

/// Maps a C++ element type to its native HDF5 type; types without a specialisation don't compile.
template <class T>
struct TypeTraits;
/// 64-bit floats: the metrics.
template <>
struct TypeTraits<double> {
  static hid_t native();
};
/// 64-bit integers: counts that may exceed 2^31.
template <>
struct TypeTraits<std::int64_t> {
  static hid_t native();
};
/// 32-bit integers: indices and small counts.
template <>
struct TypeTraits<std::int32_t> {
  static hid_t native();
};
/// Bytes: flags and enum codes.
template <>
struct TypeTraits<std::uint8_t> {
  static hid_t native();
};

/// Element types with a native HDF5 counterpart.
template <class T>
concept Numeric = requires {
  TypeTraits<T>::native();
};
/// What a dataset can hold: numbers or UTF-8 strings.
template <class T>
concept Element = Numeric<T> || std::same_as<T, std::string>;
/// What an attribute can hold: the types our files use for metadata.
template <class T>
concept AttributeElement = std::same_as<T, std::int64_t> || std::same_as<T, double> || std::same_as<T, std::string>;

/// A UTF-8 string type; size 0 means variable length (a new handle, since string types are built, not predefined).
Handle string_type(std::size_t size = 0);
/// An enum over uint8, so h5dump, h5py and xarray show event kinds by name rather than as bare codes.
Handle enum_type(const std::vector<std::pair<std::string, std::uint8_t>>& members);

/// Builds the HDF5 compound type of a POD struct, one (name, offsetof, type) member at a time.
class CompoundType {
 public:
  /// `size` is sizeof the struct, padding included, so that arrays of it line up.
  explicit CompoundType(std::size_t size);
  /// Adds a member; HDF5 copies `member_type`, so the caller may close it afterwards.
  CompoundType& add(const std::string& name, std::size_t offset, hid_t member_type);
  /// The type, for HDF5 calls and for Group::create_dataset.
  [[nodiscard]] hid_t id() const noexcept { return type_.get(); }
  /// Bytes per record, checked against sizeof the struct on every read and write.
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  /// A copy without the struct's padding, for storing: files are smaller and never hold uninitialised bytes.
  [[nodiscard]] Handle packed() const;

 private:
  Handle type_;
  std::size_t size_ = 0;
};

/// How a new dataset is stored; the defaults give a fixed-size, contiguous, uncompressed dataset.
struct DatasetOptions {
  Shape chunk = {};         ///< chunk extents; empty means contiguous, which rules out deflate, shuffle and extendable
  int deflate = 0;          ///< zlib level 0-9; 0 means no compression
  bool shuffle = false;     ///< byte shuffle before deflate: slowly varying numbers compress much better
  bool extendable = false;  ///< first dimension unlimited, so rows can be appended
  std::size_t string_size = 0;  ///< strings only: bytes per fixed-length string; 0 means variable length
  /// int64 and float64 only: elements never written read as the netCDF default fill value of the type
  /// (nc_fill_int64, or NaN), and the CF attribute `_FillValue` says so, so that a value that was never
  /// written (an interrupted run) is not read as 0.
  bool missing_is_fill = false;
};

/// netCDF's default fill value of 64-bit integers (NC_FILL_INT64): what DatasetOptions::missing_is_fill
/// stores in int64 datasets.
inline constexpr std::int64_t nc_fill_int64 = -9223372036854775806LL;

/// Files, groups and datasets alike carry attributes; this is what they share.
class Object {
 public:
  /// An empty object, so that owners can be default-constructed and filled later.
  Object() = default;

  /// False for a default-constructed or moved-from object.
  [[nodiscard]] bool valid() const noexcept { return handle_.valid(); }
  /// The raw identifier, for HDF5 calls this layer doesn't wrap.
  [[nodiscard]] hid_t id() const noexcept { return handle_.get(); }
  /// Absolute path inside the file ("/" for a file), as errors and tools show it.
  [[nodiscard]] std::string path() const;
  /// Name of the file the object lives in, as it was opened.
  [[nodiscard]] std::string file_name() const;

  /// Whether an attribute of that name is present.
  [[nodiscard]] bool has_attribute(const std::string& name) const;
  /// Attribute names in name order, including those HDF5 itself adds (e.g. for dimension scales).
  [[nodiscard]] std::vector<std::string> attribute_names() const;

  /// Text as a scalar fixed-length UTF-8 string (see the .cpp for why fixed); replaces any existing value.
  void set_attribute(const std::string& name, std::string_view value);
  /// A scalar 64-bit integer; replaces any existing value.
  void set_attribute(const std::string& name, std::int64_t value);
  /// A scalar double; replaces any existing value.
  void set_attribute(const std::string& name, double value);
  /// A 1-D array of 64-bit integers; replaces any existing value.
  void set_attribute(const std::string& name, std::span<const std::int64_t> values);
  /// A 1-D array of doubles; replaces any existing value.
  void set_attribute(const std::string& name, std::span<const double> values);
  /// A 1-D array of variable-length UTF-8 strings (netCDF readers see NC_STRING); replaces any existing value.
  void set_attribute(const std::string& name, std::span<const std::string> values);

  /// A single-valued attribute; throws if it holds another type or more than one value.
  template <AttributeElement T>
  [[nodiscard]] T attribute(const std::string& name) const;
  /// All values of an attribute, flattened; throws if it holds another type.
  template <AttributeElement T>
  [[nodiscard]] std::vector<T> attribute_values(const std::string& name) const;

 protected:
  explicit Object(Handle handle) noexcept : handle_(std::move(handle)) {}
  Handle handle_;
};

/// A dataset; element types are checked against the stored type, never silently converted.
class Dataset : public Object {
 public:
  /// An empty dataset, so that owners can be default-constructed and filled later.
  Dataset() = default;

  /// Current extents (they grow along the first dimension when appending).
  [[nodiscard]] Shape shape() const;
  /// The class of the stored element type (H5T_INTEGER, H5T_FLOAT, ...), to pick what to read it as.
  [[nodiscard]] H5T_class_t type_class() const;
  /// Number of elements (records for a table), i.e. the product of the extents.
  [[nodiscard]] std::size_t size() const;

  /// Writes the whole dataset; `values` must hold exactly size() elements, in row-major order.
  template <Element T>
  void write(std::span<const T> values);
  /// Writes the block of extents `count` whose first corner is at `offset`.
  template <Element T>
  void write_block(const Shape& offset, const Shape& count, std::span<const T> values);
  /// Grows an extendable dataset along its first dimension and writes `values` as the new rows.
  template <Element T>
  void append(std::span<const T> values);
  /// Reads the whole dataset in row-major order.
  template <Element T>
  [[nodiscard]] std::vector<T> read() const;

  /// Writes a whole table of structs described by `type`.
  template <class Record>
  void write_records(std::span<const Record> records, const CompoundType& type) {
    static_assert(std::is_trivially_copyable_v<Record> && std::is_standard_layout_v<Record>);
    check_record_size(type, sizeof(Record));
    write_raw(records.data(), records.size(), type.id(), {}, {});
  }
  /// Appends structs described by `type` to an extendable 1-D table.
  template <class Record>
  void append_records(std::span<const Record> records, const CompoundType& type) {
    static_assert(std::is_trivially_copyable_v<Record> && std::is_standard_layout_v<Record>);
    check_record_size(type, sizeof(Record));
    append_raw(records.data(), records.size(), type.id());
  }
  /// Reads a whole table of structs described by `type`.
  template <class Record>
  [[nodiscard]] std::vector<Record> read_records(const CompoundType& type) const {
    static_assert(std::is_trivially_copyable_v<Record> && std::is_standard_layout_v<Record>);
    check_record_size(type, sizeof(Record));
    std::vector<Record> records(size());
    read_raw(records.data(), records.size(), type.id());
    return records;
  }

  /// Makes this dataset a dimension scale called `dimension`, the name netCDF readers give the axis.
  void make_scale(const std::string& dimension);
  /// Whether this dataset is a dimension scale (a coordinate), so that readers walking a group can tell
  /// coordinates from data.
  [[nodiscard]] bool is_scale() const;
  /// Attaches `scale` to dimension `dim`, which is how readers learn the axis name and coordinates.
  void attach_scale(const Dataset& scale, unsigned dim);
  /// Labels dimension `dim`, for readers that show labels rather than scales (e.g. h5dump).
  void set_label(unsigned dim, const std::string& label);

 private:
  friend class Group;
  explicit Dataset(Handle handle) noexcept : Object(std::move(handle)) {}

  // Type-erased cores of the templates: `count` elements of `mem_type` at `data`.
  // An empty offset and block mean the whole dataset.
  void write_raw(const void* data, std::size_t count, hid_t mem_type, const Shape& offset, const Shape& block);
  void append_raw(const void* data, std::size_t count, hid_t mem_type);
  void read_raw(void* data, std::size_t count, hid_t mem_type) const;
  void check_record_size(const CompoundType& type, std::size_t record_size) const;
};

/// A group; also the base of File, whose root group it stands for.
class Group : public Object {
 public:
  /// An empty group, so that owners can be default-constructed and filled later.
  Group() = default;

  /// Creates a group, and any missing groups on the way to it (those without creation order tracking).
  Group create_group(const std::string& path);
  /// Opens an existing group.
  [[nodiscard]] Group open_group(const std::string& path) const;
  /// Whether something exists at `path` (relative or absolute); false also when a parent is missing.
  [[nodiscard]] bool exists(const std::string& path) const;
  /// Names of the direct members (groups, datasets, ...) in name order.
  [[nodiscard]] std::vector<std::string> member_names() const;

  /// Creates a dataset of T, and any missing groups on the way to it.
  template <Element T>
  Dataset create_dataset(const std::string& path, const Shape& shape, const DatasetOptions& options = {});
  /// Creates a dataset of any HDF5 type, e.g. a CompoundType for tables.
  Dataset create_dataset(const std::string& path, hid_t type, const Shape& shape, const DatasetOptions& options = {});
  /// Opens an existing dataset.
  [[nodiscard]] Dataset open_dataset(const std::string& path) const;

  /// Stores a copy of `type` under `path` as a named datatype and returns the stored type, for
  /// create_dataset: netCDF readers (ncdump, netCDF4-python) only show compound and enum
  /// datasets whose types are named like this.
  Handle commit_type(const std::string& path, hid_t type);
  /// A second name for the object at `target` (both relative to this group): one object, two paths.
  void create_hard_link(const std::string& target, const std::string& path);

 protected:
  explicit Group(Handle handle) noexcept : Object(std::move(handle)) {}
};

/// An HDF5 file; as a Group it is the root group, so root attributes go straight on it.
class File : public Group {
 public:
  /// An empty file object, so that owners can be default-constructed and filled later.
  File() = default;

  /// Creates a file, replacing any file already there.
  static File create(const std::filesystem::path& path);
  /// Creates a file, failing if one is already there, so results are never overwritten by accident.
  static File create_exclusive(const std::filesystem::path& path);
  /// Opens an existing file for reading only; throws FileLocked when another process is writing it.
  static File open_read_only(const std::filesystem::path& path);
  /// Opens an existing file for reading and writing; throws FileLocked when another process has it open.
  static File open_read_write(const std::filesystem::path& path);

  /// Pushes buffered data to disk, so a crash later loses less.
  void flush();
  /// Flushes and closes, throwing on failure: the destructor closes too but can't report a failed write.
  void close();

 private:
  explicit File(Handle handle) noexcept : Group(std::move(handle)) {}
};

}  // namespace scamsim::io::h5
