#pragma once
// ABC-SMC spread over ranks (`mpirun -np N scamsim calibrate ... --method abc-smc`, docs/CALIBRATION.md): rank 0
// runs the algorithm and, for each batch of proposals, keeps one share for itself and hands each other rank a
// contiguous share of the rest, then gathers their distances and statistics in proposal order. A proposal's
// result is a function of the proposal alone (its values and its own seed), so the posterior file is the one a
// single process writes, bit for bit, whatever the number of ranks.
//
// The protocol (protocol.hpp's tags): each worker first says ready (or error, if it cannot load the calibration);
// then rank 0 sends run with a share's proposals and the worker answers result with their outcomes, until rank 0
// sends stop, which the worker answers with bye.

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "sim/distributed/protocol.hpp"
#include "sim/run/abc_smc.hpp"

namespace scamsim::distributed {

/// Evaluates proposals on this rank (run::simulate_proposals over the calibration).
using AbcEvaluate = std::function<run::AbcBatchResult(std::span<const run::AbcProposal>)>;

/// Proposals as bytes, and back (throws std::invalid_argument on bytes that are not a share).
std::vector<std::byte> encode_proposals(std::span<const run::AbcProposal> proposals);
std::vector<run::AbcProposal> decode_proposals(std::span<const std::byte> bytes);
/// A share's outcomes as bytes, and back (throws std::invalid_argument on bytes that are not a result).
std::vector<std::byte> encode_outcomes(const run::AbcBatchResult& result);
run::AbcBatchResult decode_outcomes(std::span<const std::byte> bytes);

/// Rank 0's side.
class AbcRanks {
 public:
  /// Waits for every worker's first message: throws SetupError with a worker's message when it could not load
  /// the calibration (after stopping the others), std::runtime_error on any other first message.
  explicit AbcRanks(Transport& transport);
  /// The outcomes of `batch`, in its order: the first share evaluated here with `local`, the others by the other
  /// ranks. Throws std::runtime_error when a worker reports an error.
  run::AbcBatchResult simulate(std::span<const run::AbcProposal> batch, const AbcEvaluate& local);
  /// Stops every worker and waits for each one's bye. Call it once, however the calibration ended.
  void release();

 private:
  Transport& transport_;
  bool released_ = false;
};

/// A worker rank's side: says ready (or, when `evaluate` is empty, nothing: it reported its error), then
/// evaluates each share rank 0 sends until stopped.
void run_abc_worker(Transport& transport, const AbcEvaluate& evaluate);

}  // namespace scamsim::distributed
