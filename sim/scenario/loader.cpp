// Loading a scenario runs in three stages, each collecting every problem it
// finds before the next begins:
//   1. documents: parse the file and the files it is based on, merge them;
//   2. overrides: apply --set key.path=value to the merged document;
//   3. schema: read the document into the spec structs, checking types,
//      ranges and references, then the cross-checks between entities.

#include "sim/scenario/loader.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "sim/core/error.hpp"
#include "sim/core/text.hpp"
#include "sim/scenario/events/reader.hpp"
#include "sim/scenario/fields.hpp"
#include "sim/scenario/references.hpp"
#include "sim/scenario/toml_reader.hpp"

namespace scamsim::scenario {

namespace fs = std::filesystem;
using detail::Diagnostics;
using detail::find_entity;
using detail::host_reference;
using detail::location_of;
using detail::Need;
using detail::reference;
using detail::TableReader;

// ---- Run settings ----------------------------------------------------------

Date RunSettings::end_date() const {
  // Whole years by the calendar (2025-01-01 + 5 years = 2030-01-01), the
  // fraction at the mean Gregorian year length.
  const double whole = std::floor(years);
  const int y = start_date.year() + static_cast<int>(whole);
  const unsigned d = std::min(start_date.day(), start_date.month() == 2 ? 28u : start_date.day());
  const Date anniversary = Date::from_ymd(y, start_date.month(), d).value_or(start_date);
  return anniversary.plus_days(static_cast<int>(std::lround((years - whole) * 365.2425)));
}

std::int64_t RunSettings::steps() const {
  const std::int64_t days = end_date().days_after(start_date);
  return std::max<std::int64_t>(1, (days + dt_days - 1) / std::max<std::int64_t>(1, dt_days));
}

namespace {
constexpr int max_nesting_depth = 32;
}  // namespace

// ---- Stage 1: documents ----------------------------------------------------

namespace {

std::shared_ptr<const std::string> source_path(std::string name) {
  return std::make_shared<const std::string>(std::move(name));
}

/// Keys of the schema have at most a handful of parts ("countries.x.host.y").
constexpr int max_key_parts = 32;

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

/// Reads a whole file, refusing what is not a regular file or is too large; errors are located at `referrer`
/// (the `base` key naming the file, or the file itself).
std::optional<std::string> read_file(const fs::path& path, const std::string& name, SourceLocation referrer,
                                     std::string_view key, Diagnostics& diagnostics) {
  detail::FileText file = detail::read_input_file(path, max_scenario_file_bytes);
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

struct DocumentLoader {
  Diagnostics& diagnostics;
  std::vector<std::string> files;  // display names, outermost first
  std::vector<fs::path> chain;     // canonical paths of the files being loaded, for cycles

  /// The document `text` (named `name`, found at `path`) merged over its bases.
  std::optional<toml::table> load(std::string_view text, const std::string& name, const fs::path& path) {
    files.push_back(name);
    auto doc = parse_document(text, name, diagnostics);
    if (!doc) return std::nullopt;
    const toml::node* base_node = doc->get("base");
    if (!base_node) return doc;
    const auto* base_name = base_node->as_string();
    if (!base_name) {
      diagnostics.error(location_of(base_node->source(), name), "base",
                        fmt::format("expected a string (a file name), got {}", detail::describe_node(*base_node)));
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
};

// ---- Stage 2: overrides ----------------------------------------------------

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
      diagnostics.error(
          where, key_path,
          fmt::format("'{}' is {}, which has no key '{}'", walked, detail::describe_node(*current), segment));
      return;
    }
    walked += (walked.empty() ? "" : ".") + segment;
  }
}

// ---- Stage 3: schema -------------------------------------------------------

const toml::table& empty_table() {
  static const toml::table empty;
  return empty;
}

/// Reads a world from the merged document. One instance per load.
class SchemaReader {
 public:
  SchemaReader(const toml::table& root, std::string file, Diagnostics& diagnostics)
      : root_(root), file_(std::move(file)), diagnostics_(diagnostics) {}

  Scenario read() {
    TableReader r(root_, {}, file_, diagnostics_);
    Scenario s;
    s.name = r.name("name").value_or(fs::path(file_).stem().string());
    s.description = r.text("description").value_or("");
    r.accept("base");  // consumed by stage 1; only a non-string is left here
    read_run(r, s.run);
    read_parameters(r, s.params);
    read_countries(r, s);
    if (s.countries.empty()) {
      // [countries] is missing or wrong, which is reported: everything else
      // names countries, so reading it would only repeat "no country named".
      (void)r.table("matrices", Need::required);  // but do say if it is missing too
      for (const char* key : {"sites", "networks", "operations", "events"}) r.accept(key);
    } else {
      read_sites(r, s);
      read_networks(r, s);
      read_operations(r, s);
      read_matrices(r, s);
      read_events(r, s);
    }
    r.report_unknown_keys();
    if (diagnostics_.empty()) check_world(r, s);
    return s;
  }

