#pragma once
// Paired comparisons of two scenarios (`scamsim compare`, docs/SWEEPS.md
// "Paired comparisons"): replicate r of a baseline A and of a policy B run
// on the same random streams (common random numbers), so that the chance a
// replicate draws is shared by both sides of its pair and largely cancels in
// the difference B - A. Each outcome's difference then gets a paired
// Student-t interval across the pairs, which is tighter than the interval
// of two independent sets of runs whenever the two sides are positively
// correlated (Law 2015, "Simulation modeling and analysis", section 11.2).
//
// Pairing needs no special engine support: every draw is a pure function of
// (run.seed, replicate) and (step, agent, purpose) (sim/model/random.hpp),
// so A and B with the same run.seed share replicate r's streams.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sim/run/outcomes.hpp"
#include "sim/run/runner.hpp"
#include "sim/scenario/spec.hpp"

namespace scamsim::run {

/// The statistics of one outcome over the pairs whose two values are both finite (a share whose denominator
/// is 0 is NaN and drops its pair).
struct PairedStatistics {
  std::int64_t pairs = 0;      ///< pairs used
  double mean_a = 0;           ///< mean of A over the pairs used
  double mean_b = 0;           ///< mean of B over the pairs used
  double sd_a = 0;             ///< sample standard deviation of A (n - 1)
  double sd_b = 0;             ///< sample standard deviation of B (n - 1)
  double mean_difference = 0;  ///< mean of B - A
  double sd_difference = 0;    ///< sample standard deviation of B - A
  double ci_low = 0;           ///< paired Student-t interval of the mean difference, n - 1 degrees of freedom
  double ci_high = 0;
  /// Welch's interval of mean B - mean A, as if the two sides had been run with independent seeds: the
  /// contrast that shows what pairing gained.
  double unpaired_low = 0;
  double unpaired_high = 0;
  double correlation = 0;  ///< Pearson correlation of A and B across the pairs (NaN if either side is constant)
};

/// The statistics of B - A at a two-sided confidence level in (0, 1). With fewer than two pairs the
/// standard deviations and intervals are NaN; with a constant difference the paired interval is that
/// difference exactly. Throws std::invalid_argument if `a` and `b` differ in size or the level is outside (0, 1).
PairedStatistics paired_statistics(std::span<const double> a, std::span<const double> b, double confidence);

/// The p-quantile of Student's t distribution with `df` > 0 degrees of freedom (df need not be whole).
double student_t_quantile(double p, double df);

/// The headline outcomes of a comparison, over the whole run, at scale 1 where counts: people held at the
/// end (region, and each host country), revenue per year (region, and each host country), people released
/// by operators and by raids, re-recruited (totals), operations and mean operation size at the end, and,
/// when an event targets a host country, the share of the held outside that country at the end: the first
/// event by date that B adds (one A does not have on that day with that id, kind and target), else the first
/// that B removes, else the first of either (a network's event targets its home country). `a` and `b` must
/// be comparable (check_comparable).
std::vector<OutcomeSpec> headline_outcomes(const scenario::Scenario& a, const scenario::Scenario& b);

/// Throws SetupError, naming both files, unless A and B share their start date, step length and number of
/// steps (so that outcome windows mean the same days) and their countries (so that outcomes name the same
/// countries). `file_a` and `file_b` are the names to print.
void check_comparable(const scenario::Scenario& a, const std::string& file_a, const scenario::Scenario& b,
                      const std::string& file_b);

/// Each outcome of every replicate of each scenario, at scale 1 where counts: result[s] is
/// [replicate][outcome] flattened for scenarios[s]. Replicate r of a scenario is model::Simulation(s, r),
/// as in `scamsim run`; every (scenario, replicate) runs side by side on `options.threads` and its record is
/// dropped once reduced, so memory stays at one record per thread. The values do not depend on the number
/// of threads. Throws Interrupted if asked to stop.
std::vector<std::vector<double>> run_outcomes(std::span<const scenario::Scenario* const> scenarios,
                                              std::span<const OutcomeSpec> outcomes, const RunOptions& options);

/// The values of a paired comparison: a and b are [pair][outcome] flattened.
struct PairedRuns {
  std::vector<double> a;  ///< the baseline's values, [pair][outcome]
  std::vector<double> b;  ///< the policy's values, [pair][outcome]
};

/// Runs A and B as pairs: both must have the same run.seed and run.replicates (replicate r of each is
/// pair r), else std::invalid_argument. Throws Interrupted if asked to stop.
PairedRuns run_pairs(const scenario::Scenario& a, const scenario::Scenario& b, std::span<const OutcomeSpec> outcomes,
                     const RunOptions& options);

/// B - A over plausible worlds (`compare --posterior`, docs/CALIBRATION.md): each world is a draw from a
/// posterior, with its pairs on common random numbers, and gives one B - A, the mean over its pairs. What a policy
/// researcher asks of them: in how many of the worlds does B - A have each sign, and over what range does it lie.
struct WorldStatistics {
  std::int64_t worlds = 0;  ///< worlds whose B - A is finite (a world with a NaN pair on both sides drops it)
  double share_above = 0;   ///< share of those worlds with B - A > 0
  double share_below = 0;   ///< share with B - A < 0 (the rest: exactly 0)
  double low = 0;           ///< 5% quantile of B - A over the worlds (linear between order statistics)
  double median = 0;
  double high = 0;  ///< 95% quantile
};

/// Each world's B - A, the mean over its `pairs_per_world` pairs whose two values are finite, of one outcome, from
/// [pair][outcome] flattened values (pairs world by world); NaN for a world with no such pair.
std::vector<double> world_differences(std::span<const double> a, std::span<const double> b, std::size_t outcome_count,
                                      std::size_t outcome, std::size_t pairs_per_world);

/// The q-quantile (q in [0, 1]) of the values that are not NaN, linear between order statistics (numpy's default);
/// NaN when none is left.
double quantile(std::span<const double> values, double q);

/// The statistics of B - A over worlds (NaN entries left out; all NaN when none is left).
WorldStatistics world_statistics(std::span<const double> differences);

/// One outcome's values of every pair, taken from [pair][outcome] flattened values of `outcome_count` outcomes.
std::vector<double> column(std::span<const double> values, std::size_t outcome_count, std::size_t outcome);

}  // namespace scamsim::run
