#pragma once
// Shards of a sweep: a deterministic split of its runs into N parts, each run
// by its own process (a Slurm job array's task, a machine without MPI) into a
// shard file of its own, and merged afterwards into the file one process
// writes (docs/SWEEPS.md section 10). Run r belongs to shard r mod N: runs
// are numbered point by point, so every shard gets a share of each part of
// the design, and shards of runs that differ in cost take about as long.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace scamsim::sweep {

/// One part of a sweep's runs: shard `index` of `count` (0-based, as Slurm's SLURM_ARRAY_TASK_ID of
/// `--array=0-(count-1)`).
struct Shard {
  std::int64_t index = 0;
  std::int64_t count = 1;

  friend bool operator==(const Shard&, const Shard&) = default;
};

/// Reads "I/N" (0 <= I < N, N >= 1, whole numbers). Returns an empty string on success, else why not.
std::string parse_shard(std::string_view text, Shard& shard);

/// "I/N", as typed.
std::string shard_text(const Shard& shard);

/// Whether run `run` belongs to `shard`: run mod count == index.
bool in_shard(const Shard& shard, std::int64_t run);

/// How many of a sweep's `runs` runs (numbered 0 to runs-1) belong to `shard`.
std::int64_t shard_size(const Shard& shard, std::int64_t runs);

/// The runs of `runs` (in order) that belong to `shard`.
std::vector<std::int64_t> shard_runs(const Shard& shard, const std::vector<std::int64_t>& runs);

}  // namespace scamsim::sweep