 private:
  void read_run(TableReader& root, RunSettings& run) {
    const toml::table* table = root.table("run", Need::required);
    if (!table) return;  // one error for the missing table, not one per key
    const std::size_t errors_before = diagnostics_.size();
    TableReader r(*table, "run", file_, diagnostics_);
    r.fields(detail::run_fields(), run);
    r.report_unknown_keys();
    run_ok_ = diagnostics_.size() == errors_before;
    if (!run_ok_) return;
    // The run must end in the calendar we count in, and last at least one step.
    if (run.start_date.year() + std::ceil(run.years) > 9999) {
      diagnostics_.error(r.where("years"), "run.years", "the run would end after the year 9999");
      run_ok_ = false;
    } else if (run.end_date().days_after(run.start_date) < run.dt_days) {
      diagnostics_.error(r.where("years"), "run.years",
                         fmt::format("the run lasts {} days, less than one step of {} days",
                                     run.end_date().days_after(run.start_date), run.dt_days));
      run_ok_ = false;
    }
  }

  void read_parameters(TableReader& root, Parameters& params) {
    // The groups are the first parts of the keys in the table ("pressure").
    std::vector<std::string_view> groups;
    for (const auto& f : detail::parameter_fields()) {
      const std::string_view group = f.info.key.substr(0, f.info.key.find('.'));
      if (std::find(groups.begin(), groups.end(), group) == groups.end()) groups.push_back(group);
    }
    for (const std::string_view group : groups) {
      const toml::table* table = root.table(group);
      TableReader r(table ? *table : empty_table(), std::string(group), file_, diagnostics_);
      for (const auto& f : detail::parameter_fields()) {
        if (f.info.key.starts_with(group) && f.info.key[group.size()] == '.') r.field(f, params);
      }
      r.report_unknown_keys();
    }
  }

  /// Calls `each(id, reader)` for every entry of a table of named entities.
  template <class Each>
  void for_each_entity(TableReader& root, std::string_view key, Need need, Each&& each) {
    const toml::table* table = root.table(key, need);
    if (!table) return;
    if (table->empty() && need == Need::required) {
      diagnostics_.error(root.where(key), std::string(key), "must define at least one entry");
    }
    for (const auto& [id_key, node] : *table) {
      const std::string id(id_key.str());
      const std::string path = fmt::format("{}.{}", key, id);
      if (!is_identifier(id)) {
        diagnostics_.error(location_of(id_key.source(), file_), path,
                           "ids must be lowercase letters, digits and '_', starting with a letter (at most 64)");
      }
      const auto* entity = node.as_table();
      if (!entity) {
        diagnostics_.error(location_of(node.source(), file_), path,
                           fmt::format("expected a table, got {}", detail::describe_node(node)));
        continue;
      }
      TableReader r(*entity, path, file_, diagnostics_);
      each(id, r);
      r.report_unknown_keys();
    }
  }

  void read_countries(TableReader& root, Scenario& s) {
    for_each_entity(root, "countries", Need::required, [&](const std::string& id, TableReader& r) {
      CountrySpec c;
      c.id = id;
      c.name = r.name("name").value_or(id);
      r.fields(detail::country_fields(), c);
      if (const toml::table* host = r.table("host")) {
        TableReader hr(*host, r.key_path("host"), file_, diagnostics_);
        hr.fields(detail::host_fields(), c.host.emplace());
        hr.report_unknown_keys();
      } else if (r.raw().contains("host")) {
        c.host.emplace();  // of the wrong type, reported: still a host, so its sites raise no more errors
      }
      if (const toml::table* origin = r.table("origin")) {
        TableReader orr(*origin, r.key_path("origin"), file_, diagnostics_);
        orr.fields(detail::origin_fields(), c.origin.emplace());
        orr.report_unknown_keys();
      } else if (r.raw().contains("origin")) {
        c.origin.emplace();  // likewise
      }
      if (!c.host && !c.origin && !r.raw().contains("host") && !r.raw().contains("origin")) {
        diagnostics_.error(r.where(), fmt::format("countries.{}", id),
                           "a country needs a [host] table, an [origin] table, or both");
      }
      s.countries.push_back(std::move(c));
    });
    if (s.countries.size() > std::numeric_limits<std::uint16_t>::max()) {
      diagnostics_.error(root.where("countries"), "countries", "too many countries (at most 65535)");
    }
  }

