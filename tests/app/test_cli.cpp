// The scamsim command line, run in-process: what it prints where, and its
// exit codes (0 ok, 1 errors in the user's input, 2 a wrong command line).

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "sim/app/cli.hpp"
#include "sim/core/version.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/parameters.hpp"
#include "tests/support/source.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path scenarios_dir = scamsim::test::test_scenarios_dir();
const std::string tiny = (scenarios_dir / "tiny.toml").string();
const std::string bad_typo = (scenarios_dir / "bad" / "unknown_key_typo.toml").string();

struct Result {
  int rc = -1;
  std::string out;
  std::string err;
};

/// Runs `scamsim args...` in-process and captures both streams.
Result cli(std::vector<std::string> args) {
  args.insert(args.begin(), "scamsim");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  argv.push_back(nullptr);
  std::ostringstream out;
  std::ostringstream err;
  Result r;
  r.rc = scamsim::app::run(static_cast<int>(args.size()), argv.data(), out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

bool contains(const std::string& text, std::string_view fragment) { return text.find(fragment) != std::string::npos; }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("scamsim --version prints the version and the commit", "[unit]") {
  const Result r = cli({"--version"});
  CHECK(r.rc == 0);
  CHECK(r.out.starts_with("scamsim " + std::string(scamsim::version()) + " (commit "));
  CHECK(contains(r.out, std::string(scamsim::git_commit())));
  CHECK(r.err.empty());
}

TEST_CASE("scamsim --help prints usage and succeeds", "[unit]") {
  for (const auto& args : {std::vector<std::string>{"--help"}, std::vector<std::string>{"-h"}}) {
    const Result r = cli(args);
    INFO(r.out << r.err);
    CHECK(r.rc == 0);
    CHECK(contains(r.out, "validate"));
    CHECK(contains(r.out, "params"));
    CHECK(r.err.empty());
  }
  const Result sub = cli({"validate", "--help"});
  CHECK(sub.rc == 0);
  CHECK(contains(sub.out, "--set"));
}

TEST_CASE("scamsim with no command prints usage on stderr and exits 2", "[unit]") {
  const Result r = cli({});
  CHECK(r.rc == 2);
  CHECK(r.out.empty());
  CHECK(contains(r.err, "validate"));
  CHECK(contains(r.err, "params"));
  CHECK(contains(r.err, "scamsim: name a command"));
}

TEST_CASE("scamsim says in words which numbers its flags allow", "[unit]") {
  // Each: the command line, then the message. CLI11's own checks printed a 300-digit range.
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"run", tiny, "-o", "x.h5", "--replicates", "0"},
       "--replicates: must be a whole number from 1 to 100000; got '0'"},
      {{"run", tiny, "-o", "x.h5", "--threads", "-1"},
       "--threads: must be a whole number of threads, or 0 for all cores; got '-1'"},
      {{"run", tiny, "-o", "x.h5", "--seed", "-1"},
       "--seed: must be a whole number from 0 to 9200000000000000000; got '-1'"},
      {{"run", tiny, "-o", "x.h5", "--seed", "abc"},
       "--seed: must be a whole number from 0 to 9200000000000000000; got 'abc'"},
      {{"compare", tiny, tiny, "-o", "x.h5", "--replicates", "2.5"},
       "--replicates: must be a whole number from 1 to 100000; got '2.5'"},
      {{"sweep", "s.toml", "--print-run", "-3"}, "--print-run: must be a run number, 0 or more; got '-3'"},
      {{"bench", "--years", "0"}, "--years: must be a number above 0; got '0'"},
      {{"calibrate", "c.toml", "--threads", "x"}, "--threads: must be a whole number of threads, or 0 for all cores"},
  };
  for (const auto& [args, message] : cases) {
    const Result r = cli(args);
    INFO(r.err);
    CHECK(r.rc == 2);
    CHECK(contains(r.err, "scamsim: " + message));
    CHECK(!contains(r.err, "not in range"));
  }
}

