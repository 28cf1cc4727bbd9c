#include "sim/sweep/sensitivity.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace scamsim::sweep {

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument(message);
}

void check_bootstrap(const char* what, std::int64_t bootstrap, double confidence) {
  require(bootstrap >= 0, fmt::format("{}: bootstrap must not be negative (got {})", what, bootstrap));
  require(confidence > 0 && confidence < 1,
          fmt::format("{}: confidence must be between 0 and 1 exclusive (got {})", what, confidence));
}

/// The percentile interval of resampled statistics around a full-sample estimate. Non-finite resamples (a
/// resample whose outputs happen to be all equal) are left out rather than poisoning the sort.
Interval percentile_interval(double estimate, std::vector<double>& resampled, double confidence) {
  std::erase_if(resampled, [](double v) { return !std::isfinite(v); });
  std::sort(resampled.begin(), resampled.end());
  const double tail = (1 - confidence) / 2;
  return Interval{estimate, quantile_sorted(resampled, tail), quantile_sorted(resampled, 1 - tail)};
}

/// The Saltelli-design outputs of the kept base rows, centred, one column per block so that the estimators
/// read them in order.
struct SaltelliOutputs {
  std::vector<double> a, b;             ///< per kept base row
  std::vector<std::vector<double>> ab;  ///< [parameter][kept base row]
};

/// First- and total-order estimates over the base rows `rows` (indices into the kept rows, repeats allowed).
void estimate_sobol(const SaltelliOutputs& out, std::span<const std::size_t> rows, std::vector<double>& first,
                    std::vector<double>& total) {
  const auto n = static_cast<double>(rows.size());
  double sum = 0;
  for (const std::size_t r : rows) sum += out.a[r] + out.b[r];
  const double mean = sum / (2 * n);
  double squares = 0;
  for (const std::size_t r : rows) {
    squares += (out.a[r] - mean) * (out.a[r] - mean) + (out.b[r] - mean) * (out.b[r] - mean);
  }
  const double variance = squares / (2 * n);
  for (std::size_t i = 0; i < out.ab.size(); ++i) {
    const std::vector<double>& ab = out.ab[i];
    double first_sum = 0, total_sum = 0;
    for (const std::size_t r : rows) {
      first_sum += out.b[r] * (ab[r] - out.a[r]);
      total_sum += (out.a[r] - ab[r]) * (out.a[r] - ab[r]);
    }
    first[i] = variance > 0 ? first_sum / n / variance : not_a_number;
    total[i] = variance > 0 ? total_sum / (2 * n) / variance : not_a_number;
  }
}

}  // namespace

double quantile_sorted(std::span<const double> sorted, double q) {
  if (sorted.empty()) return not_a_number;
  const double h = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  if (lo + 1 >= sorted.size()) return sorted.back();
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[lo + 1] - sorted[lo]);
}

SobolIndices sobol_indices(std::span<const double> y, std::int64_t base, std::int64_t parameters,
                           std::int64_t bootstrap, double confidence, std::uint64_t seed) {
  require(base >= 1, fmt::format("Sobol' indices: base must be at least 1 (got {})", base));
  require(parameters >= 1, fmt::format("Sobol' indices: parameters must be at least 1 (got {})", parameters));
  const std::int64_t width = parameters + 2;
  require(static_cast<std::int64_t>(y.size()) == base * width,
          fmt::format("Sobol' indices: {} outputs, but a Saltelli design of base {} and {} parameters has {} rows",
                      y.size(), base, parameters, base * width));
  check_bootstrap("Sobol' indices", bootstrap, confidence);
  const auto k = static_cast<std::size_t>(parameters);

  // Keep the base rows whose outputs are all finite; the estimators pair A, AB_i and B within a row.
  std::vector<std::size_t> kept;
  for (std::int64_t j = 0; j < base; ++j) {
    const auto row = y.subspan(static_cast<std::size_t>(j * width), static_cast<std::size_t>(width));
    if (std::all_of(row.begin(), row.end(), [](double v) { return std::isfinite(v); })) {
      kept.push_back(static_cast<std::size_t>(j));
    }
  }
  SobolIndices result;
  result.base_rows_used = static_cast<std::int64_t>(kept.size());
  result.first.assign(k, Interval{not_a_number, not_a_number, not_a_number});
  result.total.assign(k, Interval{not_a_number, not_a_number, not_a_number});
  const std::size_t n = kept.size();
  if (n < 2) return result;

  double sum = 0;
  for (const std::size_t j : kept) sum += y[j * (k + 2)] + y[j * (k + 2) + k + 1];
  const double centre = sum / static_cast<double>(2 * n);
  SaltelliOutputs out;
  out.a.resize(n);
  out.b.resize(n);
  out.ab.assign(k, std::vector<double>(n));
  for (std::size_t r = 0; r < n; ++r) {
    const std::size_t first_row = kept[r] * (k + 2);
    out.a[r] = y[first_row] - centre;
    for (std::size_t i = 0; i < k; ++i) out.ab[i][r] = y[first_row + 1 + i] - centre;
    out.b[r] = y[first_row + k + 1] - centre;
  }

  std::vector<std::size_t> rows(n);
  for (std::size_t r = 0; r < n; ++r) rows[r] = r;
  std::vector<double> first(k), total(k);
  estimate_sobol(out, rows, first, total);

  const auto resamples = static_cast<std::size_t>(bootstrap);
  std::vector<std::vector<double>> first_boot(k, std::vector<double>(resamples));
  std::vector<std::vector<double>> total_boot(k, std::vector<double>(resamples));
  std::vector<double> first_b(k), total_b(k);
  for (std::size_t s = 0; s < resamples; ++s) {
    // Resample s has its own stream, so it does not depend on how many come before it.
    detail::DesignDraws draws(seed, detail::Stream::sobol_bootstrap, s);
    for (std::size_t r = 0; r < n; ++r) rows[r] = static_cast<std::size_t>(draws.below(n));
    estimate_sobol(out, rows, first_b, total_b);
    for (std::size_t i = 0; i < k; ++i) {
      first_boot[i][s] = first_b[i];
      total_boot[i][s] = total_b[i];
    }
  }
  for (std::size_t i = 0; i < k; ++i) {
    result.first[i] = percentile_interval(first[i], first_boot[i], confidence);
    result.total[i] = percentile_interval(total[i], total_boot[i], confidence);
  }
  return result;
}

