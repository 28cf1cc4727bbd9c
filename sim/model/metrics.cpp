#include "sim/model/metrics.hpp"

#include <array>

namespace scamsim::model {

namespace {

constexpr std::array<std::string_view, static_cast<std::size_t>(EventKind::count_)> event_names = {
    "raid_failed", "raid_leaked", "raid_success",   "split",    "merge",       "relocation_start", "relocation_arrival",
    "release",     "bankruptcy",  "scenario_event", "disperse", "consolidate", "opened",           "withdrawn"};

}  // namespace

std::span<const MetricInfo> country_metrics() { return country_metric_table; }
std::span<const MetricInfo> global_metrics() { return global_metric_table; }
std::span<const std::string_view> event_kind_names_log() { return event_names; }

RunRecord::RunRecord(std::int64_t steps_, std::int64_t countries_)
    : steps(steps_),
      countries(countries_),
      by_country(static_cast<std::size_t>(steps_ * countries_) * country_metric_count, 0.0),
      global(static_cast<std::size_t>(steps_) * global_metric_count, 0.0) {}

}  // namespace scamsim::model
