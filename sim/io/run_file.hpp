#pragma once
// A run written as it goes: each replicate stored and flushed as soon as it and
// those before it are done (docs/OUTPUT.md 3.6), so memory holds only the
// replicates in flight; and what a run will need, estimated before it starts
// so that the command can refuse a run that cannot fit.

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include "sim/io/results.hpp"
#include "sim/run/runner.hpp"
#include "sim/scenario/spec.hpp"

namespace scamsim::io {

/// Runs the scenario's replicates into a run file at `path` (replacing any file there), replicate by replicate
/// in order, and finishes it. Throws run::Interrupted when options.stop is set (the file is left marked
/// incomplete: the caller removes it), h5::Error when the file cannot be written. options.on_replicate is
/// replaced by the file's writer. The file's datasets are those of writing every replicate at the end.
run::RunResult run_into_file(const scenario::Scenario& scenario, run::RunOptions options,
                             const std::filesystem::path& path, const std::string& command_line);

/// The same for a run over a posterior: every replicate of each of `draws` (run::run_draws) into one file whose
/// series have a draw dimension; `meta` is that of the first draw with its draws, parameters, values and
/// particles filled in.
run::RunResult run_draws_into_file(std::span<const scenario::Scenario> draws, const RunMetadata& meta,
                                   run::RunOptions options, const std::filesystem::path& path);

/// An upper estimate of the run file's size in bytes with `replicates` replicates of the scenario: every
/// series uncompressed (steps x countries x per-country metrics, steps x global metrics, 8 bytes each), the
/// coordinates and the scenario text; the event log and operator table, which depend on what happens, are
/// estimated from the operations at the start. Compression usually makes the file several times smaller.
std::uint64_t estimate_run_file_bytes(const scenario::Scenario& scenario, std::int64_t replicates);

/// An estimate of the memory a run needs on `threads` threads (0: all cores): for each replicate in flight
/// (at most one per thread) its world (workers at the run's scale, with room to grow) and its record, plus
/// one finished record per thread waiting its turn to be written.
std::uint64_t estimate_run_memory_bytes(const scenario::Scenario& scenario, int threads);

}  // namespace scamsim::io
