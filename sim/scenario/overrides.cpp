// Stage 2 of loading a scenario: --set key.path=value on the merged document
// (docs/SCENARIOS.md, "Overrides").

#include "sim/scenario/overrides.hpp"

#include <algorithm>
#include <optional>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "sim/core/error.hpp"
#include "sim/core/text.hpp"
#include "sim/scenario/documents.hpp"

namespace scamsim::scenario::detail {

namespace {

std::vector<std::string> split_key_path(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    parts.emplace_back(path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts;
}

/// TOML basic-string literal for arbitrary text.
std::string quote_toml(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
      continue;
    }
    out += c;
  }
  return out + "\"";
}

/// The value of `--set k=TEXT`: TOML if it parses as a TOML value (0.05,
/// 2025-06-01, "x", [1, 2]), else the text as a string (so names need no
/// quotes). Either way the node's source names the flag, for error messages.
std::optional<toml::table> parse_override_value(std::string_view text, const std::string& flag) {
  if (line_of_overlong_key(text)) return std::nullopt;
  for (const std::string& document : {fmt::format("v = {}", text), fmt::format("v = {}", quote_toml(text))}) {
    try {
      toml::table holder = toml::parse(document, std::string(flag));
      if (holder.size() == 1 && holder.contains("v")) return holder;
    } catch (const toml::parse_error&) {
      // Not TOML as written: try it as a string.
    }
  }
  return std::nullopt;  // e.g. invalid UTF-8
}

/// Whether `text` is written as a decimal number (1e400, -12, 3.5): one that TOML refuses is out of range,
/// not a string, whatever the fallback to strings would make of it.
bool looks_like_number(std::string_view text) {
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t start = i;
    while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '_')) ++i;
    return i > start;
  };
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  if (!digits()) return false;
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == text.size();
}

/// Why --set cannot address element `segment` of the array at `walked`.
std::string no_element(const toml::array& array, std::string_view walked, std::string_view segment) {
  if (array.empty()) return fmt::format("'{}' is empty: it has no element '{}'", walked, segment);
  const std::size_t last = array.size() - 1;
  if (walked == "events") {
    return fmt::format("'{}' has no element '{}' (give a position from 0 to {} or an event's id)", walked, segment,
                       last);
  }
  // Only events have ids; other arrays of tables (operations) are addressed by position alone.
  return fmt::format("'{}' has no element '{}': its elements are addressed by position, from 0 to {}", walked, segment,
                     last);
}

/// The position in an array of the element named by index ("3") or by its table's `id`.
std::optional<std::size_t> find_in_array(const toml::array& array, const std::string& segment) {
  if (!segment.empty() && std::all_of(segment.begin(), segment.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    const std::size_t index = segment.size() > 6 ? array.size() : std::stoul(segment);
    return index < array.size() ? std::optional(index) : std::nullopt;
  }
  for (std::size_t i = 0; i < array.size(); ++i) {
    if (event_id(*array.get(i)) == segment) return i;
  }
  return std::nullopt;
}

}  // namespace

void apply_override(toml::table& root, const std::string& flag, Diagnostics& diagnostics) {
  constexpr std::size_t shown = 100;  // name a huge flag without repeating all of it
  const std::string display = "--set " + (flag.size() > shown ? flag.substr(0, shown) + "..." : flag);
  const SourceLocation where{display, 0, 0};
  const std::size_t eq = flag.find('=');
  if (eq == std::string::npos || eq == 0) {
    diagnostics.error(where, {}, "expected key.path=value, e.g. --set run.scale=0.05");
    return;
  }
  const std::string key_path = flag.substr(0, std::min(eq, shown));  // as shown in messages
  const std::string_view value_text = std::string_view(flag).substr(eq + 1);
  if (value_text.find_first_of("\r\n") != std::string_view::npos) {
    diagnostics.error(where, key_path, "the value must be on one line");
    return;
  }
  const auto segments = split_key_path(std::string_view(flag).substr(0, eq));
  if (std::any_of(segments.begin(), segments.end(), [](const std::string& s) { return s.empty(); })) {
    diagnostics.error(where, key_path, "key path has an empty part");
    return;
  }
  if (segments.size() > max_key_parts) {
    diagnostics.error(where, key_path, fmt::format("key path has more than {} parts", max_key_parts));
    return;
  }
  if (segments.front() == "base") {
    // Base files are merged before overrides apply: a new `base` would be ignored.
    diagnostics.error(where, key_path, "'base' cannot be set with --set; write a file based on the scenario instead");
    return;
  }
  auto holder = parse_override_value(value_text, display);
  if (holder && holder->get("v")->is_string() && looks_like_number(value_text)) {
    diagnostics.error(where, key_path,
                      fmt::format("{} is not a number TOML can hold: out of range (a number must be finite, at "
                                  "most about 1.8e308; a whole number at most 9.2e18) or written with a leading "
                                  "zero; to give it as text, quote it ('\"{}\"')",
                                  value_text, value_text));
    return;
  }
  if (!holder) {
    diagnostics.error(where, key_path, "the value is neither TOML nor valid UTF-8 text");
    return;
  }
  toml::node& value = *holder->get("v");
  toml::source_region region;
  region.path = source_path(display);

  toml::node* current = &root;
  std::string walked;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& segment = segments[i];
    const bool last = i + 1 == segments.size();
    if (auto* table = current->as_table()) {
      if (last) {
        table->insert_or_assign(toml::key(segment, region), std::move(value));
        return;
      }
      toml::node* child = table->get(segment);
      if (!child) child = &table->insert_or_assign(toml::key(segment, region), toml::table{}).first->second;
      current = child;
    } else if (auto* array = current->as_array()) {
      const auto index = find_in_array(*array, segment);
      if (!index) {
        diagnostics.error(where, key_path, no_element(*array, walked, segment));
        return;
      }
      if (last) {
        array->replace(array->begin() + static_cast<std::ptrdiff_t>(*index), std::move(value));
        return;
      }
      current = array->get(*index);
    } else {
      diagnostics.error(where, key_path,
                        fmt::format("'{}' is {}, which has no key '{}'", walked, describe_node(*current), segment));
      return;
    }
    walked += (walked.empty() ? "" : ".") + segment;
  }
}

}  // namespace scamsim::scenario::detail
