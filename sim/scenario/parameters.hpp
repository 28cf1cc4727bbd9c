#pragma once
// The parameter table: every number a scenario can set, with its key path,
// default, unit, allowed range, meaning and source. It is the one source
// from which the loader checks values, `scamsim params` prints, and the
// table in docs/MODEL.md is generated (a test keeps the two equal).

#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace scamsim::scenario {

/// How a parameter is written in TOML and stored.
enum class ValueKind : unsigned char {
  real,     ///< a finite number (integers accepted)
  integer,  ///< a whole number, stored as int64 (money, counts, days)
  date,     ///< a calendar date, TOML 2025-01-01 or "2025-01-01"
};

/// The closed interval a value must lie in (open at the bottom if asked).
struct Range {
  double min = 0;
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false;

  [[nodiscard]] bool contains(double value) const noexcept {
    return (min_exclusive ? value > min : value >= min) && value <= max;
  }
  /// "[0, 1]", "≥ 0", "> 0", "[1, 7]".
  [[nodiscard]] std::string describe() const;
};

// Upper bounds of the inputs that the run multiplies into money and counts (docs/MODEL.md section 7.9). Each
// is far above any real figure yet keeps every product the model forms from inputs well inside int64 (9.2e18),
// so a value the schema accepts cannot wrap around into a negative amount.

/// Any amount of money, or money per year (capital, GDP, budgets, relocation costs): 1e15 USD, about ten
/// times world GDP (105 trillion USD in 2023) and 1/9,000 of int64's range.
inline constexpr double max_input_usd = 1e15;
/// Any money per person- or operation-day (revenue, upkeep, fixed cost, aftercare): 1 million USD, about
/// 3,000 times the calibrated revenue per worker-day; times the 4.3e9 people a run can hold at most (32-bit
/// ids), a week's step and the largest multipliers (x10 infrastructure, x11 AI) it stays below 3.4e18.
inline constexpr double max_input_usd_per_day = 1e6;
/// Any population: 1e10 people, above the world's 8.1e9.
inline constexpr double max_input_people = 1e10;
/// Any duration in days (transit, aftercare programme, memories, horizons): 100 years, the longest run.
inline constexpr double max_input_days = 36500;
/// Raids a country can mount per year: 100,000, about 270 a day (a crackdown multiplies it by at most 100).
inline constexpr double max_input_raids_per_year = 1e5;

/// One numeric input of the model. In `key`, "<id>" stands for the name of
/// a country, network or site, and "<kind>" for an event kind.
struct ParameterInfo {
  std::string_view key;
  ValueKind kind = ValueKind::real;
  std::optional<double> default_value;  ///< nullopt: the scenario must set it
  Range range;
  std::string_view unit;
  std::string_view description;
  std::string_view source;
};

/// Every parameter, in the order the docs list them (grouped by table).
std::span<const ParameterInfo> parameter_table();

/// The entry for a key pattern such as "pressure.half_life_days"; nullptr if none.
const ParameterInfo* find_parameter(std::string_view key);

/// Formats for `scamsim params`.
enum class TableFormat : unsigned char { text, csv, markdown };

/// The whole table rendered for people (text), spreadsheets (csv) or docs (markdown).
std::string format_parameter_table(TableFormat format);

/// The default as written in docs ("180", "0.5", "required").
std::string format_default(const ParameterInfo& info);

/// The symbol that stands for the parameter in the formulas of docs/MODEL.md section 7: a letter for the
/// few that have one (`s0`, `beta`, `H`, `g`, `k` ...), else the last part of its key ("will_base"), which
/// is how the formulas name the others.
std::string_view parameter_symbol(const ParameterInfo& info);

/// The keys given a letter by parameter_symbol, with their letters (for the test that each key exists).
std::span<const std::pair<std::string_view, std::string_view>> parameter_letters();

}  // namespace scamsim::scenario
