// The scenario loader: what a valid file turns into, how `base` files and
// `--set` overrides combine, and how it behaves at the limits of its input.
// The catalogue of invalid files is tested in test_catalogue.cpp.

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

TEST_CASE("Loading tiny.toml fills every field of the scenario", "[unit]") {
  const Scenario s = load_scenario(tiny_path);

  CHECK(s.name == "tiny");
  CHECK(s.description == "Two hosts and an origin, for tests");
  REQUIRE(s.files.size() == 1);
  CHECK(fs::path(s.files[0]) == tiny_path.lexically_normal());
  CHECK(!s.resolved_toml.empty());

  SECTION("run settings, with defaults for what the file leaves out") {
    CHECK(s.run.start_date == date("2025-01-01"));
    CHECK(s.run.years == 2.0);
    CHECK(s.run.seed == 42);
    CHECK(s.run.dt_days == static_cast<std::int64_t>(default_of("run.dt_days")));
    CHECK(s.run.replicates == static_cast<std::int64_t>(default_of("run.replicates")));
    CHECK(s.run.scale == default_of("run.scale"));
    CHECK(s.run.end_date() == date("2027-01-01"));
    CHECK(s.run.steps() == 730);
  }

  SECTION("countries sorted by id, with their roles and defaults") {
    REQUIRE(s.countries.size() == 3);
    CHECK(s.countries[0].id == "alpha");
    CHECK(s.countries[1].id == "beta");
    CHECK(s.countries[2].id == "gamma");

    const CountrySpec& alpha = s.countries[0];
    CHECK(alpha.name == "Alpha");
    CHECK(alpha.latitude_deg == 11.5);
    CHECK(alpha.longitude_deg == 104.9);
    CHECK(alpha.governance == 0.3);
    CHECK(alpha.corruption == 0.7);
    CHECK(alpha.enforcement_capacity_raids_per_year == 12.0);
    CHECK(alpha.initial_pressure == default_of("countries.<id>.initial_pressure"));
    CHECK(alpha.gdp_usd == 30'000'000'000);
    REQUIRE(alpha.host.has_value());
    CHECK(!alpha.origin.has_value());
    CHECK(alpha.host->aftercare_budget_usd_per_year == 1'000'000);
    CHECK(alpha.host->labour_cost_usd_per_day ==
          static_cast<std::int64_t>(default_of("countries.<id>.host.labour_cost_usd_per_day")));
    CHECK(alpha.host->infrastructure == default_of("countries.<id>.host.infrastructure"));

    const CountrySpec& beta = s.countries[1];
    CHECK(beta.name == "Beta");
    CHECK(beta.governance == 0.2);
    CHECK(beta.corruption == 0.8);
    CHECK(beta.gdp_usd == 60'000'000'000);
    CHECK(beta.enforcement_capacity_raids_per_year == default_of("countries.<id>.enforcement_capacity_raids_per_year"));
    REQUIRE(beta.host.has_value());  // an empty [countries.beta.host] makes a host with every default
    CHECK(!beta.origin.has_value());
    CHECK(beta.host->aftercare_budget_usd_per_year ==
          static_cast<std::int64_t>(default_of("countries.<id>.host.aftercare_budget_usd_per_year")));
    CHECK(beta.host->labour_cost_usd_per_day ==
          static_cast<std::int64_t>(default_of("countries.<id>.host.labour_cost_usd_per_day")));
    CHECK(beta.host->infrastructure == default_of("countries.<id>.host.infrastructure"));

    const CountrySpec& gamma = s.countries[2];
    CHECK(gamma.name == "Gamma");
    CHECK(gamma.latitude_deg == -6.2);
    CHECK(gamma.longitude_deg == 106.8);
    CHECK(gamma.gdp_usd == 1'300'000'000'000);
    CHECK(!gamma.host.has_value());
    REQUIRE(gamma.origin.has_value());
    CHECK(gamma.origin->vulnerable_population == 5'000'000);
    CHECK(gamma.origin->initial_workforce_share == 1.0);
    CHECK(gamma.origin->recruitment_susceptibility == default_of("countries.<id>.origin.recruitment_susceptibility"));
    CHECK(gamma.origin->embassy_repatriation_rate_per_month ==
          default_of("countries.<id>.origin.embassy_repatriation_rate_per_month"));
    CHECK(gamma.origin->awareness == default_of("countries.<id>.origin.awareness"));
  }

  SECTION("every model parameter takes its default from the parameter table") {
    Parameters params = s.params;
    for (const auto& f : detail::parameter_fields()) {
      INFO(f.info.key);
      REQUIRE(f.info.default_value.has_value());
      std::visit(
          [&](auto access) {
            const auto& value = access(params);
            using T = std::remove_cvref_t<decltype(value)>;
            if constexpr (!std::is_same_v<T, Date>) CHECK(static_cast<double>(value) == *f.info.default_value);
          },
          f.access);
    }
  }

  SECTION("sites, the network and the operations refer to each other by index") {
    REQUIRE(s.sites.size() == 2);
    CHECK(s.sites[0].id == "alpha_sez");
    CHECK(s.sites[0].name == "Alpha SEZ");
    CHECK(s.sites[0].country == id_at<CountryId>(0));
    CHECK(s.sites[0].kind == SiteKind::special_economic_zone);
    CHECK(s.sites[1].id == "beta_border");
    CHECK(s.sites[1].name == "beta_border");  // no name: the id
    CHECK(s.sites[1].country == id_at<CountryId>(1));
    CHECK(s.sites[1].kind == SiteKind::border_town);

    REQUIRE(s.networks.size() == 1);
    const NetworkSpec& n = s.networks[0];
    CHECK(n.id == "syndicate");
    CHECK(n.name == "The Syndicate");
    CHECK(n.head == "A. Kingpin");
    CHECK(n.home_country == id_at<CountryId>(0));
    CHECK(n.capital_usd == 50'000'000);
    CHECK(n.protection == default_of("networks.<id>.protection"));
    CHECK(n.tech == default_of("networks.<id>.tech"));

    REQUIRE(s.operations.size() == 2);
    CHECK(s.operations[0].network == id_at<NetworkId>(0));
    CHECK(s.operations[0].site == id_at<SiteId>(0));
    CHECK(s.operations[0].operations == 4);
    CHECK(s.operations[0].workers == 2000);
    CHECK(s.operations[1].network == id_at<NetworkId>(0));
    CHECK(s.operations[1].site == id_at<SiteId>(1));
    CHECK(s.operations[1].operations == 2);
    CHECK(s.operations[1].workers == 600);
    CHECK(&s.site(s.operations[1].site) == &s.sites[1]);
    CHECK(s.country(s.site(s.operations[1].site).country).id == "beta");
  }

  SECTION("matrices, with intelligence sharing defaulting to 0") {
    const std::vector<std::int64_t> cost = {0, 200'000, 500'000, 200'000, 0, 500'000, 500'000, 500'000, 0};
    const std::vector<double> transit = {0, 3, 5, 3, 0, 5, 5, 5, 0};
    CHECK(s.matrices.relocation_cost_usd == cost);
    CHECK(s.matrices.transit_days == transit);
    CHECK(s.matrices.intelligence_sharing == std::vector<double>(9, default_of("matrices.intelligence_sharing")));
    CHECK(s.pair_index(id_at<CountryId>(1), id_at<CountryId>(2)) == 5);
  }

  SECTION("events sorted by date, with their payloads and defaults") {
    REQUIRE(s.events.size() == 2);
    const EventSpec& first = s.events[0];
    CHECK(first.date == date("2025-06-01"));
    CHECK(first.id.empty());
    CHECK(event_kind_name(first.payload) == "crackdown");
    const auto& crackdown = std::get<Crackdown>(first.payload);
    CHECK(crackdown.country == id_at<CountryId>(0));
    CHECK(crackdown.capacity_factor == 3.0);
    CHECK(crackdown.duration_days == 90.0);

    const EventSpec& second = s.events[1];
    CHECK(second.date == date("2025-10-14"));
    CHECK(second.id == "sanctions");
    CHECK(event_kind_name(second.payload) == "sanctions_network");
    const auto& sanctions = std::get<SanctionNetwork>(second.payload);
    CHECK(sanctions.network == id_at<NetworkId>(0));
    CHECK(sanctions.capital_frozen_share == default_of("events.sanctions_network.capital_frozen_share"));
    CHECK(sanctions.pressure_shock == default_of("events.sanctions_network.pressure_shock"));
  }
}

TEST_CASE("Every event kind has a name, and names are what the payload variant says", "[unit]") {
  const auto names = event_kind_names();
  REQUIRE(names.size() == std::variant_size_v<EventPayload>);
  CHECK(names[0] == "sanctions_network");
  CHECK(event_kind_name(EventPayload{AiCapability{}}) == "ai_capability");
  CHECK(event_kind_name(EventPayload{IntelligenceSharing{}}) == "intelligence_sharing");
}

TEST_CASE("Matrix entries land at [from * n + to] whatever the order of matrices.countries", "[unit]") {
  const Scenario s = load_scenario(scenarios_dir / "good" / "shuffled_matrices.toml");
  REQUIRE(s.countries.size() == 3);
  // Entry from X to Y is 10 * code(X) + code(Y), codes alpha 1, beta 2, gamma 3.
  for (std::size_t from = 0; from < 3; ++from) {
    for (std::size_t to = 0; to < 3; ++to) {
      const double code = static_cast<double>(10 * (from + 1) + (to + 1));
      const std::size_t at = s.pair_index(id_at<CountryId>(from), id_at<CountryId>(to));
      INFO(s.countries[from].id << " -> " << s.countries[to].id);
      CHECK(at == from * 3 + to);
      CHECK(s.matrices.transit_days[at] == code);
      CHECK(s.matrices.relocation_cost_usd[at] == static_cast<std::int64_t>(code) * 1000);
      CHECK(s.matrices.intelligence_sharing[at] == Approx(code / 100));
    }
  }
}

TEST_CASE("Countries, sites and networks are indexed in id order, and references follow them", "[unit]") {
  // "aaa" sorts before every id of tiny.toml, so every index of the base moves by one.
  const std::string text = R"(
base = "tiny.toml"

[countries.aaa]
name = "First"
latitude_deg = 0
longitude_deg = 0
governance = 0.5
corruption = 0.5
gdp_usd = 1_000_000_000
[countries.aaa.host]

[sites.aaa_town]
country = "beta"
kind = "other"

[networks.aaa_gang]
home_country = "gamma"
capital_usd = 1

[matrices]
countries = ["gamma", "beta", "alpha", "aaa"]
relocation_cost_usd = [[0, 1, 1, 4], [1, 0, 1, 3], [1, 1, 0, 2], [1, 1, 1, 0]]
transit_days = [[0, 1, 1, 1], [1, 0, 1, 1], [1, 1, 0, 1], [1, 1, 1, 0]]
)";
  const Scenario s = load_scenario_text(text, scenarios_dir / "inline.toml");
  REQUIRE(s.countries.size() == 4);
  CHECK(s.countries[0].id == "aaa");
  CHECK(s.countries[1].id == "alpha");
  CHECK(s.countries[3].id == "gamma");
  REQUIRE(s.sites.size() == 3);
  CHECK(s.sites[0].id == "aaa_town");
  CHECK(s.sites[0].country == id_at<CountryId>(2));  // beta
  CHECK(s.sites[1].id == "alpha_sez");
  CHECK(s.sites[1].country == id_at<CountryId>(1));  // alpha
  REQUIRE(s.networks.size() == 2);
  CHECK(s.networks[0].id == "aaa_gang");
  CHECK(s.networks[0].home_country == id_at<CountryId>(3));  // gamma
  CHECK(s.networks[1].home_country == id_at<CountryId>(1));  // alpha
  CHECK(s.operations[0].network == id_at<NetworkId>(1));     // syndicate
  CHECK(s.operations[0].site == id_at<SiteId>(1));           // alpha_sez
  // The column of "aaa" in the file's row order gamma, beta, alpha: 4, 3, 2.
  CHECK(s.matrices.relocation_cost_usd[s.pair_index(id_at<CountryId>(3), id_at<CountryId>(0))] == 4);
  CHECK(s.matrices.relocation_cost_usd[s.pair_index(id_at<CountryId>(2), id_at<CountryId>(0))] == 3);
  CHECK(s.matrices.relocation_cost_usd[s.pair_index(id_at<CountryId>(1), id_at<CountryId>(0))] == 2);
  CHECK(s.matrices.relocation_cost_usd[s.pair_index(id_at<CountryId>(0), id_at<CountryId>(3))] == 1);
  CHECK(std::get<Crackdown>(s.events[0].payload).country == id_at<CountryId>(1));  // alpha
}

TEST_CASE("Weekly steps round the run up to whole steps", "[unit]") {
  const Scenario s = load_with({"run.dt_days=7"});
  CHECK(s.run.dt_days == 7);
  CHECK(s.run.steps() == 105);  // 730 days / 7 = 104.3
  const Scenario half = load_with({"run.years=0.5", "events.sanctions.date=2025-03-01"});
  CHECK(half.run.end_date() == date("2025-01-01").plus_days(183));
}

TEST_CASE("The shipped baseline scenario is a plausible world", "[unit]") {
  const fs::path baseline = scamsim::test::source_path("scenarios/baseline.toml");
  INFO(baseline.string());
  REQUIRE(fs::exists(baseline));
  const Scenario s = load_scenario(baseline);
  const auto hosts =
      std::count_if(s.countries.begin(), s.countries.end(), [](const CountrySpec& c) { return c.host.has_value(); });
  const auto origins =
      std::count_if(s.countries.begin(), s.countries.end(), [](const CountrySpec& c) { return c.origin.has_value(); });
  CHECK(hosts >= 4);
  CHECK(origins >= 1);
  CHECK(!s.networks.empty());
  CHECK(!s.operations.empty());
  for (const auto& g : s.operations) {
    const SiteSpec& site = s.site(g.site);
    INFO(site.id);
    CHECK(s.country(site.country).host.has_value());
  }
  const std::size_t n = s.countries.size();
  CHECK(s.matrices.transit_days.size() == n * n);
  CHECK(s.matrices.relocation_cost_usd.size() == n * n);
  CHECK(s.matrices.intelligence_sharing.size() == n * n);
  CHECK(std::is_sorted(s.events.begin(), s.events.end(),
                       [](const EventSpec& a, const EventSpec& b) { return a.date < b.date; }));
}

// ---- base inheritance -------------------------------------------------------

TEST_CASE("A scenario based on another overrides values, adds keys, replaces arrays and merges events", "[unit]") {
  const fs::path child_path = scenarios_dir / "good" / "child.toml";
  const Scenario base = load_scenario(tiny_path);
  const Scenario s = load_scenario(child_path);

  REQUIRE(s.files.size() == 2);
  CHECK(fs::path(s.files[0]) == child_path.lexically_normal());
  CHECK(fs::path(s.files[1]) == tiny_path.lexically_normal());
  CHECK(s.name == "child");
  CHECK(s.description == base.description);

  // A value overridden; its neighbours kept.
  CHECK(s.run.years == 3.0);
  CHECK(s.run.start_date == base.run.start_date);
  CHECK(s.run.seed == base.run.seed);
  CHECK(s.run.end_date() == date("2028-01-01"));

  // A key added to a nested table the base defines.
  REQUIRE(s.countries[1].host.has_value());
  CHECK(s.countries[1].host->infrastructure == 1.5);
  CHECK(s.countries[1].governance == base.countries[1].governance);
  CHECK(s.countries[0].host->infrastructure == base.countries[0].host->infrastructure);
  CHECK(s.params.pressure.half_life_days == 90.0);

  // operations replaced as a whole.
  REQUIRE(s.operations.size() == 1);
  CHECK(s.operations[0].site == id_at<SiteId>(1));
  CHECK(s.operations[0].operations == 3);
  CHECK(s.operations[0].workers == 900);

  // events: one appended, one replaced by id, one kept.
  REQUIRE(s.events.size() == 3);
  CHECK(event_kind_name(s.events[0].payload) == "crackdown");
  CHECK(s.events[0].date == date("2025-06-01"));
  CHECK(s.events[1].id == "sanctions");
  CHECK(s.events[1].date == date("2025-11-20"));
  CHECK(std::get<SanctionNetwork>(s.events[1].payload).capital_frozen_share == 0.5);
  CHECK(s.events[2].id == "arrest");
  CHECK(event_kind_name(s.events[2].payload) == "kingpin_arrest");
}

TEST_CASE("Base paths resolve against the folder of the file that names them, through several levels", "[unit]") {
  const fs::path grandchild = scenarios_dir / "good" / "nested" / "grandchild.toml";
  const Scenario s = load_scenario(grandchild);
  REQUIRE(s.files.size() == 3);
  CHECK(fs::path(s.files[0]) == grandchild.lexically_normal());
  CHECK(fs::path(s.files[1]) == (scenarios_dir / "good" / "child.toml").lexically_normal());
  CHECK(fs::path(s.files[2]) == tiny_path.lexically_normal());
  CHECK(s.name == "grandchild");
  CHECK(s.run.seed == 7);
  CHECK(s.run.years == 3.0);  // from child.toml
  CHECK(s.events.size() == 3);

  // The same from a temporary folder, far from the working directory.
  TempDir dir;
  dir.write("world/parent.toml", "base = " + quoted(tiny_path) + "\n[run]\nseed = 5\n");
  const fs::path child = dir.write("world/sub/child.toml", "base = \"../parent.toml\"\n[run]\nyears = 1\n");
  const Scenario t = load_scenario(child);
  CHECK(t.run.seed == 5);
  CHECK(t.run.years == 1.0);
  REQUIRE(t.files.size() == 3);
  CHECK(fs::path(t.files[1]) == (dir.path() / "world" / "parent.toml").lexically_normal());

  // Text in memory resolves its base against the folder of the name it is given.
  const Scenario u = load_scenario_text("base = \"tiny.toml\"\nname = \"inline\"\n", scenarios_dir / "inline.toml");
  CHECK(u.name == "inline");
  CHECK(u.countries.size() == 3);
}

TEST_CASE("Errors in a base file are located in the base file", "[unit]") {
  TempDir dir;
  const fs::path parent =
      dir.write("parent.toml", "base = " + quoted(tiny_path) + "\n\n[countries.beta]\ngovernance = 3\n");
  const fs::path child = dir.write("child.toml", "base = \"parent.toml\"\n[run]\nseed = 5\n");
  const auto errors = errors_of([&] { return load_scenario(child); });
  REQUIRE(errors.size() == 1);
  CHECK(fs::path(errors[0].where.file) == parent.lexically_normal());
  CHECK(errors[0].where.line == 4);
  CHECK(errors[0].key_path == "countries.beta.governance");

  // A syntax error in the base, and a base of the base that is missing.
  dir.write("broken.toml", "name = \"x\"\n[run\n");
  const fs::path on_broken = dir.write("on_broken.toml", "base = \"broken.toml\"\n");
  const auto syntax = errors_of([&] { return load_scenario(on_broken); });
  REQUIRE(syntax.size() == 1);
  CHECK(fs::path(syntax[0].where.file) == (dir.path() / "broken.toml").lexically_normal());
  CHECK(syntax[0].where.line == 2);
  CHECK(syntax[0].message.find("not valid TOML") != std::string::npos);

  dir.write("orphan.toml", "\n\nbase = \"gone.toml\"\n");
  const fs::path on_orphan = dir.write("on_orphan.toml", "base = \"orphan.toml\"\n");
  const auto missing = errors_of([&] { return load_scenario(on_orphan); });
  REQUIRE(missing.size() == 1);
  CHECK(fs::path(missing[0].where.file) == (dir.path() / "orphan.toml").lexically_normal());
  CHECK(missing[0].where.line == 3);
  CHECK(missing[0].message.find("gone.toml' does not exist") != std::string::npos);
}

TEST_CASE("Two events of one file with the same id are reported, not merged", "[unit]") {
  const std::string event = "[[events]]\nid = \"twice\"\ndate = 2025-05-01\nkind = \"ai_capability\"\nuplift = 1\n";
  const auto errors = errors_of(
      [&] { return load_scenario_text("base = \"tiny.toml\"\n" + event + event, scenarios_dir / "inline.toml"); });
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message == "event id 'twice' is used twice");
  CHECK(errors[0].where.line == 8);  // the second event's id

  // Two events with the id of one base event: the first replaces it, the second is a duplicate.
  const std::string replacement =
      "[[events]]\nid = \"sanctions\"\ndate = 2025-05-01\nkind = \"kingpin_arrest\"\nnetwork = \"syndicate\"\n";
  const auto twice = errors_of([&] {
    return load_scenario_text("base = \"tiny.toml\"\n" + replacement + replacement, scenarios_dir / "inline.toml");
  });
  CHECK(mentions(twice, "event id 'sanctions' is used twice"));
}

