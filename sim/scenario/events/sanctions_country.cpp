#include "sim/scenario/events/sanctions_country.hpp"

#include "sim/scenario/events/kind_support.hpp"

namespace scamsim::scenario {

namespace {
using namespace detail::table_values;
const detail::Field<SanctionCountry> table[] = {
    SCAMSIM_EVENT_FIELD(SanctionCountry, "sanctions_country", pressure_shock, required, share, "-", "Pressure added.",
                        "scenario"),
};
}  // namespace

std::span<const detail::Field<SanctionCountry>> fields(const SanctionCountry& /*event*/) { return table; }

bool read_references(detail::EventReader& r, SanctionCountry& event) {
  const auto country = r.country("country");
  if (country) event.country = *country;
  return country.has_value();
}

EventTarget target(const Scenario& /*s*/, const SanctionCountry& event) { return {std::nullopt, {event.country}}; }

std::string describe(const Scenario& s, const SanctionCountry& event) {
  return fmt::format("{}: pressure +{:g}", s.country(event.country).id, event.pressure_shock);
}

std::string headline(const Scenario& s, const SanctionCountry& event) {
  return fmt::format("Sanctions on {}", s.country(event.country).name);
}

}  // namespace scamsim::scenario
