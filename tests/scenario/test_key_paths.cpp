// Scenario key paths as sweep and calibration files name values (sim/scenario/key_paths.hpp): the node a
// path names in a resolved document, and the parameter-table entry that describes it.

#include <catch2/catch.hpp>

#include <string>

#include <toml++/toml.h>

#include "sim/scenario/key_paths.hpp"
#include "sim/scenario/parameters.hpp"

using namespace scamsim::scenario;

namespace {

toml::table resolved_document() {
  return toml::parse(R"(
[pressure]
half_life_days = 90

[countries.cambodia]
governance = 0.3

[[operations]]
workers = 500

[[operations]]
workers = 700

[[events]]
id = "raid_2026"
kind = "crackdown"
date = 2026-03-01
duration_days = 60

[[events]]
kind = "crackdown"
date = 2027-01-01
duration_days = 30
)");
}

}  // namespace

TEST_CASE("A key path names the node the loader's rules give it", "[unit][scenario][key_paths]") {
  const toml::table doc = resolved_document();
  const toml::node* half_life = node_at(doc, "pressure.half_life_days");
  REQUIRE(half_life);
  CHECK(half_life->value<std::int64_t>() == 90);
  const toml::node* governance = node_at(doc, "countries.cambodia.governance");
  REQUIRE(governance);
  CHECK(governance->value<double>() == 0.3);
  // Arrays of tables by position; events also by id.
  const toml::node* second = node_at(doc, "operations.1.workers");
  REQUIRE(second);
  CHECK(second->value<std::int64_t>() == 700);
  const toml::node* by_id = node_at(doc, "events.raid_2026.duration_days");
  const toml::node* by_position = node_at(doc, "events.0.duration_days");
  REQUIRE(by_id);
  CHECK(by_id == by_position);
  CHECK(node_at(doc, "events.1.duration_days")->value<std::int64_t>() == 30);
  CHECK(node_at(doc, "events.raid_2026.date")->is_date());
  // Paths that name nothing.
  CHECK(node_at(doc, "operations.2.workers") == nullptr);
  CHECK(node_at(doc, "events.no_such_event.date") == nullptr);
  CHECK(node_at(doc, "pressure.no_such_key") == nullptr);
  CHECK(node_at(doc, "pressure.half_life_days.deeper") == nullptr);
  CHECK(node_at(doc, "countries.laos.governance") == nullptr);
}

TEST_CASE("A key path finds its parameter-table entry through the table's patterns", "[unit][scenario][key_paths]") {
  const toml::table doc = resolved_document();
  const auto key_of = [&](const std::string& path) {
    const ParameterInfo* info = parameter_entry(path, doc);
    return info ? std::string(info->key) : std::string("(none)");
  };
  CHECK(key_of("pressure.half_life_days") == "pressure.half_life_days");
  CHECK(key_of("countries.cambodia.governance") == "countries.<id>.governance");
  // A country need not be in the document for its pattern to apply.
  CHECK(key_of("countries.laos.governance") == "countries.<id>.governance");
  CHECK(key_of("operations.1.workers") == "operations.<n>.workers");
  // Event fields are tabled by kind, looked up from the event the path names.
  CHECK(key_of("events.raid_2026.duration_days") == "events.crackdown.duration_days");
  CHECK(key_of("events.1.duration_days") == "events.crackdown.duration_days");
  CHECK(key_of("events.no_such_event.duration_days") == "(none)");
  CHECK(key_of("pressure.no_such_key") == "(none)");
  CHECK(key_of("pressure") == "(none)");
}
