#include "sim/core/error.hpp"

#include <fmt/format.h>

#include "sim/core/text.hpp"

namespace scamsim {

std::string Diagnostic::format() const {
  // File names, keys and the values messages quote come from the user's files: printable() keeps their control
  // characters (a colour escape, a NUL) off the terminal the message is printed on.
  std::string out;
  if (!where.file.empty()) {
    out += printable(where.file);
    if (where.line > 0) out += fmt::format(":{}", where.line);
    if (where.line > 0 && where.column > 0) out += fmt::format(":{}", where.column);
    out += ": ";
  }
  out += "error: ";
  if (!key_path.empty()) out += printable(key_path) + ": ";
  out += printable(message);
  return out;
}

namespace {
std::string join_messages(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) {
    if (!out.empty()) out += '\n';
    out += d.format();
  }
  return out;
}
}  // namespace

SetupError::SetupError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join_messages(diagnostics)), diagnostics_(std::move(diagnostics)) {}

SetupError::SetupError(Diagnostic diagnostic) : SetupError(std::vector<Diagnostic>{std::move(diagnostic)}) {}

namespace {
Diagnostic plain(const std::string& message) {
  Diagnostic d;
  d.message = message;
  return d;
}
}  // namespace

SetupError::SetupError(const std::string& message) : SetupError(plain(message)) {}

}  // namespace scamsim
