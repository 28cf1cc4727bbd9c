#pragma once
// Global sensitivity analysis of a sweep's outputs (issue #6): how much of an
// outcome's spread each swept parameter accounts for.
//
// - Sobol' indices from a saltelli() design: first order by the estimator of
//   Saltelli et al. (2010, "Variance based sensitivity analysis of model
//   output", Comput. Phys. Commun. 181, 259-270, table 2), total order by
//   Jansen's (1999) estimator (same table), as SALib's sobol.analyze.
// - Morris (1991) elementary effects from a morris() design: mu, sigma, and
//   mu* = mean |EE| (Campolongo, Cariboni & Saltelli 2007), which ranks
//   parameters even when effects change sign.
//
// Confidence intervals are percentile bootstraps (Efron & Tibshirani 1993)
// over base rows or trajectories, with resamples drawn by Philox from the seed
// (detail::DesignDraws), and every sum runs in a fixed order, so an analysis
// repeats bit for bit. A run that failed (NaN or infinite output) removes its
// whole base row or trajectory, since the estimators pair outputs within one.

#include <cstdint>
#include <span>
#include <vector>

#include "sim/sweep/design.hpp"

namespace scamsim::sweep {

/// A point estimate and its bootstrap interval; low and high are NaN without resamples or data.
struct Interval {
  double estimate = 0, low = 0, high = 0;
};

/// First- and total-order Sobol' indices with their intervals.
struct SobolIndices {
  std::vector<Interval> first, total;  ///< per parameter
  std::int64_t base_rows_used = 0;     ///< base rows whose k+2 outputs were all finite
};

/// First-order (Saltelli 2010 estimator) and total-order (Jansen 1999) indices from outputs y laid out as saltelli()
/// rows; V is the variance of the A and B outputs together. Base rows with any non-finite output are dropped.
/// Confidence intervals: percentile bootstrap over base rows, `bootstrap` resamples, seeded (deterministic).
/// With n base rows kept: S_i = mean(f(B) (f(AB_i) - f(A))) / V and ST_i = mean((f(A) - f(AB_i))^2) / (2 V), with
/// outputs first centred on the mean of the kept A and B outputs (which changes nothing in expectation but keeps
/// the first-order products from cancelling large numbers; SALib centres too), and V the population variance of
/// the 2n A and B outputs. Fewer than two kept rows, or V = 0, give NaN estimates. Throws std::invalid_argument
/// if y.size() != base * (parameters + 2), bootstrap < 0 or confidence is not in (0, 1).
SobolIndices sobol_indices(std::span<const double> y, std::int64_t base, std::int64_t parameters,
                           std::int64_t bootstrap, double confidence, std::uint64_t seed);

/// Morris elementary-effects statistics with their intervals.
struct MorrisIndices {
  std::vector<double> mu, mu_star, sigma;  ///< per parameter (elementary effects scaled by the unit-interval step)
  std::vector<Interval> mu_star_ci;        ///< bootstrap over trajectories
  std::int64_t trajectories_used = 0;      ///< trajectories with every output finite
};

/// Elementary effects EE = (y_row - y_previous) / step for every row that changes a parameter; mu is their mean,
/// mu_star the mean of |EE|, sigma their sample standard deviation (n - 1 divisor, as SALib; NaN with fewer than
/// two trajectories). Trajectories with any non-finite output are dropped; with none left everything is NaN.
/// Throws std::invalid_argument if y does not match the design or the design is not a set of trajectories that
/// each change every parameter once.
MorrisIndices morris_indices(const MorrisDesign& design, std::span<const double> y, std::int64_t bootstrap,
                             double confidence, std::uint64_t seed);

/// The q-quantile (q in [0, 1]) of sorted values by linear interpolation between order statistics (Hyndman & Fan
/// 1996 type 7, NumPy's default); NaN if empty.
double quantile_sorted(std::span<const double> sorted, double q);

}  // namespace scamsim::sweep
