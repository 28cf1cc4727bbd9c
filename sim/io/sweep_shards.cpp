// merge_shards: the shard files of a sweep split with --shard I/N joined into one in-progress file, from which
// finish_sweep writes the file one process would have written (docs/SWEEPS.md section 10).
#include <algorithm>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/core/error.hpp"
#include "sim/io/file_support.hpp"
#include "sim/io/h5.hpp"
#include "sim/io/open_file.hpp"
#include "sim/io/sweep_checksum.hpp"
#include "sim/io/sweep_layout.hpp"
#include "sim/io/sweep_results.hpp"

namespace scamsim::io {

namespace fs = std::filesystem;
using namespace detail;  // the helpers every scamsim file shares
using namespace sweep_layout;
using sweep::RunStatus;

namespace {

constexpr std::string_view merge_remedy =
    "; merge only the shards of one sweep, run with the same sweep file and --set";

struct ShardFile {
  fs::path path;
  sweep::Shard shard;
};

// Checks one shard file through and through: that it is a whole, finished shard of this sweep.
sweep::Shard check_shard(const fs::path& path, const sweep::SweepSpec& spec, const sweep::SweepPlan& plan) {
  const h5::File file = open_scamsim_file(path, FileKind::sweep_in_progress);
  try {
    check_same_sweep(file, path, spec, plan, merge_remedy);
    const std::optional<sweep::Shard> shard = read_shard(file, path);
    if (!shard) refuse(path, "is not a shard file: it holds a whole sweep in progress (it was not run with --shard)");
    const Datasets d = open_layout(file, path, spec);
    const std::vector<RunStatus> status = read_status(d.status);
    if (status.size() != plan.runs.size()) refuse(path, "/design/status does not have one row per run");
    std::int64_t unfinished = 0, own = 0;
    for (std::size_t r = 0; r < status.size(); ++r) {
      const bool mine = sweep::in_shard(*shard, static_cast<std::int64_t>(r));
      own += mine ? 1 : 0;
      if (mine && status[r] == RunStatus::pending) ++unfinished;
      if (!mine && status[r] != RunStatus::pending) {
        refuse(path,
               fmt::format("records run {}, which belongs to another shard than {}", r, sweep::shard_text(*shard)));
      }
    }
    if (unfinished > 0) {
      refuse(path, fmt::format("is unfinished: {} of the {} runs of shard {} have not run; go on with the command "
                               "that wrote it, plus --resume",
                               unfinished, own, sweep::shard_text(*shard)));
    }
    if (!d.checksum.valid()) refuse(path, "has no /design/checksum, so its runs cannot be checked");
    const std::vector<std::int64_t> damaged = runs_failing_checksum(d, spec, status);
    if (!damaged.empty()) {
      refuse(path, fmt::format("{} finished runs do not match their checksum (damaged; run {} first); run shard {} "
                               "again with --force",
                               damaged.size(), damaged.front(), sweep::shard_text(*shard)));
    }
    return *shard;
  } catch (const h5::Error& e) {
    refuse(path, fmt::format("sweep file is truncated or corrupt ({})", e.what()));
  }
}

// Records every run of one checked shard into the merged file, as the shard's process recorded it.
void copy_runs(const ShardFile& from, SweepWriter& writer, const sweep::SweepSpec& spec) {
  const h5::File file = open_scamsim_file(from.path, FileKind::sweep_in_progress);
  const Datasets d = open_layout(file, from.path, spec);
  const std::vector<RunStatus> status = read_status(d.status);
  const std::vector<std::string> messages = d.message.read<std::string>();
  std::vector<std::vector<double>> outcomes;
  for (const h5::Dataset& outcome : d.outcomes) outcomes.push_back(outcome.read<double>());
  const std::int64_t steps = spec.base.run.steps();
  const std::size_t countries = spec.base.countries.size();
  for (std::size_t r = 0; r < status.size(); ++r) {
    if (!sweep::in_shard(from.shard, static_cast<std::int64_t>(r))) continue;
    sweep::RunOutput run;
    run.run = static_cast<std::int64_t>(r);
    run.status = status[r];
    run.message = messages[r];
    for (const std::vector<double>& column : outcomes) run.outcomes.push_back(column[r]);
    if (status[r] == RunStatus::done) {
      // As recorded (int64 counts read back as double, exactly): write_run stores the same bytes again.
      for (const h5::Dataset& series : d.series) {
        std::vector<double> block(static_cast<std::size_t>(steps) * countries);
        read_block(series, H5T_NATIVE_DOUBLE, block.data(), {r, 0, 0},
                   {1, static_cast<hsize_t>(steps), static_cast<hsize_t>(countries)});
        run.series.push_back(std::move(block));
      }
    }
    writer.write_run(run);
  }
}

}  // namespace

void merge_shards(std::span<const fs::path> shards, const fs::path& merged, const sweep::SweepSpec& spec,
                  const sweep::SweepPlan& plan, const std::string& command_line) {
  if (shards.empty()) throw SetupError("--merge: name the shard files to merge");
  // Every file is checked before anything is written: a refused merge leaves nothing behind.
  std::vector<ShardFile> found;
  for (const fs::path& path : shards) {
    const sweep::Shard shard = check_shard(path, spec, plan);
    if (!found.empty() && shard.count != found.front().shard.count) {
      refuse(path, fmt::format("is shard {} of a split into {}, but '{}' is shard {} of a split into {}; merge the "
                               "shards of one split",
                               sweep::shard_text(shard), shard.count, found.front().path.string(),
                               sweep::shard_text(found.front().shard), found.front().shard.count));
    }
    for (const ShardFile& other : found) {
      if (other.shard == shard) {
        refuse(path, fmt::format("is shard {}, and so is '{}': give each shard once", sweep::shard_text(shard),
                                 other.path.string()));
      }
    }
    found.push_back({path, shard});
  }
  const std::int64_t count = found.front().shard.count;
  std::vector<std::int64_t> missing;
  for (std::int64_t i = 0; i < count; ++i) {
    if (std::none_of(found.begin(), found.end(), [i](const ShardFile& f) { return f.shard.index == i; })) {
      missing.push_back(i);
    }
  }
  if (!missing.empty()) {
    throw SetupError(
        fmt::format("--merge: shard{} {} of 0 to {} {} missing (the sweep was split with --shard I/{}); "
                    "add {}",
                    missing.size() == 1 ? "" : "s", fmt::join(missing, ", "), count - 1,
                    missing.size() == 1 ? "is" : "are", count, missing.size() == 1 ? "its file" : "their files"));
  }
  // In shard order, so that the merged file does not depend on the order the files were named in (its bytes
  // do not anyway: every run has its own rows).
  std::sort(found.begin(), found.end(),
            [](const ShardFile& a, const ShardFile& b) { return a.shard.index < b.shard.index; });
  SweepWriter writer = SweepWriter::create(merged, spec, plan, command_line);
  writer.set_durable(false);  // a temporary: removed unless the merge finishes
  for (const ShardFile& shard : found) copy_runs(shard, writer, spec);
  writer.close();
}

}  // namespace scamsim::io
