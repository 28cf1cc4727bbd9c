#pragma once
// Experimental designs for parameter sweeps (issue #6): which points of the
// unit hypercube a sweep runs the model at, and how a unit coordinate
// becomes a scenario value.
//
// - Latin hypercube sampling (McKay, Beckman & Conover 1979).
// - The Sobol' sequence with the direction numbers of Joe & Kuo (2008),
//   file new-joe-kuo-6.21201, optionally randomised by a random linear
//   matrix scramble (Matousek 1998) and a digital shift, as SciPy's
//   qmc.Sobol(scramble=True) does.
// - Saltelli et al. (2010)'s design for first- and total-order Sobol'
//   indices (analysed in sensitivity.hpp).
// - Morris (1991) elementary-effects trajectories (analysed with mu* of
//   Campolongo, Cariboni & Saltelli 2007).
// - Full factorial grids.
//
// Every random choice is a pure function of the seed through Philox4x32-10
// (detail::DesignDraws below), and nothing depends on threads or the
// platform's std:: engines, so a design repeats bit for bit everywhere.

#include <Eigen/Core>
#include <array>
#include <bit>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sim/model/random.hpp"

namespace scamsim::sweep {

/// Rows are design points, columns parameters; values in the unit interval.
using UnitDesign = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// The most dimensions sobol_sequence() has direction numbers for (so saltelli() takes at most half as many
/// parameters). Joe & Kuo publish 21201; the table here stops at 256 to keep the source small.
inline constexpr std::int64_t sobol_max_dimensions = 256;

/// Latin hypercube: in each column, exactly one point falls in each stratum [i/n, (i+1)/n); deterministic in seed.
/// Within its stratum a point is uniform (not centred), and the columns are independent permutations.
UnitDesign latin_hypercube(std::int64_t points, std::int64_t parameters, std::uint64_t seed);

/// The first `points` points of the Sobol' low-discrepancy sequence (Joe & Kuo 2008 direction numbers,
/// new-joe-kuo-6.21201), skipping the first `skip` points; supports sobol_max_dimensions dimensions. Points are in
/// Gray-code order with 32-bit precision, as Joe & Kuo's sobol.cc and SciPy's qmc.Sobol(scramble=False, bits=32):
/// point 0 is the origin. skip + points must not exceed 2^32.
UnitDesign sobol_sequence(std::int64_t points, std::int64_t dimensions, std::int64_t skip = 0);

/// The same sequence randomised by `seed`: each dimension's direction numbers are multiplied by a random
/// lower-triangular binary matrix with unit diagonal (Matousek 1998's linear scramble), then every point is XORed
/// with a random digital shift. Both keep the (t, m, s)-net structure, so the first 2^m points stay balanced, and
/// no point is the origin. Dimension d's scramble depends only on (seed, d), not on how many dimensions are asked.
UnitDesign scrambled_sobol(std::int64_t points, std::int64_t dimensions, std::uint64_t seed, std::int64_t skip = 0);

/// Saltelli's (2010) design for first- and total-order Sobol indices, as SALib's saltelli/sobol sample with
/// calc_second_order=False: A and B are the two halves (columns [0, k) and [k, 2k)) of the first `base` points of
/// scrambled_sobol(base, 2k, seed); rows are, for each base row j: A_j, AB_j^(1), ..., AB_j^(k), B_j, so
/// rows() == base * (parameters + 2). AB^(i) is A with column i taken from B.
/// Unlike SALib we skip no points: the scramble already moves the first point off the origin, and skipping would
/// break the balance of the first 2^m points (Owen 2020). A `base` that is not a power of two is allowed, but only
/// powers of two give A and B their full stratification.
UnitDesign saltelli(std::int64_t base, std::int64_t parameters, std::uint64_t seed);

/// Morris (1991) elementary-effects trajectories on a p-level grid with jump delta = p / (2 (p - 1)).
struct MorrisDesign {
  UnitDesign points;  ///< trajectories * (parameters + 1) rows
  std::vector<std::int32_t>
      changed;               ///< per row: the parameter changed from the previous row; -1 on a trajectory's first row
  std::vector<double> step;  ///< per row: the signed change of that parameter (+delta or -delta); 0 on first rows
  std::int64_t trajectories = 0;
  std::int64_t levels = 0;
};

/// The Morris jump for a p-level grid: p / (2 (p - 1)); with even p that is p/2 grid steps.
double morris_delta(std::int64_t levels);

/// Morris's (1991) random trajectories: a base point drawn from the grid values v with v + delta <= 1, each
/// parameter moving once by +delta or -delta (direction and order random), as SALib's morris.sample without
/// trajectory optimisation. With even `levels` every point is on the grid {0, 1/(p-1), ..., 1}; with odd `levels`
/// delta is not a whole number of grid steps, so (as in SALib) the floor(p/2) base values are spread evenly over
/// [0, 1 - delta] and the points leave the grid, though they stay in [0, 1].
MorrisDesign morris(std::int64_t trajectories, std::int64_t parameters, std::int64_t levels, std::uint64_t seed);

/// Full factorial: every combination of level indices, the last parameter varying fastest. No parameters give
/// one empty combination (a sweep of one run); a parameter with fewer than one level is an error.
std::vector<std::vector<std::int32_t>> full_factorial(std::span<const std::int32_t> levels_per_parameter);

/// How a sweep parameter maps the unit interval to its values.
enum class Distribution : std::uint8_t { uniform, log_uniform, integer, levels };

/// One swept parameter: the scenario key it sets and the values it may take.
struct ParameterRange {
  std::string key;  ///< scenario key path, e.g. "events.aftercare.budget_usd"
  Distribution distribution = Distribution::uniform;
  double min = 0, max = 0;       ///< uniform, log_uniform (min > 0), integer (inclusive bounds)
  std::vector<double> levels;    ///< Distribution::levels: the listed values
  std::int32_t grid_levels = 0;  ///< for a grid over a range: that many evenly spaced values, ends included
};

/// Throws std::invalid_argument, naming the key, unless the range is usable: finite bounds with min <= max
/// (min > 0 for log_uniform, whole numbers for integer), a non-empty finite `levels` list for Distribution::levels,
/// and grid_levels 0 (no grid) or at least 2.
void check_range(const ParameterRange& range);

/// The parameter's value at unit coordinate u in [0,1] (quantile function): uniform min+u(max-min);
/// log_uniform geometric; integer: floor(min + u (max-min+1)) clamped to max; levels: levels[floor(u*m)] clamped.
/// u = 0 gives min (the first level) and u = 1 gives max (the last level) exactly. log_uniform goes through
/// std::log and std::exp, the one place where another C library could differ in the last bit.
/// Throws std::invalid_argument for a bad range or u outside [0, 1].
double value_at(const ParameterRange& range, double u);

/// The values a grid takes for this parameter: `levels` as listed, or grid_levels evenly spaced values
/// (geometric for log_uniform, rounded and de-duplicated for integer). For an integer range, grid_levels 0 means
/// every whole number from min to max; for uniform and log_uniform it is an error.
std::vector<double> grid_values(const ParameterRange& range);

namespace detail {

/// What a design or bootstrap draw is for; part of the Philox counter, so no two uses share numbers.
enum class Stream : std::uint32_t {
  latin_hypercube = 1,
  sobol_scramble = 2,
  morris = 3,
  sobol_bootstrap = 4,
  morris_bootstrap = 5,
};

/// Counter-based draws for designs and bootstraps. Philox4x32-10 keyed by the sweep seed, with counter
/// {block, index low word, index high word, 0x5357'0000 + stream} ("SW" in the top half of word 3, where the
/// model's streams hold the replicate number). `index` names the column, dimension, trajectory or resample that
/// owns the sequence, so each is independent of how many others there are.
class DesignDraws {
 public:
  DesignDraws(std::uint64_t seed, Stream stream, std::uint64_t index) noexcept
      : key_{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)},
        counter_{0, static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(index >> 32),
                 0x5357'0000u + static_cast<std::uint32_t>(stream)} {}

  /// 32 random bits.
  std::uint32_t bits() noexcept {
    if (used_ == 4) {
      block_ = model::philox4x32_10(counter_, key_);
      ++counter_[0];
      used_ = 0;
    }
    return block_[used_++];
  }
  /// Uniform on the open interval (0, 1), with 53 bits of resolution (as model::Draws::uniform).
  double uniform() noexcept {
    const std::uint64_t hi = bits() >> 5;  // 27 bits
    const std::uint64_t lo = bits() >> 6;  // 26 bits
    return (static_cast<double>((hi << 26) | lo) + 0.5) * 0x1.0p-53;
  }
  /// Uniform integer in [0, n), unbiased: masked rejection, fewer than two tries on average.
  std::uint64_t below(std::uint64_t n) noexcept {
    if (n <= 1) return 0;
    const std::uint64_t mask = n > (std::uint64_t{1} << 63) ? ~std::uint64_t{0} : std::bit_ceil(n) - 1;
    while (true) {
      std::uint64_t v = bits();
      if (mask > 0xffff'ffffu) v |= std::uint64_t{bits()} << 32;
      v &= mask;
      if (v < n) return v;
    }
  }

 private:
  std::array<std::uint32_t, 2> key_;
  model::Block counter_;
  model::Block block_{};
  unsigned used_ = 4;
};

}  // namespace detail

}  // namespace scamsim::sweep
