#pragma once
// `scamsim sweep` across the ranks of an MPI job (docs/CLUSTER.md). Rank 0
// does everything the one-process command does (checks, the in-progress
// file, --resume, the final file, messages) and holds the work queue; every
// rank, rank 0 included, runs one run at a time on its own threads and
// takes the next run when it finishes. Runs are recorded by rank 0 only, so
// the file is the one a single process writes, bit for bit. The queue and
// the protocol live in sim/distributed/; this file only wires them to MPI
// and to the command.
//
// MPI is initialised only here, and only when the process was launched by
// mpirun, srun or another MPI launcher with more than one rank: `scamsim
// run`, the tests and a sweep outside a launcher never touch MPI.

#include <iosfwd>

#include "sim/app/mpi_launch.hpp"
#include "sim/app/sweep_command.hpp"

namespace scamsim::app {

/// Runs the sweep command as one rank of an MPI job: rank 0 returns the command's exit code (and throws as
/// the command does, after every rank has stopped), the other ranks return the same code and print nothing.
/// Without MPI support built in, throws SetupError: each rank would write the same file.
int mpi_sweep_command(const SweepCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace scamsim::app
