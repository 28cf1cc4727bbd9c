// Loading a scenario runs in three stages, each collecting every problem it
// finds before the next begins:
//   1. documents: parse the file and the files it is based on, merge them;
//   2. overrides: apply --set key.path=value to the merged document;
//   3. schema: read the document into the spec structs, checking types,
//      ranges and references, then the cross-checks between entities.

#include "sim/scenario/loader.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include <toml++/toml.h>

#include "sim/core/error.hpp"
#include "sim/scenario/documents.hpp"
#include "sim/scenario/overrides.hpp"
#include "sim/scenario/schema_reader.hpp"
#include "sim/scenario/toml_reader.hpp"

namespace scamsim::scenario {

namespace fs = std::filesystem;

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
  detail::DocumentLoader documents{diagnostics, {}, {fs::weakly_canonical(path, ec)}};
  auto merged = documents.load(text, name, path);
  if (!merged) throw SetupError(diagnostics.sorted());

  // A bad --set does not stop the schema check: the user sees every problem at once.
  for (const auto& flag : overrides) detail::apply_override(*merged, flag, diagnostics);

  Scenario scenario = detail::read_schema(*merged, name, diagnostics);
  if (!diagnostics.empty()) throw SetupError(diagnostics.sorted());
  scenario.files = std::move(documents.files);
  scenario.resolved_toml = to_toml_text(*merged);
  return scenario;
}

}  // namespace

Scenario load_scenario(const fs::path& file, std::span<const std::string> overrides) {
  Diagnostics diagnostics;
  const std::string name = file.lexically_normal().string();
  auto text = detail::read_file(file, name, SourceLocation{name, 0, 0}, {}, diagnostics);
  if (!text) throw SetupError(diagnostics.sorted());
  return load(*text, file, overrides, diagnostics);
}

Scenario load_scenario_text(std::string_view text, const fs::path& name, std::span<const std::string> overrides) {
  Diagnostics diagnostics;
  return load(text, name, overrides, diagnostics);
}

}  // namespace scamsim::scenario
