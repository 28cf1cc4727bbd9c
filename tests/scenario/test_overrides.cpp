// The scenario loader's --set overrides and its refusals of whole files (too large, missing, a folder).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <variant>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/core/error.hpp"
#include "sim/scenario/fields.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/parameters.hpp"
#include "tests/scenario/loader_checks.hpp"
#include "tests/support/diagnostics.hpp"
#include "tests/support/source.hpp"
#include "tests/support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace scamsim;
using namespace scamsim::scenario;
using namespace scamsim::test::loader_checks;

// ---- A valid file, field by field -------------------------------------------

TEST_CASE("Overrides with --set change numbers, dates and strings, and create keys the file leaves out", "[unit]") {
  const Scenario s = load_with({"run.scale=0.05", "run.start_date=2025-03-01", "countries.alpha.name=Kingdom of Alpha",
                                "pressure.half_life_days=90", "countries.beta.host.labour_cost_usd_per_day=7",
                                "networks.syndicate.head=\"Quoted Name\"", "run.seed=2e3"});
  CHECK(s.run.scale == 0.05);
  CHECK(s.run.start_date == date("2025-03-01"));
  CHECK(s.run.end_date() == date("2027-03-01"));
  CHECK(s.countries[0].name == "Kingdom of Alpha");
  CHECK(s.params.pressure.half_life_days == 90.0);
  CHECK(s.countries[1].host->labour_cost_usd_per_day == 7);
  CHECK(s.networks[0].head == "Quoted Name");
  CHECK(s.run.seed == 2000);
  // What is not overridden stays.
  CHECK(s.run.seed != 42);
  CHECK(s.countries[0].governance == 0.3);
}

TEST_CASE("Overrides with --set reach events by index and by id", "[unit]") {
  // Before sorting, tiny.toml's events are [0] sanctions, [1] the crackdown.
  const Scenario s =
      load_with({"events.1.duration_days=30", "events.sanctions.date=2025-12-01", "events.sanctions.note=moved"});
  REQUIRE(s.events.size() == 2);
  CHECK(std::get<Crackdown>(s.events[0].payload).duration_days == 30.0);
  CHECK(s.events[1].id == "sanctions");
  CHECK(s.events[1].date == date("2025-12-01"));
  CHECK(s.events[1].note == "moved");

  // An event moved before the other changes their order.
  const Scenario moved = load_with({"events.sanctions.date=2025-02-01"});
  CHECK(moved.events[0].id == "sanctions");
}

TEST_CASE("Several --set are applied in order and the last one wins", "[unit]") {
  const Scenario s = load_with({"run.seed=1", "run.seed=2", "run.years=3", "events.0.date=2027-06-01"});
  CHECK(s.run.seed == 2);
  CHECK(s.run.years == 3.0);
  CHECK(s.events[1].date == date("2027-06-01"));  // within the longer run
  const Scenario t = load_with({"run.seed=2", "run.seed=1"});
  CHECK(t.run.seed == 1);
}

TEST_CASE("A malformed --set is an error that names the flag", "[unit]") {
  SECTION("no '='") {
    const auto errors = set_errors({"run.scale"});
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].where.file == "--set run.scale");
    CHECK(errors[0].message.find("expected key.path=value") != std::string::npos);
  }
  SECTION("no key") {
    const auto errors = set_errors({"=5"});
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message.find("expected key.path=value") != std::string::npos);
  }
  SECTION("an empty path segment") {
    const auto errors = set_errors({"run..scale=1"});
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message.find("empty part") != std::string::npos);
    CHECK(errors[0].key_path == "run..scale");
  }
  SECTION("a trailing dot") { CHECK(mentions(set_errors({"run.=1"}), "empty part")); }
  SECTION("a value on several lines") { CHECK(mentions(set_errors({"run.scale=1\n[run]"}), "one line")); }
}

TEST_CASE("A --set of an unknown key suggests the closest one and names the flag", "[unit]") {
  const auto errors = set_errors({"run.sacle=1"});
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].where.file == "--set run.sacle=1");
  CHECK(errors[0].where.line == 0);
  CHECK(errors[0].message.find("did you mean 'scale'") != std::string::npos);

  const auto group = set_errors({"presure.half_life_days=90"});
  CHECK(mentions(group, "did you mean 'pressure'"));
  CHECK(mentions(set_errors({"pressure.half_life_dayz=90"}), "did you mean 'half_life_days'"));
}