  void read_sites(TableReader& root, Scenario& s) {
    for_each_entity(root, "sites", Need::optional, [&](const std::string& id, TableReader& r) {
      SiteSpec site;
      site.id = id;
      site.name = r.name("name").value_or(id);
      if (auto country = host_reference(r, "country", s)) site.country = *country;
      if (auto kind = r.string("kind")) {
        static const std::vector<std::string> kinds = {"special_economic_zone", "border_town", "city_district",
                                                       "other"};
        const auto it = std::find(kinds.begin(), kinds.end(), *kind);
        if (it == kinds.end()) {
          std::string message = fmt::format("unknown site kind '{}'; expected one of {}", *kind, quoted_list(kinds));
          if (const std::string guess = closest_match(*kind, kinds); !guess.empty()) {
            message = fmt::format("unknown site kind '{}'; did you mean '{}'?", *kind, guess);
          }
          diagnostics_.error(r.where("kind"), r.key_path("kind"), std::move(message));
        } else {
          site.kind = static_cast<SiteKind>(it - kinds.begin());
        }
      }
      s.sites.push_back(std::move(site));
    });
  }

  void read_networks(TableReader& root, Scenario& s) {
    for_each_entity(root, "networks", Need::optional, [&](const std::string& id, TableReader& r) {
      NetworkSpec n;
      n.id = id;
      n.name = r.name("name").value_or(id);
      n.head = r.name("head").value_or("");
      if (auto home = reference(r, "home_country", s.countries, "country")) n.home_country = id_at<CountryId>(*home);
      r.fields(detail::network_fields(), n);
      s.networks.push_back(std::move(n));
    });
  }

  /// Calls `each(index, reader)` for every table of an array of tables.
  template <class Each>
  void for_each_in_array(TableReader& root, std::string_view key, Each&& each) {
    const toml::array* array = root.array(key);
    if (!array) return;
    for (std::size_t i = 0; i < array->size(); ++i) {
      const toml::node& node = *array->get(i);
      const std::string path = fmt::format("{}.{}", key, i);  // as --set addresses it
      const auto* table = node.as_table();
      if (!table) {
        diagnostics_.error(location_of(node.source(), file_), path,
                           fmt::format("expected a table ([[{}]]), got {}", key, detail::describe_node(node)));
        continue;
      }
      TableReader r(*table, path, file_, diagnostics_);
      each(i, r);
      r.report_unknown_keys();
    }
  }

  void read_operations(TableReader& root, Scenario& s) {
    for_each_in_array(root, "operations", [&](std::size_t, TableReader& r) {
      OperationGroupSpec g;
      const auto network = reference(r, "network", s.networks, "network");
      const auto site = reference(r, "site", s.sites, "site");
      r.fields(detail::operation_fields(), g);
      if (network && site) {
        g.network = id_at<NetworkId>(*network);
        g.site = id_at<SiteId>(*site);
        s.operations.push_back(g);
      }
    });
  }

  template <class T>
  std::vector<T> read_matrix(TableReader& r, std::string_view key, const ParameterInfo& info,
                             const std::vector<std::size_t>& order, std::size_t n) {
    std::vector<T> out(n * n, info.default_value ? static_cast<T>(*info.default_value) : T{});
    const toml::array* rows = r.array(key, info.default_value ? Need::optional : Need::required);
    if (!rows || order.size() != n) return out;
    const std::string path = r.key_path(key);
    if (rows->size() != n) {
      diagnostics_.error(
          r.where(key), path,
          fmt::format("has {} rows; expected {}, one per country in matrices.countries", rows->size(), n));
      return out;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const toml::node& row_node = *rows->get(i);
      const auto* row = row_node.as_array();
      const std::string row_path = fmt::format("{}[{}]", path, i);
      if (!row || row->size() != n) {
        diagnostics_.error(location_of(row_node.source(), file_), row_path,
                           row ? fmt::format("row has {} columns; expected {}", row->size(), n)
                               : fmt::format("expected a row (an array), got {}", detail::describe_node(row_node)));
        continue;
      }
      for (std::size_t j = 0; j < n; ++j) {
        const toml::node& cell = *row->get(j);
        const std::string cell_path = fmt::format("{}[{}]", row_path, j);
        // Whole numbers stay int64 from the reader to the matrix: no conversion through double to wrap.
        std::optional<T> value;
        if constexpr (std::is_same_v<T, double>) {
          value = detail::node_number(cell, cell_path, diagnostics_);
        } else {
          value = detail::node_integer(cell, cell_path, diagnostics_);
        }
        if (!value) continue;
        if (!info.range.contains(static_cast<double>(*value))) {
          diagnostics_.error(
              location_of(cell.source(), file_), cell_path,
              fmt::format("value {:g} is out of range: must be {}{}", static_cast<double>(*value),
                          info.range.describe(), info.unit == "-" ? std::string() : fmt::format(" ({})", info.unit)));
          continue;
        }
        out[order[i] * n + order[j]] = *value;
      }
    }
    return out;
  }

