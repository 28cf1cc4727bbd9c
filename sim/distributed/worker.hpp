#pragma once
// A worker rank of a sweep spread over ranks: runs what rank 0 hands it until
// told to stop (protocol.hpp). Prints nothing: rank 0 reports everything.

#include <atomic>
#include <functional>
#include <string>

#include "sim/distributed/protocol.hpp"
#include "sim/sweep/sweep_runner.hpp"
#include "sim/sweep/sweep_spec.hpp"

namespace scamsim::distributed {

/// A worker's signals: a flag a signal handler sets, and which signal it was.
struct WorkerSignals {
  const std::atomic<bool>* stop = nullptr;  ///< set by SIGINT or SIGTERM: the run in flight stops at its next step
  std::function<int()> signal;              ///< the signal that set it
};

/// Says rank 0 that this rank cannot load the sweep (`kind` 's') or broke otherwise ('i'); then it still runs
/// run_worker without a sweep, which answers every run with an error until stopped.
void report_error(Transport& transport, char kind, const std::string& text);

/// Runs the worker side of the protocol on `transport` until rank 0 says stop, then says bye. `spec` and
/// `plan` are null when this rank could not load the sweep (it reported so) or has nothing to run (--check,
/// --print-run); `say_ready` is false only in the first case. Each run goes on `threads` threads.
void run_worker(Transport& transport, const sweep::SweepSpec* spec, const sweep::SweepPlan* plan, bool say_ready,
                int threads, const WorkerSignals& signals);

}  // namespace scamsim::distributed
