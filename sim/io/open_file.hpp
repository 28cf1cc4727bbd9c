#pragma once
// Opening a scamsim file for reading (or a sweep's in-progress file for going on with it): the one place that
// decides whether a path is a scamsim file of the kind a reader wants, and says what it is when it is not.

#include <filesystem>
#include <string>
#include <string_view>

#include "sim/io/h5.hpp"

namespace scamsim::io {

/// What a reader expects to find; the root attribute `file_kind` says what a file is.
enum class FileKind {
  run,                ///< `scamsim run` (file_kind "run"; files older than that attribute read as runs)
  sweep,              ///< `scamsim sweep`, finished or in progress (file_kind "sweep")
  sweep_in_progress,  ///< a sweep's .partial file, with runs still to record (file_kind "sweep", complete = 0)
  compare,            ///< `scamsim compare` (file_kind "compare")
  posterior,          ///< `scamsim calibrate --method abc-smc` (file_kind "posterior")
};

/// The `file_kind` attribute value of that kind: "run", "sweep", "compare" or "posterior".
std::string_view file_kind_name(FileKind kind);

/// Opens `path` as a scamsim file of `kind`, read-only (or read-write when `writable`). Throws SetupError,
/// naming the path, before touching the file's contents when it is missing, or is not a regular file (a
/// directory, FIFO, device or socket: reading one could block forever or consume a stream); and after when
/// it is not HDF5, is locked by a writer, is truncated or corrupt, is not a scamsim file of `kind` (its
/// file_kind names what it is), or has a schema_version that is not one this build reads.
h5::File open_scamsim_file(const std::filesystem::path& path, FileKind kind, bool writable = false);

/// Throws SetupError naming `path` unless it is an existing regular file (symbolic links followed); the
/// message calls it a `noun` file ("results", "sweep", ...).
void require_regular_file(const std::filesystem::path& path, std::string_view noun);

/// What kind of scamsim file this is: "run", "sweep", "compare", or "" if it is not readable as one (not a
/// regular file, not HDF5, no `file_kind`; older run files have no `file_kind` but the run attributes, and
/// read as "run"). Never throws.
std::string file_kind(const std::filesystem::path& path);

}  // namespace scamsim::io
