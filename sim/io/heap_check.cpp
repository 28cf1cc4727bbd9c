#include "sim/io/heap_check.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <vector>

#include <fmt/format.h>

namespace scamsim::io::detail {

namespace {

// The global heap collection of the HDF5 file format specification (section III.E), with 8-byte lengths as
// scamsim's files have: "GCOL", version 1, 3 reserved bytes, the collection's size (header included); then
// objects, each an index (2 bytes), a reference count (2), 4 reserved bytes, its size (8) and its data padded
// to a multiple of 8; index 0 is the free space that ends the list.
constexpr char signature[] = {'G', 'C', 'O', 'L'};
constexpr std::size_t header_bytes = 16;
constexpr std::size_t object_header_bytes = 16;

std::uint64_t little_endian(const unsigned char* p, std::size_t bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = bytes; i > 0; --i) value = (value << 8) | p[i - 1];
  return value;
}

// What is wrong with the collection whose bytes are `c` (all of it, as its header says), if anything.
std::optional<std::string> check_collection(const std::vector<unsigned char>& c, std::uint64_t at) {
  std::size_t offset = header_bytes;
  while (offset + object_header_bytes <= c.size()) {
    const std::uint64_t index = little_endian(&c[offset], 2);
    const std::uint64_t size = little_endian(&c[offset + 8], 8);
    if (index == 0) return std::nullopt;  // the free space: the rest of the collection
    const std::uint64_t room = c.size() - offset - object_header_bytes;
    if (size > room) {
      return fmt::format("its global heap collection at byte {} holds an object of {} bytes where {} are left", at,
                         size, room);
    }
    offset += object_header_bytes + static_cast<std::size_t>((size + 7) / 8 * 8);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> damaged_global_heap(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;  // the caller's own checks say why it cannot be read
  in.seekg(0, std::ios::end);
  const auto file_size = static_cast<std::uint64_t>(in.tellg());
  constexpr std::size_t block = 1 << 20;
  std::vector<unsigned char> buffer(block + sizeof(signature));
  std::uint64_t base = 0;  // file offset of buffer[0]
  while (base < file_size) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), file_size - base));
    in.clear();
    in.seekg(static_cast<std::streamoff>(base));
    in.read(reinterpret_cast<char*>(buffer.data()), static_cast<std::streamsize>(want));
    const std::size_t got = static_cast<std::size_t>(in.gcount());
    for (std::size_t i = 0; i + sizeof(signature) <= got; ++i) {
      if (std::memcmp(&buffer[i], signature, sizeof(signature)) != 0) continue;
      const std::uint64_t at = base + i;
      if (at + header_bytes > file_size) return fmt::format("its global heap collection at byte {} is cut off", at);
      unsigned char header[header_bytes];
      std::ifstream again(path, std::ios::binary);
      again.seekg(static_cast<std::streamoff>(at));
      again.read(reinterpret_cast<char*>(header), header_bytes);
      if (header[4] != 1) continue;  // not a version-1 collection: the four letters were data
      const std::uint64_t size = little_endian(&header[8], 8);
      if (size < header_bytes || size > file_size - at) {
        return fmt::format("its global heap collection at byte {} claims {} bytes, past the end of the file", at, size);
      }
      std::vector<unsigned char> collection(static_cast<std::size_t>(size));
      again.seekg(static_cast<std::streamoff>(at));
      again.read(reinterpret_cast<char*>(collection.data()), static_cast<std::streamsize>(size));
      if (auto problem = check_collection(collection, at)) return problem;
    }
    if (got < buffer.size()) break;
    base += block;  // the next block starts before this one's last bytes, so a signature across the seam is seen
  }
  return std::nullopt;
}

}  // namespace scamsim::io::detail
