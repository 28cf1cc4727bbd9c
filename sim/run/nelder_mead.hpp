#pragma once
// Nelder-Mead simplex minimisation (Nelder & Mead 1965, with the standard
// coefficients of Lagarias et al. 1998). Deterministic: the same function
// and start give the same path, so calibrations repeat exactly.

#include <algorithm>
#include <cstddef>
#include <functional>
#include <numeric>
#include <vector>

namespace scamsim::run {

/// The best point found and what it cost.
struct Minimum {
  std::vector<double> x;
  double value = 0;
  int evaluations = 0;
};

/// Minimises `f` from `start`, with an initial simplex of `step` along each
/// axis, for at most `max_evaluations` calls or until the simplex's values
/// differ by less than `tolerance`.
inline Minimum nelder_mead(const std::function<double(const std::vector<double>&)>& f, std::vector<double> start,
                           double step, int max_evaluations, double tolerance = 1e-8) {
  const std::size_t n = start.size();
  std::vector<std::vector<double>> points(n + 1, start);
  for (std::size_t i = 0; i < n; ++i) points[i + 1][i] += step;
  std::vector<double> values(n + 1);
  int evaluations = 0;
  auto eval = [&](const std::vector<double>& x) {
    ++evaluations;
    return f(x);
  };
  for (std::size_t i = 0; i <= n; ++i) values[i] = eval(points[i]);

  std::vector<std::size_t> order(n + 1);
  while (evaluations < max_evaluations) {
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
    const std::size_t best = order.front();
    const std::size_t worst = order.back();
    const std::size_t second_worst = order[n - 1];
    if (values[worst] - values[best] < tolerance) break;

    std::vector<double> centroid(n, 0.0);
    for (std::size_t i = 0; i <= n; ++i) {
      if (i == worst) continue;
      for (std::size_t k = 0; k < n; ++k) centroid[k] += points[i][k] / static_cast<double>(n);
    }
    auto towards = [&](double t) {
      std::vector<double> x(n);
      for (std::size_t k = 0; k < n; ++k) x[k] = centroid[k] + t * (points[worst][k] - centroid[k]);
      return x;
    };
    const std::vector<double> reflected = towards(-1.0);
    const double reflected_value = eval(reflected);
    if (reflected_value < values[best]) {
      const std::vector<double> expanded = towards(-2.0);
      const double expanded_value = eval(expanded);
      if (expanded_value < reflected_value) {
        points[worst] = expanded;
        values[worst] = expanded_value;
      } else {
        points[worst] = reflected;
        values[worst] = reflected_value;
      }
      continue;
    }
    if (reflected_value < values[second_worst]) {
      points[worst] = reflected;
      values[worst] = reflected_value;
      continue;
    }
    const bool outside = reflected_value < values[worst];
    const std::vector<double> contracted = towards(outside ? -0.5 : 0.5);
    const double contracted_value = eval(contracted);
    if (contracted_value < (outside ? reflected_value : values[worst])) {
      points[worst] = contracted;
      values[worst] = contracted_value;
      continue;
    }
    // Shrink every point toward the best.
    for (std::size_t i = 0; i <= n; ++i) {
      if (i == best) continue;
      for (std::size_t k = 0; k < n; ++k) points[i][k] = points[best][k] + 0.5 * (points[i][k] - points[best][k]);
      values[i] = eval(points[i]);
    }
  }
  const auto best = static_cast<std::size_t>(std::min_element(values.begin(), values.end()) - values.begin());
  return Minimum{points[best], values[best], evaluations};
}

}  // namespace scamsim::run
