// Inputs of a careless or hostile user (issue 12): files that are not files, values that overflow, text that
// would drive the terminal, and the messages each gets. The bad-file catalogues (tests/scenarios/bad/,
// tests/scenarios/sweeps/bad/) hold the cases a file alone can show; these need a FIFO, /proc or --set.

#include <sys/stat.h>
#include <sys/types.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/core/error.hpp"
#include "sim/scenario/describe.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/sweep/sweep_spec.hpp"
#include "tests/support/diagnostics.hpp"
#include "tests/support/source.hpp"
#include "tests/support/temp_dir.hpp"

namespace fs = std::filesystem;
using scamsim::Diagnostic;
using scamsim::SetupError;
using scamsim::scenario::load_scenario;
using scamsim::test::TempDir;

namespace {

using scamsim::test::errors_of;
using scamsim::test::formatted;
const fs::path tiny_path = scamsim::test::test_scenario_path("tiny.toml");
/// tiny.toml with these --set flags.
const auto load_with = [](const std::vector<std::string>& overrides) {
  return scamsim::test::tiny_scenario(overrides);
};

/// A FIFO in `dir`; nothing ever writes to it, so a plain open or read of it waits forever.
fs::path make_fifo(const TempDir& dir, const std::string& name) {
  const fs::path fifo = dir.file(name);
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  return fifo;
}

/// Runs `load` and checks that it was refused at once, with a message containing `fragment`.
template <class Load>
void refused_at_once(Load&& load, const std::string& fragment) {
  const auto start = std::chrono::steady_clock::now();
  const auto errors = errors_of(load);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  INFO(formatted(errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message.find(fragment) != std::string::npos);
}

}  // namespace

TEST_CASE("A FIFO, a device or a file of /proc is refused as a scenario, base or sweep file, without waiting",
          "[unit][hostile]") {
  TempDir dir;
  const fs::path fifo = make_fifo(dir, "pipe.toml");
  SECTION("a FIFO as the scenario") {
    refused_at_once([&] { return load_scenario(fifo); }, "is a FIFO (named pipe)");
  }
  SECTION("a FIFO as the base") {
    const fs::path child = dir.write("child.toml", "base = \"pipe.toml\"\n");
    refused_at_once([&] { return load_scenario(child); }, "is a FIFO (named pipe)");
  }
  SECTION("a FIFO as a sweep file") {
    refused_at_once([&] { return scamsim::sweep::load_sweep(fifo); }, "is a FIFO (named pipe)");
  }
  SECTION("a device") {
    refused_at_once([&] { return load_scenario("/dev/zero"); }, "is a device");
  }
  SECTION("a file of /proc, which looks regular but is the kernel's") {
    const fs::path child = dir.write("child.toml", "base = \"/proc/self/status\"\n");
    refused_at_once([&] { return load_scenario(child); }, "/proc or /sys");
  }
  SECTION("/proc/kmsg, whose read blocks until the kernel logs something") {
    if (!fs::exists("/proc/kmsg")) return;
    const fs::path child = dir.write("child.toml", "base = \"/proc/kmsg\"\n");
    // As root it opens and is refused as /proc's; as anyone else the open is refused.
    const auto errors = errors_of([&] { return load_scenario(child); });
    REQUIRE(errors.size() == 1);
    CHECK((errors[0].message.find("/proc or /sys") != std::string::npos ||
           errors[0].message.find("Permission denied") != std::string::npos));
  }
}

TEST_CASE("A file that cannot be read says why", "[unit][hostile]") {
  // Through a path whose folder is a file: the system's reason, not "does not exist".
  const fs::path through_a_file = tiny_path / "x.toml";
  const auto errors = errors_of([&] { return load_scenario(through_a_file); });
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message == "file '" + through_a_file.string() + "' cannot be read: Not a directory");
}

TEST_CASE("A --set of a number beyond a double says so, not that it got a string", "[unit][hostile]") {
  for (const std::string value : {"1e400", "-1e400", "99999999999999999999"}) {
    INFO(value);
    const auto errors = errors_of([&] { return load_with({"run.years=" + value}); });
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message.find("not a number TOML can hold: out of range") != std::string::npos);
    CHECK(errors[0].message.find("string") == std::string::npos);
  }
}

TEST_CASE("A --set of an operation that does not exist says operations go by position", "[unit][hostile]") {
  const auto errors = errors_of([&] { return load_with({"operations.5.workers=10"}); });
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message.find("'operations' has no element '5': its elements are addressed by position") !=
        std::string::npos);
  CHECK(errors[0].message.find("event") == std::string::npos);
}

TEST_CASE("Amounts near the int64 limit are refused, whether written in the file or with --set", "[unit][hostile]") {
  // 9,223,372,036,854,775,807 passed validation and became -9.2e18 dollars in v0.3's output.
  for (const std::string flag :
       {"networks.syndicate.capital_usd=9223372036854775807", "countries.alpha.gdp_usd=9223372036854775807",
        "countries.alpha.host.aftercare_budget_usd_per_year=2000000000000000",
        "countries.gamma.origin.vulnerable_population=20000000000", "economics.revenue_usd_per_worker_day=10000000",
        "aftercare.programme_days=1e300", "matrices.transit_days=[[0, 1e300, 5], [3, 0, 5], [5, 5, 0]]"}) {
    INFO(flag);
    const auto errors = errors_of([&] { return load_with({flag}); });
    INFO(formatted(errors));
    CHECK(std::any_of(errors.begin(), errors.end(),
                      [](const Diagnostic& d) { return d.message.find("is out of range") != std::string::npos; }));
  }
  // The bounds themselves are accepted.
  CHECK_NOTHROW(load_with(
      {"networks.syndicate.capital_usd=1_000_000_000_000_000", "economics.revenue_usd_per_worker_day=1000000"}));
}

TEST_CASE("Names with control characters are refused at load, descriptions may have line breaks", "[unit][hostile]") {
  SECTION("an escape sequence in the scenario's name") {
    const auto errors = errors_of([&] { return load_with({"name=\"\\u001b[31mred\""}); });
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].key_path == "name");
    CHECK(errors[0].message.find("holds a control character (\\x1b)") != std::string::npos);
  }
  SECTION("a newline in a network's head") {
    const auto errors = errors_of([&] { return load_with({"networks.syndicate.head=\"two\\nlines\""}); });
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message.find("(\\n)") != std::string::npos);
  }
  SECTION("a description of two lines loads; one with an escape does not") {
    CHECK_NOTHROW(load_with({"description=\"first\\nsecond\\tindented\""}));
    const auto errors = errors_of([&] { return load_with({"description=\"\\u001b]0;title\\u0007\""}); });
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message.find("only line breaks and tabs") != std::string::npos);
  }
}

TEST_CASE("validate's description of a scenario escapes control characters in names", "[unit][hostile]") {
  // A scenario built in code (or by a future loader) with such names still cannot drive the terminal.
  auto s = load_scenario(tiny_path);
  s.name = "\x1b[31mred";
  s.description = "line one\nline \x1b[2J two";
  s.countries[0].name = "\x1b]0;pwned\x07";
  s.networks[0].head = std::string("nul\0here", 8);
  const std::string text = scamsim::scenario::describe(s);
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK(text.find('\x07') == std::string::npos);
  CHECK(text.find(std::string(1, '\0')) == std::string::npos);
  CHECK(text.find("Scenario: \\x1b[31mred") != std::string::npos);
  CHECK(text.find("  line one\n  line \\x1b[2J two\n") != std::string::npos);  // lines kept, escapes shown
}
