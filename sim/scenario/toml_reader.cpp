#include "sim/scenario/toml_reader.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "sim/core/text.hpp"
#include "sim/scenario/loader.hpp"

namespace scamsim::scenario {

namespace {

/// What a file that is not a regular file is, for "'x' is ...".
std::string_view not_regular(mode_t mode) {
  if (S_ISDIR(mode)) return "is a directory, not a regular file";
  if (S_ISFIFO(mode)) return "is a FIFO (named pipe), not a regular file";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "is a device, not a regular file";
  if (S_ISSOCK(mode)) return "is a socket, not a regular file";
  return "is not a regular file";
}

/// Closes a descriptor when it goes out of scope.
struct Descriptor {
  int fd = -1;
  explicit Descriptor(int opened) : fd(opened) {}
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

std::string size_problem(std::uintmax_t bytes, std::uintmax_t max_bytes) {
  return fmt::format("is {:.1f} MiB; input files are limited to {} MiB (a data file named by mistake?)",
                     static_cast<double>(bytes) / (1 << 20), max_bytes >> 20);
}

}  // namespace

FileText read_input_file(const std::filesystem::path& path, std::uintmax_t max_bytes) {
  const auto failed = [](std::string problem) { return FileText{std::nullopt, std::move(problem)}; };
  const auto reason = [](int error) {
    return error == ENOENT ? std::string("does not exist") : fmt::format("cannot be read: {}", std::strerror(error));
  };
  // Look before opening: opening some devices does something, and a FIFO's open would wait for a writer.
  struct stat before {};
  if (::stat(path.c_str(), &before) != 0) return failed(reason(errno));
  if (!S_ISREG(before.st_mode)) return failed(std::string(not_regular(before.st_mode)));
  // O_NONBLOCK: should the path be swapped for a FIFO after the look, neither the open nor a read waits.
  Descriptor file{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)};
  if (file.fd < 0) return failed(reason(errno));
  struct stat opened {};
  if (::fstat(file.fd, &opened) != 0) return failed(reason(errno));
  if (!S_ISREG(opened.st_mode)) return failed(std::string(not_regular(opened.st_mode)));
  struct statfs system {};
  if (::fstatfs(file.fd, &system) == 0 && (system.f_type == PROC_SUPER_MAGIC || system.f_type == SYSFS_MAGIC)) {
    return failed("is a file of the kernel's /proc or /sys, not an input file");
  }
  if (static_cast<std::uintmax_t>(opened.st_size) > max_bytes)
    return failed(size_problem(static_cast<std::uintmax_t>(opened.st_size), max_bytes));
  std::string text;
  char buffer[1 << 16];
  while (true) {
    const ssize_t got = ::read(file.fd, buffer, sizeof buffer);
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      return failed(reason(errno));
    }
    text.append(buffer, static_cast<std::size_t>(got));
    // A file that grows while it is read is cut off here, not followed forever.
    if (text.size() > max_bytes) return failed(size_problem(text.size(), max_bytes));
  }
  return FileText{std::move(text), {}};
}

std::optional<toml::table> parse_input_file(const std::filesystem::path& file, const std::string& name,
                                            Diagnostics& diagnostics) {
  // The same checks and bound as scenario files: a FIFO or a data file named by mistake is refused unread.
  FileText text = read_input_file(file, max_scenario_file_bytes);
  if (!text.text) {
    diagnostics.error({name, 0, 0}, {}, fmt::format("file '{}' {}", name, text.problem));
    return std::nullopt;
  }
  try {
    return toml::parse(*text.text, name);
  } catch (const toml::parse_error& e) {
    diagnostics.error(location_of(e.source(), name), {}, fmt::format("not valid TOML: {}", e.description()));
    return std::nullopt;
  }
}

void Diagnostics::error(SourceLocation where, std::string key_path, std::string message) {
  items_.push_back(Diagnostic{std::move(where), std::move(key_path), std::move(message)});
}

std::vector<Diagnostic> Diagnostics::sorted() const {
  std::vector<Diagnostic> out = items_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.where.file, a.where.line, a.where.column) < std::tie(b.where.file, b.where.line, b.where.column);
  });
  return out;
}

