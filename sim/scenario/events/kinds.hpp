#pragma once
// The one list of event kinds (MODEL.md section 6), and the dispatchers that
// reach each kind's handlers. Every dispatcher is one std::visit over the
// kind's overloads, with no generic fallback: a kind added to EventPayload
// without its handlers (sim/scenario/events/kind.hpp) does not compile.
//
// A new kind: write <kind>.hpp and <kind>.cpp here, add it to EventPayload
// below (its position is its code in result files: append, never reorder),
// and write its apply() in sim/model/phases/events.cpp.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "sim/scenario/events/aftercare_budget.hpp"
#include "sim/scenario/events/ai_capability.hpp"
#include "sim/scenario/events/awareness_campaign.hpp"
#include "sim/scenario/events/crackdown.hpp"
#include "sim/scenario/events/crypto_regulation.hpp"
#include "sim/scenario/events/intelligence_sharing.hpp"
#include "sim/scenario/events/kind.hpp"
#include "sim/scenario/events/kingpin_arrest.hpp"
#include "sim/scenario/events/pressure_shock.hpp"
#include "sim/scenario/events/sanctions_country.hpp"
#include "sim/scenario/events/sanctions_network.hpp"

namespace scamsim::scenario {

/// Every event kind, in the order of their codes in result files.
using EventPayload =
    std::variant<SanctionNetwork, SanctionCountry, KingpinArrest, PressureShock, Crackdown, AftercareBudget,
                 IntelligenceSharing, CryptoRegulation, AwarenessCampaign, AiCapability>;

/// The names of the event kinds, as written in scenario files, in the order of EventPayload.
std::span<const std::string> event_kind_names();
/// The kind name of an event ("sanctions_network", ...).
std::string_view event_kind_name(const EventPayload& payload);
/// An event of the kind called `name`, its fields zero; nullopt if no kind has that name.
std::optional<EventPayload> event_of_kind(std::string_view name);

/// What the event concerns: its network and the countries it is aimed at.
EventTarget event_target(const Scenario& s, const EventPayload& payload);
/// The target as text: the network's id, else the countries' ids joined by '+', else "" (region-wide).
std::string event_target_text(const Scenario& s, const EventPayload& payload);
/// One line on what the event does, for `scamsim validate`.
std::string describe_event(const Scenario& s, const EventPayload& payload);
/// A phrase for plots: "Crackdown (more raids) in Cambodia".
std::string event_headline(const Scenario& s, const EventPayload& payload);
/// The event's numeric fields as "key=value; key=value", in the order of the parameter table.
std::string event_fields_text(const EventPayload& payload);

namespace detail {
/// Reads an event's references, then its numeric fields; false if a reference is missing or wrong.
bool read_event(EventReader& r, EventPayload& payload);
}  // namespace detail

}  // namespace scamsim::scenario
