#include "sim/scenario/events/crackdown.hpp"

#include "sim/scenario/events/kind_support.hpp"

namespace scamsim::scenario {

namespace {
using namespace detail::table_values;
const detail::Field<Crackdown> table[] = {
    SCAMSIM_EVENT_FIELD(Crackdown, "crackdown", capacity_factor, required, {0, 100}, "-", "Factor on raid capacity.",
                        "scenario"),
    SCAMSIM_EVENT_FIELD(Crackdown, "crackdown", duration_days, required, duration, "days",
                        "How long the campaign lasts.", "scenario"),
};
}  // namespace

std::span<const detail::Field<Crackdown>> fields(const Crackdown& /*event*/) { return table; }

bool read_references(detail::EventReader& r, Crackdown& event) {
  const auto country = r.country("country");
  if (country) event.country = *country;
  return country.has_value();
}

EventTarget target(const Scenario& /*s*/, const Crackdown& event) { return {std::nullopt, {event.country}}; }

std::string describe(const Scenario& s, const Crackdown& event) {
  return fmt::format("{}: raid capacity x{:g} for {:g} days", s.country(event.country).id, event.capacity_factor,
                     event.duration_days);
}

std::string headline(const Scenario& s, const Crackdown& event) {
  return fmt::format("Crackdown (more raids) in {}", s.country(event.country).name);
}

}  // namespace scamsim::scenario