TEST_CASE("Files may be based on others at most 16 deep", "[unit]") {
  TempDir dir;
  dir.write("level0.toml", "base = " + quoted(tiny_path) + "\n");
  for (int i = 1; i <= 20; ++i) {
    dir.write("level" + std::to_string(i) + ".toml", "base = \"level" + std::to_string(i - 1) + ".toml\"\n");
  }
  // level15 -> ... -> level0 -> tiny: 17 files, 16 bases.
  CHECK(load_scenario(dir.path() / "level15.toml").files.size() == 17);
  // 17 bases: the 17th file's `base` line is the one too many.
  for (const int top : {16, 20}) {
    INFO("level" << top);
    const auto errors =
        errors_of([&] { return load_scenario(dir.path() / ("level" + std::to_string(top) + ".toml")); });
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message == "scenarios are based on others more than 16 deep");
    CHECK(fs::path(errors[0].where.file) ==
          (dir.path() / ("level" + std::to_string(top - 16) + ".toml")).lexically_normal());
    CHECK(errors[0].where.line == 1);
  }
}

TEST_CASE("A base file that names itself is a cycle", "[unit]") {
  TempDir dir;
  const fs::path self = dir.write("self.toml", "base = \"./self.toml\"\n");
  const auto errors = errors_of([&] { return load_scenario(self); });
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message.find("cycle") != std::string::npos);
  CHECK(errors[0].where.line == 1);
}

