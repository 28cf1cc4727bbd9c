#include "sim/sweep/design.hpp"

#include "sim/sweep/sobol_table.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace scamsim::sweep {

using detail::joe_kuo_row;
using detail::JoeKuoRow;

namespace {

constexpr int sobol_bits = 32;

void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument(message);
}

/// The 32 direction numbers of dimension d (0-based), scaled by 2^32, by Joe & Kuo's recurrence
/// (their sobol.cc): v_b = m_{b+1} 2^(31-b) for b < s, then
/// v_b = v_{b-s} ^ (v_{b-s} >> s) ^ XOR_{k=1}^{s-1} a_k v_{b-k}.
std::array<std::uint32_t, sobol_bits> direction_numbers(std::int64_t d) {
  std::array<std::uint32_t, sobol_bits> v{};
  if (d == 0) {
    for (int b = 0; b < sobol_bits; ++b) v[static_cast<std::size_t>(b)] = std::uint32_t{1} << (31 - b);
    return v;
  }
  const JoeKuoRow& row = joe_kuo_row(d + 1);
  const int s = row.degree;
  for (int b = 0; b < s; ++b) {
    v[static_cast<std::size_t>(b)] = std::uint32_t{row.m[static_cast<std::size_t>(b)]} << (31 - b);
  }
  for (int b = s; b < sobol_bits; ++b) {
    std::uint32_t x = v[static_cast<std::size_t>(b - s)] ^ (v[static_cast<std::size_t>(b - s)] >> s);
    for (int k = 1; k < s; ++k) {
      if ((row.a >> (s - 1 - k)) & 1u) x ^= v[static_cast<std::size_t>(b - k)];
    }
    v[static_cast<std::size_t>(b)] = x;
  }
  return v;
}

/// Matousek's (1998) linear scramble of one dimension's direction numbers, plus its digital shift. Output digit r
/// (r = 0 the most significant) is the XOR of input digits 0..r picked by row r of a random lower-triangular
/// matrix with unit diagonal; such a matrix is invertible and maps every elementary interval onto one of the same
/// size, which is why the net property survives.
std::uint32_t scramble(std::array<std::uint32_t, sobol_bits>& v, std::uint64_t seed, std::int64_t d) {
  detail::DesignDraws draws(seed, detail::Stream::sobol_scramble, static_cast<std::uint64_t>(d));
  std::array<std::uint32_t, sobol_bits> rows{};
  for (int r = 0; r < sobol_bits; ++r) {
    const int position = 31 - r;
    const std::uint32_t above = ~((std::uint32_t{2} << position) - 1u);  // bits of the more significant digits
    rows[static_cast<std::size_t>(r)] = (draws.bits() & above) | (std::uint32_t{1} << position);
  }
  const std::uint32_t shift = draws.bits();
  for (std::uint32_t& direction : v) {
    std::uint32_t scrambled = 0;
    for (int r = 0; r < sobol_bits; ++r) {
      const auto parity = static_cast<std::uint32_t>(std::popcount(rows[static_cast<std::size_t>(r)] & direction) & 1);
      scrambled |= parity << (31 - r);
    }
    direction = scrambled;
  }
  return shift;
}

/// Sobol' points skip .. skip+points-1 in Gray-code order: point n is the XOR of the direction numbers picked by
/// the bits of gray(n) = n ^ (n >> 1), so consecutive points differ by one direction number.
UnitDesign sobol_points(std::int64_t points, std::int64_t dimensions, std::int64_t skip, const std::uint64_t* seed) {
  require(points >= 1, fmt::format("Sobol' sequence: points must be at least 1 (got {})", points));
  require(
      dimensions >= 1 && dimensions <= sobol_max_dimensions,
      fmt::format("Sobol' sequence: dimensions must be from 1 to {} (got {}); the direction-number table stops there",
                  sobol_max_dimensions, dimensions));
  require(skip >= 0, fmt::format("Sobol' sequence: skip must not be negative (got {})", skip));
  constexpr std::int64_t period = std::int64_t{1} << sobol_bits;
  require(skip <= period && points <= period - skip,
          fmt::format("Sobol' sequence: skip + points must not exceed 2^32 (got {} + {})", skip, points));

  const auto dims = static_cast<std::size_t>(dimensions);
  std::vector<std::array<std::uint32_t, sobol_bits>> v(dims);
  std::vector<std::uint32_t> x(dims, 0);
  for (std::size_t d = 0; d < dims; ++d) {
    v[d] = direction_numbers(static_cast<std::int64_t>(d));
    if (seed != nullptr) x[d] = scramble(v[d], *seed, static_cast<std::int64_t>(d));
  }
  const auto start = static_cast<std::uint64_t>(skip);
  const std::uint64_t gray = start ^ (start >> 1);
  for (int b = 0; b < sobol_bits; ++b) {
    if (((gray >> b) & 1u) == 0) continue;
    for (std::size_t d = 0; d < dims; ++d) x[d] ^= v[d][static_cast<std::size_t>(b)];
  }

  UnitDesign out(points, dimensions);
  for (std::int64_t i = 0; i < points; ++i) {
    for (std::size_t d = 0; d < dims; ++d) out(i, static_cast<Eigen::Index>(d)) = x[d] * 0x1.0p-32;
    if (i + 1 == points) break;
    const auto bit = static_cast<std::size_t>(std::countr_zero(start + static_cast<std::uint64_t>(i) + 1));
    for (std::size_t d = 0; d < dims; ++d) x[d] ^= v[d][bit];
  }
  return out;
}

