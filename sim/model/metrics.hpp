#pragma once
// What a run records: time series by country and global, the event log and
// the final operator table. The engine fills a RunRecord per replicate; the
// io module writes it to HDF5 (docs/OUTPUT.md) and never sees engine state.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace scamsim::model {

/// How a metric is stored: whole numbers (people, operations, dollars) or reals.
enum class MetricKind : std::uint8_t { count, usd, real };

/// Where a metric's value comes from, which bookkeeping.cpp follows for every
/// row of the table (so a new metric is recorded by adding its row and, for a
/// flow, counting it where it happens):
enum class MetricRole : std::uint8_t {
  stock,    ///< people in one state at the end of the step: read from the stocks
  flow,     ///< counted during the step by the phases (Flows), read and reset at its end
  derived,  ///< computed at the end of the step by one formula of its own (bookkeeping.cpp)
};

/// The name, unit, role and meaning of one recorded series.
struct MetricInfo {
  std::string_view name;
  MetricKind kind;
  MetricRole role;
  std::string_view units;
  std::string_view description;
};

/// Series recorded per step and country, in the order of country_metrics().
enum class CountryMetric : std::uint8_t {
  workers_held,
  workers_in_transit,
  workers_released,
  workers_in_aftercare,
  workers_repatriated,
  new_recruits,
  rerecruited,
  escapes,
  releases_by_operator,
  released_by_raids,
  aftercare_admissions,
  repatriations,
  operations_active,
  workers_in_small_operations,
  splits,
  merges,
  relocations_in,
  relocations_out,
  raids,
  raids_leaked,
  raids_successful,
  revenue_usd,
  laundered_usd,
  frozen_usd,
  seized_usd,
  aftercare_spend_usd,
  mean_operation_size,
  pressure,
  enforcement_will,
  raid_rate_per_year,
  count_  ///< number of metrics, not a metric
};

/// Series recorded per step for the whole region, in the order of global_metrics().
enum class GlobalMetric : std::uint8_t {
  workers_held,
  operations_active,
  revenue_usd,
  held_concentration_hhi,
  share_held_in_small_operations,
  mean_operation_size,
  count_  ///< number of metrics, not a metric
};

inline constexpr std::size_t country_metric_count = static_cast<std::size_t>(CountryMetric::count_);
inline constexpr std::size_t global_metric_count = static_cast<std::size_t>(GlobalMetric::count_);

// The tables are here, not in metrics.cpp, so that bookkeeping.cpp can check
// at compile time that every row has a source. A global stock or flow is the
// sum over countries of the country metric of the same name.
inline constexpr MetricInfo country_metric_table[] = {
    {"workers_held", MetricKind::count, MetricRole::stock, "people",
     "People held in compounds in the country at the end of the step."},
    {"workers_in_transit", MetricKind::count, MetricRole::stock, "people",
     "People being trafficked or moved toward an operation in the country."},
    {"workers_released", MetricKind::count, MetricRole::stock, "people",
     "Released people in the country without support (at risk of re-recruitment)."},
    {"workers_in_aftercare", MetricKind::count, MetricRole::stock, "people",
     "People in aftercare (safe housing, support) in the country."},
    {"workers_repatriated", MetricKind::count, MetricRole::stock, "people",
     "People of this nationality back home after being held."},
    {"new_recruits", MetricKind::count, MetricRole::flow, "people/step",
     "People newly trafficked toward operations in the country this step."},
    {"rerecruited", MetricKind::count, MetricRole::flow, "people/step",
     "Released or supported people re-recruited in the country this step."},
    {"escapes", MetricKind::count, MetricRole::flow, "people/step", "Held people who escaped this step."},
    {"releases_by_operator", MetricKind::count, MetricRole::flow, "people/step",
     "People released by operators under pressure or on a leaked raid."},
    {"released_by_raids", MetricKind::count, MetricRole::flow, "people/step",
     "People freed by successful raids this step."},
    {"aftercare_admissions", MetricKind::count, MetricRole::flow, "people/step",
     "Released people admitted to aftercare this step."},
    {"repatriations", MetricKind::count, MetricRole::flow, "people/step",
     "People repatriated from the country this step."},
    {"operations_active", MetricKind::count, MetricRole::derived, "operations",
     "Active operations (compounds and cells) in the country."},
    {"workers_in_small_operations", MetricKind::count, MetricRole::derived, "people",
     "People held in operations of at most economics.small_operation_workers workers."},
    {"splits", MetricKind::count, MetricRole::flow, "operations/step", "Operations that split into cells this step."},
    {"merges", MetricKind::count, MetricRole::flow, "operations/step",
     "Cells that merged into another operation this step."},
    {"relocations_in", MetricKind::count, MetricRole::flow, "operations/step",
     "Operations that arrived from another country this step."},
    {"relocations_out", MetricKind::count, MetricRole::flow, "operations/step",
     "Operations that left for another country this step."},
    {"raids", MetricKind::count, MetricRole::flow, "raids/step", "Raids mounted this step."},
    {"raids_leaked", MetricKind::count, MetricRole::flow, "raids/step", "Raids leaked to their target this step."},
    {"raids_successful", MetricKind::count, MetricRole::flow, "raids/step",
     "Raids that dismantled their target this step."},
    {"revenue_usd", MetricKind::usd, MetricRole::flow, "USD/step",
     "Scam revenue of operations in the country this step."},
    {"laundered_usd", MetricKind::usd, MetricRole::flow, "USD/step",
     "Revenue laundered through cryptocurrency this step."},
    {"frozen_usd", MetricKind::usd, MetricRole::flow, "USD/step",
     "Laundered money and sanctioned capital frozen this step."},
    {"seized_usd", MetricKind::usd, MetricRole::flow, "USD/step", "Capital seized by successful raids this step."},
    {"aftercare_spend_usd", MetricKind::usd, MetricRole::derived, "USD/step",
     "Aftercare spending in the country this step."},
    {"mean_operation_size", MetricKind::real, MetricRole::derived, "people/operation",
     "People held per active operation (0 if none)."},
    {"pressure", MetricKind::real, MetricRole::derived, "1", "International pressure on the country, in [0, 1]."},
    {"enforcement_will", MetricKind::real, MetricRole::derived, "1", "Political will to enforce, in [0, 1]."},
    {"raid_rate_per_year", MetricKind::real, MetricRole::derived, "raids/year",
     "Expected raids per year at this step's capacity and will."},
};
static_assert(std::size(country_metric_table) == country_metric_count);

