#pragma once
// Reading TOML against a schema: typed getters that report wrong types with
// their location, and a check for keys nobody asked for. Internal to the
// scenario module; nothing outside it sees TOML.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "sim/core/date.hpp"
#include "sim/core/error.hpp"
#include "sim/core/text.hpp"
#include "sim/scenario/fields.hpp"

namespace scamsim::scenario::detail {

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
  /// Marks a key as known without reading it (it is read elsewhere).
  void accept(std::string_view key);

  /// Reads one parameter-table field into `out`, applying its default and range.
  template <class Spec>
  void field(const Field<Spec>& f, Spec& out);
  /// Reads every field of a table.
  template <class Spec>
  void fields(std::span<const Field<Spec>> fs, Spec& out) {
    for (const auto& f : fs) field(f, out);
  }

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
  bool check_range(std::string_view key, const ParameterInfo& info, double value);

  const toml::table& table_;
  std::string path_;
  std::string fallback_file_;
  Diagnostics& diagnostics_;
  std::vector<std::string> known_;
};

// Conversions of single nodes (matrix elements, list items), reporting errors.
std::optional<double> node_number(const toml::node& node, const std::string& key_path, Diagnostics& diagnostics);
std::optional<std::int64_t> node_integer(const toml::node& node, const std::string& key_path, Diagnostics& diagnostics);

template <class Spec>
void TableReader::field(const Field<Spec>& f, Spec& out) {
  const ParameterInfo& info = f.info;
  const std::string_view key = f.leaf();
  const Need need = info.default_value ? Need::optional : Need::required;
  std::visit(
      [&](auto access) {
        auto& member = access(out);
        using T = std::remove_cvref_t<decltype(member)>;
        if constexpr (std::is_same_v<T, Date>) {
          if (auto v = date(key, need)) member = *v;
        } else if constexpr (std::is_same_v<T, double>) {
          if (info.default_value) member = *info.default_value;
          if (auto v = number(key, need); v && check_range(key, info, *v)) member = *v;
        } else {
          if (info.default_value) member = static_cast<std::int64_t>(*info.default_value);
          if (auto v = integer(key, need); v && check_range(key, info, static_cast<double>(*v))) member = *v;
        }
      },
      f.access);
}

}  // namespace scamsim::scenario::detail
