#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>
#include <utility>

#include "sim/sweep/design.hpp"

using namespace scamsim::sweep;

namespace {

/// How many points of each column fall in each of n equal strata.
std::vector<int> stratum_counts(const UnitDesign& d, Eigen::Index column, std::int64_t strata) {
  std::vector<int> counts(static_cast<std::size_t>(strata), 0);
  for (Eigen::Index r = 0; r < d.rows(); ++r) {
    const double x = d(r, column);
    REQUIRE(x >= 0.0);
    REQUIRE(x < 1.0);
    ++counts[static_cast<std::size_t>(std::floor(x * static_cast<double>(strata)))];
  }
  return counts;
}

/// A range built field by field, so that a field added to ParameterRange later does not break these tests.
ParameterRange range(Distribution distribution, double min, double max, std::int32_t grid_levels = 0,
                     std::vector<double> levels = {}) {
  ParameterRange r;
  r.key = "k.ey";
  r.distribution = distribution;
  r.min = min;
  r.max = max;
  r.levels = std::move(levels);
  r.grid_levels = grid_levels;
  return r;
}

}  // namespace

TEST_CASE("A Latin hypercube puts exactly one point in each stratum of each column", "[unit][design]") {
  for (const std::int64_t n : {1, 2, 7, 100, 1000}) {
    const UnitDesign d = latin_hypercube(n, 5, 42);
    REQUIRE(d.rows() == n);
    REQUIRE(d.cols() == 5);
    for (Eigen::Index c = 0; c < d.cols(); ++c) {
      const std::vector<int> counts = stratum_counts(d, c, n);
      CHECK(std::all_of(counts.begin(), counts.end(), [](int k) { return k == 1; }));
    }
  }
}

TEST_CASE("A Latin hypercube repeats for a seed and changes with it", "[determinism][design]") {
  const UnitDesign a = latin_hypercube(50, 4, 7);
  const UnitDesign b = latin_hypercube(50, 4, 7);
  const UnitDesign c = latin_hypercube(50, 4, 8);
  CHECK(a == b);
  CHECK(a != c);
  // Columns are independent streams: adding a parameter leaves the others as they were.
  CHECK(latin_hypercube(50, 6, 7).leftCols(4) == a);
  // The columns are not the same permutation.
  CHECK(a.col(0) != a.col(1));
}

TEST_CASE("Designs reject impossible sizes", "[validation][design]") {
  CHECK_THROWS_AS(latin_hypercube(0, 3, 1), std::invalid_argument);
  CHECK_THROWS_AS(latin_hypercube(3, 0, 1), std::invalid_argument);
  CHECK_THROWS_AS(sobol_sequence(0, 2), std::invalid_argument);
  CHECK_THROWS_AS(sobol_sequence(4, 0), std::invalid_argument);
  CHECK_THROWS_AS(sobol_sequence(4, sobol_max_dimensions + 1), std::invalid_argument);
  CHECK_THROWS_AS(sobol_sequence(4, 2, -1), std::invalid_argument);
  CHECK_THROWS_AS(sobol_sequence(2, 1, (std::int64_t{1} << 32) - 1), std::invalid_argument);
  // The last point there is: point 2^32 - 1 has Gray code 2^31, so dimension 0 gives the last direction
  // number alone, 2^-32, the smallest step the 32-bit sequence can take.
  const UnitDesign last = sobol_sequence(1, 1, (std::int64_t{1} << 32) - 1);
  REQUIRE(last.rows() == 1);
  REQUIRE(last.cols() == 1);
  CHECK(last(0, 0) == std::ldexp(1.0, -32));
  CHECK_THROWS_AS(saltelli(0, 3, 1), std::invalid_argument);
  CHECK_THROWS_AS(saltelli(8, sobol_max_dimensions / 2 + 1, 1), std::invalid_argument);
  CHECK_THROWS_AS(morris(0, 3, 4, 1), std::invalid_argument);
  CHECK_THROWS_AS(morris(4, 0, 4, 1), std::invalid_argument);
  CHECK_THROWS_AS(morris(4, 3, 1, 1), std::invalid_argument);
  CHECK_THROWS_WITH(morris(4, 3, 1, 1), Catch::Contains("levels must be at least 2"));
}

