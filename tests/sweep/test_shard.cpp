// Shards of a sweep: "I/N" read strictly (the command line's --shard), and a split in which every run
// belongs to exactly one shard, every Nth run to each.

#include <catch2/catch.hpp>

#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "sim/sweep/shard.hpp"

using namespace scamsim::sweep;

TEST_CASE("A shard I/N is read strictly: I from 0 to N-1, whole numbers only", "[sweep]") {
  Shard shard;
  CHECK(parse_shard("0/1", shard).empty());
  CHECK(shard == Shard{0, 1});
  CHECK(parse_shard("2/3", shard).empty());
  CHECK(shard == Shard{2, 3});
  CHECK(shard_text(shard) == "2/3");
  for (const char* bad : {"0/0", "3/2", "2/2", "x", "", "1/", "/2", "-1/2", "1/-2", "1.5/2", " 1/2", "1/2x", "1/2/3",
                          "1/1000001", "99999999999999999999/2"}) {
    INFO(bad);
    const std::string why = parse_shard(bad, shard);
    CHECK(!why.empty());
    CHECK(why.find("I/N") != std::string::npos);
    CHECK(shard == Shard{2, 3});  // left as it was
  }
  CHECK(parse_shard("3/2", shard).find("0 to N-1 = 1") != std::string::npos);
}

TEST_CASE("Each run belongs to one shard: run r to shard r mod N", "[sweep]") {
  std::vector<std::int64_t> runs(10);
  std::iota(runs.begin(), runs.end(), 0);
  CHECK(shard_runs({1, 3}, runs) == std::vector<std::int64_t>{1, 4, 7});
  CHECK(shard_runs({0, 1}, runs) == runs);
  CHECK(shard_runs({11, 12}, runs).empty());  // more shards than runs: the last ones are empty
  std::vector<int> owners(runs.size(), 0);
  for (std::int64_t i = 0; i < 4; ++i) {
    for (const std::int64_t r : shard_runs({i, 4}, runs)) ++owners[static_cast<std::size_t>(r)];
  }
  CHECK(owners == std::vector<int>(runs.size(), 1));
  CHECK(shard_runs({1, 3}, {0, 2, 4, 5, 7}) == std::vector<std::int64_t>{4, 7});  // of the runs still pending
  for (std::int64_t n = 1; n <= 5; ++n) {
    for (std::int64_t i = 0; i < n; ++i) {
      for (std::int64_t total = 0; total <= 10; ++total) {
        INFO(i << "/" << n << " of " << total);
        const std::vector<std::int64_t> first(runs.begin(), runs.begin() + total);
        CHECK(shard_size({i, n}, total) == static_cast<std::int64_t>(shard_runs({i, n}, first).size()));
      }
    }
  }
}
