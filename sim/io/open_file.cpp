#include "sim/io/open_file.hpp"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

#include "sim/core/version.hpp"
#include "sim/io/file_support.hpp"
#include "sim/io/heap_check.hpp"
#include "sim/io/results.hpp"

namespace scamsim::io {

namespace fs = std::filesystem;
using detail::refuse;

namespace {

// How messages call a file of each kind: "not a scamsim result file", "no such sweep file".
std::string_view noun(FileKind kind) {
  switch (kind) {
    case FileKind::run:
      return "result";
    case FileKind::sweep:
    case FileKind::sweep_in_progress:
      return "sweep";
    case FileKind::compare:
      return "comparison";
    case FileKind::posterior:
      return "posterior";
  }
  return "scamsim";
}

// What a path that is not a regular file is, for the message; asked with stat, which opens nothing.
std::string_view what_it_is(const fs::file_status& status) {
  switch (status.type()) {
    case fs::file_type::directory:
      return "a directory";
    case fs::file_type::fifo:
      return "a FIFO (named pipe)";
    case fs::file_type::character:
      return "a character device";
    case fs::file_type::block:
      return "a block device";
    case fs::file_type::socket:
      return "a socket";
    default:
      return "not a regular file";
  }
}

// Whether the file starts with the HDF5 signature; our files never have a user block, so it is at offset 0.
// Only called on regular files, which a read cannot block on.
bool has_hdf5_signature(const fs::path& path) {
  static constexpr std::array<char, 8> signature = {'\x89', 'H', 'D', 'F', '\r', '\n', '\x1a', '\n'};
  std::ifstream in(path, std::ios::binary);
  std::array<char, 8> head{};
  return in.read(head.data(), head.size()) && head == signature;
}

// The identity checks: file_kind (optional for runs, which had none before sweeps came) and schema_version.
void check_identity(const h5::File& file, const fs::path& path, FileKind kind) {
  const std::string_view wanted = file_kind_name(kind);
  const bool has_kind = file.has_attribute("file_kind");
  if (!file.has_attribute("schema_version") || (!has_kind && kind != FileKind::run)) {
    refuse(path, fmt::format("an HDF5 file but not a scamsim {} file: it has no root attributes '{}' and "
                             "'schema_version'",
                             noun(kind), kind == FileKind::run ? "scamsim_version" : "file_kind"));
  }
  if (kind == FileKind::run && !has_kind && !file.has_attribute("scamsim_version")) {
    refuse(path, fmt::format("an HDF5 file but not a scamsim result file: it has no root attributes "
                             "'scamsim_version' and 'schema_version'"));
  }
  std::int64_t schema = 0;
  std::string written_by = "an unknown version";
  try {
    if (has_kind) {
      const std::string actual = file.attribute<std::string>("file_kind");
      if (actual != wanted) refuse(path, fmt::format("a scamsim {} file, not a {} file", actual, noun(kind)));
    }
    schema = file.attribute<std::int64_t>("schema_version");
    if (file.has_attribute("scamsim_version")) written_by = file.attribute<std::string>("scamsim_version");
  } catch (const h5::Error& e) {
    refuse(path, fmt::format("not a scamsim {} file: odd schema attributes ({})", noun(kind), e.what()));
  }
  if (schema < 1) {
    refuse(path, fmt::format("not a scamsim {} file: schema_version {} is not a version", noun(kind), schema));
  }
  if (schema > results_schema_version) {
    refuse(path, fmt::format("written by scamsim {} with result schema version {}; this scamsim ({}) reads "
                             "versions up to {}: read it with a newer scamsim",
                             written_by, schema, version(), results_schema_version));
  }
  if (kind == FileKind::sweep_in_progress) {
    if (!file.has_attribute("complete")) refuse(path, "missing root attribute 'complete'");
    if (file.attribute<std::int64_t>("complete") != 0) refuse(path, "is a finished sweep file, not one in progress");
  }
}

}  // namespace

std::string_view file_kind_name(FileKind kind) {
  switch (kind) {
    case FileKind::run:
      return "run";
    case FileKind::sweep:
    case FileKind::sweep_in_progress:
      return "sweep";
    case FileKind::compare:
      return "compare";
    case FileKind::posterior:
      return "posterior";
  }
  return "";
}

void require_regular_file(const fs::path& path, std::string_view noun_of_file) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (status.type() == fs::file_type::not_found) refuse(path, fmt::format("no such {} file", noun_of_file));
  if (ec) refuse(path, fmt::format("cannot look at the file: {}", ec.message()));
  if (status.type() != fs::file_type::regular) {
    refuse(path,
           fmt::format("is {}, not a {} file: scamsim reads only regular files", what_it_is(status), noun_of_file));
  }
}

h5::File open_scamsim_file(const fs::path& path, FileKind kind, bool writable) {
  require_regular_file(path, noun(kind));
  if (::access(path.c_str(), writable ? R_OK | W_OK : R_OK) != 0) {
    refuse(path, fmt::format("cannot {} the file: {}", writable ? "write" : "read", std::strerror(errno)));
  }
  if (!has_hdf5_signature(path)) refuse(path, fmt::format("not an HDF5 file, so not a scamsim {} file", noun(kind)));
  h5::File file;
  try {
    file = writable ? h5::File::open_read_write(path) : h5::File::open_read_only(path);
  } catch (const h5::FileLocked&) {
    refuse(path, std::string(h5::locked_file_advice));
  } catch (const h5::Error& e) {
    refuse(path, fmt::format("HDF5 file is truncated or corrupt ({})", e.what()));
  }
  // After the open, which finds a truncated file and says so; before any attribute or dataset is read, which is
  // where a damaged heap would crash HDF5.
  if (const auto damage = detail::damaged_global_heap(path)) {
    refuse(path, fmt::format("HDF5 file is damaged: {}", *damage));
  }
  try {
    check_identity(file, path, kind);
  } catch (const h5::Error& e) {
    refuse(path, fmt::format("{} file is truncated or corrupt ({})", noun(kind), e.what()));
  }
  return file;
}

std::string file_kind(const fs::path& path) {
  try {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec) || !has_hdf5_signature(path)) return "";
    const h5::File file = h5::File::open_read_only(path);
    if (detail::damaged_global_heap(path)) return "";
    if (file.has_attribute("file_kind")) return file.attribute<std::string>("file_kind");
    return file.has_attribute("scenario_toml") ? "run" : "";
  } catch (const h5::Error&) {
    return "";
  }
}

}  // namespace scamsim::io
