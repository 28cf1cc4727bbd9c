#pragma once
// What every event kind's header declares, and the declarations it needs.
// An event kind (MODEL.md section 6) lives in sim/scenario/events/<kind>.hpp
// and .cpp: its spec struct with its name, and five functions that the
// dispatchers of kinds.hpp reach through one std::visit each, so that a kind
// listed in EventPayload without one of them does not compile:
//
//   fields(const K&)                    its numeric fields: the parameter table's "events.<kind>.*" rows
//   read_references(EventReader&, K&)   reads and checks what it names (a network, a country, ...)
//   target(const Scenario&, const K&)   the network and countries it concerns
//   describe(const Scenario&, const K&) one line for `scamsim validate`
//   headline(const Scenario&, const K&) a phrase for plots, stored in result files
//
// Its effect on the world is `apply(const K&, EventContext&)` in
// sim/model/phases/events.cpp (the engine side stays in the model).

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/ids.hpp"

namespace scamsim::scenario {

struct Scenario;

namespace detail {
template <class Spec>
struct Field;
class EventReader;
}  // namespace detail

/// What an event concerns: a network (and its home country), one country, several, or none (region-wide).
struct EventTarget {
  std::optional<NetworkId> network;  ///< the network it is aimed at, if any
  std::vector<CountryId> countries;  ///< a network's home, the country, or the countries sharing; empty: everywhere

  /// The one country it is aimed at (a network's home included); nullopt for several or none.
  [[nodiscard]] std::optional<CountryId> country() const {
    return countries.size() == 1 ? std::optional(countries.front()) : std::nullopt;
  }
};

}  // namespace scamsim::scenario
