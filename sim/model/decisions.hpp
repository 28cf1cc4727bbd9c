#pragma once
// The operator's decision rules of MODEL.md §4.1 and §4.4 as pure functions,
// so that they can be tested by hand and read in one place.

#include <cmath>
#include <limits>
#include <span>
#include <vector>

namespace scamsim::model {

/// What an operator weighs: its margin per worker-day, fixed cost per day,
/// the raid hazard per unit of visibility, and how visibility grows with size.
struct SizeEconomics {
  double margin_usd_per_worker_day = 0;
  double fixed_usd_per_day = 0;
  double hazard_per_visibility = 0;  ///< successful raids per day per unit of visibility
  double reference_workers = 1;      ///< s0: visibility is (size / s0)^beta
  double beta = 1;
  double horizon_days = 365;  ///< days of profit lost to a successful raid
};

/// Expected daily profit at `size`: size m - F - h(size) size m H, h = rho (size/s0)^beta.
inline double expected_profit(double size, const SizeEconomics& e) {
  const double hazard = e.hazard_per_visibility * std::pow(size / e.reference_workers, e.beta);
  return size * e.margin_usd_per_worker_day - e.fixed_usd_per_day -
         hazard * size * e.margin_usd_per_worker_day * e.horizon_days;
}

/// The size that maximises expected_profit: s0 (rho H (beta+1))^(-1/beta), capped at `largest`.
inline double most_profitable_size(const SizeEconomics& e, double largest) {
  if (e.hazard_per_visibility <= 0 || e.beta <= 0) return largest;
  return std::min(largest,
                  e.reference_workers * std::pow(e.hazard_per_visibility * e.horizon_days * (e.beta + 1), -1 / e.beta));
}

/// Gain in expected daily profit from splitting `size` workers into `cells`
/// equal cells: raid losses fall by the factor cells^-beta, fixed costs rise
/// (cells - 1) times. Positive when splitting pays.
inline double split_gain(double size, int cells, const SizeEconomics& e) {
  const double loss = e.hazard_per_visibility * std::pow(size / e.reference_workers, e.beta) * size *
                      e.margin_usd_per_worker_day * e.horizon_days;
  return loss * (1 - std::pow(cells, -e.beta)) - (cells - 1) * e.fixed_usd_per_day;
}

/// The number of cells (2..max_cells, each at least min_cell workers) that
/// gains most from splitting, or 0 if no split gains.
inline int best_split(double size, int max_cells, double min_cell, const SizeEconomics& e) {
  double best_gain = 0;
  int best = 0;
  for (int k = 2; k <= max_cells && size / k >= min_cell; ++k) {
    const double gain = split_gain(size, k, e);
    if (gain > best_gain) {
      best_gain = gain;
      best = k;
    }
  }
  return best;
}

/// Running sums of logit weights exp((u - max u) / scale): the chance of
/// choosing option k is its weight over the total (MODEL.md §4.4).
inline std::vector<double> logit_cumulative(std::span<const double> utility, double scale) {
  double best = -std::numeric_limits<double>::infinity();
  for (const double u : utility) best = std::max(best, u);
  std::vector<double> cumulative(utility.size());
  double total = 0;
  for (std::size_t k = 0; k < utility.size(); ++k) {
    total += std::exp((utility[k] - best) / scale);
    cumulative[k] = total;
  }
  return cumulative;
}

}  // namespace scamsim::model
