#include "sim/sweep/shard.hpp"

#include <charconv>

#include <fmt/format.h>

namespace scamsim::sweep {

namespace {

// A whole number of decimal digits only (no sign, no spaces), or nothing.
bool read_whole(std::string_view text, std::int64_t& value) {
  if (text.empty()) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc{} && end == text.data() + text.size() && text.front() != '-';
}

}  // namespace

std::string parse_shard(std::string_view text, Shard& shard) {
  const std::string_view usage = "give I/N: shard I of N, counted from 0 (0/4 to 3/4)";
  const std::size_t slash = text.find('/');
  Shard read;
  if (slash == std::string_view::npos || !read_whole(text.substr(0, slash), read.index) ||
      !read_whole(text.substr(slash + 1), read.count)) {
    return fmt::format("'{}' is not I/N; {}", text, usage);
  }
  // A million shards of a sweep of at most a million runs: more would leave every further shard empty.
  if (read.count < 1 || read.count > 1'000'000) {
    return fmt::format("'{}': N must be 1 to 1,000,000; {}", text, usage);
  }
  if (read.index >= read.count) {
    return fmt::format("'{}': the shard I must be 0 to N-1 = {}; {}", text, read.count - 1, usage);
  }
  shard = read;
  return {};
}

std::string shard_text(const Shard& shard) { return fmt::format("{}/{}", shard.index, shard.count); }

bool in_shard(const Shard& shard, std::int64_t run) { return run % shard.count == shard.index; }

std::int64_t shard_size(const Shard& shard, std::int64_t runs) {
  return runs > shard.index ? (runs - shard.index + shard.count - 1) / shard.count : 0;
}

std::vector<std::int64_t> shard_runs(const Shard& shard, const std::vector<std::int64_t>& runs) {
  std::vector<std::int64_t> out;
  for (const std::int64_t run : runs) {
    if (in_shard(shard, run)) out.push_back(run);
  }
  return out;
}

}  // namespace scamsim::sweep
