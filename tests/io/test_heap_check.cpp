// Damaged global heaps are refused before libhdf5 reads them (issue 12, fuzzing of the result readers): HDF5
// 1.10.8 trusts a heap object's size and crashes copying past its collection.

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "sim/core/error.hpp"
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
