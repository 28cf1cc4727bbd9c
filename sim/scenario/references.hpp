#pragma once
// Resolving what a scenario table names (a country, a network, a site) to its
// id, with an error that suggests the closest name. Shared by the loader and
// the event kinds' readers. Internal to the scenario module.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "sim/core/error.hpp"
#include "sim/core/text.hpp"
#include "sim/scenario/spec.hpp"
#include "sim/scenario/toml_reader.hpp"

namespace scamsim::scenario::detail {

/// The index of the entity called `name`, or nullopt and an error at `where` naming the closest id.
template <class Spec>
std::optional<std::size_t> find_entity(const std::string& name, const std::vector<Spec>& entities,
                                       std::string_view what, SourceLocation where, std::string key_path,
                                       Diagnostics& diagnostics) {
  for (std::size_t i = 0; i < entities.size(); ++i) {
    if (entities[i].id == name) return i;
  }
  std::vector<std::string> ids;
  for (const auto& e : entities) ids.push_back(e.id);
  std::string message = fmt::format("no {} named '{}'", what, name);
  if (const std::string guess = closest_match(name, ids); !guess.empty()) {
    message += fmt::format("; did you mean '{}'?", guess);
  }
  diagnostics.error(std::move(where), std::move(key_path), std::move(message));
  return std::nullopt;
}

/// Resolves the string at `key` of a table to the index of the entity it names, reporting unknown names.
template <class Spec>
std::optional<std::size_t> reference(TableReader& r, std::string_view key, const std::vector<Spec>& entities,
                                     std::string_view what, Need need = Need::required) {
  const auto name = r.string(key, need);
  if (!name) return std::nullopt;
  return find_entity(*name, entities, what, r.where(key), r.key_path(key), r.diagnostics());
}

/// A reference to a country that must have a [host] table (sites, aftercare).
inline std::optional<CountryId> host_reference(TableReader& r, std::string_view key, const Scenario& s,
                                               Need need = Need::required) {
  const auto index = reference(r, key, s.countries, "country", need);
  if (!index) return std::nullopt;
  if (!s.countries[*index].host) {
    r.diagnostics().error(r.where(key), r.key_path(key),
                          fmt::format("country '{}' has no [host] table: only host countries have sites and aftercare",
                                      s.countries[*index].id));
    return std::nullopt;
  }
  return id_at<CountryId>(*index);
}

}  // namespace scamsim::scenario::detail
