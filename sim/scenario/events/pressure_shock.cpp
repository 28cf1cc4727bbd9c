#include "sim/scenario/events/pressure_shock.hpp"

#include "sim/scenario/events/kind_support.hpp"

namespace scamsim::scenario {

namespace {
using namespace detail::table_values;
const detail::Field<PressureShock> table[] = {
    SCAMSIM_EVENT_FIELD(PressureShock, "pressure_shock", pressure_shock, required, share, "-", "Pressure added.",
                        "scenario"),
};
}  // namespace

std::span<const detail::Field<PressureShock>> fields(const PressureShock& /*event*/) { return table; }

bool read_references(detail::EventReader& r, PressureShock& event) {
  const auto country = r.country("country");
  if (country) event.country = *country;
  return country.has_value();
}

EventTarget target(const Scenario& /*s*/, const PressureShock& event) { return {std::nullopt, {event.country}}; }

std::string describe(const Scenario& s, const PressureShock& event) {
  return fmt::format("{}: pressure +{:g}", s.country(event.country).id, event.pressure_shock);
}

std::string headline(const Scenario& s, const PressureShock& event) {
  return fmt::format("Pressure rises on {}", s.country(event.country).name);
}

}  // namespace scamsim::scenario