TEST_CASE("A --set of the wrong type or out of range names the flag", "[unit]") {
  SECTION("a word for a number") {
    const auto errors = set_errors({"run.scale=abc"});
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].where.file == "--set run.scale=abc");
    CHECK(errors[0].format().starts_with("--set run.scale=abc: error: run.scale: expected a number"));
  }
  SECTION("a fraction for a whole number") {
    const auto errors = set_errors({"run.seed=0.5"});
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].where.file == "--set run.seed=0.5");
    CHECK(errors[0].message.find("whole number") != std::string::npos);
  }
  SECTION("a date that does not exist") {
    const auto errors = set_errors({"run.start_date=2025-02-30"});
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].where.file == "--set run.start_date=2025-02-30");
    CHECK(errors[0].message.find("not a date") != std::string::npos);
  }
  SECTION("out of range") {
    const auto errors = set_errors({"countries.alpha.governance=1.5"});
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].where.file == "--set countries.alpha.governance=1.5");
    CHECK(errors[0].message.find("out of range: must be [0, 1]") != std::string::npos);
  }
  SECTION("an event date outside the run") {
    const auto errors = set_errors({"events.sanctions.date=2030-01-01"});
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].where.file == "--set events.sanctions.date=2030-01-01");
    CHECK(errors[0].message.find("outside the run") != std::string::npos);
  }
  SECTION("a whole number too large for 64 bits") {
    const auto errors = set_errors({"countries.gamma.origin.vulnerable_population=9.3e18"});
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message == "9.3e+18 is too large: whole numbers must lie within ±9.2e+18");
  }
  SECTION("a table replaced by a number") {
    const auto errors = set_errors({"run=5"});
    CHECK(mentions(errors, "run: expected a table, got an integer (5)"));
  }
}

TEST_CASE("A --set through an event that does not exist or through a value is an error", "[unit]") {
  SECTION("an index past the end") {
    const auto errors = set_errors({"events.7.date=2025-05-01"});
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message.find("'events' has no element '7'") != std::string::npos);
  }
  SECTION("a huge index") {
    CHECK(mentions(set_errors({"events.99999999999999999999.date=2025-05-01"}), "has no element"));
  }
  SECTION("an id no event has") {
    CHECK(mentions(set_errors({"events.sanctoins.date=2025-05-01"}), "has no element 'sanctoins'"));
  }
  SECTION("through a scalar") {
    const auto errors = set_errors({"run.years.x=1"});
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message == "'run.years' is an integer (2), which has no key 'x'");
  }
}

TEST_CASE("A --set of base is refused: base files are merged before overrides", "[unit]") {
  const auto errors = set_errors({"base=other.toml"});
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].where.file == "--set base=other.toml");
  CHECK(errors[0].message.find("'base' cannot be set with --set") != std::string::npos);
}

TEST_CASE("Errors from --set and from the file are reported together", "[unit]") {
  const auto errors = set_errors({"run.scale=abc", "run.seed=-1"}, scenarios_dir / "bad" / "unknown_key_run.toml");
  CHECK(errors.size() == 3);
  CHECK(mentions(errors, "did you mean 'seed'"));
  CHECK(mentions(errors, "--set run.scale=abc"));
  CHECK(mentions(errors, "--set run.seed=-1"));
}

// ---- limits -----------------------------------------------------------------

TEST_CASE("A file over 16 MiB is refused at once, before it is read", "[unit]") {
  TempDir dir;
  const fs::path big = dir.path() / "big.toml";
  {
    std::ofstream out(big, std::ios::binary);
    const std::string line = "# " + std::string(1021, 'x') + "\n";  // 1 KiB
    for (int i = 0; i < 17 * 1024; ++i) out << line;
  }
  REQUIRE(fs::file_size(big) > max_scenario_file_bytes);
  const auto start = std::chrono::steady_clock::now();
  const auto errors = errors_of([&] { return load_scenario(big); });
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(elapsed < std::chrono::milliseconds(500));
  REQUIRE(errors.size() == 1);
  CHECK(fs::path(errors[0].where.file) == big.lexically_normal());
  CHECK(errors[0].where.line == 0);
  CHECK(errors[0].message.find("limited to 16 MiB") != std::string::npos);

  // The same as a base file.
  const fs::path child = dir.write("child.toml", "\nbase = \"big.toml\"\n");
  const auto as_base = errors_of([&] { return load_scenario(child); });
  REQUIRE(as_base.size() == 1);
  CHECK(as_base[0].message.find("limited to 16 MiB") != std::string::npos);
}

TEST_CASE("A file that does not exist, or is a folder, is an error without a line", "[unit]") {
  TempDir dir;
  const auto missing = errors_of([&] { return load_scenario(dir.path() / "nowhere.toml"); });
  REQUIRE(missing.size() == 1);
  CHECK(missing[0].where.line == 0);
  CHECK(missing[0].message.find("does not exist") != std::string::npos);
  CHECK(missing[0].format().starts_with((dir.path() / "nowhere.toml").string() + ": error: "));

  const auto folder = errors_of([&] { return load_scenario(dir.path()); });
  REQUIRE(folder.size() == 1);
  CHECK(folder[0].message.find("not a regular file") != std::string::npos);

  const fs::path empty = dir.write("empty.toml", "");
  const auto nothing = errors_of([&] { return load_scenario(empty); });
  CHECK(nothing.size() == 3);
  CHECK(mentions(nothing, "run: missing required key"));
}
