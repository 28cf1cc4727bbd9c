#pragma once
// The `aftercare_budget` event kind: a new yearly aftercare budget for a host country.
// Its handlers are in aftercare_budget.cpp; its effect on the world is
// apply(const AftercareBudget&, ...) in sim/model/phases/events.cpp.
#include <cstdint>

#include "sim/scenario/events/kind.hpp"

namespace scamsim::scenario {

/// A new yearly aftercare budget for a host country.
struct AftercareBudget {
  static constexpr std::string_view name = "aftercare_budget";  ///< the kind as scenario files write it
  CountryId country{};
  std::int64_t budget_usd_per_year = 0;
};

// The kind's handlers; sim/scenario/events/kind.hpp says what each does.
std::span<const detail::Field<AftercareBudget>> fields(const AftercareBudget& event);
bool read_references(detail::EventReader& r, AftercareBudget& event);
EventTarget target(const Scenario& s, const AftercareBudget& event);
std::string describe(const Scenario& s, const AftercareBudget& event);
std::string headline(const Scenario& s, const AftercareBudget& event);

}  // namespace scamsim::scenario
