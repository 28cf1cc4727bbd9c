// Stage 1 of loading a scenario: the file and the files it is based on,
// parsed and merged into one document (docs/SCENARIOS.md, "Bases").

#include "sim/scenario/documents.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "sim/core/error.hpp"
#include "sim/core/text.hpp"
#include "sim/scenario/loader.hpp"

namespace scamsim::scenario::detail {

namespace fs = std::filesystem;

/// toml++ builds one nested table per part of a dotted key and frees them
/// recursively, so a key of a million parts overflows the stack. This scan
/// finds the line of a key with more than max_key_parts parts before
/// parsing: it counts runs of `part.part.part` outside strings and comments,
/// a part being a bare word or a quoted string (a float like 1.5 is a run
/// of two, harmless).
std::optional<int> line_of_overlong_key(std::string_view text) {
  int line = 1;
  int parts = 0;
  std::size_t i = 0;
  const auto is_bare = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '+';
  };
  while (i < text.size()) {
    const char c = text[i];
    bool part_ended = false;
    if (c == '\n') {
      ++line;
      ++i;
      parts = 0;
    } else if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == '"' || c == '\'') {
      const bool triple = text.substr(i, 3) == std::string(3, c);
      const std::string_view close = triple ? text.substr(i, 3) : text.substr(i, 1);
      i += close.size();
      while (i < text.size() && text.substr(i, close.size()) != close) {
        if (text[i] == '\\' && c == '"')
          ++i;
        else if (text[i] == '\n')
          ++line;
        ++i;
      }
      i += close.size();
      part_ended = true;
    } else if (is_bare(c)) {
      while (i < text.size() && is_bare(text[i])) ++i;
      part_ended = true;
    } else {
      ++i;
      if (c != ' ' && c != '\t') parts = 0;
    }
    if (!part_ended) continue;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (i < text.size() && text[i] == '.') {
      ++i;
      if (++parts >= max_key_parts) return line;
    } else {
      parts = 0;
    }
  }
  return std::nullopt;
}

namespace {

constexpr int max_nesting_depth = 32;

/// Parses one document; on a syntax error records it and returns nullopt.
std::optional<toml::table> parse_document(std::string_view text, const std::string& name, Diagnostics& diagnostics) {
  if (const auto line = line_of_overlong_key(text)) {
    diagnostics.error(
        {name, *line, 0}, {},
        fmt::format("a key has more than {} dotted parts; no scenario key is nested that deep", max_key_parts));
    return std::nullopt;
  }
  try {
    return toml::parse(text, std::string(name));
  } catch (const toml::parse_error& e) {
    diagnostics.error(location_of(e.source(), name), {}, fmt::format("not valid TOML: {}", e.description()));
    return std::nullopt;
  }
}

}  // namespace

std::shared_ptr<const std::string> source_path(std::string name) {
  return std::make_shared<const std::string>(std::move(name));
}

/// Reads a whole file, refusing what is not a regular file or is too large; errors are located at `referrer`
/// (the `base` key naming the file, or the file itself).
std::optional<std::string> read_file(const fs::path& path, const std::string& name, SourceLocation referrer,
                                     std::string_view key, Diagnostics& diagnostics) {
  FileText file = read_input_file(path, max_scenario_file_bytes);
  if (!file.text)
    diagnostics.error(std::move(referrer), std::string(key), fmt::format("file '{}' {}", name, file.problem));
  return std::move(file.text);
}

std::optional<std::string> event_id(const toml::node& node) {
  if (const auto* t = node.as_table()) {
    if (const auto* id = t->get_as<std::string>("id")) return **id;
  }
  return std::nullopt;
}

namespace {

/// Events add to the base's list; an event with the id of a base event replaces it.
/// Only the base's own events can be replaced, each once: two events of one
/// file with the same id both stay, so that the schema check reports the duplicate.
void merge_events(toml::array& base, toml::array&& over) {
  std::vector<bool> replaced(base.size(), false);
  for (auto& event : over) {
    const auto id = event_id(event);
    std::size_t same = 0;
    while (same < replaced.size() && (!id || replaced[same] || event_id(*base.get(same)) != id)) ++same;
    if (same < replaced.size()) {
      base.replace(base.begin() + static_cast<std::ptrdiff_t>(same), std::move(event));
      replaced[same] = true;
    } else {
      base.push_back(std::move(event));
    }
  }
}

/// Overlays `over` on `base`: tables merge key by key, anything else replaces.
void merge_tables(toml::table& base, toml::table&& over, int depth, const std::string& name, Diagnostics& diagnostics) {
  if (depth > max_nesting_depth) {
    diagnostics.error(location_of(over.source(), name), {},
                      fmt::format("tables nested deeper than {} levels", max_nesting_depth));
    return;
  }
  for (auto&& [key, node] : over) {
    toml::node* existing = base.get(key.str());
    if (existing && existing->is_table() && node.is_table()) {
      merge_tables(*existing->as_table(), std::move(*node.as_table()), depth + 1, name, diagnostics);
    } else if (existing && existing->is_array() && node.is_array() && key.str() == "events") {
      merge_events(*existing->as_array(), std::move(*node.as_array()));
    } else {
      base.insert_or_assign(toml::key(key), std::move(node));
    }
  }
}

}  // namespace

std::optional<toml::table> DocumentLoader::load(std::string_view text, const std::string& name, const fs::path& path) {
  files.push_back(name);
  auto doc = parse_document(text, name, diagnostics);
  if (!doc) return std::nullopt;
  const toml::node* base_node = doc->get("base");
  if (!base_node) return doc;
  const auto* base_name = base_node->as_string();
  if (!base_name) {
    diagnostics.error(location_of(base_node->source(), name), "base",
                      fmt::format("expected a string (a file name), got {}", describe_node(*base_node)));
    return std::nullopt;
  }
  const SourceLocation where = location_of(base_node->source(), name);
  if (const std::string bad = first_control_character(**base_name); !bad.empty()) {
    // A NUL would silently cut the path short; other control characters make a name no one can type.
    diagnostics.error(where, "base", fmt::format("a file name cannot hold control characters (it holds {})", bad));
    return std::nullopt;
  }
  if (static_cast<int>(chain.size()) > max_base_depth) {  // chain: this file and those based on it
    diagnostics.error(where, "base", fmt::format("scenarios are based on others more than {} deep", max_base_depth));
    return std::nullopt;
  }
  const fs::path base_path = (path.parent_path() / std::string(**base_name)).lexically_normal();
  const std::string base_display = base_path.string();
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(base_path, ec);
  if (std::find(chain.begin(), chain.end(), canonical) != chain.end()) {
    std::string cycle;
    for (const auto& f : files) cycle += f + " -> ";
    diagnostics.error(where, "base", fmt::format("base files form a cycle: {}{}", cycle, base_display));
    return std::nullopt;
  }
  auto base_text = read_file(base_path, base_display, where, "base", diagnostics);
  if (!base_text) return std::nullopt;
  chain.push_back(canonical);
  auto base = load(*base_text, base_display, base_path);
  chain.pop_back();
  if (!base) return std::nullopt;
  doc->erase("base");
  merge_tables(*base, std::move(*doc), 0, name, diagnostics);
  return base;
}

}  // namespace scamsim::scenario::detail
