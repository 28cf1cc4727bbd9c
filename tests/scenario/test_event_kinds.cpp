// Every kind in EventPayload has its home complete: a name, a field table in the parameter table, a
// description and a headline, and an event of it survives load -> (kind, target, fields) -> load.
#include <catch2/catch.hpp>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/core/text.hpp"
#include "sim/scenario/describe.hpp"
#include "sim/scenario/fields.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/parameters.hpp"

namespace sc = scamsim::scenario;

namespace {

// tiny.toml's world, with one event of every kind written as a user would. A new kind without an
// example here fails the first test case below.
const std::string events_of_every_kind = R"(
[[events]]
date = 2025-02-01
kind = "sanctions_network"
network = "syndicate"
capital_frozen_share = 0.75

[[events]]
date = 2025-02-02
kind = "sanctions_country"
country = "beta"
pressure_shock = 0.1

[[events]]
date = 2025-02-03
kind = "kingpin_arrest"
network = "syndicate"

[[events]]
id = "demand"
date = 2025-02-04
kind = "pressure_shock"
country = "alpha"
pressure_shock = 0.25

[[events]]
date = 2025-02-05
kind = "crackdown"
country = "alpha"
capacity_factor = 2.5
duration_days = 45

[[events]]
date = 2025-02-06
kind = "aftercare_budget"
country = "alpha"
budget_usd_per_year = 1234567

[[events]]
date = 2025-02-07
kind = "intelligence_sharing"
countries = ["alpha", "beta"]
level = 0.4

[[events]]
date = 2025-02-08
kind = "crypto_regulation"
frozen_share = 0.125

[[events]]
date = 2025-02-09
kind = "awareness_campaign"
country = "gamma"
awareness_increase = 0.05

[[events]]
date = 2025-02-10
kind = "ai_capability"
uplift = 0.6
)";

std::string tiny_world() {
  const auto path = std::filesystem::path(SCAMSIM_SOURCE_DIR) / "tests" / "scenarios" / "tiny.toml";
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  // tiny.toml's own events go: this test brings its own.
  const std::string all = text.str();
  return all.substr(0, all.find("[[events]]"));
}

sc::Scenario load_text(const std::string& events) {
  return sc::load_scenario_text(tiny_world() + events,
                                std::filesystem::path(SCAMSIM_SOURCE_DIR) / "tests" / "scenarios" / "events.toml");
}

// The event as a scenario file would write it, from what the dispatchers say of it: kind, target, fields.
std::string event_as_toml(const sc::Scenario& s, const sc::EventSpec& e) {
  std::string out =
      fmt::format("\n[[events]]\ndate = {}\nkind = \"{}\"\n", e.date.to_string(), sc::event_kind_name(e.payload));
  if (!e.id.empty()) out += fmt::format("id = \"{}\"\n", e.id);
  const sc::EventTarget target = sc::event_target(s, e.payload);
  if (target.network) {
    out += fmt::format("network = \"{}\"\n", s.network(*target.network).id);
  } else if (target.countries.size() == 1) {
    out += fmt::format("country = \"{}\"\n", s.country(target.countries[0]).id);
  } else if (!target.countries.empty()) {
    std::vector<std::string> ids;
    for (const auto c : target.countries) ids.push_back(fmt::format("\"{}\"", s.country(c).id));
    out += fmt::format("countries = [{}]\n", fmt::join(ids, ", "));
  }
  const std::string fields = sc::event_fields_text(e.payload);
  std::size_t start = 0;
  while (start < fields.size()) {
    const std::size_t end = std::min(fields.find("; ", start), fields.size());
    out += fields.substr(start, end - start) + "\n";
    start = end + 2;
  }
  return out;
}

template <class Kind>
void check_kind_home(std::set<std::string>& names) {
  INFO(Kind::name);
  CHECK(scamsim::is_identifier(Kind::name));
  CHECK(names.insert(std::string(Kind::name)).second);
  const auto table = fields(Kind{});
  REQUIRE_FALSE(table.empty());
  for (const auto& f : table) {
    INFO(f.info.key);
    // The key names its kind, and `scamsim params` lists it.
    CHECK(f.info.key.starts_with(fmt::format("events.{}.", Kind::name)));
    const sc::ParameterInfo* listed = sc::find_parameter(f.info.key);
    REQUIRE(listed != nullptr);
    CHECK(listed->description == f.info.description);
  }
}

