#pragma once
// `scamsim sweep`: run a sweep file's design into one HDF5 file, on all
// cores, crash-safe and resumable (docs/SWEEPS.md). App-level work only:
// files, signals, progress; the library does the rest.

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sim/app/command.hpp"
#include "sim/sweep/shard.hpp"
#include "sim/sweep/sweep_runner.hpp"

namespace scamsim::app {

/// Options of `scamsim sweep`.
struct SweepCommandOptions {
  std::string file;
  std::string output;
  std::vector<std::string> overrides;
  int threads = 0;  ///< 0: all cores
  bool resume = false;
  bool force = false;
  bool check = false;                 ///< load and check the sweep file, run nothing
  std::int64_t print_run = -1;        ///< >= 0: print that run's resolved scenario and stop
  std::optional<sweep::Shard> shard;  ///< run only this shard's runs, into a shard file
  std::vector<std::string> merge;     ///< shard files to join into the output, instead of running
  bool quiet = false;
  std::string command_line;
};

/// Adds `sweep` and its options to `app`; the sweep file records `command_line`.
Command add_sweep_command(CLI::App& app, const std::string& command_line);

/// Runs a sweep, or checks it, or prints one of its runs: in this process with oneTBB, or across the ranks of
/// an MPI job when launched by mpirun with more than one rank (sim/app/sweep_mpi.hpp).
int sweep_command(const SweepCommandOptions& options, std::ostream& out, std::ostream& err);

/// Runs the listed runs and hands each finished one to the callback, with sweep::run_sweep's contract.
using SweepScheduler =
    std::function<void(const sweep::SweepSpec&, const sweep::SweepPlan&, std::span<const std::int64_t>,
                       const sweep::SweepRunOptions&, const std::function<void(sweep::RunOutput&&)>&)>;

/// The sweep command with its runs spread by `schedule`; `resources` names what ran them in the closing line
/// ("2 threads", "3 ranks x 2 threads"). The MPI driver calls it on rank 0.
int sweep_command(const SweepCommandOptions& options, std::ostream& out, std::ostream& err,
                  const SweepScheduler& schedule, const std::string& resources);

}  // namespace scamsim::app
