#pragma once
// Test helper: the expectations an invalid input file of a catalogue (tests/scenarios/bad,
// tests/scenarios/sweeps/bad) states in its leading comment block:
//   # expect-error: a fragment of a message      (one or more)
//   # expect-line: the line an error names        (one or more)
//   # expect-count: how many errors, exactly
//   # expect-file: the file the errors name, relative to the catalogue (default: the file itself)

#include <cstddef>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/source.hpp"

namespace scamsim::test {

/// What a catalogue file expects of its errors.
struct Expectations {
  std::vector<std::string> errors;
  std::vector<int> lines;
  std::optional<std::size_t> count;
  std::optional<std::string> file;
};

/// The expectations in the leading comment block of a catalogue file.
inline Expectations read_expectations(const std::filesystem::path& path) {
  Expectations e;
  std::istringstream text(read_text(path));
  std::string line;
  const auto value_of = [&](std::string_view tag) -> std::optional<std::string> {
    const std::string prefix = "# " + std::string(tag) + ":";
    if (!line.starts_with(prefix)) return std::nullopt;
    std::string v = line.substr(prefix.size());
    v.erase(0, v.find_first_not_of(' '));
    while (!v.empty() && (v.back() == ' ' || v.back() == '\r')) v.pop_back();
    return v;
  };
  while (std::getline(text, line) && line.starts_with("#")) {
    if (auto v = value_of("expect-error")) e.errors.push_back(*v);
    if (auto v = value_of("expect-line")) e.lines.push_back(std::stoi(*v));
    if (auto v = value_of("expect-count")) e.count = static_cast<std::size_t>(std::stoul(*v));
    if (auto v = value_of("expect-file")) e.file = *v;
  }
  return e;
}

}  // namespace scamsim::test
