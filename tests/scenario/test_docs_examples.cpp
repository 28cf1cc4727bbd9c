// docs/SCENARIOS.md promises that its examples are valid scenarios: every
// fenced block with the info string `toml` is loaded here as if it were a
// file in docs/ (so `base = "../tests/scenarios/tiny.toml"` resolves), and
// must load without error. Blocks marked `toml-fragment` are not complete
// scenarios and are not loaded.

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/parameters.hpp"

namespace {

namespace fs = std::filesystem;
using scamsim::scenario::parameter_table;

const fs::path docs_dir = fs::path(SCAMSIM_SOURCE_DIR) / "docs";

struct Example {
  std::size_t index = 0;   ///< 0-based among the `toml` blocks
  std::size_t line = 0;    ///< 1-based line of the opening fence
  std::string first_line;  ///< first line of the block, to name it in messages
  std::string text;
};

std::string read_document() {
  std::ifstream in(docs_dir / "SCENARIOS.md", std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return std::move(buffer).str();
}

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return std::string(s.substr(first, last - first + 1));
}

/// The fenced blocks whose info string is exactly `toml`.
std::vector<Example> toml_examples(const std::string& document) {
  std::vector<Example> out;
  std::istringstream in(document);
  std::string line;
  std::size_t number = 0;
  bool inside = false;  // inside any fenced block
  bool wanted = false;  // ... and it is a `toml` one
  Example current;
  while (std::getline(in, line)) {
    ++number;
    const std::string trimmed = trim(line);
    if (!inside) {
      if (trimmed.rfind("```", 0) == 0) {
        inside = true;
        wanted = trim(std::string_view(trimmed).substr(3)) == "toml";
        current = Example{out.size(), number, {}, {}};
      }
      continue;
    }
    if (trimmed == "```") {
      if (wanted) out.push_back(current);
      inside = false;
      continue;
    }
    if (wanted) {
      if (current.text.empty()) current.first_line = trimmed;
      current.text += line;
      current.text += '\n';
    }
  }
  return out;
}

std::string describe(const Example& e) {
  return "example " + std::to_string(e.index) + " (docs/SCENARIOS.md line " + std::to_string(e.line) +
         "), first line: " + e.first_line;
}

}  // namespace

TEST_CASE("Every toml example in docs/SCENARIOS.md loads without error", "[unit][docs]") {
  const auto examples = toml_examples(read_document());
  REQUIRE_FALSE(examples.empty());
  for (const auto& e : examples) {
    INFO(describe(e));
    const fs::path name = docs_dir / ("example-" + std::to_string(e.index) + ".toml");
    try {
      const auto scenario = scamsim::scenario::load_scenario_text(e.text, name);
      CHECK_FALSE(scenario.countries.empty());
    } catch (const scamsim::SetupError& error) {
      FAIL_CHECK("the example does not load:\n" << error.what());
    }
  }
}

TEST_CASE("docs/SCENARIOS.md has at least ten tested examples", "[unit][docs]") {
  CHECK(toml_examples(read_document()).size() >= 10);
}

TEST_CASE("Every event kind is shown in a tested example of docs/SCENARIOS.md", "[unit][docs]") {
  const auto examples = toml_examples(read_document());
  for (const std::string& kind : scamsim::scenario::event_kind_names()) {
    INFO("event kind: " << kind);
    const std::regex pattern("(^|\\n)\\s*kind\\s*=\\s*\"" + kind + "\"");
    const bool shown = std::any_of(examples.begin(), examples.end(),
                                   [&](const Example& e) { return std::regex_search(e.text, pattern); });
    CHECK(shown);
  }
}

TEST_CASE("Every run setting is named in docs/SCENARIOS.md", "[unit][docs]") {
  const std::string document = read_document();
  for (const auto& p : parameter_table()) {
    if (p.key.rfind("run.", 0) != 0) continue;
    INFO("parameter: " << p.key);
    CHECK(document.find(std::string(p.key)) != std::string::npos);
  }
}

TEST_CASE("Every key of the world and of the events is named in docs/SCENARIOS.md", "[unit][docs]") {
  // The model parameter groups are documented by `scamsim params` and
  // docs/MODEL.md; the keys that describe the world and the events must be
  // in the format reference itself, written as `key`.
  const std::string document = read_document();
  for (const auto& p : parameter_table()) {
    const std::string key(p.key);
    const bool world = key.rfind("countries.", 0) == 0 || key.rfind("networks.", 0) == 0 ||
                       key.rfind("operations[].", 0) == 0 || key.rfind("matrices.", 0) == 0 ||
                       key.rfind("events.", 0) == 0;
    if (!world) continue;
    const std::string leaf = key.substr(key.rfind('.') + 1);
    INFO("parameter: " << key);
    CHECK(document.find("`" + leaf + "`") != std::string::npos);
  }
}

TEST_CASE("Every model parameter docs/SCENARIOS.md names exists", "[unit][docs]") {
  // The groups are the first parts of keys such as "pressure.half_life_days".
  std::set<std::string> groups;
  std::set<std::string> keys;
  for (const auto& p : parameter_table()) {
    const std::string key(p.key);
    keys.insert(key);
    const auto dot = key.find('.');
    if (dot == std::string::npos || key.find('.', dot + 1) != std::string::npos) continue;
    groups.insert(key.substr(0, dot));
  }
  keys.insert("matrices.countries");  // a list of ids, not a number, so not in the table
  const std::string document = read_document();
  const std::regex named("`([a-z_]+)\\.([a-z_]+)`");
  std::size_t checked = 0;
  for (auto it = std::sregex_iterator(document.begin(), document.end(), named); it != std::sregex_iterator(); ++it) {
    if (groups.count((*it)[1].str()) == 0) continue;
    const std::string key = (*it)[1].str() + "." + (*it)[2].str();
    INFO("named in the document: " << key);
    CHECK(keys.count(key) == 1);
    ++checked;
  }
  CHECK(checked > 0);
}
