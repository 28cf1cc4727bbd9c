#pragma once
// Checks of a file's HDF5 global heap before libhdf5 reads it. Variable-length strings (coordinate names, the
// scenario events table, the sweep messages) live in global heap collections, reached through heap IDs stored
// with the dataset's other bytes: a length, the collection's address and an object index. HDF5 1.10.8 trusts
// both sides: a damaged object size makes H5HG_read copy past the collection, an index naming no object makes it
// follow a null pointer, and a length shorter than the object makes it copy past the buffer it sized from that
// length (all found by tests/fuzz/fuzz_results.cpp). Neither side has a checksum; the object headers and B-trees
// that say where datasets are do (the 1.8 format we write). Checking both sides first turns each crash into a
// refusal. Internal to io.

#include <hdf5.h>

#include <filesystem>
#include <optional>
#include <string>

namespace scamsim::io::detail {

/// What is wrong with the first damaged global heap collection of the file at `path` ("its global heap collection
/// at byte 4288 holds an object of 1701669236 bytes where 4000 are left"); nothing when every collection's
/// objects fit in it. Reads the whole file once, in blocks.
std::optional<std::string> damaged_global_heap(const std::filesystem::path& path);

/// What is wrong with the heap IDs of the dataset `dataset`, if anything ("element 3 of '/site_id' names object 7
/// of the global heap collection at byte 4096, which has no such object"). Each ID must name an object of an
/// intact collection whose size is the length the ID gives. Read from the bytes in the file, before H5Dread
/// follows the IDs. Nothing to check for datasets without variable-length data, with no data written, or in
/// files open for writing (ours, in this process, whose heap may not be on disk yet). Datasets laid out in a way
/// this check cannot read (compact or virtual, chunked in more than one dimension or through a filter other
/// than deflate, shuffle and Fletcher-32, variable-length data inside arrays or nested compounds) are reported
/// as such: their heap IDs cannot be checked.
std::optional<std::string> damaged_heap_references(hid_t dataset);

}  // namespace scamsim::io::detail