TEST_CASE("Design sizes that overflow int64 are refused, not wrapped into negative counts", "[unit][design]") {
  // base x (k + 2) and trajectories x (k + 1) overflowed in v0.3 (UBSan), giving negative sizes.
  constexpr auto most = std::numeric_limits<std::int64_t>::max();
  CHECK_THROWS_WITH(saltelli(most, 2, 1), Catch::Contains("more than can be counted"));
  CHECK_THROWS_WITH(saltelli(most / 3, 2, 1), Catch::Contains("more than can be counted"));
  CHECK_THROWS_WITH(morris(most, 2, 4, 1), Catch::Contains("more than can be counted"));
  CHECK_THROWS_WITH(morris(most / 2, 2, 4, 1), Catch::Contains("more than can be counted"));
}

TEST_CASE("The Sobol' sequence starts with the published points", "[unit][design]") {
  // Joe & Kuo's sobol.cc and SciPy's qmc.Sobol(d=2, scramble=False) begin with these eight points.
  const double expected[8][2] = {{0, 0},         {0.5, 0.5},     {0.75, 0.25},   {0.25, 0.75},
                                 {0.375, 0.375}, {0.875, 0.875}, {0.625, 0.125}, {0.125, 0.625}};
  const UnitDesign d = sobol_sequence(8, 2);
  for (Eigen::Index i = 0; i < 8; ++i) {
    CHECK(d(i, 0) == expected[i][0]);
    CHECK(d(i, 1) == expected[i][1]);
  }
  // Skipping starts part-way through the same sequence.
  CHECK(sobol_sequence(5, 2, 3) == d.bottomRows(5));
}

TEST_CASE("Sobol' points deep in the sequence and in high dimensions match SciPy's", "[unit][design]") {
  // From SciPy 1.10: qmc.Sobol(d=256, scramble=False, bits=32); fast_forward(1000); random(3), and the point at
  // index 2^20 - 1 of random(2**20). Columns 0, 1, 2, 3, 9, 63, 64, 100, 200, 255 (0-based).
  const Eigen::Index columns[] = {0, 1, 2, 3, 9, 63, 64, 100, 200, 255};
  const double at_1000[3][10] = {{0.2197265625, 0.0966796875, 0.5185546875, 0.6767578125, 0.0693359375, 0.4462890625,
                                  0.1298828125, 0.7685546875, 0.7529296875, 0.2490234375},
                                 {0.7197265625, 0.5966796875, 0.0185546875, 0.1767578125, 0.5693359375, 0.9462890625,
                                  0.6298828125, 0.2685546875, 0.2529296875, 0.7490234375},
                                 {0.9697265625, 0.3466796875, 0.7685546875, 0.9267578125, 0.8193359375, 0.6962890625,
                                  0.8798828125, 0.5185546875, 0.0029296875, 0.9990234375}};
  const UnitDesign d = sobol_sequence(3, 256, 1000);
  for (Eigen::Index i = 0; i < 3; ++i) {
    for (Eigen::Index c = 0; c < 10; ++c) CHECK(d(i, columns[c]) == at_1000[i][c]);
  }
  const UnitDesign far = sobol_sequence(1, 256, (1 << 20) - 1);
  CHECK(far(0, 0) == 9.5367431640625e-07);
  CHECK(far(0, 1) == 0.9375143051147461);
  CHECK(far(0, 63) == 0.5408334732055664);
  CHECK(far(0, 255) == 0.6104955673217773);
}