  void read_matrices(TableReader& root, Scenario& s) {
    const toml::table* table = root.table("matrices", Need::required);
    if (!table) return;
    TableReader r(*table, "matrices", file_, diagnostics_);
    const std::size_t n = s.countries.size();
    // matrices.countries gives the order of rows and columns.
    std::vector<std::size_t> order;
    if (const toml::array* names = r.array("countries", Need::required)) {
      std::vector<bool> seen(n, false);
      for (std::size_t i = 0; i < names->size(); ++i) {
        const toml::node& node = *names->get(i);
        const std::string path = fmt::format("matrices.countries[{}]", i);
        const auto* name = node.as_string();
        if (!name) {
          diagnostics_.error(location_of(node.source(), file_), path,
                             fmt::format("expected a country id, got {}", detail::describe_node(node)));
          continue;
        }
        const auto index = find_entity(std::string(**name), s.countries, "country", location_of(node.source(), file_),
                                       path, diagnostics_);
        if (!index) continue;
        if (seen[*index]) {
          diagnostics_.error(location_of(node.source(), file_), path,
                             fmt::format("country '{}' is listed twice", s.countries[*index].id));
          continue;
        }
        seen[*index] = true;
        order.push_back(*index);
      }
      std::vector<std::string> missing;
      for (std::size_t i = 0; i < n; ++i) {
        if (!seen[i]) missing.push_back(s.countries[i].id);
      }
      if (!missing.empty() && order.size() + missing.size() == n) {
        diagnostics_.error(r.where("countries"), "matrices.countries",
                           fmt::format("must list every country once; missing {}", quoted_list(missing)));
      }
    }
    s.matrices.relocation_cost_usd =
        read_matrix<std::int64_t>(r, "relocation_cost_usd", *find_parameter("matrices.relocation_cost_usd"), order, n);
    s.matrices.transit_days =
        read_matrix<double>(r, "transit_days", *find_parameter("matrices.transit_days"), order, n);
    s.matrices.intelligence_sharing =
        read_matrix<double>(r, "intelligence_sharing", *find_parameter("matrices.intelligence_sharing"), order, n);
    r.report_unknown_keys();
  }

  // -- events --

  void read_events(TableReader& root, Scenario& s) {
    for_each_in_array(root, "events", [&](std::size_t, TableReader& r) {
      EventSpec e;
      const auto kind = r.string("kind", Need::required);
      const auto date = r.date("date", Need::required);
      e.id = r.string("id").value_or("");
      if (r.raw().contains("id") && e.id.empty()) {
        diagnostics_.error(r.where("id"), r.key_path("id"), "an event id cannot be empty; leave 'id' out instead");
      }
      e.note = r.string("note").value_or("");
      if (r.raw().contains("id") && !e.id.empty() && !is_identifier(e.id)) {
        diagnostics_.error(r.where("id"), r.key_path("id"),
                           "event ids must be lowercase letters, digits and '_', starting with a letter");
      }
      if (!kind) return;
      std::optional<EventPayload> payload = event_of_kind(*kind);
      if (!payload) {
        const auto kinds = event_kind_names();
        std::string message = fmt::format("unknown event kind '{}'", *kind);
        if (const std::string guess = closest_match(*kind, kinds); !guess.empty()) {
          message += fmt::format("; did you mean '{}'?", guess);
        } else {
          message += fmt::format("; expected one of {}", quoted_list(kinds));
        }
        diagnostics_.error(r.where("kind"), r.key_path("kind"), std::move(message));
        // Accept the rest so one typo gives one error, not one per field.
        for (const auto& [key, node] : r.raw()) r.accept(key.str());
        return;
      }
      e.payload = std::move(*payload);
      detail::EventReader references(r, s);
      const bool refs_ok = detail::read_event(references, e.payload);
      if (date && run_ok_ && (*date < s.run.start_date || *date >= s.run.end_date())) {
        diagnostics_.error(r.where("date"), r.key_path("date"),
                           fmt::format("date {} is outside the run ({} to {}, the last day excluded)",
                                       date->to_string(), s.run.start_date.to_string(), s.run.end_date().to_string()));
      }
      if (date && refs_ok) {
        e.date = *date;
        event_dates_.push_back(r.where("id"));
        s.events.push_back(std::move(e));
      }
    });
  }

