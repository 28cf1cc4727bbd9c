#pragma once
// Sweep files (docs/SWEEPS.md): a base scenario, the parameters to vary with
// their ranges, the design that picks their values, the replicates per point,
// the sweep seed and the outcomes to record. load_sweep checks a file as
// strictly as scenario files are checked, and tries every parameter's bounds
// on the base scenario, so that a bad key or value is an error that names
// the sweep file's line before anything runs.

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/model/metrics.hpp"
#include "sim/run/outcomes.hpp"
#include "sim/scenario/spec.hpp"
#include "sim/sweep/design.hpp"

namespace scamsim::sweep {

/// Which design picks the points.
enum class DesignKind : std::uint8_t {
  grid,      ///< full factorial over each parameter's grid values
  lhs,       ///< Latin hypercube of `points` points
  saltelli,  ///< Saltelli (2010) design of base_points * (k + 2) points, for Sobol indices
  morris,    ///< Morris (1991) trajectories, trajectories * (k + 1) points, for elementary effects
};

/// The name of a design kind as written in sweep files and in the output's `design` attribute.
const char* design_name(DesignKind kind);

/// How a swept parameter's value is written into the scenario.
enum class ValueType : std::uint8_t {
  real,     ///< a number
  integer,  ///< a whole number (money, counts, days): values are rounded to the nearest
  date,     ///< a date; values are days since the base scenario's run.start_date, written as YYYY-MM-DD
};

/// One swept parameter. For a date, min, max and levels of `range` are days since the base scenario's start.
struct SweepParameter {
  ParameterRange range;
  ValueType type = ValueType::real;
  std::string units;  ///< from the parameter table, or "days since <start_date>" for a date
};

/// A sweep file, loaded and checked against its base scenario.
struct SweepSpec {
  std::string file;                    ///< the sweep file as named, for messages
  std::string name;                    ///< `name`, default the file's stem
  std::string description;             ///< `description`, optional
  std::string sweep_toml;              ///< the sweep file's document re-printed (comments dropped): its identity
  std::filesystem::path scenario;      ///< the base scenario file
  std::vector<std::string> overrides;  ///< applied to the base first: the file's `set`, then the command line's
  scenario::Scenario base;             ///< the base scenario after `overrides`: dates, countries, resolved text

  DesignKind design = DesignKind::grid;
  std::int64_t points = 0;        ///< lhs: the points
  std::int64_t base_points = 0;   ///< saltelli: N, the base rows
  std::int64_t trajectories = 0;  ///< morris: r
  std::int64_t morris_levels = 4;
  std::int64_t bootstrap = 1000;  ///< saltelli, morris: resamples of the confidence intervals
  double confidence = 0.95;       ///< saltelli, morris: level of the intervals

  std::int64_t replicates = 1;  ///< runs per point
  std::uint64_t seed = 1;       ///< the sweep seed: the design's draws and every run's seed derive from it
  /// Replicate r of every point gets the same seed (common random numbers), so points differ only by their
  /// parameters; false gives every run its own seed.
  bool common_random_numbers = true;

  std::vector<SweepParameter> parameters;
  std::vector<run::OutcomeSpec> outcomes;
  std::vector<model::CountryMetric> keep_series;  ///< per-country series kept for every run

  /// Points of the design (before replicates), the largest int64 if they are too many to count; throws
  /// std::invalid_argument from the design functions only for specs load_sweep did not make.
  [[nodiscard]] std::int64_t design_points() const;
  /// Runs in all: design_points() * replicates (saturating, as design_points() does, at the largest int64).
  [[nodiscard]] std::int64_t runs() const;
};

/// At most this many runs in a sweep: the output preallocates a row per run (and its outcomes in memory).
inline constexpr std::int64_t max_sweep_runs = 1'000'000;

/// Loads a sweep file; `overrides` (the command line's --set) apply to the base scenario after the file's
/// `set`. Throws SetupError with every problem found, each located in the sweep file (or naming the flag).
SweepSpec load_sweep(const std::filesystem::path& file, std::span<const std::string> overrides = {});

/// The text a value is written as in a --set override: an integer, a real with 17 significant digits, or a date.
std::string value_text(const SweepSpec& spec, const SweepParameter& parameter, double value);

}  // namespace scamsim::sweep