SourceLocation location_of(const toml::source_region& region, std::string_view fallback_file) {
  SourceLocation loc;
  loc.file = region.path ? *region.path : std::string(fallback_file);
  if (loc.file.starts_with("--set")) return loc;  // a flag has no useful line
  loc.line = static_cast<int>(region.begin.line);
  loc.column = static_cast<int>(region.begin.column);
  return loc;
}

std::string describe_node(const toml::node& node) {
  constexpr std::size_t shown = 40;
  switch (node.type()) {
    case toml::node_type::string: {
      std::string text = **node.as_string();
      if (text.size() > shown) text = text.substr(0, shown) + "...";
      return fmt::format("a string (\"{}\")", text);
    }
    case toml::node_type::integer:
      return fmt::format("an integer ({})", **node.as_integer());
    case toml::node_type::floating_point:
      return fmt::format("a number ({:g})", **node.as_floating_point());
    case toml::node_type::boolean:
      return fmt::format("a boolean ({})", **node.as_boolean());
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time of day";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

std::optional<double> node_number(const toml::node& node, const std::string& key_path, Diagnostics& diagnostics) {
  double value = 0;
  if (const auto* i = node.as_integer()) {
    value = static_cast<double>(**i);
  } else if (const auto* f = node.as_floating_point()) {
    value = **f;
  } else {
    diagnostics.error(location_of(node.source()), key_path,
                      fmt::format("expected a number, got {}", describe_node(node)));
    return std::nullopt;
  }
  if (!std::isfinite(value)) {
    diagnostics.error(location_of(node.source()), key_path, fmt::format("must be a finite number, got {:g}", value));
    return std::nullopt;
  }
  return value;
}

std::optional<std::int64_t> node_integer(const toml::node& node, const std::string& key_path,
                                         Diagnostics& diagnostics) {
  if (const auto* i = node.as_integer()) return **i;
  if (const auto* f = node.as_floating_point()) {
    // 3.2e10 is a fine way to write a whole number of dollars; 0.5 is not.
    const double v = **f;
    constexpr double limit = 9.2e18;
    if (std::isfinite(v) && std::trunc(v) == v && std::abs(v) < limit) return static_cast<std::int64_t>(v);
    diagnostics.error(location_of(node.source()), key_path,
                      std::isfinite(v) && std::trunc(v) == v
                          ? fmt::format("{:g} is too large: whole numbers must lie within ±{:g}", v, limit)
                          : fmt::format("expected a whole number, got {:g}", v));
    return std::nullopt;
  }
  diagnostics.error(location_of(node.source()), key_path,
                    fmt::format("expected a whole number, got {}", describe_node(node)));
  return std::nullopt;
}

TableReader::TableReader(const toml::table& table, std::string path, std::string fallback_file,
                         Diagnostics& diagnostics)
    : table_(table), path_(std::move(path)), fallback_file_(std::move(fallback_file)), diagnostics_(diagnostics) {}

std::string TableReader::key_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
}

SourceLocation TableReader::where() const { return location_of(table_.source(), fallback_file_); }

SourceLocation TableReader::where(std::string_view key) const {
  if (const toml::node* n = table_.get(key)) return location_of(n->source(), fallback_file_);
  return where();
}

const toml::node* TableReader::get(std::string_view key, Need need) {
  accept(key);
  const toml::node* node = table_.get(key);
  if (!node && need == Need::required) {
    diagnostics_.error(
        where(), key_path(key),
        path_.empty() ? "missing required key" : fmt::format("missing required key (in table [{}])", path_));
  }
  return node;
}

void TableReader::accept(std::string_view key) {
  if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.emplace_back(key);
}

void TableReader::wrong_type(std::string_view key, const toml::node& node, std::string_view expected) {
  diagnostics_.error(location_of(node.source(), fallback_file_), key_path(key),
                     fmt::format("expected {}, got {}", expected, describe_node(node)));
}

std::optional<double> TableReader::number(std::string_view key, Need need) {
  const toml::node* node = get(key, need);
  return node ? node_number(*node, key_path(key), diagnostics_) : std::nullopt;
}

std::optional<std::int64_t> TableReader::integer(std::string_view key, Need need) {
  const toml::node* node = get(key, need);
  return node ? node_integer(*node, key_path(key), diagnostics_) : std::nullopt;
}

std::optional<std::string> TableReader::string(std::string_view key, Need need) {
  const toml::node* node = get(key, need);
  if (!node) return std::nullopt;
  if (const auto* s = node->as_string()) return **s;
  wrong_type(key, *node, "a string");
  return std::nullopt;
}

std::optional<std::string> TableReader::checked_string(std::string_view key, Need need, LineBreaks line_breaks) {
  auto value = string(key, need);
  if (!value) return value;
  if (const std::string bad = first_control_character(*value, line_breaks); !bad.empty()) {
    diagnostics_.error(where(key), key_path(key),
                       fmt::format("holds a control character ({}){}", bad,
                                   line_breaks == LineBreaks::allowed
                                       ? "; only line breaks and tabs may be written in text"
                                       : "; names are printed in tables and messages, so they hold none"));
    return std::nullopt;
  }
  return value;
}

std::optional<std::string> TableReader::name(std::string_view key, Need need) {
  return checked_string(key, need, LineBreaks::refused);
}

std::optional<std::string> TableReader::text(std::string_view key, Need need) {
  return checked_string(key, need, LineBreaks::allowed);
}

std::optional<Date> TableReader::date(std::string_view key, Need need) {
  const toml::node* node = get(key, need);
  if (!node) return std::nullopt;
  if (const auto* d = node->as_date()) {
    const toml::date v = **d;
    if (auto date = Date::from_ymd(v.year, v.month, v.day)) return date;
  } else if (const auto* s = node->as_string()) {
    if (auto date = Date::parse(**s)) return date;
    diagnostics_.error(location_of(node->source(), fallback_file_), key_path(key),
                       fmt::format("\"{}\" is not a date of the form YYYY-MM-DD", **s));
    return std::nullopt;
  } else {
    wrong_type(key, *node, "a date (YYYY-MM-DD)");
    return std::nullopt;
  }
  diagnostics_.error(location_of(node->source(), fallback_file_), key_path(key), "date is outside years 1 to 9999");
  return std::nullopt;
}

std::optional<bool> TableReader::boolean(std::string_view key, Need need) {
  const toml::node* node = get(key, need);
  if (!node) return std::nullopt;
  if (const auto value = node->value_exact<bool>()) return *value;
  wrong_type(key, *node, "true or false");
  return std::nullopt;
}

std::vector<std::string> TableReader::strings(std::string_view key, Need need) {
  std::vector<std::string> out;
  const toml::array* items = array(key, need);
  if (!items) return out;
  for (const auto& item : *items) {
    if (const auto* text = item.as_string()) {
      out.push_back(**text);
    } else {
      diagnostics_.error(location_of(item.source(), fallback_file_), key_path(key),
                         fmt::format("expected strings, got {}", describe_node(item)));
    }
  }
  return out;
}

const toml::table* TableReader::table(std::string_view key, Need need) {
  const toml::node* node = get(key, need);
  if (!node) return nullptr;
  if (const auto* t = node->as_table()) return t;
  wrong_type(key, *node, "a table");
  return nullptr;
}

const toml::array* TableReader::array(std::string_view key, Need need) {
  const toml::node* node = get(key, need);
  if (!node) return nullptr;
  if (const auto* a = node->as_array()) return a;
  wrong_type(key, *node, "an array");
  return nullptr;
}

bool TableReader::check_range(std::string_view key, const ParameterInfo& info, double value) {
  if (info.range.contains(value)) return true;
  diagnostics_.error(where(key), key_path(key),
                     fmt::format("value {:g} is out of range: must be {}{}", value, info.range.describe(),
                                 info.unit == "-" ? std::string() : fmt::format(" ({})", info.unit)));
  return false;
}

void TableReader::report_unknown_keys() {
  for (const auto& [key, node] : table_) {
    const std::string_view name = key.str();
    if (std::find(known_.begin(), known_.end(), name) != known_.end()) continue;
    std::string message = fmt::format("unknown key '{}'", name);
    if (!path_.empty()) message += fmt::format(" in [{}]", path_);
    if (const std::string guess = closest_match(name, known_); !guess.empty()) {
      message += fmt::format("; did you mean '{}'?", guess);
    } else if (!known_.empty()) {
      message += fmt::format("; expected one of {}", quoted_list(known_));
    }
    diagnostics_.error(location_of(key.source(), fallback_file_), key_path(name), std::move(message));
  }
}

}  // namespace scamsim::scenario