  // -- cross-checks once every entity has been read without error --

  void check_world(TableReader& root, Scenario& s) {
    std::map<std::string, std::size_t> ids;
    for (std::size_t i = 0; i < s.events.size(); ++i) {
      const EventSpec& e = s.events[i];
      if (!e.id.empty() && !ids.emplace(e.id, i).second) {
        diagnostics_.error(event_dates_[i], fmt::format("events.{}", e.id),
                           fmt::format("event id '{}' is used twice", e.id));
      }
    }
    // Events fire in date order; those on one day in the order written.
    std::vector<std::size_t> order(s.events.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return s.events[a].date < s.events[b].date; });
    std::vector<EventSpec> sorted;
    for (std::size_t i : order) sorted.push_back(std::move(s.events[i]));
    s.events = std::move(sorted);

    std::int64_t held = 0;
    for (const auto& g : s.operations) held += g.workers;
    const bool any_nationality = std::any_of(s.countries.begin(), s.countries.end(), [](const CountrySpec& c) {
      return c.origin && c.origin->initial_workforce_share > 0;
    });
    if (held > 0 && !any_nationality) {
      diagnostics_.error(root.where("countries"), "countries",
                         "operations hold workers at the start, but no country's origin.initial_workforce_share is "
                         "above 0, so they would have no nationality");
    }
    const bool any_host =
        std::any_of(s.countries.begin(), s.countries.end(), [](const CountrySpec& c) { return c.host.has_value(); });
    if (!s.countries.empty() && !any_host) {
      diagnostics_.error(root.where("countries"), "countries",
                         "no country has a [host] table: compounds have nowhere to be");
    }
  }

  const toml::table& root_;
  std::string file_;
  Diagnostics& diagnostics_;
  bool run_ok_ = false;                      // [run] read without error, so dates can be checked
  std::vector<SourceLocation> event_dates_;  // where each event's id is, parallel to Scenario::events
};

std::string to_toml_text(const toml::table& table) {
  const auto print = [&](toml::format_flags flags) {
    std::ostringstream out;
    out << toml::toml_formatter(table, flags);
    return std::move(out).str();
  };
  // Relaxed precision prints 0.7 rather than 0.69999999999999996, but keeps
  // only 6 digits: use it when the text reads back to the same document.
  std::string relaxed = print(toml::toml_formatter::default_flags | toml::format_flags::relaxed_float_precision);
  try {
    if (toml::parse(relaxed) == table) return relaxed;
  } catch (const toml::parse_error&) {
    // Fall through to full precision.
  }
  return print(toml::toml_formatter::default_flags);
}

Scenario load(std::string_view text, const fs::path& path, std::span<const std::string> overrides,
              Diagnostics& diagnostics) {
  const std::string name = path.lexically_normal().string();
  std::error_code ec;
  DocumentLoader documents{diagnostics, {}, {fs::weakly_canonical(path, ec)}};
  auto merged = documents.load(text, name, path);
  if (!merged) throw SetupError(diagnostics.sorted());

  // A bad --set does not stop the schema check: the user sees every problem at once.
  for (const auto& flag : overrides) apply_override(*merged, flag, diagnostics);

  Scenario scenario = SchemaReader(*merged, name, diagnostics).read();
  if (!diagnostics.empty()) throw SetupError(diagnostics.sorted());
  scenario.files = std::move(documents.files);
  scenario.resolved_toml = to_toml_text(*merged);
  return scenario;
}

}  // namespace

Scenario load_scenario(const fs::path& file, std::span<const std::string> overrides) {
  Diagnostics diagnostics;
  const std::string name = file.lexically_normal().string();
  auto text = read_file(file, name, SourceLocation{name, 0, 0}, {}, diagnostics);
  if (!text) throw SetupError(diagnostics.sorted());
  return load(*text, file, overrides, diagnostics);
}

Scenario load_scenario_text(std::string_view text, const fs::path& name, std::span<const std::string> overrides) {
  Diagnostics diagnostics;
  return load(text, name, overrides, diagnostics);
}

}  // namespace scamsim::scenario
