#pragma once
// A check of a file's HDF5 global heaps before libhdf5 reads them. Variable-length strings (coordinate names,
// the scenario events table, text attributes) live in global heap collections, and HDF5 1.10.8 trusts the
// object sizes written there: a damaged size makes H5HG_read copy past the collection and crash the process
// (found by tests/fuzz/fuzz_results.cpp). Walking each collection's objects first turns that crash into a
// refusal. Internal to io.

#include <filesystem>
#include <optional>
#include <string>

namespace scamsim::io::detail {

/// What is wrong with the first damaged global heap collection of the file at `path` ("the collection at byte
/// 4288 holds an object of 1701669236 bytes, past its end of 4096"); nothing when every collection's objects
/// fit in it. Reads the whole file once, in blocks.
std::optional<std::string> damaged_global_heap(const std::filesystem::path& path);

}  // namespace scamsim::io::detail