std::string range_name(const ParameterRange& range) {
  return range.key.empty() ? std::string("sweep parameter") : fmt::format("sweep parameter '{}'", range.key);
}

}  // namespace

UnitDesign latin_hypercube(std::int64_t points, std::int64_t parameters, std::uint64_t seed) {
  require(points >= 1, fmt::format("Latin hypercube: points must be at least 1 (got {})", points));
  require(parameters >= 1, fmt::format("Latin hypercube: parameters must be at least 1 (got {})", parameters));
  UnitDesign out(points, parameters);
  const auto n = static_cast<std::size_t>(points);
  const auto n_real = static_cast<double>(points);
  std::vector<std::int64_t> stratum(n);
  for (std::int64_t c = 0; c < parameters; ++c) {
    // One stream per column, so a column does not change when parameters are added after it.
    detail::DesignDraws draws(seed, detail::Stream::latin_hypercube, static_cast<std::uint64_t>(c));
    std::iota(stratum.begin(), stratum.end(), std::int64_t{0});
    for (std::size_t i = n - 1; i > 0; --i) std::swap(stratum[i], stratum[draws.below(i + 1)]);
    for (std::size_t i = 0; i < n; ++i) {
      const auto p = static_cast<double>(stratum[i]);
      double x = (p + draws.uniform()) / n_real;
      // (p + u) / n can round onto the next stratum's edge; step back inside so floor(x n) is p.
      while (x * n_real >= p + 1) x = std::nextafter(x, 0.0);
      while (x * n_real < p) x = std::nextafter(x, 1.0);
      out(static_cast<Eigen::Index>(i), c) = x;
    }
  }
  return out;
}

UnitDesign sobol_sequence(std::int64_t points, std::int64_t dimensions, std::int64_t skip) {
  return sobol_points(points, dimensions, skip, nullptr);
}

UnitDesign scrambled_sobol(std::int64_t points, std::int64_t dimensions, std::uint64_t seed, std::int64_t skip) {
  return sobol_points(points, dimensions, skip, &seed);
}

UnitDesign saltelli(std::int64_t base, std::int64_t parameters, std::uint64_t seed) {
  require(base >= 1, fmt::format("Saltelli design: base must be at least 1 (got {})", base));
  require(parameters >= 1 && 2 * parameters <= sobol_max_dimensions,
          fmt::format("Saltelli design: parameters must be from 1 to {} (got {}); A and B need twice as many "
                      "Sobol' dimensions",
                      sobol_max_dimensions / 2, parameters));
  const std::int64_t k = parameters;
  std::int64_t rows = 0;
  require(!__builtin_mul_overflow(base, k + 2, &rows),
          fmt::format("Saltelli design: {} x ({} + 2) rows are more than can be counted", base, k));
  const UnitDesign ab = scrambled_sobol(base, 2 * parameters, seed);
  UnitDesign out(rows, k);
  for (std::int64_t j = 0; j < base; ++j) {
    const std::int64_t first = j * (k + 2);
    const auto a = ab.row(j).head(k);
    const auto b = ab.row(j).tail(k);
    out.row(first) = a;
    for (std::int64_t i = 0; i < k; ++i) {
      out.row(first + 1 + i) = a;
      out(first + 1 + i, i) = b(i);
    }
    out.row(first + k + 1) = b;
  }
  return out;
}

