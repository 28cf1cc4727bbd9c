#include "sim/scenario/events/aftercare_budget.hpp"

#include "sim/scenario/events/kind_support.hpp"

namespace scamsim::scenario {

namespace {
using namespace detail::table_values;
const detail::Field<AftercareBudget> table[] = {
    SCAMSIM_EVENT_FIELD(AftercareBudget, "aftercare_budget", budget_usd_per_year, required, money, "USD/year",
                        "The new yearly aftercare budget.", "scenario"),
};
}  // namespace

std::span<const detail::Field<AftercareBudget>> fields(const AftercareBudget& /*event*/) { return table; }

bool read_references(detail::EventReader& r, AftercareBudget& event) {
  const auto country = r.host_country("country");
  if (country) event.country = *country;
  return country.has_value();
}

EventTarget target(const Scenario& /*s*/, const AftercareBudget& event) { return {std::nullopt, {event.country}}; }

std::string describe(const Scenario& s, const AftercareBudget& event) {
  return fmt::format("{}: aftercare budget {} USD/year", s.country(event.country).id,
                     group_digits(event.budget_usd_per_year));
}

std::string headline(const Scenario& s, const AftercareBudget& event) {
  return fmt::format("New aftercare budget in {}", s.country(event.country).name);
}

}  // namespace scamsim::scenario