template <class... Kind>
std::set<std::string> check_every_kind_home(std::variant<Kind...>* /*tag*/) {
  std::set<std::string> names;
  (check_kind_home<Kind>(names), ...);
  return names;
}

}  // namespace

TEST_CASE("Every event kind has a name, a field table in the parameter table, and an example here",
          "[unit][scenario][events]") {
  const std::set<std::string> names = check_every_kind_home(static_cast<sc::EventPayload*>(nullptr));
  CHECK(names.size() == std::variant_size_v<sc::EventPayload>);
  const sc::Scenario s = load_text(events_of_every_kind);
  std::set<std::string> loaded;
  for (const auto& e : s.events) loaded.insert(std::string(sc::event_kind_name(e.payload)));
  CHECK(loaded == names);
  for (std::size_t i = 0; i < sc::event_kind_names().size(); ++i) {
    const auto payload = sc::event_of_kind(sc::event_kind_names()[i]);
    REQUIRE(payload);
    CHECK(payload->index() == i);
  }
  CHECK_FALSE(sc::event_of_kind("crackdwon"));
}

TEST_CASE("Every event kind describes itself and round-trips through load, its fields text and load again",
          "[unit][scenario][events]") {
  const sc::Scenario s = load_text(events_of_every_kind);
  REQUIRE(s.events.size() == std::variant_size_v<sc::EventPayload>);
  const std::string described = sc::describe(s);
  std::string again;
  for (const auto& e : s.events) {
    INFO(sc::event_kind_name(e.payload));
    const std::string description = sc::describe_event(s, e.payload);
    CHECK_FALSE(description.empty());
    CHECK(described.find(description) != std::string::npos);
    CHECK_FALSE(sc::event_headline(s, e.payload).empty());
    CHECK_FALSE(sc::event_fields_text(e.payload).empty());
    again += event_as_toml(s, e);
  }
  const sc::Scenario reloaded = load_text(again);
  REQUIRE(reloaded.events.size() == s.events.size());
  for (std::size_t i = 0; i < s.events.size(); ++i) {
    const auto& a = s.events[i];
    const auto& b = reloaded.events[i];
    INFO(sc::event_kind_name(a.payload));
    CHECK(a.date == b.date);
    CHECK(a.id == b.id);
    REQUIRE(a.payload.index() == b.payload.index());
    CHECK(sc::describe_event(s, a.payload) == sc::describe_event(reloaded, b.payload));
    CHECK(sc::event_fields_text(a.payload) == sc::event_fields_text(b.payload));
    CHECK(sc::event_target_text(s, a.payload) == sc::event_target_text(reloaded, b.payload));
  }
  // What the example set: written values come back, defaults are filled in.
  CHECK(sc::event_fields_text(s.events[0].payload) == "capital_frozen_share=0.75; pressure_shock=0.3");
  CHECK(sc::event_fields_text(s.events[5].payload) == "budget_usd_per_year=1234567");
  CHECK(sc::event_target_text(s, s.events[6].payload) == "alpha+beta");
  CHECK(sc::event_target_text(s, s.events[7].payload).empty());
  CHECK(sc::event_target_text(s, s.events[0].payload) == "syndicate");
}

TEST_CASE("An event's target is its network and home, its country, its countries, or nothing",
          "[unit][scenario][events]") {
  const sc::Scenario s = load_text(events_of_every_kind);
  const auto target = [&](std::size_t i) { return sc::event_target(s, s.events[i].payload); };
  const auto home = s.network(*target(0).network).home_country;
  CHECK(target(0).country() == home);  // sanctions: the network's home
  CHECK(target(2).network == target(0).network);
  CHECK(target(4).country() == std::optional(scamsim::id_at<scamsim::CountryId>(0)));  // crackdown in alpha
  CHECK(target(6).countries.size() == 2);
  CHECK_FALSE(target(6).country());  // several countries: no single one
  CHECK(target(7).countries.empty());
  CHECK(target(9).countries.empty());
  CHECK_FALSE(target(9).network);
}
