#include "sim/io/heap_check.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <variant>
#include <vector>

#include <fmt/format.h>

namespace scamsim::io::detail {

namespace {

// The global heap collection of the HDF5 file format specification (section III.E), with 8-byte lengths and
// addresses as scamsim's files have: "GCOL", version 1, 3 reserved bytes, the collection's size (header
// included); then objects, each an index (2 bytes), a reference count (2), 4 reserved bytes, its size (8) and
// its data padded to a multiple of 8. Index 0 is free space, whose size includes its own header.
constexpr char signature[] = {'G', 'C', 'O', 'L'};
constexpr std::uint64_t header_bytes = 16;
constexpr std::uint64_t object_header_bytes = 16;
// A heap ID as stored for one variable-length value: its length in base elements (4 bytes), the collection's
// address (8) and the object's index in it (4).
constexpr std::uint64_t heap_id_bytes = 16;

std::uint64_t little_endian(const unsigned char* p, std::size_t bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = bytes; i > 0; --i) value = (value << 8) | p[i - 1];
  return value;
}

// One collection's objects as HDF5 1.10.8 parses them (H5HG__cache_heap_deserialize): object index -> size.
using Objects = std::map<std::uint64_t, std::uint64_t>;

// Walks the collection whose bytes are `c` (all of it, as its header says) the way HDF5 does, and says what is
// wrong if HDF5 would copy past it or loop on it.
std::variant<Objects, std::string> walk_collection(const std::vector<unsigned char>& c, std::uint64_t at) {
  Objects objects;
  std::uint64_t offset = header_bytes;
  while (offset < c.size()) {
    if (offset + object_header_bytes > c.size()) break;  // too small for an object: HDF5 takes it as free space
    const std::uint64_t index = little_endian(&c[offset], 2);
    const std::uint64_t size = little_endian(&c[offset + 8], 8);
    const std::uint64_t room = c.size() - offset - object_header_bytes;
    if (index == 0) {
      if (size == 0) return fmt::format("its global heap collection at byte {} has free space of 0 bytes", at);
      offset += std::min<std::uint64_t>(size, c.size() - offset);
      continue;
    }
    if (size > room) {
      return fmt::format("its global heap collection at byte {} holds an object of {} bytes where {} are left", at,
                         size, room);
    }
    objects[index] = size;
    offset += object_header_bytes + (size + 7) / 8 * 8;
  }
  return objects;
}

// The collection at `at`, read from `in` (a file of `file_size` bytes); an error when there is none.
std::variant<Objects, std::string> read_collection(std::ifstream& in, std::uint64_t at, std::uint64_t file_size) {
  if (at > file_size || file_size - at < header_bytes) {
    return fmt::format("no global heap collection fits at byte {} of a file of {} bytes", at, file_size);
  }
  unsigned char header[header_bytes];
  in.clear();
  in.seekg(static_cast<std::streamoff>(at));
  in.read(reinterpret_cast<char*>(header), header_bytes);
  if (!in || std::memcmp(header, signature, sizeof(signature)) != 0 || header[4] != 1) {
    return fmt::format("there is no global heap collection at byte {}", at);
  }
  const std::uint64_t size = little_endian(&header[8], 8);
  if (size < header_bytes || size > file_size - at) {
    return fmt::format("its global heap collection at byte {} claims {} bytes, past the end of the file", at, size);
  }
  std::vector<unsigned char> collection(static_cast<std::size_t>(size));
  in.seekg(static_cast<std::streamoff>(at));
  in.read(reinterpret_cast<char*>(collection.data()), static_cast<std::streamsize>(size));
  if (!in) return fmt::format("its global heap collection at byte {} cannot be read", at);
  return walk_collection(collection, at);
}

// ---- The heap IDs of one dataset ----

// HDF5 handles that close themselves (this file cannot use h5.hpp's Handle, which sits above it).
struct Id {
  hid_t id;
  herr_t (*close)(hid_t);
  ~Id() {
    if (id >= 0) close(id);
  }
};

bool is_variable(hid_t type) {
  const H5T_class_t kind = H5Tget_class(type);
  return kind == H5T_VLEN || (kind == H5T_STRING && H5Tis_variable_str(type) > 0);
}

bool holds_variable(hid_t type) {
  if (is_variable(type)) return true;
  const H5T_class_t kind = H5Tget_class(type);
  if (kind == H5T_COMPOUND) {
    const int members = H5Tget_nmembers(type);
    for (int m = 0; m < members; ++m) {
      const Id member{H5Tget_member_type(type, static_cast<unsigned>(m)), H5Tclose};
      if (member.id < 0 || holds_variable(member.id)) return true;
    }
  }
  if (kind == H5T_ARRAY) {
    const Id base{H5Tget_super(type), H5Tclose};
    return base.id < 0 || holds_variable(base.id);
  }
  return false;
}

// Where the heap IDs sit in one element as stored in the file, and the bytes of one item of each.
struct Field {
  std::uint64_t offset = 0;
  std::uint64_t item_bytes = 1;
};
struct StoredLayout {
  std::uint64_t element_bytes = 0;
  std::vector<Field> fields;
};

// The item size of a variable-length type (1 for strings); 0 when its items hold variable-length data too.
std::uint64_t item_bytes(hid_t type) {
  if (H5Tget_class(type) == H5T_STRING) return 1;
  const Id base{H5Tget_super(type), H5Tclose};
  if (base.id < 0 || holds_variable(base.id)) return 0;
  return H5Tget_size(base.id);
}

// The element layout on disk of `type`, which H5Dget_type gives in its memory form: there a variable-length
// value is a pointer or an hvl_t, on disk a heap ID, and HDF5 shifts the later compound members by the
// difference (H5T_set_loc), which is undone here.
std::variant<StoredLayout, std::string> stored_layout(hid_t type) {
  const std::string cannot = "its variable-length data is nested in a way whose heap IDs scamsim cannot check";
  StoredLayout layout;
  if (is_variable(type)) {
    const std::uint64_t item = item_bytes(type);
    if (item == 0) return cannot;
    layout.element_bytes = heap_id_bytes;
    layout.fields.push_back({0, item});
    return layout;
  }
  if (H5Tget_class(type) != H5T_COMPOUND) return cannot;
  struct Member {
    std::uint64_t offset;
    unsigned index;
  };
  std::vector<Member> members;
  const int count = H5Tget_nmembers(type);
  for (int m = 0; m < count; ++m) {
    members.push_back({H5Tget_member_offset(type, static_cast<unsigned>(m)), static_cast<unsigned>(m)});
  }
  std::sort(members.begin(), members.end(), [](const Member& a, const Member& b) { return a.offset < b.offset; });
  std::int64_t growth = 0;  // bytes the members so far take more on disk than in memory
  for (const Member& m : members) {
    const Id member{H5Tget_member_type(type, m.index), H5Tclose};
    if (member.id < 0) return cannot;
    if (is_variable(member.id)) {
      const std::uint64_t item = item_bytes(member.id);
      if (item == 0) return cannot;
      layout.fields.push_back({m.offset + static_cast<std::uint64_t>(growth), item});
      growth += static_cast<std::int64_t>(heap_id_bytes) - static_cast<std::int64_t>(H5Tget_size(member.id));
    } else if (holds_variable(member.id)) {
      return cannot;
    }
  }
  layout.element_bytes = H5Tget_size(type) + static_cast<std::uint64_t>(growth);
  return layout;
}

// Bytes [at, at + count) of the file open as `in`, or why they are not there.
std::variant<std::vector<unsigned char>, std::string> file_bytes(std::ifstream& in, std::uint64_t at,
                                                                 std::uint64_t count, std::uint64_t file_size) {
  if (at > file_size || count > file_size - at) {
    return fmt::format("its data at byte {} ({} bytes) lies past the end of the file", at, count);
  }
  std::vector<unsigned char> bytes(static_cast<std::size_t>(count));
  in.clear();
  in.seekg(static_cast<std::streamoff>(at));
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(count));
  if (!in) return fmt::format("its data at byte {} cannot be read", at);
  return bytes;
}

