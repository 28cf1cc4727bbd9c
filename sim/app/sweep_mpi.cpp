#include "sim/app/sweep_mpi.hpp"

#include <fmt/format.h>

#include "sim/core/error.hpp"

#ifdef SCAMSIM_HAVE_MPI
#include <exception>
#include <optional>
#include <span>

#include "sim/app/cli.hpp"
#include "sim/app/command_support.hpp"
#include "sim/distributed/coordinator.hpp"
#include "sim/distributed/mpi_transport.hpp"
#include "sim/distributed/worker.hpp"
#include "sim/run/runner.hpp"
#include "sim/sweep/sweep_runner.hpp"
#include "sim/sweep/sweep_spec.hpp"
#endif

namespace scamsim::app {

#ifndef SCAMSIM_HAVE_MPI

int mpi_sweep_command(const SweepCommandOptions& /*options*/, std::ostream& /*out*/, std::ostream& /*err*/) {
  const MpiLaunch launch = mpi_launch();
  throw SetupError(fmt::format(
      "this scamsim was built without MPI, but it runs as one of {} ranks ({}): every rank would run the whole "
      "sweep into the same file. Rebuild with OpenMPI installed (docs/CLUSTER.md), or run the sweep as one process",
      launch.ranks, launch.launcher));
}

#else

namespace {

/// A worker rank: loads the sweep itself (every rank sees the same files), then runs what rank 0 hands it.
void run_worker(distributed::Transport& transport, const SweepCommandOptions& o) {
  // SIGINT and SIGTERM on a worker stop its run at the next step; rank 0 then stops the sweep.
  const StopOnSignals signals;
  std::optional<sweep::SweepSpec> spec;
  std::optional<sweep::SweepPlan> plan;
  bool loaded = true;
  // --check and --print-run are rank 0's alone; this rank is only told to stop.
  if (!o.check && o.print_run < 0) {
    try {
      spec.emplace(sweep::load_sweep(o.file, o.overrides));
      plan.emplace(sweep::plan_sweep(*spec));
    } catch (const SetupError& e) {
      distributed::report_error(transport, 's', e.what());
      loaded = false;
    } catch (const std::exception& e) {
      distributed::report_error(transport, 'i', e.what());
      loaded = false;
    }
  }
  const bool have = loaded && spec && plan;
  distributed::run_worker(transport, have ? &*spec : nullptr, have ? &*plan : nullptr, loaded, o.threads,
                          {.stop = signals.flag(), .signal = [&signals] { return signals.signal(); }});
}

}  // namespace

int mpi_sweep_command(const SweepCommandOptions& o, std::ostream& out, std::ostream& err) {
  const MpiLaunch launch = mpi_launch();
  const distributed::MpiSession mpi;
  if (mpi.size() != launch.ranks) {
    // Every process is alone in its own MPI world (srun without PMI, a launcher of another MPI than the one scamsim
    // was built with), so each says so and none writes: run as they are, they would all write the same file.
    throw SetupError(fmt::format(
        "started as one of {} processes by {}, but MPI sees {} rank{}: the launcher did not connect them. Under "
        "Slurm use srun --mpi=pmix (or another type that `srun --mpi=list` shows and Open MPI supports), or mpirun "
        "inside the job (docs/CLUSTER.md)",
        launch.ranks, launch.launcher, mpi.size(), mpi.size() == 1 ? "" : "s"));
  }
  distributed::MpiTransport transport(mpi);
  if (mpi.rank() != 0) {
    try {
      run_worker(transport, o);
    } catch (const std::exception& e) {
      // Last resort: the protocol itself broke on this rank, and rank 0 cannot be told. Say why, end the job.
      err << fmt::format("scamsim: rank {}: internal error: {}\n", mpi.rank(), e.what()) << std::flush;
      distributed::MpiSession::abort(exit_internal_error);
    }
    return distributed::MpiSession::share_exit_code(exit_ok);
  }

  distributed::Coordinator coordinator(transport, run::effective_threads(o.threads));
  int code = exit_internal_error;
  std::exception_ptr error;
  try {
    code = sweep_command(
        o, out, err,
        [&coordinator](const sweep::SweepSpec& spec, const sweep::SweepPlan& plan, std::span<const std::int64_t> todo,
                       const sweep::SweepRunOptions& options,
                       const std::function<void(sweep::RunOutput &&)>& finished) {
          coordinator.schedule(spec, plan, todo, options, finished);
        },
        fmt::format("{} ranks x {} threads", mpi.size(), run::effective_threads(o.threads)));
  } catch (const SetupError&) {
    code = exit_input_error;
    error = std::current_exception();
  } catch (...) {
    code = exit_internal_error;
    error = std::current_exception();
  }
  try {
    coordinator.release();
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
