// Damaged global heaps are refused before libhdf5 reads them (issue 12, fuzzing of the result readers): HDF5
// 1.10.8 trusts a heap object's size and a heap ID's index and length, and crashes following a damaged one.

#include <catch2/catch.hpp>

#include <hdf5.h>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/io/h5.hpp"
#include "sim/io/heap_check.hpp"
#include "sim/io/open_file.hpp"
#include "sim/io/results.hpp"
#include "sim/io/run_file.hpp"
#include "sim/run/runner.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/support/temp_dir.hpp"

using namespace scamsim;
namespace fs = std::filesystem;

namespace {

std::vector<char> bytes_of(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& path, const std::vector<char>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

fs::path tiny_run_file(const test::TempDir& dir) {
  const auto s = scenario::load_scenario(fs::path(SCAMSIM_SOURCE_DIR) / "tests/scenarios/tiny.toml",
                                         std::vector<std::string>{"run.years=1"});
  const fs::path path = dir.file("tiny.h5");
  io::run_into_file(s, run::RunOptions{}, path, "test");
  return path;
}

}  // namespace

TEST_CASE("A run file's global heaps check, and one with an object larger than its collection is refused",
          "[unit][io]") {
  const test::TempDir dir;
  const fs::path good = tiny_run_file(dir);
  CHECK_FALSE(io::detail::damaged_global_heap(good).has_value());
  CHECK(io::read_results(good).meta.country_ids.size() == 3);

  // The first object of the first collection claims 1.7 GB, as in the file the fuzzer found.
  std::vector<char> bytes = bytes_of(good);
  const std::string text(bytes.begin(), bytes.end());
  const std::size_t at = text.find("GCOL");
  REQUIRE(at != std::string::npos);
  const std::size_t object_size = at + 16 + 8;
  for (std::size_t i = 0; i < 8; ++i) bytes[object_size + i] = i < 4 ? '\x65' : '\0';
  const fs::path damaged = dir.file("damaged.h5");
  write_bytes(damaged, bytes);

  const auto problem = io::detail::damaged_global_heap(damaged);
  REQUIRE(problem.has_value());
  CHECK(problem->find(fmt::format("collection at byte {}", at)) != std::string::npos);
  CHECK_THROWS_AS(io::read_results(damaged), SetupError);
  CHECK_THROWS_WITH(io::read_results(damaged), Catch::Contains("damaged") && Catch::Contains("damaged.h5"));
  CHECK(io::file_kind(damaged).empty());
}

TEST_CASE("A collection claiming more bytes than the file holds is refused", "[unit][io]") {
  const test::TempDir dir;
  std::vector<char> bytes = bytes_of(tiny_run_file(dir));
  const std::string text(bytes.begin(), bytes.end());
  const std::size_t at = text.find("GCOL");
  REQUIRE(at != std::string::npos);
  bytes[at + 8 + 6] = '\x7f';  // a size near 2^55
  const fs::path damaged = dir.file("cut.h5");
  write_bytes(damaged, bytes);
  const auto problem = io::detail::damaged_global_heap(damaged);
  REQUIRE(problem.has_value());
  CHECK(problem->find("past the end of the file") != std::string::npos);
}

// ---- Heap IDs: the dataset's side of the variable-length strings ----

namespace {

std::uint64_t little_endian(const std::vector<char>& bytes, std::size_t at, std::size_t count) {
  std::uint64_t value = 0;
  for (std::size_t i = count; i > 0; --i) value = (value << 8) | static_cast<unsigned char>(bytes[at + i - 1]);
  return value;
}

void put_little_endian(std::vector<char>& bytes, std::size_t at, std::size_t count, std::uint64_t value) {
  for (std::size_t i = 0; i < count; ++i) bytes[at + i] = static_cast<char>((value >> (8 * i)) & 0xff);
}

// Where a contiguous dataset's data starts in the file.
std::uint64_t data_offset(const fs::path& file, const char* dataset) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t d = H5Dopen2(f, dataset, H5P_DEFAULT);
  const haddr_t at = H5Dget_offset(d);
  H5Dclose(d);
  H5Fclose(f);
  REQUIRE(at != HADDR_UNDEF);
  return at;
}

// The first heap ID at or after `from`: 16 bytes (length, address, index) whose address is a collection's.
std::size_t first_heap_id(const std::vector<char>& bytes, std::size_t from) {
  for (std::size_t i = from; i + 16 <= bytes.size(); ++i) {
    const std::uint64_t at = little_endian(bytes, i + 4, 8);
    if (at > 0 && at + 4 <= bytes.size() && std::string_view(&bytes[at], 4) == "GCOL") return i;
  }
  FAIL("no heap ID found");
  return 0;
}

}  // namespace