// Undoes the filters of `pipeline` that the chunk went through (those not set in `skipped`), last first.
std::variant<std::vector<unsigned char>, std::string> unfilter(std::vector<unsigned char> chunk, hid_t pipeline,
                                                               unsigned skipped, std::uint64_t expected_bytes,
                                                               std::uint64_t element_bytes, std::uint64_t at) {
  const int filters = H5Pget_nfilters(pipeline);
  for (int f = filters - 1; f >= 0; --f) {
    if ((skipped >> f) & 1U) continue;
    unsigned flags = 0;
    std::size_t values = 0;
    unsigned filter_config = 0;
    const H5Z_filter_t filter =
        H5Pget_filter2(pipeline, static_cast<unsigned>(f), &flags, &values, nullptr, 0, nullptr, &filter_config);
    if (filter == H5Z_FILTER_DEFLATE) {
      std::vector<unsigned char> inflated(static_cast<std::size_t>(expected_bytes));
      uLongf length = static_cast<uLongf>(inflated.size());
      if (uncompress(inflated.data(), &length, chunk.data(), static_cast<uLong>(chunk.size())) != Z_OK ||
          length != inflated.size()) {
        return fmt::format("its chunk at byte {} does not inflate to {} bytes", at, expected_bytes);
      }
      chunk = std::move(inflated);
    } else if (filter == H5Z_FILTER_SHUFFLE) {
      // Byte k of every element was stored together; the bytes after whole elements stay where they were.
      const std::size_t elements = chunk.size() / element_bytes;
      std::vector<unsigned char> plain(chunk);
      for (std::size_t k = 0; k < element_bytes; ++k) {
        for (std::size_t e = 0; e < elements; ++e) plain[e * element_bytes + k] = chunk[k * elements + e];
      }
      chunk = std::move(plain);
    } else if (filter == H5Z_FILTER_FLETCHER32) {
      if (chunk.size() < 4) return fmt::format("its chunk at byte {} is shorter than its checksum", at);
      chunk.resize(chunk.size() - 4);  // HDF5 verifies the checksum itself before it converts anything
    } else {
      return fmt::format("its chunks go through HDF5 filter {}, whose output scamsim cannot check", filter);
    }
  }
  if (chunk.size() != expected_bytes) {
    return fmt::format("its chunk at byte {} holds {} bytes where {} were expected", at, chunk.size(), expected_bytes);
  }
  return chunk;
}

