#pragma once
// `scamsim calibrate --method abc-smc` across the ranks of an MPI job (docs/CALIBRATION.md, "Running it"). Rank 0
// does everything the one-process command does (checks, the posterior file, --resume, progress, the summary) and
// runs the algorithm; each batch of proposals is split into one contiguous share per rank, rank 0's included,
// each evaluated on that rank's threads, and the outcomes gathered in proposal order, so the posterior file is
// the one a single process writes, bit for bit. The protocol lives in sim/distributed/abc_ranks.hpp.
//
// MPI is initialised only here, and only when the process was launched by mpirun, srun or another MPI launcher
// with more than one rank (mpi_launch.hpp).

#include <iosfwd>

#include "sim/app/calibrate_command.hpp"

namespace scamsim::app {

/// Runs ABC-SMC calibration as one rank of an MPI job: rank 0 returns the command's exit code, the other ranks
/// the same code and print nothing. Without MPI support built in, throws SetupError: each rank would write the
/// same file.
int mpi_calibrate_command(const CalibrateOptions& options, std::ostream& out, std::ostream& err);

}  // namespace scamsim::app
