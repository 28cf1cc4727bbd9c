#pragma once
// Approximate Bayesian computation by sequential Monte Carlo (docs/CALIBRATION.md): population Monte Carlo
// (Beaumont, Cornuet, Marin and Robert 2009) with a tolerance schedule that adapts to the last population
// (Del Moral, Doucet and Jasra 2012; Drovandi and Pettitt 2011): each generation's tolerance is a quantile of
// the last one's distances, its proposals are the last population's particles moved by a normal kernel with
// twice their weighted covariance, and each accepted particle is weighted by prior over proposal density.
//
// Generic over the model: a simulator callback takes a batch of proposals and returns each one's distance to
// the data, so a caller can spread a batch over threads or MPI ranks. Proposals are numbered, every random
// draw is a function of (seed, generation, proposal number), batches are of a fixed size, and accepted
// particles are taken in proposal order: the result is the same bit for bit however a batch is evaluated, and
// a run resumed from its last finished generation ends where an uninterrupted one does.

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sim/run/priors.hpp"

namespace scamsim::run {

/// The algorithm's settings (docs/CALIBRATION.md, "Settings").
struct AbcSettings {
  int population = 200;              ///< particles per generation
  int max_generations = 10;          ///< generations at most, the prior's included
  double quantile = 0.5;             ///< each tolerance is this quantile of the last generation's distances
  double min_acceptance = 0.01;      ///< stop once a generation accepts fewer of its proposals than this
  double min_tolerance_drop = 0.02;  ///< stop once the tolerance falls by less than this share
  double target_tolerance = 0;       ///< stop once the tolerance is at or below this (0: none)
  int batch = 50;                    ///< proposals simulated together (fixed, whatever the threads)
  double kernel_scale = 2;           ///< the kernel's covariance: this times the population's weighted covariance
  std::uint64_t seed = 1;            ///< the seed of every proposal's draws
  std::int64_t max_proposals = 0;    ///< proposals at most in one generation (0: population / min_acceptance)

  /// What is wrong with these settings for `parameters` parameters, as (setting name, message) pairs; empty if
  /// nothing. The one check of them: run_abc_smc and the calibration file's reader both use it.
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> problems(std::size_t parameters) const;
};

/// One proposal for the simulator: its number (unique within its generation; the caller makes the
/// simulation's random numbers from it and the generation) and its parameter values (not working space).
struct AbcProposal {
  int generation = 0;
  std::int64_t index = 0;
  std::vector<double> values;
};

/// What the simulator made of a batch of proposals, in the batch's order: each one's distance to the data (>= 0;
/// NaN or infinity: a failed run, never accepted) and, if it keeps them, the statistics the distance was made
/// from (a calibration's simulated figures), kept beside each accepted particle so that a posterior can say how
/// well it meets each target. A plain vector of distances converts to it.
struct AbcBatchResult {
  std::vector<double> distances;
  std::vector<std::vector<double>> statistics;  ///< empty, or one row per proposal
  AbcBatchResult() = default;
  AbcBatchResult(std::vector<double> d) : distances(std::move(d)) {}  // NOLINT: implicit on purpose
};
using AbcSimulate = std::function<AbcBatchResult(std::span<const AbcProposal>)>;

/// One generation's population.
struct AbcGeneration {
  double tolerance = 0;                        ///< distances at or below it were accepted (infinity: the prior)
  std::vector<std::vector<double>> particles;  ///< parameter values (not working space), one row per particle
  std::vector<double> weights;                 ///< normalised to sum 1
  std::vector<double> distances;
  std::vector<std::vector<double>> statistics;  ///< the simulator's statistics of each particle (rows may be empty)
  std::int64_t proposals = 0;                   ///< proposals made, those outside the prior's bounds included
  std::int64_t simulated = 0;                   ///< proposals simulated
  [[nodiscard]] double acceptance() const {
    return proposals > 0 ? static_cast<double>(particles.size()) / static_cast<double>(proposals) : 0;
  }
  /// Effective sample size of the weights: 1 / sum w^2.
  [[nodiscard]] double ess() const;
};

/// Why a calibration stopped.
enum class AbcStop { running, max_generations, tolerance_reached, tolerance_flat, acceptance_low };
[[nodiscard]] std::string_view abc_stop_text(AbcStop stop);

/// Every generation so far: enough to resume exactly.
struct AbcState {
  std::vector<AbcGeneration> generations;
  AbcStop stop = AbcStop::running;
  /// What the generations were made with, recorded by the first run: a resume with other settings (but for
  /// max_generations and batch, which do not change what is made) or other priors is refused, since it would
  /// silently mix two calibrations.
  AbcSettings settings;
  std::vector<Prior> priors;
};

/// Called after each finished generation (a progress line, a checkpoint); what it throws stops the run.
using AbcAfterGeneration = std::function<void(const AbcState&)>;

/// Runs ABC-SMC from `state` (empty: from the prior) until a stop rule holds; returns the final state.
/// `priors` are those of the parameters, in order. Throws std::invalid_argument on bad settings or priors.
AbcState run_abc_smc(const AbcSettings& settings, std::span<const Prior> priors, const AbcSimulate& simulate,
                     const AbcAfterGeneration& after_generation = {}, AbcState state = {});

/// The weighted q-quantile of values (q in [0, 1]): the smallest value whose cumulative weight reaches q of
/// the total, by sorting the values.
[[nodiscard]] double weighted_quantile(std::span<const double> values, std::span<const double> weights, double q);

/// `n` particles of a population drawn in proportion to their weights, by systematic resampling (one uniform
/// offset, a function of `seed` alone, then n evenly spaced points on the cumulative weights): each particle is
/// drawn floor or ceil of n x its weight times, which keeps the draws' spread closer to the population's than n
/// independent picks. Returned in particle order.
[[nodiscard]] std::vector<std::size_t> resample(std::span<const double> weights, std::size_t n, std::uint64_t seed);

/// A parameter's posterior in a population: weighted mean, sd, median and the central 90% interval.
struct PosteriorSummary {
  double mean = 0;
  double sd = 0;
  double median = 0;
  double low = 0;   ///< 5% quantile
  double high = 0;  ///< 95% quantile
};
[[nodiscard]] PosteriorSummary summarise(const AbcGeneration& generation, std::size_t parameter);

}  // namespace scamsim::run