double morris_delta(std::int64_t levels) {
  require(levels >= 2, fmt::format("Morris design: levels must be at least 2 (got {})", levels));
  return static_cast<double>(levels) / (2.0 * static_cast<double>(levels - 1));
}

MorrisDesign morris(std::int64_t trajectories, std::int64_t parameters, std::int64_t levels, std::uint64_t seed) {
  require(trajectories >= 1, fmt::format("Morris design: trajectories must be at least 1 (got {})", trajectories));
  require(parameters >= 1 && parameters < std::numeric_limits<std::int32_t>::max(),
          fmt::format("Morris design: parameters must be at least 1 (got {})", parameters));
  const double delta = morris_delta(levels);
  const std::int64_t half = levels / 2;  // how many base values leave room for the jump
  const bool on_grid = levels % 2 == 0;
  const auto p_minus_1 = static_cast<double>(levels - 1);
  auto low_value = [&](std::int64_t level) {
    if (on_grid) return static_cast<double>(level) / p_minus_1;
    return half > 1 ? static_cast<double>(level) * (1 - delta) / static_cast<double>(half - 1) : 0.0;
  };
  auto high_value = [&](std::int64_t level) {
    if (on_grid) return static_cast<double>(level + half) / p_minus_1;
    return std::min(1.0, low_value(level) + delta);
  };

  const std::int64_t k = parameters;
  std::int64_t rows = 0;
  require(!__builtin_mul_overflow(trajectories, k + 1, &rows),
          fmt::format("Morris design: {} x ({} + 1) rows are more than can be counted", trajectories, k));
  MorrisDesign out;
  out.trajectories = trajectories;
  out.levels = levels;
  out.points.resize(rows, k);
  out.changed.assign(static_cast<std::size_t>(rows), -1);
  out.step.assign(static_cast<std::size_t>(rows), 0.0);
  const auto kk = static_cast<std::size_t>(k);
  std::vector<std::int64_t> base(kk);
  std::vector<bool> up(kk);
  std::vector<std::int32_t> order(kk);
  for (std::int64_t t = 0; t < trajectories; ++t) {
    detail::DesignDraws draws(seed, detail::Stream::morris, static_cast<std::uint64_t>(t));
    for (std::size_t i = 0; i < kk; ++i) {
      base[i] = static_cast<std::int64_t>(draws.below(static_cast<std::uint64_t>(half)));
      up[i] = draws.below(2) == 0;
    }
    std::iota(order.begin(), order.end(), std::int32_t{0});
    for (std::size_t i = kk - 1; i > 0; --i) std::swap(order[i], order[draws.below(i + 1)]);

    const std::int64_t first = t * (k + 1);
    // A parameter moving up starts at its low value, one moving down at its high value (Morris's D* signs).
    for (std::size_t i = 0; i < kk; ++i) {
      out.points(first, static_cast<Eigen::Index>(i)) = up[i] ? low_value(base[i]) : high_value(base[i]);
    }
    for (std::int64_t m = 1; m <= k; ++m) {
      const std::int64_t row = first + m;
      const auto i = static_cast<std::size_t>(order[static_cast<std::size_t>(m - 1)]);
      out.points.row(row) = out.points.row(row - 1);
      out.points(row, static_cast<Eigen::Index>(i)) = up[i] ? high_value(base[i]) : low_value(base[i]);
      out.changed[static_cast<std::size_t>(row)] = static_cast<std::int32_t>(i);
      out.step[static_cast<std::size_t>(row)] = up[i] ? delta : -delta;
    }
  }
  return out;
}

std::vector<std::vector<std::int32_t>> full_factorial(std::span<const std::int32_t> levels_per_parameter) {
  constexpr std::int64_t max_combinations = 100'000'000;
  std::int64_t total = 1;
  for (std::size_t i = 0; i < levels_per_parameter.size(); ++i) {
    const std::int32_t n = levels_per_parameter[i];
    require(n >= 1, fmt::format("full factorial: parameter {} has {} levels; each needs at least 1", i, n));
    require(total <= max_combinations / n,
            fmt::format("full factorial: more than {} combinations; use a sampled design", max_combinations));
    total *= n;
  }
  std::vector<std::vector<std::int32_t>> out;
  out.reserve(static_cast<std::size_t>(total));
  std::vector<std::int32_t> index(levels_per_parameter.size(), 0);
  for (std::int64_t c = 0; c < total; ++c) {
    out.push_back(index);
    // Odometer: the last parameter turns fastest.
    for (std::size_t i = index.size(); i-- > 0;) {
      if (++index[i] < levels_per_parameter[i]) break;
      index[i] = 0;
    }
  }
  return out;
}