MorrisIndices morris_indices(const MorrisDesign& design, std::span<const double> y, std::int64_t bootstrap,
                             double confidence, std::uint64_t seed) {
  const std::int64_t parameters = design.points.cols();
  const std::int64_t trajectories = design.trajectories;
  require(parameters >= 1 && trajectories >= 1, "Morris indices: the design has no parameters or no trajectories");
  const std::int64_t width = parameters + 1;
  const auto rows = static_cast<std::size_t>(trajectories * width);
  require(static_cast<std::size_t>(design.points.rows()) == rows && design.changed.size() == rows &&
              design.step.size() == rows,
          fmt::format("Morris indices: the design should have {} trajectories of {} rows", trajectories, width));
  require(y.size() == rows, fmt::format("Morris indices: {} outputs for a design of {} rows", y.size(), rows));
  check_bootstrap("Morris indices", bootstrap, confidence);
  const auto k = static_cast<std::size_t>(parameters);
  const auto w = static_cast<std::size_t>(width);
  const auto t_count = static_cast<std::size_t>(trajectories);

  // Elementary effects per kept trajectory, by parameter: ee[t * k + i].
  std::vector<double> ee;
  std::vector<bool> seen(k);
  for (std::size_t t = 0; t < t_count; ++t) {
    const std::size_t first = t * w;
    require(design.changed[first] == -1,
            fmt::format("Morris indices: row {} should start a trajectory (changed = -1)", first));
    std::fill(seen.begin(), seen.end(), false);
    for (std::size_t m = 1; m < w; ++m) {
      const std::int32_t i = design.changed[first + m];
      require(i >= 0 && static_cast<std::size_t>(i) < k && !seen[static_cast<std::size_t>(i)] &&
                  design.step[first + m] != 0,
              fmt::format("Morris indices: row {} should change a parameter not yet changed in its trajectory, by a "
                          "non-zero step",
                          first + m));
      seen[static_cast<std::size_t>(i)] = true;
    }
    const auto outputs = y.subspan(first, w);
    if (!std::all_of(outputs.begin(), outputs.end(), [](double v) { return std::isfinite(v); })) continue;
    const std::size_t at = ee.size();
    ee.resize(at + k);
    for (std::size_t m = 1; m < w; ++m) {
      const auto i = static_cast<std::size_t>(design.changed[first + m]);
      ee[at + i] = (y[first + m] - y[first + m - 1]) / design.step[first + m];
    }
  }

  const std::size_t r = ee.size() / k;
  MorrisIndices result;
  result.trajectories_used = static_cast<std::int64_t>(r);
  result.mu.assign(k, not_a_number);
  result.mu_star.assign(k, not_a_number);
  result.sigma.assign(k, not_a_number);
  result.mu_star_ci.assign(k, Interval{not_a_number, not_a_number, not_a_number});
  if (r == 0) return result;

  const auto n = static_cast<double>(r);
  for (std::size_t i = 0; i < k; ++i) {
    double sum = 0, abs_sum = 0;
    for (std::size_t t = 0; t < r; ++t) {
      sum += ee[t * k + i];
      abs_sum += std::abs(ee[t * k + i]);
    }
    result.mu[i] = sum / n;
    result.mu_star[i] = abs_sum / n;
    if (r >= 2) {
      double squares = 0;
      for (std::size_t t = 0; t < r; ++t) squares += (ee[t * k + i] - result.mu[i]) * (ee[t * k + i] - result.mu[i]);
      result.sigma[i] = std::sqrt(squares / (n - 1));
    }
  }

  const auto resamples = static_cast<std::size_t>(bootstrap);
  std::vector<std::vector<double>> boot(k, std::vector<double>(resamples));
  std::vector<std::size_t> pick(r);
  for (std::size_t s = 0; s < resamples; ++s) {
    detail::DesignDraws draws(seed, detail::Stream::morris_bootstrap, s);
    for (std::size_t t = 0; t < r; ++t) pick[t] = static_cast<std::size_t>(draws.below(r));
    for (std::size_t i = 0; i < k; ++i) {
      double abs_sum = 0;
      for (const std::size_t t : pick) abs_sum += std::abs(ee[t * k + i]);
      boot[i][s] = abs_sum / n;
    }
  }
  for (std::size_t i = 0; i < k; ++i)
    result.mu_star_ci[i] = percentile_interval(result.mu_star[i], boot[i], confidence);
  return result;
}

}  // namespace scamsim::sweep
