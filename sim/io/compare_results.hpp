#pragma once
// The HDF5 comparison file of `scamsim compare`: the one place that knows its
// layout (docs/SWEEPS.md, "Paired comparisons"). Root attributes and
// coordinates follow run and sweep files: coordinates are dimension scales at
// the root with second names under /coords, datasets carry units, long_name
// and description, and the result schema version is shared with them.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/core/date.hpp"
#include "sim/run/compare.hpp"

namespace scamsim::io {

/// A paired comparison: what `scamsim compare` writes and `scamsim summary` reads back.
struct CompareResults {
  std::string scamsim_version, git_commit, created_utc;  ///< of the scamsim that wrote it (see stamp)
  std::int64_t schema_version = 0;                       ///< result schema version (read back)
  std::string command_line;                              ///< as typed
  std::string name_a, name_b;                            ///< the scenarios' names
  std::string file_a, file_b;                            ///< the scenario files as given
  std::string toml_a, toml_b;  ///< the resolved scenarios (after base, --set, seed and replicates)
  std::int64_t seed = 0;       ///< run.seed of both sides
  double scale_a = 1;          ///< run.scale of side A (outcomes are at scale 1 whatever it is)
  double scale_b = 1;          ///< run.scale of side B
  std::int64_t pairs = 0;      ///< replicates of each side
  double confidence = 0.95;    ///< two-sided level of the intervals
  Date start_date;             ///< the shared time axis
  std::int64_t dt_days = 1;
  std::int64_t steps = 0;
  std::vector<std::string> outcomes;              ///< names
  std::vector<std::string> outcome_units;         ///< per outcome
  std::vector<std::string> outcome_descriptions;  ///< per outcome: the author's words or the definition
  std::vector<std::string> outcome_definitions;   ///< per outcome: what is computed, in words
  std::vector<double> a;                          ///< [pair][outcome], at scale 1 where counts
  std::vector<double> b;                          ///< [pair][outcome]
  std::vector<run::PairedStatistics> statistics;  ///< per outcome

  /// A comparison over a posterior (`compare --posterior`): `draws` worlds (0: an ordinary comparison), each
  /// with `pairs_per_draw` pairs, pair p in world p / pairs_per_draw; both sides of a world take its draw's values.
  std::int64_t draws = 0;
  std::int64_t pairs_per_draw = 0;
  std::string posterior_file;
  std::vector<std::string> draw_parameters;
  std::vector<double> draw_values;  ///< [draw][parameter]
  std::vector<std::int64_t> draw_particle;
  std::vector<run::WorldStatistics> worlds;  ///< per outcome: B - A over the worlds (filled by fill_outcomes)
  /// An outcome in USD (--per-million): each outcome's B - A is also given per world per million USD of its B - A,
  /// what a budget buys (the aftercare question: re-recruitments per million spent).
  std::string per_million;
  std::vector<run::WorldStatistics> worlds_per_million;  ///< per outcome, when per_million is set
};

/// Fills the outcome names, units, descriptions and definitions from `outcomes`, and the statistics from
/// the values a and b already set, at results.confidence.
void fill_outcomes(CompareResults& results, const std::vector<run::OutcomeSpec>& outcomes);

/// Fills `worlds` (and `worlds_per_million` when per_million names an outcome) from a, b and the draws; clears
/// them for an ordinary comparison. fill_outcomes calls it; read_compare too, so that what is printed is
/// computed as it was when the file was written.
void fill_worlds(CompareResults& results);

/// Sets the version, commit and creation time (now, UTC) of this build, as the file will record them.
void stamp(CompareResults& results);

/// Writes the comparison file at `path`, replacing any file there. Throws h5::Error on a failed write or
/// inconsistent results (values not pairs x outcomes).
void write_compare(const std::filesystem::path& path, const CompareResults& results);

/// Reads a comparison file. Throws SetupError naming the file if it is missing, not HDF5, not a comparison
/// file, of a newer schema, or truncated or corrupt.
CompareResults read_compare(const std::filesystem::path& path);

}  // namespace scamsim::io
