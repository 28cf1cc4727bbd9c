#include "sim/scenario/events/crypto_regulation.hpp"

#include "sim/scenario/events/kind_support.hpp"

namespace scamsim::scenario {

namespace {
using namespace detail::table_values;
const detail::Field<CryptoRegulation> table[] = {
    SCAMSIM_EVENT_FIELD(CryptoRegulation, "crypto_regulation", frozen_share, required, share, "share",
                        "New share of laundered money frozen.", "scenario"),
};
}  // namespace

std::span<const detail::Field<CryptoRegulation>> fields(const CryptoRegulation& /*event*/) { return table; }

bool read_references(detail::EventReader& r, CryptoRegulation& event) {
  if (!r.has("country")) return true;  // region-wide
  event.country = r.country("country", Need::optional);
  return event.country.has_value();
}

EventTarget target(const Scenario& /*s*/, const CryptoRegulation& event) {
  if (event.country) return {std::nullopt, {*event.country}};
  return {};
}

std::string describe(const Scenario& s, const CryptoRegulation& event) {
  return fmt::format("{}: frozen share of laundered money {}",
                     event.country ? s.country(*event.country).id : "everywhere", format_percent(event.frozen_share));
}

std::string headline(const Scenario& s, const CryptoRegulation& event) {
  return fmt::format("Crypto regulation: laundered money frozen ({})",
                     event.country ? s.country(*event.country).name : "region-wide");
}

}  // namespace scamsim::scenario