inline constexpr MetricInfo global_metric_table[] = {
    {"workers_held", MetricKind::count, MetricRole::stock, "people",
     "People held in compounds across all host countries."},
    {"operations_active", MetricKind::count, MetricRole::derived, "operations",
     "Active operations across all host countries."},
    {"revenue_usd", MetricKind::usd, MetricRole::flow, "USD/step", "Scam revenue across all host countries this step."},
    {"held_concentration_hhi", MetricKind::real, MetricRole::derived, "1",
     "Herfindahl index of held workers across countries: 1 if all in one country."},
    {"share_held_in_small_operations", MetricKind::real, MetricRole::derived, "1",
     "Share of held workers in small operations (cells)."},
    {"mean_operation_size", MetricKind::real, MetricRole::derived, "people/operation",
     "People held per active operation across the region."},
};
static_assert(std::size(global_metric_table) == global_metric_count);

/// Names, units and meanings of the per-country series, indexed by CountryMetric.
std::span<const MetricInfo> country_metrics();
/// Names, units and meanings of the global series, indexed by GlobalMetric.
std::span<const MetricInfo> global_metrics();

/// Kinds of entries in the event log.
enum class EventKind : std::uint8_t {
  raid_failed,
  raid_leaked,
  raid_success,
  split,
  merge,
  relocation_start,
  relocation_arrival,
  release,
  bankruptcy,
  scenario_event,
  disperse,     ///< a compound dispersed into `count` cells (MODEL.md §7.10)
  consolidate,  ///< a cell took a compound again
  opened,       ///< a new operation opened (entry, MODEL.md §7.10); amount: its capital
  withdrawn,    ///< a network closed an operation earning less than a normal return; amount: its capital
  count_        ///< number of kinds, not a kind
};

/// The names of the event-log kinds, indexed by EventKind.
std::span<const std::string_view> event_kind_names_log();

/// One entry of the event log. Plain data with a fixed layout, for HDF5.
struct EventRecord {
  std::int32_t step = 0;
  std::uint8_t kind = 0;          ///< EventKind
  std::int32_t country = -1;      ///< CountryId index, -1 if none
  std::int32_t network = -1;      ///< NetworkId index, -1 if none
  std::int64_t operator_id = -1;  ///< operator slot, -1 if none
  std::int64_t count = 0;         ///< people concerned (freed, released, moved), or cells made
  std::int64_t amount_usd = 0;    ///< money concerned (seized, frozen, moving cost)
};

/// One row of the final operator table.
struct OperatorRecord {
  std::int64_t operator_id = 0;
  std::int32_t network = 0;
  std::int32_t country = 0;
  std::int32_t site = 0;
  std::uint8_t state = 0;  ///< 0 active, 1 relocating, 2 dismantled
  std::int64_t workers = 0;
  std::int64_t target_workers = 0;
  std::int64_t capital_usd = 0;
  double protection = 0;
  double tech = 0;
  double perceived_risk = 0;
};

/// Everything one replicate records. Series are stored metric-major:
/// by_country[(metric * steps + step) * countries + country].
struct RunRecord {
  std::int64_t steps = 0;
  std::int64_t countries = 0;
  std::vector<double> by_country;
  std::vector<double> global;  ///< global[metric * steps + step]
  std::vector<EventRecord> events;
  std::vector<OperatorRecord> final_operators;
  double worker_steps = 0;  ///< workers alive summed over steps, for speed figures

  /// Sized and zeroed for a run.
  RunRecord(std::int64_t steps_, std::int64_t countries_);
  RunRecord() = default;

  double& at(CountryMetric m, std::int64_t step, std::int64_t country) {
    return by_country[static_cast<std::size_t>((static_cast<std::int64_t>(m) * steps + step) * countries + country)];
  }
  [[nodiscard]] double at(CountryMetric m, std::int64_t step, std::int64_t country) const {
    return by_country[static_cast<std::size_t>((static_cast<std::int64_t>(m) * steps + step) * countries + country)];
  }
  double& at(GlobalMetric m, std::int64_t step) {
    return global[static_cast<std::size_t>(static_cast<std::int64_t>(m) * steps + step)];
  }
  [[nodiscard]] double at(GlobalMetric m, std::int64_t step) const {
    return global[static_cast<std::size_t>(static_cast<std::int64_t>(m) * steps + step)];
  }
};

}  // namespace scamsim::model