void check_range(const ParameterRange& range) {
  const std::string name = range_name(range);
  require(range.grid_levels == 0 || range.grid_levels >= 2,
          fmt::format("{}: grid_levels must be 0 (no grid) or at least 2 to include both ends (got {})", name,
                      range.grid_levels));
  switch (range.distribution) {
    case Distribution::uniform:
    case Distribution::log_uniform:
    case Distribution::integer:
      require(std::isfinite(range.min) && std::isfinite(range.max),
              fmt::format("{}: min and max must be finite (got {} and {})", name, range.min, range.max));
      require(range.min <= range.max,
              fmt::format("{}: min must not exceed max (got {} > {})", name, range.min, range.max));
      if (range.distribution == Distribution::log_uniform) {
        require(range.min > 0, fmt::format("{}: a log-uniform range needs min > 0 (got {})", name, range.min));
      }
      if (range.distribution == Distribution::integer) {
        constexpr double exact = 0x1.0p53;  // beyond this doubles skip whole numbers
        require(
            std::floor(range.min) == range.min && std::floor(range.max) == range.max,
            fmt::format("{}: an integer range needs whole-number bounds (got {} and {})", name, range.min, range.max));
        require(std::abs(range.min) < exact && std::abs(range.max) < exact,
                fmt::format("{}: integer bounds must be below 2^53 in size", name));
      }
      return;
    case Distribution::levels:
      require(!range.levels.empty(), fmt::format("{}: a levels parameter needs at least one level", name));
      for (const double level : range.levels) {
        require(std::isfinite(level), fmt::format("{}: levels must be finite (got {})", name, level));
      }
      return;
  }
  throw std::invalid_argument(fmt::format("{}: unknown distribution", name));
}

double value_at(const ParameterRange& range, double u) {
  check_range(range);
  require(u >= 0 && u <= 1, fmt::format("{}: unit coordinate must be in [0, 1] (got {})", range_name(range), u));
  switch (range.distribution) {
    case Distribution::uniform:
      if (u == 1) return range.max;
      return std::min(range.max, range.min + u * (range.max - range.min));
    case Distribution::log_uniform: {
      if (u == 0) return range.min;
      if (u == 1) return range.max;
      const double log_min = std::log(range.min);
      const double value = std::exp(log_min + u * (std::log(range.max) - log_min));
      return std::clamp(value, range.min, range.max);
    }
    case Distribution::integer:
      return std::min(range.max, std::floor(range.min + u * (range.max - range.min + 1)));
    case Distribution::levels: {
      const auto m = range.levels.size();
      const auto i = std::min(static_cast<std::size_t>(std::floor(u * static_cast<double>(m))), m - 1);
      return range.levels[i];
    }
  }
  return range.min;  // unreachable: check_range rejects other distributions
}

std::vector<double> grid_values(const ParameterRange& range) {
  check_range(range);
  if (range.distribution == Distribution::levels) return range.levels;
  std::vector<double> out;
  if (range.distribution == Distribution::integer && range.grid_levels == 0) {
    require(range.max - range.min < 1e6, fmt::format("{}: every whole number from {} to {} is too many grid values; "
                                                     "set grid_levels",
                                                     range_name(range), range.min, range.max));
    const auto count = static_cast<std::int64_t>(range.max - range.min) + 1;
    for (std::int64_t i = 0; i < count; ++i) out.push_back(range.min + static_cast<double>(i));
    return out;
  }
  require(range.grid_levels >= 2, fmt::format("{}: a grid over a range needs grid_levels of at least 2 (got {})",
                                              range_name(range), range.grid_levels));
  const auto g = static_cast<std::size_t>(range.grid_levels);
  for (std::size_t i = 0; i < g; ++i) {
    // Fractions i/(g-1) through the quantile function: evenly spaced, geometric for log_uniform, ends exact.
    const double u = static_cast<double>(i) / static_cast<double>(g - 1);
    if (range.distribution == Distribution::integer) {
      const double v = std::round(range.min + u * (range.max - range.min));
      if (out.empty() || v != out.back()) out.push_back(v);  // the values rise, so duplicates are adjacent
    } else {
      out.push_back(value_at(range, u));
    }
  }
  return out;
}

}  // namespace scamsim::sweep