TEST_CASE("scamsim run --seed beyond the largest seed is refused, naming --seed, not clamped", "[unit]") {
  // 2^64 and 2^63 once became 9223372036854775807 silently, then an error about a --set never typed.
  for (const char* seed : {"18446744073709551616", "9223372036854775808", "9200000000000000001"}) {
    const Result r = cli({"run", tiny, "-o", "x.h5", "--seed", seed});
    INFO(r.err);
    CHECK(r.rc == 2);
    CHECK(contains(r.err, fmt::format("--seed: must be a whole number from 0 to 9200000000000000000; got '{}'", seed)));
    CHECK(!contains(r.err, "--set"));
  }
  CHECK(!fs::exists("x.h5"));
}

TEST_CASE("scamsim sweep refuses a parameter whose key is empty, naming its line", "[unit]") {
  // key = "" once dropped the parameter silently, and as the only one of an lhs, Saltelli or Morris design
  // ended in an internal error (exit 3).
  const fs::path dir = fs::temp_directory_path() / fmt::format("scamsim_empty_key_{}", ::getpid());
  fs::create_directories(dir);
  // Each design with a parameter table that is right but for its key.
  const std::vector<std::pair<std::string, std::string>> designs = {
      {"kind = \"grid\"", "levels = [0.1, 0.9]"},
      {"kind = \"lhs\"\npoints = 3", "min = 0.1\nmax = 0.9"},
      {"kind = \"saltelli\"\nbase_points = 4", "min = 0.1\nmax = 0.9"},
      {"kind = \"morris\"\ntrajectories = 3", "min = 0.1\nmax = 0.9"},
  };
  for (const auto& [design, range] : designs) {
    const fs::path file = dir / "empty_key.toml";
    std::ofstream(file) << fmt::format(
        "scenario = \"{}\"\nreplicates = 1\n[design]\n{}\n[[parameter]]\nkey = \"\"\n{}\n[[outcome]]\n"
        "name = \"held\"\nmetric = \"workers_held\"\n",
        tiny, design, range);
    const Result r = cli({"sweep", "--check", file.string()});
    INFO(design << "\n" << r.err);
    CHECK(r.rc == 1);
    CHECK(contains(r.err, "empty_key.toml:"));
    CHECK(contains(r.err, "key: is empty: name the scenario value to sweep"));
    CHECK(!contains(r.err, "internal error"));
  }
  fs::remove_all(dir);
}

TEST_CASE("scamsim validate on a valid scenario summarises it and exits 0", "[unit]") {
  const Result r = cli({"validate", tiny});
  INFO(r.err);
  CHECK(r.rc == 0);
  CHECK(r.err.empty());
  for (const char* fragment :
       {"Scenario: tiny", "Countries (3)", "alpha", "beta", "gamma", "Networks (1)", "syndicate", "head: A. Kingpin",
        "Events (2", "sanctions_network", "crackdown", "2025-06-01", "is valid."}) {
    INFO(fragment);
    CHECK(contains(r.out, fragment));
  }
}

TEST_CASE("scamsim validate applies --set overrides", "[unit]") {
  const Result r = cli({"validate", tiny, "--set", "run.scale=0.05", "--set", "pressure.half_life_days=90"});
  INFO(r.err);
  CHECK(r.rc == 0);
  CHECK(contains(r.out, "scale 0.05"));
  CHECK(contains(r.out, "pressure.half_life_days = 90"));

  const Result bad = cli({"validate", tiny, "--set", "run.sacle=1"});
  CHECK(bad.rc == 1);
  CHECK(contains(bad.err, "--set run.sacle=1: error: run.sacle: unknown key 'sacle' in [run]; did you mean 'scale'?"));
}

TEST_CASE("scamsim validate on a bad scenario prints every error on stderr and exits 1", "[unit]") {
  const Result r = cli({"validate", bad_typo});
  CHECK(r.rc == 1);
  CHECK(r.out.empty());
  CHECK(contains(r.err,
                 "unknown_key_typo.toml:7:1: error: countries.alpha.governence: unknown key 'governence' in "
                 "[countries.alpha]; did you mean 'governance'?"));
  CHECK(contains(r.err, "1 error found."));

  const Result several = cli({"validate", (scenarios_dir / "bad" / "several_errors.toml").string()});
  CHECK(several.rc == 1);
  CHECK(lines_of(several.err).size() == 5);
  CHECK(contains(several.err, "\n4 errors found.\n"));

  const Result missing = cli({"validate", (scenarios_dir / "no_such_scenario.toml").string()});
  CHECK(missing.rc == 1);
  CHECK(contains(missing.err, "does not exist"));

  // --quiet hides the summary, never the errors.
  const Result quiet = cli({"validate", "-q", bad_typo});
  CHECK(quiet.rc == 1);
  CHECK(contains(quiet.err, "did you mean 'governance'"));
}