// ---- --set overrides --------------------------------------------------------

TEST_CASE("Garbage, empty text and absurd nesting in memory are errors, not crashes", "[unit]") {
  const fs::path name = scenarios_dir / "inline.toml";
  const auto load_text = [&](const std::string& text) {
    return errors_of([&] { return load_scenario_text(text, name); });
  };

  SECTION("empty text") {
    const auto errors = load_text("");
    CHECK(errors.size() == 3);
    for (const auto& d : errors) CHECK(d.where.file == name.string());
  }
  SECTION("invalid UTF-8 and control bytes") {
    std::string garbage;
    std::mt19937 random(12345);
    for (int i = 0; i < 4096; ++i) garbage += static_cast<char>(random() & 0xFF);
    CHECK(!load_text(garbage).empty());
    CHECK(mentions(load_text(std::string("name = \"\xC3\x28\"\n")), "not valid TOML"));
    CHECK(mentions(load_text(std::string("name = \"a\0b\"\n", 12)), "not valid TOML"));
  }
  SECTION("10,000 nested arrays and inline tables") {
    CHECK(mentions(load_text("x = " + repeat("[", 10'000)), "not valid TOML"));
    CHECK(mentions(load_text("x = " + repeat("[", 10'000) + repeat("]", 10'000)), "not valid TOML"));
    CHECK(mentions(load_text("x = " + repeat("{a=", 10'000) + "1" + repeat("}", 10'000)), "not valid TOML"));
  }
  SECTION("10,000-part dotted keys and table headers are refused before parsing") {
    for (const std::string& key : {dotted(10'000) + " = 1", "[" + dotted(10'000) + "]", "[[" + dotted(10'000) + "]]",
                                   "x = { " + dotted(10'000) + " = 1 }", "\"q\"." + dotted(10'000) + " = 1"}) {
      const auto errors = load_text("base = \"tiny.toml\"\n" + key + "\n");
      REQUIRE(errors.size() == 1);
      CHECK(errors[0].message == "a key has more than 32 dotted parts; no scenario key is nested that deep");
      CHECK(errors[0].where.line == 2);
    }
  }
  SECTION("dotted keys of up to 32 parts are parsed and reported as unknown keys") {
    CHECK(mentions(load_text("base = \"tiny.toml\"\n" + dotted(32) + " = 1\n"), "unknown key 'a'"));
    CHECK(mentions(load_text("base = \"tiny.toml\"\n[" + dotted(32) + "]\nb = 1\n"), "unknown key 'a'"));
  }
  SECTION("dots in strings, comments and numbers are not key parts") {
    const std::string dots = repeat("x.", 100);
    const Scenario s = load_scenario_text(
        "base = \"tiny.toml\"\ndescription = \"" + dots + "\"  # " + dots + "\n[run]\nyears = 1.5\n", name);
    CHECK(s.description == dots);
    CHECK(s.run.years == 1.5);
  }
  SECTION("a 10,000-part --set path") {
    const std::vector<std::string> overrides = {dotted(10'000) + "=1"};
    const auto errors = errors_of([&] { return load_scenario(tiny_path, overrides); });
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message == "key path has more than 32 parts");
    CHECK(errors[0].where.file.size() < 200);  // the flag is named, not repeated whole
  }
  SECTION("tables nested 62 deep in a file and in its base, merged") {
    // A 31-part header and a 31-part key inside it: each short enough to parse.
    TempDir dir;
    const std::string deep = "[" + dotted(31) + "]\n" + dotted(31) + " = 1\n";
    dir.write("parent.toml", "base = " + quoted(tiny_path) + "\n" + deep);
    const fs::path child = dir.write("child.toml", "base = \"parent.toml\"\n" + deep);
    const auto errors = errors_of([&] { return load_scenario(child); });
    CHECK(mentions(errors, "tables nested deeper than 32 levels"));
  }
}

// ---- the resolved document --------------------------------------------------

TEST_CASE("The resolved TOML of a scenario loads back to the same scenario", "[unit]") {
  const auto round_trip = [](const Scenario& s) {
    INFO(s.resolved_toml);
    const Scenario again = load_scenario_text(s.resolved_toml, "resolved.toml");
    check_same_scenario(s, again);
    CHECK(again.resolved_toml == s.resolved_toml);
  };
  SECTION("tiny.toml") { round_trip(load_scenario(tiny_path)); }
  SECTION("a scenario with a base") {
    round_trip(load_scenario(scenarios_dir / "good" / "nested" / "grandchild.toml"));
  }
  SECTION("shuffled matrices") { round_trip(load_scenario(scenarios_dir / "good" / "shuffled_matrices.toml")); }
  SECTION("values from --set, awkward text and numbers included") {
    round_trip(
        load_with({"run.scale=0.05", "pressure.will_base=0.123456789012345678", "economics.visibility_exponent=1e-300",
                   "events.sanctions.note=He said \"hi\" \\ ünïcode", "description=Tab\there, and \"quotes\"",
                   "run.seed=9000000000000000000", "events.0.date=2026-02-28"}));
  }
}
