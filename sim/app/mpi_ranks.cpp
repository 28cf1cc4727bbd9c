#include "sim/app/mpi_ranks.hpp"

#include <ostream>

#include <fmt/format.h>

#include "sim/app/cli.hpp"
#include "sim/app/mpi_launch.hpp"
#include "sim/core/error.hpp"

#ifdef SCAMSIM_HAVE_MPI
#include "sim/distributed/mpi_transport.hpp"
#endif

namespace scamsim::app {

void refuse_without_mpi(std::string_view work) {
  const MpiLaunch launch = mpi_launch();
  throw SetupError(fmt::format(
      "this scamsim was built without MPI, but it runs as one of {} ranks ({}): every rank would run the whole "
      "{} into the same file. Rebuild with OpenMPI installed (docs/CLUSTER.md), or run it as one process",
      launch.ranks, launch.launcher, work));
}

void require_connected_ranks(int mpi_ranks) {
  const MpiLaunch launch = mpi_launch();
  if (mpi_ranks == launch.ranks) return;
  throw SetupError(fmt::format(
      "started as one of {} processes by {}, but MPI sees {} rank{}: the launcher did not connect them. Under "
      "Slurm use srun --mpi=pmix (or another type that `srun --mpi=list` shows and Open MPI supports), or mpirun "
      "inside the job (docs/CLUSTER.md)",
      launch.ranks, launch.launcher, mpi_ranks, mpi_ranks == 1 ? "" : "s"));
}

#ifdef SCAMSIM_HAVE_MPI

int finish_worker_rank(int rank, std::ostream& err, const std::function<void()>& work) {
  try {
    work();
  } catch (const std::exception& e) {
    err << fmt::format("scamsim: rank {}: internal error: {}\n", rank, e.what()) << std::flush;
    distributed::MpiSession::abort(exit_internal_error);
  }
  return distributed::MpiSession::share_exit_code(exit_ok);
}

int finish_rank_zero(int code, const std::exception_ptr& error, const std::function<void()>& release,
                     std::ostream& err) {
  try {
    release();
  } catch (const std::exception& e) {
    err << fmt::format("scamsim: internal error: cannot stop the other ranks: {}\n", e.what()) << std::flush;
    distributed::MpiSession::abort(exit_internal_error);
  }
  // The message goes out before the exit code does: the other ranks exit as soon as they have the code, and
  // mpirun ends the whole job, this rank included, when one of them exits non-zero, so a message printed by the
  // caller afterwards was sometimes lost (seen under load in cli.sweep_mpi_resume_from_one_process).
  if (error) code = report_failure(error, err);
  distributed::MpiSession::share_exit_code(code);
  return code;
}

#endif

}  // namespace scamsim::app
