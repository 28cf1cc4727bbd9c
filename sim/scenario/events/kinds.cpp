// The dispatchers of kinds.hpp. Each reaches a kind's handler through
// std::visit and overload resolution alone: there is no generic branch, so a
// kind without a handler is a compile error here, not a silent no-op.

#include "sim/scenario/events/kinds.hpp"

#include <array>
#include <utility>

#include "sim/scenario/events/kind_support.hpp"

namespace scamsim::scenario {

namespace {

template <std::size_t... I>
std::array<std::string, sizeof...(I)> names_of(std::index_sequence<I...> /*indices*/) {
  return {std::string(std::variant_alternative_t<I, EventPayload>::name)...};
}

const std::array kind_names = names_of(std::make_index_sequence<std::variant_size_v<EventPayload>>{});

template <std::size_t I = 0>
EventPayload payload_at(std::size_t index) {
  if constexpr (I + 1 < std::variant_size_v<EventPayload>) {
    if (index != I) return payload_at<I + 1>(index);
  }
  return EventPayload{std::in_place_index<I>};
}

// Shortest text that reads back as the same value: 0.3, 1e+06, 2025-01-01.
template <class T>
std::string field_value_text(const T& value) {
  if constexpr (std::is_same_v<T, Date>) {
    return value.to_string();
  } else {
    return fmt::format("{}", value);
  }
}

}  // namespace

std::span<const std::string> event_kind_names() { return kind_names; }

std::string_view event_kind_name(const EventPayload& payload) {
  return std::visit([](const auto& event) { return std::remove_cvref_t<decltype(event)>::name; }, payload);
}

std::optional<EventPayload> event_of_kind(std::string_view name) {
  for (std::size_t i = 0; i < kind_names.size(); ++i) {
    if (kind_names[i] == name) return payload_at(i);
  }
  return std::nullopt;
}

EventTarget event_target(const Scenario& s, const EventPayload& payload) {
  return std::visit([&](const auto& event) { return target(s, event); }, payload);
}

std::string event_target_text(const Scenario& s, const EventPayload& payload) {
  const EventTarget t = event_target(s, payload);
  if (t.network) return s.network(*t.network).id;
  std::string names;
  for (const CountryId c : t.countries) names += (names.empty() ? "" : "+") + s.country(c).id;
  return names;
}

std::string describe_event(const Scenario& s, const EventPayload& payload) {
  return std::visit([&](const auto& event) { return describe(s, event); }, payload);
}

std::string event_headline(const Scenario& s, const EventPayload& payload) {
  return std::visit([&](const auto& event) { return headline(s, event); }, payload);
}

std::string event_fields_text(const EventPayload& payload) {
  return std::visit(
      [](const auto& event) {
        std::string out;
        auto copy = event;  // the accessors take a mutable spec
        for (const auto& f : fields(event)) {
          const std::string value = std::visit([&](auto access) { return field_value_text(access(copy)); }, f.access);
          out += fmt::format("{}{}={}", out.empty() ? "" : "; ", f.leaf(), value);
        }
        return out;
      },
      payload);
}

namespace detail {

bool read_event(EventReader& r, EventPayload& payload) {
  return std::visit(
      [&](auto& event) {
        const bool references_ok = read_references(r, event);
        read_fields(r.table(), fields(event), event);
        return references_ok;
      },
      payload);
}

}  // namespace detail

}  // namespace scamsim::scenario
