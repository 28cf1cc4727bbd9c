#pragma once
// The HDF5 sweep file: what it holds and the calls that write and read it (the layout is sweep_layout.hpp's;
// docs/SWEEPS.md, section "Output"). Root attributes, coordinates and series attributes follow the run files of
// results.hpp, with the run of the sweep as the first dimension where run files have the replicate.
//
// A sweep is written in two files. While it runs, every run's rows go into
// an in-progress file (SWEEP.h5.partial) whose datasets all have their final
// shape and their storage allocated when it is created, so that recording a
// run only overwrites bytes in place (no HDF5 metadata changes): after a
// kill -9 or a power loss the file is still whole, and a run counts as done
// only once its rows and then its status are on disk (flushed and synced).
// When every run has finished, finish_sweep() writes the final file from
// the in-progress one in run order, with the sensitivity indices, so a
// sweep that was stopped and resumed gives the same final file as one that
// never stopped.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sim/core/date.hpp"
#include "sim/sweep/shard.hpp"
#include "sim/sweep/sweep_runner.hpp"
#include "sim/sweep/sweep_spec.hpp"

namespace scamsim::io {

/// Bytes of the fixed-length /design/message strings; longer messages are cut (ending in "...").
inline constexpr std::size_t sweep_message_bytes = 1024;

/// The in-progress file beside an output: "SWEEP.h5" -> "SWEEP.h5.partial".
std::filesystem::path partial_path(const std::filesystem::path& output);

/// Records finished runs into an in-progress sweep file.
class SweepWriter {
 public:
  /// Creates the in-progress file at `path` (replacing any file there) with the design and every dataset at
  /// its final size: outcomes NaN, every run pending. It is built under a temporary name and renamed, so a
  /// file at `path` is always a whole one. With `shard`, the file is marked as holding that shard's runs
  /// (a shard file, merged by merge_shards). Throws h5::Error if it cannot be written.
  static SweepWriter create(const std::filesystem::path& path, const sweep::SweepSpec& spec,
                            const sweep::SweepPlan& plan, const std::string& command_line,
                            const std::optional<sweep::Shard>& shard = std::nullopt);
  /// Opens an in-progress file to go on with it. Throws SetupError, naming the file, if it is not an HDF5
  /// file, is truncated or corrupt, is not a scamsim sweep file, is a finished one, was written for another
  /// sweep (other sweep file, base scenario, command-line --set or design) or for another shard than `shard`
  /// (none: the whole sweep), or has no checksums (an older scamsim's). Finished runs whose stored rows fail
  /// their checksum are set back to pending (discarded()).
  static SweepWriter resume(const std::filesystem::path& path, const sweep::SweepSpec& spec,
                            const sweep::SweepPlan& plan, const std::optional<sweep::Shard>& shard = std::nullopt);

  SweepWriter(SweepWriter&&) noexcept;
  SweepWriter& operator=(SweepWriter&&) noexcept;
  SweepWriter(const SweepWriter&) = delete;
  SweepWriter& operator=(const SweepWriter&) = delete;
  /// Closes quietly.
  ~SweepWriter();

  /// The runs still pending, in run order.
  [[nodiscard]] std::vector<std::int64_t> pending() const;
  /// The finished runs that resume() found damaged (rows not matching their checksum) and set back to pending.
  [[nodiscard]] const std::vector<std::int64_t>& discarded() const;
  /// Runs recorded as done, and as failed.
  [[nodiscard]] std::int64_t done() const;
  [[nodiscard]] std::int64_t failed() const;
  /// Records a finished (done or failed) run: its outcomes, series, message and their checksum, synced to disk,
  /// then its status, synced. Throws h5::Error on a write failure or a run that is not pending; a failure
  /// before any run was recorded into a file this writer created removes the file (nothing to resume).
  void write_run(const sweep::RunOutput& output);
  /// Off: runs are no longer synced to disk one by one, only the whole file by close(). For a file that is
  /// thrown away if anything fails before it is closed (merge_shards'), where two syncs per run would make
  /// a merge of many runs take minutes on a network file system for nothing.
  void set_durable(bool durable);
  /// Closes the file, throwing on failure.
  void close();

 private:
  struct Impl;
  explicit SweepWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Writes the final sweep file at `output` (replacing any file there) from a closed in-progress file in which
/// every run has finished: the same layout, series compressed, plus /sensitivity for saltelli and morris
/// designs. `command_line` is added to the history when it differs from the one that started the sweep.
/// Throws SetupError if the in-progress file is unreadable or still has pending runs, h5::Error on a
/// failed write.
void finish_sweep(const std::filesystem::path& partial, const std::filesystem::path& output,
                  const sweep::SweepSpec& spec, const sweep::SweepPlan& plan, const std::string& command_line);

/// Joins shard files (`scamsim sweep --shard I/N`, each finished) into a new in-progress file at `merged` in
/// which every run has finished, for finish_sweep: the file one process would have recorded, run for run.
/// Throws SetupError, naming the file, for a shard of another sweep (sweep file, base scenario, --set, design)
/// or of another split (N), a file that is not a shard, a shard given twice, a shard with runs not finished
/// or whose rows fail their checksum; naming the index for a missing shard. Nothing is written before every
/// shard has been checked; h5::Error on a failed write, after which `merged` may be left to remove.
void merge_shards(std::span<const std::filesystem::path> shards, const std::filesystem::path& merged,
                  const sweep::SweepSpec& spec, const sweep::SweepPlan& plan, const std::string& command_line);

/// Renames a finished file into place and syncs its folder, so that after a power loss the file is there
/// under its new name (or not at all).
void publish(const std::filesystem::path& from, const std::filesystem::path& to);

/// A sweep file read back, for `scamsim summary` and tests.
struct SweepResults {
  std::string name, description, design, scamsim_version, git_commit, created_utc, sweep_toml, base_scenario_toml;
  std::int64_t schema_version = 0;
  std::int64_t seed = 0, replicates = 0, points = 0, runs = 0;
  bool complete = false;  ///< false for an in-progress file
  Date start_date;
  std::int64_t dt_days = 1;
  double scale = 1;  ///< the base scenario's run.scale (each run's unless `parameters` holds run.scale)
  std::vector<std::string> parameters, parameter_units;
  std::vector<std::string> outcomes, outcome_units, outcome_definitions;
  std::vector<double> values;  ///< [run][parameter]
  std::vector<std::int64_t> point, replicate, seeds;
  std::vector<sweep::RunStatus> status;
  std::vector<std::string> messages;
  std::vector<double> outcome_values;             ///< [run][outcome]
  std::vector<std::string> kept_series;           ///< names of the /by_country series
  std::optional<sweep::Sensitivity> sensitivity;  ///< saltelli and morris, once finished
  double confidence = 0;
  std::int64_t bootstrap = 0;
};

/// Reads a sweep file (finished or in progress). Throws SetupError naming the file if it is missing, not
/// HDF5, not a sweep file, of a newer schema, or corrupt.
SweepResults read_sweep(const std::filesystem::path& path);

}  // namespace scamsim::io
