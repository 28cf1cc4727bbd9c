#include "sim/app/sweep_mpi.hpp"

#include <fmt/format.h>

#include "sim/app/mpi_ranks.hpp"
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
  refuse_without_mpi("sweep");
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
  const distributed::MpiSession mpi;
  require_connected_ranks(mpi.size());
  distributed::MpiTransport transport(mpi);
  if (mpi.rank() != 0) return finish_worker_rank(mpi.rank(), err, [&] { run_worker(transport, o); });

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
  return finish_rank_zero(
      code, error, [&] { coordinator.release(); }, err);
}

#endif

}  // namespace scamsim::app
