#include "sim/model/metrics.hpp"

#include <array>

namespace scamsim::model {

namespace {

using enum MetricKind;

constexpr MetricInfo country_table[] = {
    {"workers_held", count, "people", "People held in compounds in the country at the end of the step."},
    {"workers_in_transit", count, "people", "People being trafficked or moved toward an operation in the country."},
    {"workers_released", count, "people",
     "Released people in the country without support (at risk of re-recruitment)."},
    {"workers_in_aftercare", count, "people", "People in aftercare (safe housing, support) in the country."},
    {"workers_repatriated", count, "people", "People of this nationality back home after being held."},
    {"new_recruits", count, "people/step", "People newly trafficked toward operations in the country this step."},
    {"rerecruited", count, "people/step", "Released or supported people re-recruited in the country this step."},
    {"escapes", count, "people/step", "Held people who escaped this step."},
    {"releases_by_operator", count, "people/step", "People released by operators under pressure or on a leaked raid."},
    {"released_by_raids", count, "people/step", "People freed by successful raids this step."},
    {"aftercare_admissions", count, "people/step", "Released people admitted to aftercare this step."},
    {"repatriations", count, "people/step", "People repatriated from the country this step."},
    {"operations_active", count, "operations", "Active operations (compounds and cells) in the country."},
    {"workers_in_small_operations", count, "people",
     "People held in operations of at most economics.small_operation_workers workers."},
    {"splits", count, "operations/step", "Operations that split into cells this step."},
    {"merges", count, "operations/step", "Cells that merged into another operation this step."},
    {"relocations_in", count, "operations/step", "Operations that arrived from another country this step."},
    {"relocations_out", count, "operations/step", "Operations that left for another country this step."},
    {"raids", count, "raids/step", "Raids mounted this step."},
    {"raids_leaked", count, "raids/step", "Raids leaked to their target this step."},
    {"raids_successful", count, "raids/step", "Raids that dismantled their target this step."},
    {"revenue_usd", usd, "USD/step", "Scam revenue of operations in the country this step."},
    {"laundered_usd", usd, "USD/step", "Revenue laundered through cryptocurrency this step."},
    {"frozen_usd", usd, "USD/step", "Laundered money and sanctioned capital frozen this step."},
    {"seized_usd", usd, "USD/step", "Capital seized by successful raids this step."},
    {"aftercare_spend_usd", usd, "USD/step", "Aftercare spending in the country this step."},
    {"mean_operation_size", real, "people/operation", "People held per active operation (0 if none)."},
    {"pressure", real, "1", "International pressure on the country, in [0, 1]."},
    {"enforcement_will", real, "1", "Political will to enforce, in [0, 1]."},
    {"raid_rate_per_year", real, "raids/year", "Expected raids per year at this step's capacity and will."},
};
static_assert(std::size(country_table) == country_metric_count);

constexpr MetricInfo global_table[] = {
    {"workers_held", count, "people", "People held in compounds across all host countries."},
    {"operations_active", count, "operations", "Active operations across all host countries."},
    {"revenue_usd", usd, "USD/step", "Scam revenue across all host countries this step."},
    {"held_concentration_hhi", real, "1",
     "Herfindahl index of held workers across countries: 1 if all in one country."},
    {"share_held_in_small_operations", real, "1", "Share of held workers in small operations (cells)."},
    {"mean_operation_size", real, "people/operation", "People held per active operation across the region."},
};
static_assert(std::size(global_table) == global_metric_count);

constexpr std::array<std::string_view, static_cast<std::size_t>(EventKind::count_)> event_names = {
    "raid_failed",      "raid_leaked",        "raid_success", "split",      "merge",
    "relocation_start", "relocation_arrival", "release",      "bankruptcy", "scenario_event"};

}  // namespace

std::span<const MetricInfo> country_metrics() { return country_table; }
std::span<const MetricInfo> global_metrics() { return global_table; }
std::span<const std::string_view> event_kind_names_log() { return event_names; }

RunRecord::RunRecord(std::int64_t steps_, std::int64_t countries_)
    : steps(steps_),
      countries(countries_),
      by_country(static_cast<std::size_t>(steps_ * countries_) * country_metric_count, 0.0),
      global(static_cast<std::size_t>(steps_) * global_metric_count, 0.0) {}

}  // namespace scamsim::model
