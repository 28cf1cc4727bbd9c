#pragma once
// The model's formulas as pure functions, so that each is written once, can
// be tested by hand and read in one place: visibility, exposure to raids,
// detection, revenue and margin (MODEL.md §7.1-7.3), and the operator's
// decision rules of §7.2 and §7.4.
//
// Bitwise rule: each function computes exactly the expression the phases
// used to write inline, in the same order of operations; a change of order
// changes results in the last bits.

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <vector>

namespace scamsim::model {

/// Visibility of an operation of `workers` people: (workers / s0)^beta (MODEL.md §7.1).
inline double visibility(double workers, double reference_workers, double beta) {
  return std::pow(workers / reference_workers, beta);
}

/// The part of enforcement that protection does not buy off: 1 - protection x corruption.
inline double exposure(double protection, double corruption) { return 1 - protection * corruption; }

/// How much easier an operator is to find when it came from a country that
/// shares intelligence with the one it is in: 1 + gain x sharing(from, here).
inline double detection(double detection_gain, double sharing) { return 1 + detection_gain * sharing; }

/// The weight with which raids find an operation: visibility x detection x exposure (§7.3, §7.4).
inline double raid_weight(double visibility, double detection, double exposure) {
  return visibility * detection * exposure;
}

/// Chance of at least one successful raid within `days` at hazard `rho` per
/// unit of visibility per day: 1 - exp(-rho x visibility x days).
inline double chance_of_raid_within(double rho, double visibility, double days) {
  return 1 - std::exp(-rho * visibility * days);
}

/// Scam revenue of one worker-day (§7.2): base x infrastructure x (1 + ai_uplift x tech)
/// x (1 - awareness_conversion_loss x victim_awareness).
inline double revenue_usd_per_worker_day(double base_usd, double infrastructure, double ai_uplift, double tech,
                                         double awareness_conversion_loss, double victim_awareness) {
  return base_usd * infrastructure * (1 + ai_uplift * tech) * (1 - awareness_conversion_loss * victim_awareness);
}

/// The shares of revenue that do not stay with the operator, apart from upkeep.
struct RevenueShares {
  double protection_cost_share = 0;  ///< bribes per unit of protection
  double laundered_share = 0;
  double laundering_cost_share = 0;
};

/// Margin per worker-day (§7.2, §7.6): revenue less bribes, laundering fees
/// and freezes, less upkeep: r (1 - protection x pcs - ls (lcs + frozen)) - labour.
inline double margin_usd_per_worker_day(double revenue_usd_per_worker_day, double protection, double frozen_share,
                                        double labour_cost_usd_per_day, const RevenueShares& s) {
  return revenue_usd_per_worker_day *
             (1 - protection * s.protection_cost_share - s.laundered_share * (s.laundering_cost_share + frozen_share)) -
         labour_cost_usd_per_day;
}

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
  const double hazard = e.hazard_per_visibility * visibility(size, e.reference_workers, e.beta);
  return size * e.margin_usd_per_worker_day - e.fixed_usd_per_day -
         hazard * size * e.margin_usd_per_worker_day * e.horizon_days;
}

/// The size that maximises expected_profit: s0 (rho H (beta+1))^(-1/beta), capped at `largest`.
inline double most_profitable_size(const SizeEconomics& e, double largest) {
  if (e.hazard_per_visibility <= 0 || e.beta <= 0) return largest;
  return std::min(largest,
                  e.reference_workers * std::pow(e.hazard_per_visibility * e.horizon_days * (e.beta + 1), -1 / e.beta));
}

/// Raids per unit of weighted visibility per day on a host's industry of `visible`, when raids follow the
/// industry: the will's raid rate spread over the first day's industry (`reference`, > 0), until the rate
/// at full will (`full_rate_per_day`) is spread over all of it.
inline double raids_per_visibility_per_day(double rate_per_day, double full_rate_per_day, double reference,
                                           double visible) {
  const double at_will = rate_per_day / reference;
  return visible > 0 ? std::min(at_will, full_rate_per_day / visible) : at_will;
}

/// The size at which expected daily profit per worker is greatest (the efficient scale): where the fixed
/// cost per worker, F/s, equals the marginal raid loss per worker, beta rho (s/s0)^beta m H, capped at
/// `largest`. Larger operations would gain by splitting into operations of about this size.
inline double efficient_size(const SizeEconomics& e, double largest) {
  if (e.hazard_per_visibility <= 0 || e.beta <= 0 || e.margin_usd_per_worker_day <= 0) return largest;
  return std::min(largest, e.reference_workers *
                               std::pow(e.fixed_usd_per_day / (e.beta * e.hazard_per_visibility * e.reference_workers *
                                                               e.margin_usd_per_worker_day * e.horizon_days),
                                        1 / (e.beta + 1)));
}

/// Gain in expected daily profit from splitting `size` workers into `cells`
/// equal cells: raid losses fall by the factor cells^-beta, fixed costs rise
/// (cells - 1) times. Positive when splitting pays.
inline double split_gain(double size, int cells, const SizeEconomics& e) {
  const double loss = e.hazard_per_visibility * visibility(size, e.reference_workers, e.beta) * size *
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