// The stored bytes of the dataset's elements, in order: `elements` of them, each `element_bytes` long.
std::variant<std::vector<unsigned char>, std::string> stored_elements(hid_t dataset, std::ifstream& in,
                                                                      std::uint64_t file_size,
                                                                      std::uint64_t element_bytes,
                                                                      std::uint64_t elements) {
  const Id creation{H5Dget_create_plist(dataset), H5Pclose};
  const H5D_layout_t layout = H5Pget_layout(creation.id);
  if (layout == H5D_CONTIGUOUS) {
    const haddr_t at = H5Dget_offset(dataset);
    if (at == HADDR_UNDEF) return std::vector<unsigned char>{};  // nothing written: HDF5 reads fill values
    const std::uint64_t stored = H5Dget_storage_size(dataset);
    if (stored != elements * element_bytes) {
      return fmt::format("it stores {} bytes for {} elements of {} bytes", stored, elements, element_bytes);
    }
    return file_bytes(in, at, stored, file_size);
  }
  if (layout != H5D_CHUNKED) return std::string("its layout (compact or virtual) hides its heap IDs from a check");
  hsize_t chunk_extent = 0;
  if (H5Pget_chunk(creation.id, 1, &chunk_extent) != 1) {
    return std::string("it is chunked in more than one dimension, whose heap IDs scamsim cannot check");
  }
  // HDF5 1.10.8 takes the dataset's own space here, not H5S_ALL.
  const Id space{H5Dget_space(dataset), H5Sclose};
  hsize_t chunks = 0;
  if (H5Dget_num_chunks(dataset, space.id, &chunks) < 0) return std::string("its chunk index cannot be read");
  std::vector<unsigned char> out(static_cast<std::size_t>(elements * element_bytes), 0);
  for (hsize_t c = 0; c < chunks; ++c) {
    hsize_t first = 0;
    unsigned skipped = 0;
    haddr_t at = 0;
    hsize_t bytes = 0;
    if (H5Dget_chunk_info(dataset, space.id, c, &first, &skipped, &at, &bytes) < 0) {
      return std::string("its chunk index cannot be read");
    }
    if (first >= elements) continue;  // HDF5 reads nothing of a chunk past the extent
    auto raw = file_bytes(in, at, bytes, file_size);
    if (auto* why = std::get_if<std::string>(&raw)) return *why;
    auto plain =
        unfilter(std::move(std::get<0>(raw)), creation.id, skipped, chunk_extent * element_bytes, element_bytes, at);
    if (auto* why = std::get_if<std::string>(&plain)) return *why;
    const std::uint64_t used = std::min<std::uint64_t>(chunk_extent, elements - first) * element_bytes;
    std::copy_n(std::get<0>(plain).begin(), used, out.begin() + static_cast<std::ptrdiff_t>(first * element_bytes));
  }
  return out;
}

}  // namespace

