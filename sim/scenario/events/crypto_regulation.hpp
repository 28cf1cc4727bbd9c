#pragma once
// The `crypto_regulation` event kind: regulation that freezes a share of laundered crypto (everywhere, or one country).
// Its handlers are in crypto_regulation.cpp; its effect on the world is
// apply(const CryptoRegulation&, ...) in sim/model/phases/events.cpp.

#include "sim/scenario/events/kind.hpp"

namespace scamsim::scenario {

/// Regulation that freezes a share of laundered crypto (everywhere, or one country).
struct CryptoRegulation {
  static constexpr std::string_view name = "crypto_regulation";  ///< the kind as scenario files write it
  std::optional<CountryId> country;
  double frozen_share = 0;
};

// The kind's handlers; sim/scenario/events/kind.hpp says what each does.
std::span<const detail::Field<CryptoRegulation>> fields(const CryptoRegulation& event);
bool read_references(detail::EventReader& r, CryptoRegulation& event);
EventTarget target(const Scenario& s, const CryptoRegulation& event);
std::string describe(const Scenario& s, const CryptoRegulation& event);
std::string headline(const Scenario& s, const CryptoRegulation& event);

}  // namespace scamsim::scenario
