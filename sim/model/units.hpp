#pragma once
// Calendar units the model converts rates with. One home, so that a rate
// "per month" means the same number of days in every phase.

namespace scamsim::model {

/// Days in a mean month of a 365.25-day (Julian) year, 365.25 / 12: rates per
/// month over this are rates per day.
inline constexpr double days_per_month = 30.4375;

/// Days in a model year: rates per year over this are rates per day.
inline constexpr double days_per_year = 365.0;

}  // namespace scamsim::model
