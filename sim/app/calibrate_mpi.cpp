#include "sim/app/calibrate_mpi.hpp"

#include <fmt/format.h>

#include "sim/app/mpi_ranks.hpp"
#include "sim/core/error.hpp"

#ifdef SCAMSIM_HAVE_MPI
#include <exception>
#include <optional>
#include <span>

#include "sim/app/cli.hpp"
#include "sim/app/command_support.hpp"
#include "sim/distributed/abc_ranks.hpp"
#include "sim/distributed/mpi_transport.hpp"
#include "sim/distributed/worker.hpp"
#include "sim/run/calibration.hpp"
#endif

namespace scamsim::app {

#ifndef SCAMSIM_HAVE_MPI

int mpi_calibrate_command(const CalibrateOptions& /*options*/, std::ostream& /*out*/, std::ostream& /*err*/) {
  refuse_without_mpi("calibration");
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
    distributed::report_error(transport, 's', e.what());
  } catch (const std::exception& e) {
    distributed::report_error(transport, 'i', e.what());
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
  const distributed::MpiSession mpi;
  require_connected_ranks(mpi.size());
  distributed::MpiTransport transport(mpi);
  if (mpi.rank() != 0) return finish_worker_rank(mpi.rank(), err, [&] { run_worker(transport, o); });

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
  return finish_rank_zero(
      code, error,
      [&] {
        if (ranks) ranks->release();
      },
      err);
}

#endif

}  // namespace scamsim::app
