#pragma once
// Reading TOML input files strictly: typed getters that report wrong types
// with their location, and a check for keys nobody asked for. Scenario files
// are read with it, and so are the other input files that sit beside them
// (sweep files, calibration files, outcome files), whose readers live with
// the types they fill (sim/sweep/, sim/run/): those types name metrics and
// designs, which the scenario module sits below. This header is the scenario
// module's public toolkit for them; everything in `detail` stays internal.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "sim/core/date.hpp"
#include "sim/core/error.hpp"
#include "sim/core/text.hpp"
#include "sim/scenario/parameters.hpp"

namespace scamsim::scenario {

/// The contents of an input file, or why it cannot be read.
struct FileText {
  std::optional<std::string> text;  ///< the whole file, if it was read
  std::string problem;              ///< else what is wrong, to follow the file's name: "is a FIFO (named pipe), ..."
};

/// Reads a whole input file (scenario, base, sweep, calibration or outcomes file). Only a regular file is
/// read, and only up to `max_bytes`: a FIFO, device, socket or directory is refused by what it is, and so
/// is a file of the kernel's /proc or /sys (their "regular" files can block forever, as /proc/kmsg does),
/// all without waiting on them. The type is checked on the opened file, so a swap between check and read
/// cannot slip a FIFO in.
FileText read_input_file(const std::filesystem::path& path, std::uintmax_t max_bytes);

/// Collects every problem found while a document is read.
class Diagnostics {
 public:
  void error(SourceLocation where, std::string key_path, std::string message);
  [[nodiscard]] bool empty() const noexcept { return items_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return items_.size(); }
  /// The diagnostics sorted by file and position (stable).
  [[nodiscard]] std::vector<Diagnostic> sorted() const;

 private:
  std::vector<Diagnostic> items_;
};

/// The file, line and column of a node. Values set with --set are named by
/// the flag, which has no useful line.
SourceLocation location_of(const toml::source_region& region, std::string_view fallback_file = {});

/// "a string (\"abc\")", "an integer", "a table": for "expected X, got Y".
std::string describe_node(const toml::node& node);

/// Whether a key is required or may be left out.
enum class Need : unsigned char { optional, required };

/// One TOML table read against the keys the schema expects.
class TableReader {
 public:
  /// `path` is the table's key path ("countries.cambodia"; empty for the root);
  /// `fallback_file` names the file for tables that carry no source.
  TableReader(const toml::table& table, std::string path, std::string fallback_file, Diagnostics& diagnostics);

  std::optional<double> number(std::string_view key, Need need = Need::optional);
  std::optional<std::int64_t> integer(std::string_view key, Need need = Need::optional);
  std::optional<std::string> string(std::string_view key, Need need = Need::optional);
  /// A string printed as a label (a name): one without control characters, which could drive the terminal
  /// of whoever reads the output or split a line of it.
  std::optional<std::string> name(std::string_view key, Need need = Need::optional);
  /// A string of prose (a description, a note): no control characters but line breaks and tabs.
  std::optional<std::string> text(std::string_view key, Need need = Need::optional);
  std::optional<Date> date(std::string_view key, Need need = Need::optional);
  const toml::table* table(std::string_view key, Need need = Need::optional);
  const toml::array* array(std::string_view key, Need need = Need::optional);
  /// A `true`/`false` value.
  std::optional<bool> boolean(std::string_view key, Need need = Need::optional);
  /// An array of strings (`set = ["run.years=1"]`); an item of another type is reported and skipped.
  std::vector<std::string> strings(std::string_view key, Need need = Need::optional);
  /// Marks a key as known without reading it (it is read elsewhere).
  void accept(std::string_view key);

  /// Reports `value` of `key` if it lies outside the parameter's range (naming the range and the unit);
  /// true if it lies inside.
  bool check_range(std::string_view key, const ParameterInfo& info, double value);

  /// Reports each key that no getter asked for, with the closest known key.
  void report_unknown_keys();

  /// "countries.cambodia.governance" for key "governance".
  [[nodiscard]] std::string key_path(std::string_view key) const;
  /// Where the table itself is (its header), for errors about it as a whole.
  [[nodiscard]] SourceLocation where() const;
  /// Where a key's value is, or the table if the key is absent.
  [[nodiscard]] SourceLocation where(std::string_view key) const;
  [[nodiscard]] const toml::table& raw() const noexcept { return table_; }
  [[nodiscard]] Diagnostics& diagnostics() noexcept { return diagnostics_; }
  [[nodiscard]] const std::string& fallback_file() const noexcept { return fallback_file_; }

 private:
  const toml::node* get(std::string_view key, Need need);
  void wrong_type(std::string_view key, const toml::node& node, std::string_view expected);
  std::optional<std::string> checked_string(std::string_view key, Need need, LineBreaks line_breaks);

  const toml::table& table_;
  std::string path_;
  std::string fallback_file_;
  Diagnostics& diagnostics_;
  std::vector<std::string> known_;
};

// Conversions of single nodes (matrix elements, list items), reporting errors.
std::optional<double> node_number(const toml::node& node, const std::string& key_path, Diagnostics& diagnostics);
std::optional<std::int64_t> node_integer(const toml::node& node, const std::string& key_path, Diagnostics& diagnostics);

/// Parses an input file named `name` in messages, refusing one that is missing, not a regular file, larger
/// than scenario files may be, or not valid TOML: records the located error and returns nullopt.
std::optional<toml::table> parse_input_file(const std::filesystem::path& file, const std::string& name,
                                            Diagnostics& diagnostics);

/// Calls `read(path, reader)` for each table of an array of tables (`[[key]]`), reporting any element that
/// is not a table. `path` is "key.index", the element's key path in messages; `file` names the file for
/// elements that carry no source.
template <class Read>
void for_each_table(const toml::array* array, std::string_view key, const std::string& file, Diagnostics& diagnostics,
                    Read&& read) {
  for (std::size_t i = 0; array && i < array->size(); ++i) {
    const toml::node& node = *array->get(i);
    const std::string path = fmt::format("{}.{}", key, i);
    const auto* table = node.as_table();
    if (!table) {
      diagnostics.error(location_of(node.source(), file), path, "expected a table");
      continue;
    }
    TableReader reader(*table, path, file, diagnostics);
    read(path, reader);
  }
}

}  // namespace scamsim::scenario