TEST_CASE("The first 2^m Sobol' points are a (0,m,2)-net in dimensions 1 and 2, scrambled or not", "[unit][design]") {
  // Every elementary box of area 2^-m (2^a by 2^(m-a) cells) holds exactly one point. The linear scramble and the
  // digital shift must keep this; a bug in either breaks it.
  constexpr int m = 6;
  constexpr std::int64_t n = std::int64_t{1} << m;
  for (const bool scrambled : {false, true}) {
    const UnitDesign d = scrambled ? scrambled_sobol(n, 2, 99) : sobol_sequence(n, 2);
    for (int a = 0; a <= m; ++a) {
      const double cells_x = std::ldexp(1.0, a);
      const double cells_y = std::ldexp(1.0, m - a);
      std::set<std::pair<int, int>> boxes;
      for (Eigen::Index i = 0; i < n; ++i) {
        boxes.emplace(static_cast<int>(d(i, 0) * cells_x), static_cast<int>(d(i, 1) * cells_y));
      }
      CHECK(boxes.size() == static_cast<std::size_t>(n));
    }
  }
}

TEST_CASE("A scrambled Sobol' sequence repeats for a seed and moves off the origin", "[determinism][design]") {
  const UnitDesign a = scrambled_sobol(16, 5, 3);
  CHECK(a == scrambled_sobol(16, 5, 3));
  CHECK(a != scrambled_sobol(16, 5, 4));
  CHECK(a.row(0).minCoeff() > 0.0);
  // A dimension's scramble depends only on the seed and the dimension.
  CHECK(scrambled_sobol(16, 8, 3).leftCols(5) == a);
  // Every column is still stratified: one point in each of 16 equal strata.
  for (Eigen::Index c = 0; c < 5; ++c) {
    const std::vector<int> counts = stratum_counts(a, c, 16);
    CHECK(std::all_of(counts.begin(), counts.end(), [](int k) { return k == 1; }));
  }
}

TEST_CASE("The Saltelli design lays out A, AB_1..AB_k and B for each base row", "[unit][design]") {
  constexpr std::int64_t base = 16;
  constexpr std::int64_t k = 3;
  const UnitDesign d = saltelli(base, k, 5);
  REQUIRE(d.rows() == base * (k + 2));
  REQUIRE(d.cols() == k);
  const UnitDesign ab = scrambled_sobol(base, 2 * k, 5);
  for (std::int64_t j = 0; j < base; ++j) {
    const Eigen::Index first = j * (k + 2);
    CHECK(d.row(first) == ab.row(j).head(k));          // A_j
    CHECK(d.row(first + k + 1) == ab.row(j).tail(k));  // B_j
    for (std::int64_t i = 0; i < k; ++i) {
      for (std::int64_t c = 0; c < k; ++c) {
        const double expected = c == i ? d(first + k + 1, c) : d(first, c);  // AB^(i): A with column i from B
        CHECK(d(first + 1 + i, c) == expected);
      }
    }
  }
  CHECK(d == saltelli(base, k, 5));
  CHECK(d != saltelli(base, k, 6));
  // A base that is not a power of two is allowed.
  CHECK(saltelli(10, 2, 5).rows() == 40);
}

