// The catalogue of bad scenario files (tests/scenarios/bad/*.toml): one file
// per way a scenario can be wrong. Each file says in its header comments what
// the loader must report:
//
//   # expect-error: did you mean 'governance'   a fragment of a formatted diagnostic
//   # expect-line: 7                            its line (0: no line), one per expect-error, in order
//   # expect-file: ../tiny.toml                 the file it is in, relative to bad/ (default: this file)
//   # expect-count: 1                           the exact number of diagnostics
//
// Subfolders (cycle/, bases/) hold the files the catalogue's files are based
// on; they are not walked.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/core/error.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/support/expectations.hpp"

namespace fs = std::filesystem;
using scamsim::Diagnostic;
using scamsim::SetupError;
using scamsim::scenario::load_scenario;
using scamsim::test::Expectations;
using scamsim::test::read_expectations;

namespace {

const fs::path bad_dir = scamsim::test::test_scenario_path("bad");

std::vector<fs::path> catalogue_files() { return scamsim::test::toml_files(bad_dir); }

std::string all_messages(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) out += "  " + d.format() + "\n";
  return out;
}

}  // namespace

TEST_CASE("The catalogue of bad scenarios has a file for each of at least 34 failure kinds", "[unit][catalogue]") {
  const auto files = catalogue_files();
  CHECK(files.size() >= 34);
  for (const auto& file : files) {
    INFO(file.filename().string());
    CHECK(fs::file_size(file) < 100 * 1024);
    const Expectations e = read_expectations(file);
    CHECK(!e.errors.empty());
    CHECK((e.lines.empty() || e.lines.size() == e.errors.size()));
  }
}

TEST_CASE("Every bad scenario in the catalogue fails with the errors its header announces", "[unit][catalogue]") {
  for (const auto& file : catalogue_files()) {
    DYNAMIC_SECTION(file.filename().string()) {
      const Expectations e = read_expectations(file);
      std::vector<Diagnostic> diagnostics;
      bool refused = false;
      try {
        (void)load_scenario(file);
      } catch (const SetupError& error) {
        refused = true;
        diagnostics = error.diagnostics();
      }
      INFO("diagnostics:\n" << all_messages(diagnostics));
      REQUIRE(refused);
      REQUIRE(!diagnostics.empty());

      // Every diagnostic names the file (or flag) it is about.
      for (const auto& d : diagnostics) CHECK(!d.where.file.empty());

      const fs::path expected_file = (bad_dir / e.file.value_or(file.filename().string())).lexically_normal();
      for (std::size_t i = 0; i < e.errors.size(); ++i) {
        const std::optional<int> line = i < e.lines.size() ? std::optional(e.lines[i]) : std::nullopt;
        INFO("expected: '" << e.errors[i] << "' on line " << (line ? std::to_string(*line) : "(any)") << " of "
                           << expected_file.string());
        const bool found = std::any_of(diagnostics.begin(), diagnostics.end(), [&](const Diagnostic& d) {
          return d.format().find(e.errors[i]) != std::string::npos && (!line || d.where.line == *line) &&
                 fs::path(d.where.file).lexically_normal() == expected_file;
        });
        CHECK(found);
      }
      CHECK(diagnostics.size() >= e.errors.size());
      if (e.count) CHECK(diagnostics.size() == *e.count);
    }
  }
}
