#pragma once
// The scenario's events in a results file: the table /scenario_event, one
// compound row per event (date, day, kind, target, id, fields, headline),
// with its kind an enum named after the one list of kinds
// (sim/scenario/events/kinds.hpp). docs/OUTPUT.md documents it.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sim/core/date.hpp"

namespace scamsim::scenario {
struct Scenario;
}

namespace scamsim::io {

namespace h5 {
class Group;
}

/// One scenario event, as a results file stores it.
struct ScenarioEventRow {
  Date date;               ///< the day it happens
  std::string kind{};      ///< its kind, e.g. "crackdown"
  std::string target{};    ///< the network's id, the country's, "a+b" for several, "" for region-wide
  std::string id{};        ///< its id in the scenario, "" if it has none
  std::string fields{};    ///< its numeric fields, "key=value; key=value" ("" in schema 1 files)
  std::string headline{};  ///< a phrase for plots, e.g. "Crackdown (more raids) in Cambodia" ("" in schema 1 files)

  friend bool operator==(const ScenarioEventRow&, const ScenarioEventRow&) = default;
};

/// The rows of a scenario's events, in date order (the order of Scenario::events).
std::vector<ScenarioEventRow> scenario_event_rows(const scenario::Scenario& scenario);

/// Writes the table /scenario_event under `root` (a compound type stored with it, not a named one, so that
/// netCDF readers skip it; and the dimension scale `scenario_event`). `start` is the run's first day,
/// from which each row's `day` counts. Throws h5::Error if a row's kind is not an event kind of this build.
void write_scenario_events(h5::Group& root, std::span<const ScenarioEventRow> rows, Date start);

/// Reads /scenario_event back. Files of schema version 1 hold "YYYY-MM-DD kind target" strings there; they
/// read into rows with empty id, fields and headline. Kinds are read by the names the file gives them, so a
/// file with kinds this build does not know still reads. Throws h5::Error if the table is malformed.
std::vector<ScenarioEventRow> read_scenario_events(const h5::Group& root, std::int64_t schema_version, Date start);

}  // namespace scamsim::io