std::optional<std::string> damaged_global_heap(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;  // the caller's own checks say why it cannot be read
  in.seekg(0, std::ios::end);
  const auto file_size = static_cast<std::uint64_t>(in.tellg());
  constexpr std::size_t block = 1 << 20;
  std::vector<unsigned char> buffer(block + sizeof(signature));
  std::ifstream again(path, std::ios::binary);
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
      // Its version byte is in this block unless the signature sits in the seam, which the next block starts with.
      if (i + 4 >= got) continue;
      if (buffer[i + 4] != 1) continue;  // not a version-1 collection: the four letters were data
      auto collection = read_collection(again, at, file_size);
      if (auto* problem = std::get_if<std::string>(&collection)) return *problem;
    }
    if (got < buffer.size()) break;
    base += block;  // the next block starts before this one's last bytes, so a signature across the seam is seen
  }
  return std::nullopt;
}

std::optional<std::string> damaged_heap_references(hid_t dataset) {
  const Id type{H5Dget_type(dataset), H5Tclose};
  if (type.id < 0 || !holds_variable(type.id)) return std::nullopt;
  const Id file{H5Iget_file_id(dataset), H5Fclose};
  unsigned intent = 0;
  if (file.id < 0 || H5Fget_intent(file.id, &intent) < 0 || (intent & H5F_ACC_RDWR) != 0) return std::nullopt;

  const Id creation{H5Fget_create_plist(file.id), H5Pclose};
  std::size_t address_bytes = 0;
  std::size_t length_bytes = 0;
  if (H5Pget_sizes(creation.id, &address_bytes, &length_bytes) < 0 || address_bytes != 8 || length_bytes != 8) {
    return "its file uses addresses or lengths other than 8 bytes, whose heap IDs scamsim cannot check";
  }
  auto layout = stored_layout(type.id);
  if (auto* why = std::get_if<std::string>(&layout)) return *why;
  const StoredLayout& stored = std::get<StoredLayout>(layout);

  const Id space{H5Dget_space(dataset), H5Sclose};
  const hssize_t points = H5Sget_simple_extent_npoints(space.id);
  if (points <= 0) return std::nullopt;
  const ssize_t name_length = H5Fget_name(file.id, nullptr, 0);
  std::string path(static_cast<std::size_t>(std::max<ssize_t>(name_length, 0)) + 1, '\0');
  H5Fget_name(file.id, path.data(), path.size());
  path.resize(static_cast<std::size_t>(std::max<ssize_t>(name_length, 0)));
  std::ifstream in(path, std::ios::binary);
  if (!in) return "its file cannot be opened again to check its heap IDs";
  in.seekg(0, std::ios::end);
  const auto file_size = static_cast<std::uint64_t>(in.tellg());

  const auto elements = static_cast<std::uint64_t>(points);
  auto bytes = stored_elements(dataset, in, file_size, stored.element_bytes, elements);
  if (auto* why = std::get_if<std::string>(&bytes)) return *why;
  const std::vector<unsigned char>& data = std::get<0>(bytes);
  if (data.empty()) return std::nullopt;

  std::map<std::uint64_t, std::variant<Objects, std::string>> collections;
  for (std::uint64_t e = 0; e < elements; ++e) {
    for (const Field& field : stored.fields) {
      const unsigned char* id = &data[e * stored.element_bytes + field.offset];
      const std::uint64_t length = little_endian(id, 4);
      const std::uint64_t at = little_endian(id + 4, 8);
      const std::uint64_t index = little_endian(id + 12, 4);
      if (at == 0) continue;  // no value: HDF5 reads an empty one without the heap
      auto found = collections.find(at);
      if (found == collections.end()) found = collections.emplace(at, read_collection(in, at, file_size)).first;
      if (auto* why = std::get_if<std::string>(&found->second)) return fmt::format("heap ID {}: {}", e, *why);
      const Objects& objects = std::get<Objects>(found->second);
      const auto object = objects.find(index);
      if (object == objects.end()) {
        return fmt::format(
            "heap ID {} names object {} of the global heap collection at byte {}, which has no "
            "such object",
            e, index, at);
      }
      if (object->second != length * field.item_bytes) {
        return fmt::format(
            "heap ID {} gives a length of {} bytes for object {} of the global heap collection at "
            "byte {}, which holds {}",
            e, length * field.item_bytes, index, at, object->second);
      }
    }
  }
  return std::nullopt;
}

}  // namespace scamsim::io::detail