TEST_CASE("Morris trajectories move one parameter at a time by the jump", "[unit][design]") {
  constexpr std::int64_t r = 20;
  constexpr std::int64_t k = 5;
  const MorrisDesign d = morris(r, k, 4, 11);
  const double delta = 4.0 / 6.0;
  CHECK(morris_delta(4) == delta);
  REQUIRE(d.points.rows() == r * (k + 1));
  REQUIRE(d.points.cols() == k);
  REQUIRE(d.changed.size() == static_cast<std::size_t>(r * (k + 1)));
  REQUIRE(d.step.size() == d.changed.size());
  CHECK(d.trajectories == r);
  CHECK(d.levels == 4);
  std::set<int> first_moved;
  for (std::int64_t t = 0; t < r; ++t) {
    const Eigen::Index first = t * (k + 1);
    CHECK(d.changed[static_cast<std::size_t>(first)] == -1);
    CHECK(d.step[static_cast<std::size_t>(first)] == 0.0);
    std::set<int> moved;
    for (Eigen::Index m = 1; m <= k; ++m) {
      const auto row = static_cast<std::size_t>(first + m);
      const int i = d.changed[row];
      REQUIRE(i >= 0);
      REQUIRE(i < k);
      moved.insert(i);
      CHECK(std::abs(d.step[row]) == delta);
      for (Eigen::Index c = 0; c < k; ++c) {
        const double change = d.points(first + m, c) - d.points(first + m - 1, c);
        if (c == i) {
          CHECK(change == Approx(d.step[row]).margin(1e-15));
        } else {
          CHECK(change == 0.0);
        }
      }
    }
    CHECK(moved.size() == static_cast<std::size_t>(k));  // every parameter once
    first_moved.insert(d.changed[static_cast<std::size_t>(first + 1)]);
  }
  CHECK(first_moved.size() > 1);  // the order is random
  // With 4 levels every point is on the grid {0, 1/3, 2/3, 1}.
  for (Eigen::Index i = 0; i < d.points.rows(); ++i) {
    for (Eigen::Index c = 0; c < k; ++c) {
      const double level = d.points(i, c) * 3;
      CHECK(level == Approx(std::round(level)).margin(1e-12));
    }
  }
  CHECK(d.points == morris(r, k, 4, 11).points);
  CHECK(d.points != morris(r, k, 4, 12).points);
}

TEST_CASE("Morris trajectories with odd levels stay in the unit interval", "[unit][design]") {
  for (const std::int64_t levels : {2, 3, 5, 7}) {
    const MorrisDesign d = morris(30, 4, levels, 1);
    CHECK(d.points.minCoeff() >= 0.0);
    CHECK(d.points.maxCoeff() <= 1.0);
    for (std::size_t row = 0; row < d.step.size(); ++row) {
      if (d.changed[row] >= 0) CHECK(std::abs(d.step[row]) == morris_delta(levels));
    }
  }
  // Two levels: every parameter jumps across the whole interval.
  const MorrisDesign two = morris(5, 3, 2, 1);
  for (Eigen::Index i = 0; i < two.points.rows(); ++i) {
    for (Eigen::Index c = 0; c < 3; ++c) CHECK((two.points(i, c) == 0.0 || two.points(i, c) == 1.0));
  }
}

TEST_CASE("A full factorial lists every combination with the last parameter fastest", "[unit][design]") {
  const std::vector<std::int32_t> levels{2, 3};
  const auto grid = full_factorial(levels);
  const std::vector<std::vector<std::int32_t>> expected{{0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}, {1, 2}};
  CHECK(grid == expected);
  const std::vector<std::int32_t> three{2, 1, 4};
  CHECK(full_factorial(three).size() == 8);
  CHECK(full_factorial(std::span<const std::int32_t>{}) == std::vector<std::vector<std::int32_t>>{{}});
  const std::vector<std::int32_t> bad{2, 0};
  CHECK_THROWS_AS(full_factorial(bad), std::invalid_argument);
  const std::vector<std::int32_t> huge{100000, 100000};
  CHECK_THROWS_AS(full_factorial(huge), std::invalid_argument);
}

