#pragma once
#include <stdexcept>
#include <string>
#include <vector>

namespace scamsim {

/// Where in the user's input something is: a file (or a command-line flag),
/// and a 1-based line and column (0 when not known).
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

/// One problem found in the user's input, located precisely enough to fix.
struct Diagnostic {
  SourceLocation where;
  std::string key_path;  ///< e.g. "countries.cambodia.governance"; empty if none
  std::string message;

  /// Compiler style: "file:line:col: error: key: message", which editors link.
  [[nodiscard]] std::string format() const;
};

/// An error in what the user gave us (scenario, command line, files), as
/// opposed to a bug. Carries every diagnostic found, not just the first.
class SetupError : public std::runtime_error {
 public:
  explicit SetupError(std::vector<Diagnostic> diagnostics);
  explicit SetupError(Diagnostic diagnostic);
  /// A problem with no file behind it (e.g. a flag), named in the message.
  explicit SetupError(const std::string& message);

  /// All problems found, in the order they were found.
  [[nodiscard]] const std::vector<Diagnostic>& diagnostics() const noexcept { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace scamsim
