#pragma once
// What every command spread over MPI ranks (sweep_mpi.cpp, calibrate_mpi.cpp) does around its own work: refuse to
// run when MPI is missing or the launcher did not connect the ranks, end a worker rank, and end rank 0 so that the
// others are released and its message is out before the exit code. Internal to the app module.

#include <exception>
#include <functional>
#include <iosfwd>
#include <string_view>

namespace scamsim::app {

/// Throws SetupError: this scamsim has no MPI but runs as one of several ranks, each of which would do the whole
/// `work` ("sweep", "calibration") into the same file.
[[noreturn]] void refuse_without_mpi(std::string_view work);

/// Throws SetupError unless MPI sees as many ranks (`mpi_ranks`) as the launcher started: otherwise every process
/// is alone in its own MPI world (srun without PMI, a launcher of another MPI), so each says so and none writes.
void require_connected_ranks(int mpi_ranks);

/// A worker rank's end, once `work` has run: rank 0's exit code. What `work` throws is the protocol broken on this
/// rank, which rank 0 cannot be told: the rank says why and ends the job.
int finish_worker_rank(int rank, std::ostream& err, const std::function<void()>& work);

/// Rank 0's end: `release` stops the other ranks (the job ends if it cannot), then `error` (if any) is reported,
/// and the exit code is shared with every rank. Returns the code.
int finish_rank_zero(int code, const std::exception_ptr& error, const std::function<void()>& release,
                     std::ostream& err);

}  // namespace scamsim::app
