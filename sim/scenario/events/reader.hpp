#pragma once
// What an event kind's read_references sees: the event's TOML table and the
// world read so far, with the ways to resolve the names it gives. Internal
// to the scenario module.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/spec.hpp"
#include "sim/scenario/toml_reader.hpp"

namespace scamsim::scenario::detail {

/// Resolves the references of one event; every failure is reported with its file, line and key.
class EventReader {
 public:
  /// `table` is the event's table; `scenario` holds the countries and networks read before events.
  EventReader(TableReader& table, const Scenario& scenario) : table_(table), scenario_(scenario) {}

  /// The world the event refers to.
  [[nodiscard]] const Scenario& scenario() const noexcept { return scenario_; }
  /// The event's table, for its numeric fields.
  [[nodiscard]] TableReader& table() noexcept { return table_; }
  /// Whether the event's table has `key` at all (for optional references).
  [[nodiscard]] bool has(std::string_view key) const;

  /// The network named at `key`; nullopt (reported) if missing or unknown.
  std::optional<NetworkId> network(std::string_view key);
  /// The country named at `key`; nullopt if unknown, or missing when required (reported).
  std::optional<CountryId> country(std::string_view key, Need need = Need::required);
  /// The country named at `key`, which must have a [host] table.
  std::optional<CountryId> host_country(std::string_view key);
  /// The distinct countries listed at `key` (an array of ids) into `out`; false if any is wrong (reported).
  bool country_list(std::string_view key, std::vector<CountryId>& out);

  /// Reports a problem with the value at `key`.
  void error(std::string_view key, std::string message);

 private:
  TableReader& table_;
  const Scenario& scenario_;
};

}  // namespace scamsim::scenario::detail