TEST_CASE("A heap ID naming no object of its collection is refused before HDF5 follows it", "[unit][io]") {
  const test::TempDir dir;
  const fs::path good = tiny_run_file(dir);
  std::vector<char> bytes = bytes_of(good);
  const std::uint64_t site = data_offset(good, "/site");
  REQUIRE(first_heap_id(bytes, site) == site);  // a vector of strings: its first element's ID starts its data
  put_little_endian(bytes, site + 12, 4, 999);
  const fs::path damaged = dir.file("index.h5");
  write_bytes(damaged, bytes);

  CHECK_FALSE(io::detail::damaged_global_heap(damaged).has_value());  // the collections themselves are intact
  CHECK_THROWS_WITH(io::read_results(damaged),
                    Catch::Contains("index.h5") && Catch::Contains("'/site'") && Catch::Contains("no such object"));
}

TEST_CASE("A heap ID whose length differs from its object's size is refused", "[unit][io]") {
  const test::TempDir dir;
  const fs::path good = tiny_run_file(dir);
  const std::vector<char> original = bytes_of(good);
  const std::uint64_t site = data_offset(good, "/site");
  const std::uint64_t length = little_endian(original, site, 4);
  REQUIRE(length > 1);

  SECTION("the ID says less than the object holds, so HDF5 would copy past the buffer it sized") {
    std::vector<char> bytes = original;
    put_little_endian(bytes, site, 4, length - 1);
    write_bytes(dir.file("short.h5"), bytes);
    CHECK_THROWS_WITH(io::read_results(dir.file("short.h5")),
                      Catch::Contains("'/site'") && Catch::Contains(fmt::format("holds {}", length)));
  }
  SECTION("the collection says otherwise than the ID, as in the file the fuzzer found") {
    std::vector<char> bytes = original;
    const std::uint64_t collection = little_endian(original, site + 4, 8);
    const std::uint64_t index = little_endian(original, site + 12, 4);
    // Walk the collection to the object and change its size by one byte within its padding.
    std::size_t at = collection + 16;
    while (little_endian(bytes, at, 2) != index) at += 16 + (little_endian(bytes, at + 8, 8) + 7) / 8 * 8;
    REQUIRE(little_endian(bytes, at + 8, 8) == length);
    const std::uint64_t changed = length % 8 == 0 ? length - 1 : length + 1;
    put_little_endian(bytes, at + 8, 8, changed);
    write_bytes(dir.file("changed.h5"), bytes);
    CHECK_FALSE(io::detail::damaged_global_heap(dir.file("changed.h5")).has_value());
    CHECK_THROWS_WITH(io::read_results(dir.file("changed.h5")),
                      Catch::Contains("'/site'") && Catch::Contains(fmt::format("holds {}", changed)));
  }
}

TEST_CASE("Heap IDs inside the compound table of scenario events are checked at their stored offsets", "[unit][io]") {
  const test::TempDir dir;
  const fs::path good = tiny_run_file(dir);
  std::vector<char> bytes = bytes_of(good);
  REQUIRE(io::read_results(good).meta.scenario_events.size() == 2);
  const std::uint64_t table = data_offset(good, "/scenario_event");
  REQUIRE(first_heap_id(bytes, table) == table);  // the date opens each row
  // The next one is the target's, after the day and the kind: inside the row, where only the member offsets the
  // check derives for the stored layout (not those of the memory layout) find it.
  const std::size_t target = first_heap_id(bytes, table + 16);
  REQUIRE(target > table + 16);
  put_little_endian(bytes, target + 12, 4, 999);
  write_bytes(dir.file("table.h5"), bytes);
  CHECK_THROWS_WITH(io::read_results(dir.file("table.h5")),
                    Catch::Contains("'/scenario_event'") && Catch::Contains("no such object"));
}

TEST_CASE("Heap IDs in deflated, shuffled chunks are inflated and checked", "[unit][io]") {
  const test::TempDir dir;
  const fs::path path = dir.file("chunked.h5");
  const std::vector<std::string> words = {"raid", "release", "relocate", "split", "", "merge"};
  {
    io::h5::File file = io::h5::File::create(path);
    io::h5::Dataset d = file.create_dataset<std::string>(
        "words", {0}, {.chunk = {4}, .deflate = 6, .shuffle = true, .extendable = true});
    d.append(std::span<const std::string>(words));
  }
  CHECK(io::h5::File::open_read_only(path).open_dataset("words").read<std::string>() == words);

  // Shrink the size of the object holding "relocate" in its collection: only the inflated IDs can tell.
  std::vector<char> bytes = bytes_of(path);
  const std::string text(bytes.begin(), bytes.end());
  const std::size_t object = text.find("relocate") - 16;
  REQUIRE(little_endian(bytes, object + 8, 8) == 8);
  put_little_endian(bytes, object + 8, 8, 7);
  write_bytes(path, bytes);
  CHECK_THROWS_WITH(io::h5::File::open_read_only(path).open_dataset("words").read<std::string>(),
                    Catch::Contains("'/words'") && Catch::Contains("holds 7"));
}
