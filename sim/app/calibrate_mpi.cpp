#include "sim/app/calibrate_mpi.hpp"

#include <fmt/format.h>

#include "sim/app/mpi_launch.hpp"
#include "sim/core/error.hpp"

#ifdef SCAMSIM_HAVE_MPI
#include <exception>
#include <optional>
#include <span>

#include "sim/app/cli.hpp"
#include "sim/app/command_support.hpp"
#include "sim/distributed/abc_ranks.hpp"
#include "sim/distributed/mpi_transport.hpp"
#include "sim/run/calibration.hpp"
#endif

namespace scamsim::app {

#ifndef SCAMSIM_HAVE_MPI

int mpi_calibrate_command(const CalibrateOptions& /*options*/, std::ostream& /*out*/, std::ostream& /*err*/) {
  const MpiLaunch launch = mpi_launch();
  throw SetupError(fmt::format(
      "this scamsim was built without MPI, but it runs as one of {} ranks ({}): every rank would run the whole "
      "calibration into the same file. Rebuild with OpenMPI installed (docs/CLUSTER.md), or run it as one process",
      launch.ranks, launch.launcher));
}

#else

namespace {

/// A worker rank: loads the calibration itself (every rank sees the same files), then evaluates the shares rank 0
/// hands it until rank 0 stops it.
void run_worker(distributed::Transport& transport, const CalibrateOptions& o) {
  // A signal stops rank 0's calibration at its next batch, and rank 0 then stops this rank: it must not die first.
  const StopOnSignals signals;
  std::optional<run::CalibrationSpec> spec;
  try {
    spec.emplace(run::load_calibration(o.file, o.overrides));
  } catch (const SetupError& e) {
    transport.send(0, distributed::Tag::error, distributed::encode_error('s', e.what()));
  } catch (const std::exception& e) {
    transport.send(0, distributed::Tag::error, distributed::encode_error('i', e.what()));
  }
  distributed::AbcEvaluate evaluate;
  // The seed is the file's: rank 0 refuses a resume whose recorded settings differ from it.
  if (spec) {
    evaluate = [&](std::span<const run::AbcProposal> share) {
      return run::simulate_proposals(*spec, spec->abc.seed, share, o.threads);
    };
  }
  distributed::run_abc_worker(transport, evaluate);
}

}  // namespace

int mpi_calibrate_command(const CalibrateOptions& o, std::ostream& out, std::ostream& err) {
  const MpiLaunch launch = mpi_launch();
  const distributed::MpiSession mpi;
  if (mpi.size() != launch.ranks) {
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
      err << fmt::format("scamsim: rank {}: internal error: {}\n", mpi.rank(), e.what()) << std::flush;
      distributed::MpiSession::abort(exit_internal_error);
    }
    return distributed::MpiSession::share_exit_code(exit_ok);
  }

  int code = exit_internal_error;
  std::exception_ptr error;
  std::optional<distributed::AbcRanks> ranks;
  try {
    ranks.emplace(transport);  // every worker loaded the calibration, or this throws what one could not
    const run::CalibrationSpec spec = run::load_calibration(o.file, o.overrides);
    const run::AbcSimulate distribute = [&](std::span<const run::AbcProposal> batch) {
      return ranks->simulate(batch, [&](std::span<const run::AbcProposal> share) {
        return run::simulate_proposals(spec, spec.abc.seed, share, o.threads);
      });
    };
    code = calibrate_posterior(o, spec, out, err, distribute,
                               fmt::format("{} ranks x {} threads", mpi.size(), run::effective_threads(o.threads)));
  } catch (const SetupError&) {
    code = exit_input_error;
    error = std::current_exception();
  } catch (...) {
    code = exit_internal_error;
    error = std::current_exception();
  }
  try {
    if (ranks) ranks->release();
  } catch (const std::exception& e) {
    err << fmt::format("scamsim: internal error: cannot stop the other ranks: {}\n", e.what()) << std::flush;
    distributed::MpiSession::abort(exit_internal_error);
  }
  // The message goes out before the exit code does (sweep_mpi.cpp says why).
  if (error) code = report_failure(error, err);
  distributed::MpiSession::share_exit_code(code);
  return code;
}

#endif

}  // namespace scamsim::app
