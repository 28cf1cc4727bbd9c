#include "sim/scenario/key_paths.hpp"

#include <algorithm>
#include <charconv>
#include <string>

#include <fmt/format.h>

namespace scamsim::scenario {

const toml::node* node_at(const toml::table& resolved, std::string_view key) {
  const toml::node* at = &resolved;
  while (at && !key.empty()) {
    const std::size_t dot = key.find('.');
    const std::string_view part = key.substr(0, dot);
    key = dot == std::string_view::npos ? std::string_view{} : key.substr(dot + 1);
    if (const auto* table = at->as_table()) {
      at = table->get(part);
    } else if (const auto* array = at->as_array()) {
      // An element by its position, or (events) by its id, as --set addresses them.
      std::size_t index = 0;
      const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), index);
      if (error == std::errc() && end == part.data() + part.size()) {
        at = index < array->size() ? array->get(index) : nullptr;
      } else {
        const auto it = std::find_if(array->begin(), array->end(), [&](const toml::node& element) {
          const auto* fields = element.as_table();
          const toml::node* id = fields ? fields->get(std::string_view("id")) : nullptr;
          return id && id->value<std::string>() == part;
        });
        at = it == array->end() ? nullptr : &*it;
      }
    } else {
      return nullptr;
    }
  }
  return at;
}

const ParameterInfo* parameter_entry(std::string_view key, const toml::table& resolved) {
  if (const auto* info = find_parameter(key)) return info;
  const auto first = key.find('.');
  const auto second = first == std::string_view::npos ? std::string_view::npos : key.find('.', first + 1);
  if (second == std::string_view::npos) return nullptr;
  const std::string group(key.substr(0, first));
  const std::string_view rest = key.substr(second);
  if (group == "events") {
    // Event fields are tabled by kind: events.<kind>.budget_usd_per_year.
    const toml::node* event = node_at(resolved, key.substr(0, second));
    const toml::node* kind = event && event->as_table() ? event->as_table()->get("kind") : nullptr;
    if (!kind || !kind->value<std::string>()) return nullptr;
    return find_parameter(fmt::format("events.{}{}", *kind->value<std::string>(), rest));
  }
  for (const char* placeholder : {"<id>", "<n>"}) {
    if (const auto* info = find_parameter(fmt::format("{}.{}{}", group, placeholder, rest))) return info;
  }
  return nullptr;
}

}  // namespace scamsim::scenario
