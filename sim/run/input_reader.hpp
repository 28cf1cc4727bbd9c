#pragma once
// Reading the input files that sit beside scenarios (calibration files, sweep
// files) as strictly as scenario files: the scenario module's TableReader
// and Diagnostics, plus what those files share: arrays of tables, string
// lists, switches, outcome tables, and finding what a scenario key path is.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "sim/run/outcomes.hpp"
#include "sim/scenario/parameters.hpp"
#include "sim/scenario/spec.hpp"
// The strict TOML reading of scenario files, reused for these files.
#include "sim/scenario/toml_reader.hpp"

namespace scamsim::run {

/// Parses an input file, refusing one that is missing, not a regular file, larger than scenario files may
/// be, or not valid TOML; records the located error and returns nullopt.
std::optional<toml::table> parse_input_file(const std::filesystem::path& file, const std::string& name,
                                            scenario::detail::Diagnostics& diagnostics);

/// Calls `read(path, reader)` for each table of an array of tables (`[[key]]`), reporting any element that
/// is not a table. `path` is "key.index", the element's key path in messages.
template <class Read>
void for_each_table(const toml::array* array, std::string_view key, const std::string& file,
                    scenario::detail::Diagnostics& diagnostics, Read&& read) {
  for (std::size_t i = 0; array && i < array->size(); ++i) {
    const toml::node& node = *array->get(i);
    const std::string path = fmt::format("{}.{}", key, i);
    const auto* table = node.as_table();
    if (!table) {
      diagnostics.error(scenario::detail::location_of(node.source(), file), path, "expected a table");
      continue;
    }
    scenario::detail::TableReader reader(*table, path, file, diagnostics);
    read(path, reader);
  }
}

/// A `true`/`false` key; a value of another type is reported.
std::optional<bool> read_boolean(scenario::detail::TableReader& reader, std::string_view key);

/// An array of strings (`set = ["run.years=1"]`); an item of another type is reported and skipped.
std::vector<std::string> read_strings(scenario::detail::TableReader& reader, std::string_view key);

/// The node a scenario key path names in a resolved scenario document, following the loader's rules for
/// arrays: `events.<id or position>.field`, `operations.<position>.field`. nullptr if there is none.
const toml::node* node_at(const toml::table& resolved, std::string_view key);

/// The parameter-table entry of a key path: "pressure.half_life_days" as it is,
/// "countries.cambodia.governance" through its pattern "countries.<id>.governance",
/// "operations.0.workers" through "operations.<n>.workers", and "events.<id>.field" through
/// "events.<kind>.field" with the event's kind looked up in the resolved scenario. nullptr if none.
const scenario::ParameterInfo* parameter_entry(std::string_view key, const toml::table& resolved);

/// Reads the outcome keys of a table (name, metric, countries or outside, reduction, from, to, share,
/// description) against a scenario, reporting every problem located. The caller reads its own keys
/// (a target's value, say) and then calls reader.report_unknown_keys().
OutcomeSpec read_outcome(scenario::detail::TableReader& reader, const scenario::Scenario& scenario);

/// The outcome in words, e.g. "sum over [2025-10-15, 2027-01-01) of rerecruited in cambodia, at scale 1".
std::string define_outcome(const OutcomeSpec& outcome, const scenario::Scenario& scenario);

}  // namespace scamsim::run
