#pragma once
#include <string>

#include "sim/scenario/spec.hpp"

namespace scamsim::scenario {

/// A readable account of a resolved scenario: the run, countries and their
/// roles, sites, networks and heads, starting operations, matrices, the
/// parameters that differ from their defaults, and the events in date order.
std::string describe(const Scenario& scenario);

/// 0.5 -> "50%", 0.125 -> "12.5%" (to a tenth of a percent).
std::string format_percent(double share);

/// 1234567 -> "1,234,567".
std::string group_digits(std::int64_t value);

}  // namespace scamsim::scenario
