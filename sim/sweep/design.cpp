#include "sim/sweep/design.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace scamsim::sweep {

namespace {

// One dimension of Joe & Kuo's new-joe-kuo-6.21201 (S. Joe and F. Y. Kuo,
// "Constructing Sobol sequences with better two-dimensional projections",
// SIAM J. Sci. Comput. 30, 2635-2654, 2008; https://web.maths.unsw.edu.au/~fkuo/sobol/):
// the degree s of the primitive polynomial, its inner coefficients a, and the
// initial direction numbers m_1..m_s. Copyright (c) 2008, Frances Y. Kuo and
// Stephen Joe, BSD licence.
struct JoeKuoRow {
  std::uint8_t degree;
  std::uint16_t a;
  std::array<std::uint16_t, 11> m;
};

/// Row d - 2 of the table at the end of this file: dimension d (1-based, as in the file), for d >= 2.
const JoeKuoRow& joe_kuo_row(std::int64_t d);

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

namespace {

const JoeKuoRow& joe_kuo_row(std::int64_t d) {
  // clang-format off
  // Dimensions 2..256 of new-joe-kuo-6.21201 (see JoeKuoRow); each comment is
  // the dimension d of the file, whose columns s, a, m_i the braces copy.
  // Checked against two copies of the file: SciPy's _sobol_direction_numbers.npz
  // and Boost.Random's detail/sobol_table.hpp.
  static constexpr std::array<JoeKuoRow, sobol_max_dimensions - 1> table = {{
      {1, 0, {1}},  // 2
      {2, 1, {1, 3}},  // 3
      {3, 1, {1, 3, 1}},  // 4
      {3, 2, {1, 1, 1}},  // 5
      {4, 1, {1, 1, 3, 3}},  // 6
      {4, 4, {1, 3, 5, 13}},  // 7
      {5, 2, {1, 1, 5, 5, 17}},  // 8
      {5, 4, {1, 1, 5, 5, 5}},  // 9
      {5, 7, {1, 1, 7, 11, 19}},  // 10
      {5, 11, {1, 1, 5, 1, 1}},  // 11
      {5, 13, {1, 1, 1, 3, 11}},  // 12
      {5, 14, {1, 3, 5, 5, 31}},  // 13
      {6, 1, {1, 3, 3, 9, 7, 49}},  // 14
      {6, 13, {1, 1, 1, 15, 21, 21}},  // 15
      {6, 16, {1, 3, 1, 13, 27, 49}},  // 16
      {6, 19, {1, 1, 1, 15, 7, 5}},  // 17
      {6, 22, {1, 3, 1, 15, 13, 25}},  // 18
      {6, 25, {1, 1, 5, 5, 19, 61}},  // 19
      {7, 1, {1, 3, 7, 11, 23, 15, 103}},  // 20
      {7, 4, {1, 3, 7, 13, 13, 15, 69}},  // 21
      {7, 7, {1, 1, 3, 13, 7, 35, 63}},  // 22
      {7, 8, {1, 3, 5, 9, 1, 25, 53}},  // 23
      {7, 14, {1, 3, 1, 13, 9, 35, 107}},  // 24
      {7, 19, {1, 3, 1, 5, 27, 61, 31}},  // 25
      {7, 21, {1, 1, 5, 11, 19, 41, 61}},  // 26
      {7, 28, {1, 3, 5, 3, 3, 13, 69}},  // 27
      {7, 31, {1, 1, 7, 13, 1, 19, 1}},  // 28
      {7, 32, {1, 3, 7, 5, 13, 19, 59}},  // 29
      {7, 37, {1, 1, 3, 9, 25, 29, 41}},  // 30
      {7, 41, {1, 3, 5, 13, 23, 1, 55}},  // 31
      {7, 42, {1, 3, 7, 3, 13, 59, 17}},  // 32
      {7, 50, {1, 3, 1, 3, 5, 53, 69}},  // 33
      {7, 55, {1, 1, 5, 5, 23, 33, 13}},  // 34
      {7, 56, {1, 1, 7, 7, 1, 61, 123}},  // 35
      {7, 59, {1, 1, 7, 9, 13, 61, 49}},  // 36
      {7, 62, {1, 3, 3, 5, 3, 55, 33}},  // 37
      {8, 14, {1, 3, 1, 15, 31, 13, 49, 245}},  // 38
      {8, 21, {1, 3, 5, 15, 31, 59, 63, 97}},  // 39
      {8, 22, {1, 3, 1, 11, 11, 11, 77, 249}},  // 40
      {8, 38, {1, 3, 1, 11, 27, 43, 71, 9}},  // 41
      {8, 47, {1, 1, 7, 15, 21, 11, 81, 45}},  // 42
      {8, 49, {1, 3, 7, 3, 25, 31, 65, 79}},  // 43
      {8, 50, {1, 3, 1, 1, 19, 11, 3, 205}},  // 44
      {8, 52, {1, 1, 5, 9, 19, 21, 29, 157}},  // 45
      {8, 56, {1, 3, 7, 11, 1, 33, 89, 185}},  // 46
      {8, 67, {1, 3, 3, 3, 15, 9, 79, 71}},  // 47
      {8, 70, {1, 3, 7, 11, 15, 39, 119, 27}},  // 48
      {8, 84, {1, 1, 3, 1, 11, 31, 97, 225}},  // 49
      {8, 97, {1, 1, 1, 3, 23, 43, 57, 177}},  // 50
      {8, 103, {1, 3, 7, 7, 17, 17, 37, 71}},  // 51
      {8, 115, {1, 3, 1, 5, 27, 63, 123, 213}},  // 52
      {8, 122, {1, 1, 3, 5, 11, 43, 53, 133}},  // 53
      {9, 8, {1, 3, 5, 5, 29, 17, 47, 173, 479}},  // 54
      {9, 13, {1, 3, 3, 11, 3, 1, 109, 9, 69}},  // 55
      {9, 16, {1, 1, 1, 5, 17, 39, 23, 5, 343}},  // 56
      {9, 22, {1, 3, 1, 5, 25, 15, 31, 103, 499}},  // 57
      {9, 25, {1, 1, 1, 11, 11, 17, 63, 105, 183}},  // 58
      {9, 44, {1, 1, 5, 11, 9, 29, 97, 231, 363}},  // 59
      {9, 47, {1, 1, 5, 15, 19, 45, 41, 7, 383}},  // 60
      {9, 52, {1, 3, 7, 7, 31, 19, 83, 137, 221}},  // 61
      {9, 55, {1, 1, 1, 3, 23, 15, 111, 223, 83}},  // 62
      {9, 59, {1, 1, 5, 13, 31, 15, 55, 25, 161}},  // 63
      {9, 62, {1, 1, 3, 13, 25, 47, 39, 87, 257}},  // 64
      {9, 67, {1, 1, 1, 11, 21, 53, 125, 249, 293}},  // 65
      {9, 74, {1, 1, 7, 11, 11, 7, 57, 79, 323}},  // 66
      {9, 81, {1, 1, 5, 5, 17, 13, 81, 3, 131}},  // 67
      {9, 82, {1, 1, 7, 13, 23, 7, 65, 251, 475}},  // 68
      {9, 87, {1, 3, 5, 1, 9, 43, 3, 149, 11}},  // 69
      {9, 91, {1, 1, 3, 13, 31, 13, 13, 255, 487}},  // 70
      {9, 94, {1, 3, 3, 1, 5, 63, 89, 91, 127}},  // 71
      {9, 103, {1, 1, 3, 3, 1, 19, 123, 127, 237}},  // 72
      {9, 104, {1, 1, 5, 7, 23, 31, 37, 243, 289}},  // 73
      {9, 109, {1, 1, 5, 11, 17, 53, 117, 183, 491}},  // 74
      {9, 122, {1, 1, 1, 5, 1, 13, 13, 209, 345}},  // 75
      {9, 124, {1, 1, 3, 15, 1, 57, 115, 7, 33}},  // 76
      {9, 137, {1, 3, 1, 11, 7, 43, 81, 207, 175}},  // 77
      {9, 138, {1, 3, 1, 1, 15, 27, 63, 255, 49}},  // 78
      {9, 143, {1, 3, 5, 3, 27, 61, 105, 171, 305}},  // 79
      {9, 145, {1, 1, 5, 3, 1, 3, 57, 249, 149}},  // 80
      {9, 152, {1, 1, 3, 5, 5, 57, 15, 13, 159}},  // 81
      {9, 157, {1, 1, 1, 11, 7, 11, 105, 141, 225}},  // 82
      {9, 167, {1, 3, 3, 5, 27, 59, 121, 101, 271}},  // 83
      {9, 173, {1, 3, 5, 9, 11, 49, 51, 59, 115}},  // 84
      {9, 176, {1, 1, 7, 1, 23, 45, 125, 71, 419}},  // 85
      {9, 181, {1, 1, 3, 5, 23, 5, 105, 109, 75}},  // 86
      {9, 182, {1, 1, 7, 15, 7, 11, 67, 121, 453}},  // 87
      {9, 185, {1, 3, 7, 3, 9, 13, 31, 27, 449}},  // 88
      {9, 191, {1, 3, 1, 15, 19, 39, 39, 89, 15}},  // 89
      {9, 194, {1, 1, 1, 1, 1, 33, 73, 145, 379}},  // 90
      {9, 199, {1, 3, 1, 15, 15, 43, 29, 13, 483}},  // 91
      {9, 218, {1, 1, 7, 3, 19, 27, 85, 131, 431}},  // 92
      {9, 220, {1, 3, 3, 3, 5, 35, 23, 195, 349}},  // 93
      {9, 227, {1, 3, 3, 7, 9, 27, 39, 59, 297}},  // 94
      {9, 229, {1, 1, 3, 9, 11, 17, 13, 241, 157}},  // 95
      {9, 230, {1, 3, 7, 15, 25, 57, 33, 189, 213}},  // 96
      {9, 234, {1, 1, 7, 1, 9, 55, 73, 83, 217}},  // 97
      {9, 236, {1, 3, 3, 13, 19, 27, 23, 113, 249}},  // 98
      {9, 241, {1, 3, 5, 3, 23, 43, 3, 253, 479}},  // 99
      {9, 244, {1, 1, 5, 5, 11, 5, 45, 117, 217}},  // 100
      {9, 253, {1, 3, 3, 7, 29, 37, 33, 123, 147}},  // 101
      {10, 4, {1, 3, 1, 15, 5, 5, 37, 227, 223, 459}},  // 102
      {10, 13, {1, 1, 7, 5, 5, 39, 63, 255, 135, 487}},  // 103
      {10, 19, {1, 3, 1, 7, 9, 7, 87, 249, 217, 599}},  // 104
      {10, 22, {1, 1, 3, 13, 9, 47, 7, 225, 363, 247}},  // 105
      {10, 50, {1, 3, 7, 13, 19, 13, 9, 67, 9, 737}},  // 106
      {10, 55, {1, 3, 5, 5, 19, 59, 7, 41, 319, 677}},  // 107
      {10, 64, {1, 1, 5, 3, 31, 63, 15, 43, 207, 789}},  // 108
      {10, 69, {1, 1, 7, 9, 13, 39, 3, 47, 497, 169}},  // 109
      {10, 98, {1, 3, 1, 7, 21, 17, 97, 19, 415, 905}},  // 110
      {10, 107, {1, 3, 7, 1, 3, 31, 71, 111, 165, 127}},  // 111
      {10, 115, {1, 1, 5, 11, 1, 61, 83, 119, 203, 847}},  // 112
      {10, 121, {1, 3, 3, 13, 9, 61, 19, 97, 47, 35}},  // 113
      {10, 127, {1, 1, 7, 7, 15, 29, 63, 95, 417, 469}},  // 114
      {10, 134, {1, 3, 1, 9, 25, 9, 71, 57, 213, 385}},  // 115
      {10, 140, {1, 3, 5, 13, 31, 47, 101, 57, 39, 341}},  // 116
      {10, 145, {1, 1, 3, 3, 31, 57, 125, 173, 365, 551}},  // 117
      {10, 152, {1, 3, 7, 1, 13, 57, 67, 157, 451, 707}},  // 118
      {10, 158, {1, 1, 1, 7, 21, 13, 105, 89, 429, 965}},  // 119
      {10, 161, {1, 1, 5, 9, 17, 51, 45, 119, 157, 141}},  // 120
      {10, 171, {1, 3, 7, 7, 13, 45, 91, 9, 129, 741}},  // 121
      {10, 181, {1, 3, 7, 1, 23, 57, 67, 141, 151, 571}},  // 122
      {10, 194, {1, 1, 3, 11, 17, 47, 93, 107, 375, 157}},  // 123
      {10, 199, {1, 3, 3, 5, 11, 21, 43, 51, 169, 915}},  // 124
      {10, 203, {1, 1, 5, 3, 15, 55, 101, 67, 455, 625}},  // 125
      {10, 208, {1, 3, 5, 9, 1, 23, 29, 47, 345, 595}},  // 126
      {10, 227, {1, 3, 7, 7, 5, 49, 29, 155, 323, 589}},  // 127
      {10, 242, {1, 3, 3, 7, 5, 41, 127, 61, 261, 717}},  // 128
      {10, 251, {1, 3, 7, 7, 17, 23, 117, 67, 129, 1009}},  // 129
      {10, 253, {1, 1, 3, 13, 11, 39, 21, 207, 123, 305}},  // 130
      {10, 265, {1, 1, 3, 9, 29, 3, 95, 47, 231, 73}},  // 131
      {10, 266, {1, 3, 1, 9, 1, 29, 117, 21, 441, 259}},  // 132
      {10, 274, {1, 3, 1, 13, 21, 39, 125, 211, 439, 723}},  // 133
      {10, 283, {1, 1, 7, 3, 17, 63, 115, 89, 49, 773}},  // 134
      {10, 289, {1, 3, 7, 13, 11, 33, 101, 107, 63, 73}},  // 135
      {10, 295, {1, 1, 5, 5, 13, 57, 63, 135, 437, 177}},  // 136
      {10, 301, {1, 1, 3, 7, 27, 63, 93, 47, 417, 483}},  // 137
      {10, 316, {1, 1, 3, 1, 23, 29, 1, 191, 49, 23}},  // 138
      {10, 319, {1, 1, 3, 15, 25, 55, 9, 101, 219, 607}},  // 139
      {10, 324, {1, 3, 1, 7, 7, 19, 51, 251, 393, 307}},  // 140
      {10, 346, {1, 3, 3, 3, 25, 55, 17, 75, 337, 3}},  // 141
      {10, 352, {1, 1, 1, 13, 25, 17, 65, 45, 479, 413}},  // 142
      {10, 361, {1, 1, 7, 7, 27, 49, 99, 161, 213, 727}},  // 143
      {10, 367, {1, 3, 5, 1, 23, 5, 43, 41, 251, 857}},  // 144
      {10, 382, {1, 3, 3, 7, 11, 61, 39, 87, 383, 835}},  // 145
      {10, 395, {1, 1, 3, 15, 13, 7, 29, 7, 505, 923}},  // 146
      {10, 398, {1, 3, 7, 1, 5, 31, 47, 157, 445, 501}},  // 147
      {10, 400, {1, 1, 3, 7, 1, 43, 9, 147, 115, 605}},  // 148
      {10, 412, {1, 3, 3, 13, 5, 1, 119, 211, 455, 1001}},  // 149
      {10, 419, {1, 1, 3, 5, 13, 19, 3, 243, 75, 843}},  // 150
      {10, 422, {1, 3, 7, 7, 1, 19, 91, 249, 357, 589}},  // 151
      {10, 426, {1, 1, 1, 9, 1, 25, 109, 197, 279, 411}},  // 152
      {10, 428, {1, 3, 1, 15, 23, 57, 59, 135, 191, 75}},  // 153
      {10, 433, {1, 1, 5, 15, 29, 21, 39, 253, 383, 349}},  // 154
      {10, 446, {1, 3, 3, 5, 19, 45, 61, 151, 199, 981}},  // 155
      {10, 454, {1, 3, 5, 13, 9, 61, 107, 141, 141, 1}},  // 156
      {10, 457, {1, 3, 1, 11, 27, 25, 85, 105, 309, 979}},  // 157
      {10, 472, {1, 3, 3, 11, 19, 7, 115, 223, 349, 43}},  // 158
      {10, 493, {1, 1, 7, 9, 21, 39, 123, 21, 275, 927}},  // 159
      {10, 505, {1, 1, 7, 13, 15, 41, 47, 243, 303, 437}},  // 160
      {10, 508, {1, 1, 1, 7, 7, 3, 15, 99, 409, 719}},  // 161
      {11, 2, {1, 3, 3, 15, 27, 49, 113, 123, 113, 67, 469}},  // 162
      {11, 11, {1, 3, 7, 11, 3, 23, 87, 169, 119, 483, 199}},  // 163
      {11, 21, {1, 1, 5, 15, 7, 17, 109, 229, 179, 213, 741}},  // 164
      {11, 22, {1, 1, 5, 13, 11, 17, 25, 135, 403, 557, 1433}},  // 165
      {11, 35, {1, 3, 1, 1, 1, 61, 67, 215, 189, 945, 1243}},  // 166
      {11, 49, {1, 1, 7, 13, 17, 33, 9, 221, 429, 217, 1679}},  // 167
      {11, 50, {1, 1, 3, 11, 27, 3, 15, 93, 93, 865, 1049}},  // 168
      {11, 56, {1, 3, 7, 7, 25, 41, 121, 35, 373, 379, 1547}},  // 169
      {11, 61, {1, 3, 3, 9, 11, 35, 45, 205, 241, 9, 59}},  // 170
      {11, 70, {1, 3, 1, 7, 3, 51, 7, 177, 53, 975, 89}},  // 171
      {11, 74, {1, 1, 3, 5, 27, 1, 113, 231, 299, 759, 861}},  // 172
      {11, 79, {1, 3, 3, 15, 25, 29, 5, 255, 139, 891, 2031}},  // 173
      {11, 84, {1, 3, 1, 1, 13, 9, 109, 193, 419, 95, 17}},  // 174
      {11, 88, {1, 1, 7, 9, 3, 7, 29, 41, 135, 839, 867}},  // 175
      {11, 103, {1, 1, 7, 9, 25, 49, 123, 217, 113, 909, 215}},  // 176
      {11, 104, {1, 1, 7, 3, 23, 15, 43, 133, 217, 327, 901}},  // 177
      {11, 112, {1, 1, 3, 3, 13, 53, 63, 123, 477, 711, 1387}},  // 178
      {11, 115, {1, 1, 3, 15, 7, 29, 75, 119, 181, 957, 247}},  // 179
      {11, 117, {1, 1, 1, 11, 27, 25, 109, 151, 267, 99, 1461}},  // 180
      {11, 122, {1, 3, 7, 15, 5, 5, 53, 145, 11, 725, 1501}},  // 181
      {11, 134, {1, 3, 7, 1, 9, 43, 71, 229, 157, 607, 1835}},  // 182
      {11, 137, {1, 3, 3, 13, 25, 1, 5, 27, 471, 349, 127}},  // 183
      {11, 146, {1, 1, 1, 1, 23, 37, 9, 221, 269, 897, 1685}},  // 184
      {11, 148, {1, 1, 3, 3, 31, 29, 51, 19, 311, 553, 1969}},  // 185
      {11, 157, {1, 3, 7, 5, 5, 55, 17, 39, 475, 671, 1529}},  // 186
      {11, 158, {1, 1, 7, 1, 1, 35, 47, 27, 437, 395, 1635}},  // 187
      {11, 162, {1, 1, 7, 3, 13, 23, 43, 135, 327, 139, 389}},  // 188
      {11, 164, {1, 3, 7, 3, 9, 25, 91, 25, 429, 219, 513}},  // 189
      {11, 168, {1, 1, 3, 5, 13, 29, 119, 201, 277, 157, 2043}},  // 190
      {11, 173, {1, 3, 5, 3, 29, 57, 13, 17, 167, 739, 1031}},  // 191
      {11, 185, {1, 3, 3, 5, 29, 21, 95, 27, 255, 679, 1531}},  // 192
      {11, 186, {1, 3, 7, 15, 9, 5, 21, 71, 61, 961, 1201}},  // 193
      {11, 191, {1, 3, 5, 13, 15, 57, 33, 93, 459, 867, 223}},  // 194
      {11, 193, {1, 1, 1, 15, 17, 43, 127, 191, 67, 177, 1073}},  // 195
      {11, 199, {1, 1, 1, 15, 23, 7, 21, 199, 75, 293, 1611}},  // 196
      {11, 213, {1, 3, 7, 13, 15, 39, 21, 149, 65, 741, 319}},  // 197
      {11, 214, {1, 3, 7, 11, 23, 13, 101, 89, 277, 519, 711}},  // 198
      {11, 220, {1, 3, 7, 15, 19, 27, 85, 203, 441, 97, 1895}},  // 199
      {11, 227, {1, 3, 1, 3, 29, 25, 21, 155, 11, 191, 197}},  // 200
      {11, 236, {1, 1, 7, 5, 27, 11, 81, 101, 457, 675, 1687}},  // 201
      {11, 242, {1, 3, 1, 5, 25, 5, 65, 193, 41, 567, 781}},  // 202
      {11, 251, {1, 3, 1, 5, 11, 15, 113, 77, 411, 695, 1111}},  // 203
      {11, 256, {1, 1, 3, 9, 11, 53, 119, 171, 55, 297, 509}},  // 204
      {11, 259, {1, 1, 1, 1, 11, 39, 113, 139, 165, 347, 595}},  // 205
      {11, 265, {1, 3, 7, 11, 9, 17, 101, 13, 81, 325, 1733}},  // 206
      {11, 266, {1, 3, 1, 1, 21, 43, 115, 9, 113, 907, 645}},  // 207
      {11, 276, {1, 1, 7, 3, 9, 25, 117, 197, 159, 471, 475}},  // 208
      {11, 292, {1, 3, 1, 9, 11, 21, 57, 207, 485, 613, 1661}},  // 209
      {11, 304, {1, 1, 7, 7, 27, 55, 49, 223, 89, 85, 1523}},  // 210
      {11, 310, {1, 1, 5, 3, 19, 41, 45, 51, 447, 299, 1355}},  // 211
      {11, 316, {1, 3, 1, 13, 1, 33, 117, 143, 313, 187, 1073}},  // 212
      {11, 319, {1, 1, 7, 7, 5, 11, 65, 97, 377, 377, 1501}},  // 213
      {11, 322, {1, 3, 1, 1, 21, 35, 95, 65, 99, 23, 1239}},  // 214
      {11, 328, {1, 1, 5, 9, 3, 37, 95, 167, 115, 425, 867}},  // 215
      {11, 334, {1, 3, 3, 13, 1, 37, 27, 189, 81, 679, 773}},  // 216
      {11, 339, {1, 1, 3, 11, 1, 61, 99, 233, 429, 969, 49}},  // 217
      {11, 341, {1, 1, 1, 7, 25, 63, 99, 165, 245, 793, 1143}},  // 218
      {11, 345, {1, 1, 5, 11, 11, 43, 55, 65, 71, 283, 273}},  // 219
      {11, 346, {1, 1, 5, 5, 9, 3, 101, 251, 355, 379, 1611}},  // 220
      {11, 362, {1, 1, 1, 15, 21, 63, 85, 99, 49, 749, 1335}},  // 221
      {11, 367, {1, 1, 5, 13, 27, 9, 121, 43, 255, 715, 289}},  // 222
      {11, 372, {1, 3, 1, 5, 27, 19, 17, 223, 77, 571, 1415}},  // 223
      {11, 375, {1, 1, 5, 3, 13, 59, 125, 251, 195, 551, 1737}},  // 224
      {11, 376, {1, 3, 3, 15, 13, 27, 49, 105, 389, 971, 755}},  // 225
      {11, 381, {1, 3, 5, 15, 23, 43, 35, 107, 447, 763, 253}},  // 226
      {11, 385, {1, 3, 5, 11, 21, 3, 17, 39, 497, 407, 611}},  // 227
      {11, 388, {1, 1, 7, 13, 15, 31, 113, 17, 23, 507, 1995}},  // 228
      {11, 392, {1, 1, 7, 15, 3, 15, 31, 153, 423, 79, 503}},  // 229
      {11, 409, {1, 1, 7, 9, 19, 25, 23, 171, 505, 923, 1989}},  // 230
      {11, 415, {1, 1, 5, 9, 21, 27, 121, 223, 133, 87, 697}},  // 231
      {11, 416, {1, 1, 5, 5, 9, 19, 107, 99, 319, 765, 1461}},  // 232
      {11, 421, {1, 1, 3, 3, 19, 25, 3, 101, 171, 729, 187}},  // 233
      {11, 428, {1, 1, 3, 1, 13, 23, 85, 93, 291, 209, 37}},  // 234
      {11, 431, {1, 1, 1, 15, 25, 25, 77, 253, 333, 947, 1073}},  // 235
      {11, 434, {1, 1, 3, 9, 17, 29, 55, 47, 255, 305, 2037}},  // 236
      {11, 439, {1, 3, 3, 9, 29, 63, 9, 103, 489, 939, 1523}},  // 237
      {11, 446, {1, 3, 7, 15, 7, 31, 89, 175, 369, 339, 595}},  // 238
      {11, 451, {1, 3, 7, 13, 25, 5, 71, 207, 251, 367, 665}},  // 239
      {11, 453, {1, 3, 3, 3, 21, 25, 75, 35, 31, 321, 1603}},  // 240
      {11, 457, {1, 1, 1, 9, 11, 1, 65, 5, 11, 329, 535}},  // 241
      {11, 458, {1, 1, 5, 3, 19, 13, 17, 43, 379, 485, 383}},  // 242
      {11, 471, {1, 3, 5, 13, 13, 9, 85, 147, 489, 787, 1133}},  // 243
      {11, 475, {1, 3, 1, 1, 5, 51, 37, 129, 195, 297, 1783}},  // 244
      {11, 478, {1, 1, 3, 15, 19, 57, 59, 181, 455, 697, 2033}},  // 245
      {11, 484, {1, 3, 7, 1, 27, 9, 65, 145, 325, 189, 201}},  // 246
      {11, 493, {1, 3, 1, 15, 31, 23, 19, 5, 485, 581, 539}},  // 247
      {11, 494, {1, 1, 7, 13, 11, 15, 65, 83, 185, 847, 831}},  // 248
      {11, 499, {1, 3, 5, 7, 7, 55, 73, 15, 303, 511, 1905}},  // 249
      {11, 502, {1, 3, 5, 9, 7, 21, 45, 15, 397, 385, 597}},  // 250
      {11, 517, {1, 3, 7, 3, 23, 13, 73, 221, 511, 883, 1265}},  // 251
      {11, 518, {1, 1, 3, 11, 1, 51, 73, 185, 33, 975, 1441}},  // 252
      {11, 524, {1, 3, 3, 9, 19, 59, 21, 39, 339, 37, 143}},  // 253
      {11, 527, {1, 1, 7, 1, 31, 33, 19, 167, 117, 635, 639}},  // 254
      {11, 555, {1, 1, 1, 3, 5, 13, 59, 83, 355, 349, 1967}},  // 255
      {11, 560, {1, 1, 1, 5, 19, 3, 53, 133, 97, 863, 983}},  // 256
  }};
  // clang-format on
  return table[static_cast<std::size_t>(d - 2)];
}

}  // namespace

}  // namespace scamsim::sweep