TEST_CASE("value_at maps the unit interval onto each distribution, ends included", "[unit][design]") {
  const ParameterRange uniform = range(Distribution::uniform, 0.1, 0.7);
  CHECK(value_at(uniform, 0) == 0.1);
  CHECK(value_at(uniform, 1) == 0.7);
  CHECK(value_at(uniform, 0.5) == Approx(0.4));

  const ParameterRange log = range(Distribution::log_uniform, 10, 1000);
  CHECK(value_at(log, 0) == 10);
  CHECK(value_at(log, 1) == 1000);
  CHECK(value_at(log, 0.5) == Approx(100));
  CHECK(value_at(log, 0.25) == Approx(std::sqrt(1000.0)));

  const ParameterRange integer = range(Distribution::integer, 2, 5);
  CHECK(value_at(integer, 0) == 2);
  CHECK(value_at(integer, 0.2499) == 2);
  CHECK(value_at(integer, 0.25) == 3);
  CHECK(value_at(integer, 0.9999) == 5);
  CHECK(value_at(integer, 1) == 5);
  // Each whole number gets an equal share of the interval.
  std::vector<int> counts(4, 0);
  for (int i = 0; i < 400; ++i) ++counts[static_cast<std::size_t>(value_at(integer, (i + 0.5) / 400) - 2)];
  CHECK(counts == std::vector<int>{100, 100, 100, 100});

  const ParameterRange listed = range(Distribution::levels, 0, 0, 0, {3, 1, 4});
  CHECK(value_at(listed, 0) == 3);
  CHECK(value_at(listed, 0.34) == 1);
  CHECK(value_at(listed, 0.67) == 4);
  CHECK(value_at(listed, 1) == 4);

  const ParameterRange point = range(Distribution::uniform, 2, 2);
  CHECK(value_at(point, 0.3) == 2);
}

TEST_CASE("grid_values spaces a grid evenly, geometrically or by whole numbers", "[unit][design]") {
  const std::vector<double> uniform = grid_values(range(Distribution::uniform, 0, 1, 5));
  CHECK(uniform == std::vector<double>{0, 0.25, 0.5, 0.75, 1});

  const std::vector<double> log = grid_values(range(Distribution::log_uniform, 1, 1000, 4));
  REQUIRE(log.size() == 4);
  CHECK(log[0] == 1);
  CHECK(log[1] == Approx(10));
  CHECK(log[2] == Approx(100));
  CHECK(log[3] == 1000);

  CHECK(grid_values(range(Distribution::integer, 0, 10, 3)) == std::vector<double>{0, 5, 10});
  // Rounded, then de-duplicated: 0, 0.5, 1, 1.5, 2 rounds (half away from zero) to 0, 1, 1, 2, 2.
  CHECK(grid_values(range(Distribution::integer, 0, 2, 5)) == std::vector<double>{0, 1, 2});
  CHECK(grid_values(range(Distribution::integer, -2, 1)) == std::vector<double>{-2, -1, 0, 1});
  CHECK(grid_values(range(Distribution::levels, 0, 0, 0, {5, 2, 9})) == std::vector<double>{5, 2, 9});
  CHECK_THROWS_AS(grid_values(range(Distribution::uniform, 0, 1)), std::invalid_argument);
}

TEST_CASE("Bad ranges and coordinates are refused with the key in the message", "[validation][design]") {
  const auto bad = [](const ParameterRange& r) { CHECK_THROWS_WITH(check_range(r), Catch::Contains("'k.ey'")); };
  bad(range(Distribution::uniform, 2, 1));
  bad(range(Distribution::uniform, 0, std::numeric_limits<double>::infinity()));
  bad(range(Distribution::log_uniform, 0, 1));
  bad(range(Distribution::integer, 0.5, 3));
  bad(range(Distribution::levels, 0, 0));
  bad(range(Distribution::levels, 0, 0, 0, {1, std::nan("")}));
  bad(range(Distribution::uniform, 0, 1, 1));
  bad(range(Distribution::uniform, 0, 1, -3));
  const ParameterRange ok = range(Distribution::uniform, 0, 1);
  CHECK_NOTHROW(check_range(ok));
  // The range accepted is the one used: its ends exactly, and linear in between.
  CHECK(value_at(ok, 0) == 0);
  CHECK(value_at(ok, 0.25) == 0.25);
  CHECK(value_at(ok, 1) == 1);
  CHECK_THROWS_AS(value_at(ok, -0.1), std::invalid_argument);
  CHECK_THROWS_AS(value_at(ok, 1.1), std::invalid_argument);
  CHECK_THROWS_AS(value_at(ok, std::nan("")), std::invalid_argument);
}
