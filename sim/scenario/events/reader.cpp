#include "sim/scenario/events/reader.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "sim/scenario/references.hpp"

namespace scamsim::scenario::detail {

bool EventReader::has(std::string_view key) const { return table_.raw().contains(key); }

std::optional<NetworkId> EventReader::network(std::string_view key) {
  const auto index = reference(table_, key, scenario_.networks, "network");
  return index ? std::optional(id_at<NetworkId>(*index)) : std::nullopt;
}

std::optional<CountryId> EventReader::country(std::string_view key, Need need) {
  const auto index = reference(table_, key, scenario_.countries, "country", need);
  return index ? std::optional(id_at<CountryId>(*index)) : std::nullopt;
}

std::optional<CountryId> EventReader::host_country(std::string_view key) {
  return host_reference(table_, key, scenario_);
}

bool EventReader::country_list(std::string_view key, std::vector<CountryId>& out) {
  const toml::array* names = table_.array(key, Need::required);
  if (!names) return false;
  bool ok = true;
  for (std::size_t i = 0; i < names->size(); ++i) {
    const toml::node& node = *names->get(i);
    const std::string path = fmt::format("{}[{}]", table_.key_path(key), i);
    const SourceLocation where = location_of(node.source(), table_.fallback_file());
    const auto* name = node.as_string();
    if (!name) {
      table_.diagnostics().error(where, path, fmt::format("expected a country id, got {}", describe_node(node)));
      ok = false;
      continue;
    }
    const auto index =
        find_entity(std::string(**name), scenario_.countries, "country", where, path, table_.diagnostics());
    if (!index) {
      ok = false;
    } else if (std::find(out.begin(), out.end(), id_at<CountryId>(*index)) != out.end()) {
      table_.diagnostics().error(where, path, fmt::format("country '{}' is listed twice", **name));
      ok = false;
    } else {
      out.push_back(id_at<CountryId>(*index));
    }
  }
  return ok;
}

void EventReader::error(std::string_view key, std::string message) {
  table_.diagnostics().error(table_.where(key), table_.key_path(key), std::move(message));
}

}  // namespace scamsim::scenario::detail
