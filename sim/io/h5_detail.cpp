#include "sim/io/h5_detail.hpp"

#include <atomic>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <cstring>

namespace scamsim::io::h5::detail {

namespace {

// HDF5 1.10 cannot close a file whose last flush failed (a full disk, say): H5Fclose fails and leaves the
// file's identifier pointing at freed memory, and the close of every open file that HDF5 does at exit (its
// atexit handler, H5_term_library) then crashes in H5F__close_cb. So HDF5 is told not to register that
// handler (H5dont_atexit works only before the library's first call, hence static initialisation) and ours
// shuts HDF5 down at exit only when no file close failed; after one that did, the operating system reclaims
// what is left, and the exit status stays the one the command chose.
std::atomic<bool> file_close_failed{false};

void shut_down_hdf5() {
  if (!file_close_failed.load()) H5close();
}

[[maybe_unused]] const bool exit_handler_installed = [] {
  H5dont_atexit();
  return std::atexit(shut_down_hdf5) == 0;
}();

// The operating system's reason in HDF5's description of a failed system call ("... errno = 28, error message
// = 'No space left on device', ..."), in words and lower case, e.g. "no space left on device"; empty if none.
std::string system_reason(std::string_view description) {
  constexpr std::string_view key = "errno = ";
  const std::size_t at = description.find(key);
  if (at == std::string_view::npos) return {};
  const std::string_view digits = description.substr(at + key.size());
  int code = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), code);
  if (ec != std::errc() || end == digits.data() || code <= 0) return {};
  std::string reason = std::strerror(code);
  if (!reason.empty()) reason[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(reason[0])));
  return reason;
}

}  // namespace

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
// calls it passed through. A failed system call is described there with its
// buffer address, offsets and "bytes actually written = 18446744073709551615";
// the reason in words is what a user can act on, so that is what we keep.
std::string innermost_hdf5_error() {
  std::string description;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_UPWARD,
      [](unsigned n, const H5E_error2_t* error, void* out) -> herr_t {
        if (n == 0 && error->desc != nullptr) *static_cast<std::string*>(out) = error->desc;
        return 0;
      },
      &description);
  std::string reason = system_reason(description);
  return reason.empty() ? description : reason;
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

Operation on_attribute(std::string_view action, hid_t object, std::string_view attribute) {
  Operation op(action, object);
  op.attribute = attribute;
  return op;
}

// Each kind of identifier has its own close call; asking HDF5 for the kind
// keeps Handle a single class.
herr_t close_id(hid_t id) {
  switch (H5Iget_type(id)) {
    case H5I_FILE: {
      const herr_t result = H5Fclose(id);
      if (result < 0) file_close_failed = true;  // see shut_down_hdf5
      return result;
    }
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

}  // namespace scamsim::io::h5::detail