TEST_CASE("scamsim with an unknown flag or a missing argument exits 2 and says why", "[unit]") {
  SECTION("an unknown flag") {
    const Result r = cli({"validate", "--no-such-flag", tiny});
    CHECK(r.rc == 2);
    CHECK(contains(r.err, "--no-such-flag"));
    CHECK(contains(r.err, "scamsim --help"));
    CHECK(r.out.empty());
  }
  SECTION("an unknown top-level flag") { CHECK(cli({"--bogus"}).rc == 2); }
  SECTION("an unknown subcommand") { CHECK(cli({"simulate-everything"}).rc == 2); }
  SECTION("validate without a scenario") {
    const Result r = cli({"validate"});
    CHECK(r.rc == 2);
    CHECK(contains(r.err, "scenario"));
  }
  SECTION("--set without a value") { CHECK(cli({"validate", tiny, "--set"}).rc == 2); }
}

TEST_CASE("scamsim validate --print-toml prints the resolved scenario, which loads again", "[unit]") {
  const Result r =
      cli({"validate", "--print-toml", (scenarios_dir / "good" / "child.toml").string(), "--set", "run.seed=9"});
  INFO(r.err);
  REQUIRE(r.rc == 0);
  CHECK(!contains(r.out, "is valid"));
  CHECK(!contains(r.out, "base ="));
  CHECK(contains(r.out, "[run]"));
  CHECK(contains(r.out, "seed = 9"));
  const auto s = scamsim::scenario::load_scenario_text(r.out, "printed.toml");
  CHECK(s.name == "child");
  CHECK(s.run.seed == 9);
  CHECK(s.events.size() == 3);
}

TEST_CASE("scamsim validate -q prints nothing for a valid scenario", "[unit]") {
  for (const char* flag : {"-q", "--quiet"}) {
    const Result r = cli({"validate", flag, tiny});
    CHECK(r.rc == 0);
    CHECK(r.out.empty());
    CHECK(r.err.empty());
  }
}

TEST_CASE("scamsim params --format csv prints a header and one row per parameter", "[unit]") {
  const Result r = cli({"params", "--format", "csv"});
  REQUIRE(r.rc == 0);
  const auto lines = lines_of(r.out);
  const auto table = scamsim::scenario::parameter_table();
  REQUIRE(lines.size() == table.size() + 1);
  CHECK(lines[0] == "key,symbol,type,default,unit,range,description,source");
  for (std::size_t i = 0; i < table.size(); ++i) {
    INFO(table[i].key);
    CHECK(lines[i + 1].starts_with(std::string(table[i].key) + ","));
  }
}

TEST_CASE("scamsim params prints every parameter as text by default, and as markdown", "[unit]") {
  const auto table = scamsim::scenario::parameter_table();
  const Result text = cli({"params"});
  REQUIRE(text.rc == 0);
  for (const auto& p : table)
    CHECK(contains(text.out, fmt::format("{} ({})\n", p.key, scamsim::scenario::parameter_symbol(p))));

  const Result md = cli({"params", "--format", "markdown"});
  REQUIRE(md.rc == 0);
  const auto lines = lines_of(md.out);
  REQUIRE(lines.size() == table.size() + 2);
  CHECK(lines[0] == "| key | symbol | type | default | unit | range | description | source |");
  CHECK(lines[1] == "|---|---|---|---|---|---|---|---|");
  for (std::size_t i = 0; i < table.size(); ++i) {
    INFO(table[i].key);
    CHECK(lines[i + 2].starts_with("| `" + std::string(table[i].key) + "` |"));
  }
}

TEST_CASE("scamsim params with an unknown format exits 2", "[unit]") {
  const Result r = cli({"params", "--format", "bogus"});
  CHECK(r.rc == 2);
  CHECK(contains(r.err, "bogus"));
  CHECK(r.out.empty());
}
