#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sim/core/text.hpp"

using namespace scamsim;

TEST_CASE("Edit distance counts insertions, deletions, substitutions and swaps", "[unit][text]") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("abc", "") == 3);
  CHECK(edit_distance("governance", "governence") == 1);
  CHECK(edit_distance("governance", "goevrnance") == 1);  // adjacent swap
  CHECK(edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("The closest match suggests plausible typos and nothing for unrelated words", "[unit][text]") {
  const std::vector<std::string> keys = {"governance", "corruption", "gdp_usd", "half_life_days"};
  CHECK(closest_match("governence", keys) == "governance");
  CHECK(closest_match("corrupton", keys) == "corruption");
  CHECK(closest_match("half_life", keys) == "half_life_days");  // cut short
  CHECK(closest_match("population", keys).empty());
  CHECK(closest_match("x", {}).empty());
}

TEST_CASE("Identifiers are lowercase snake case starting with a letter", "[unit][text]") {
  CHECK(is_identifier("cambodia"));
  CHECK(is_identifier("prince_group2"));
  CHECK_FALSE(is_identifier("Cambodia"));
  CHECK_FALSE(is_identifier("2cambodia"));
  CHECK_FALSE(is_identifier("_x"));
  CHECK_FALSE(is_identifier("a-b"));
  CHECK_FALSE(is_identifier(""));
  CHECK_FALSE(is_identifier(std::string(65, 'a')));
}

TEST_CASE("Quoted lists read as prose", "[unit][text]") {
  const std::vector<std::string> items = {"a", "b", "c"};
  CHECK(quoted_list(items) == "'a', 'b' or 'c'");
  CHECK(quoted_list(std::vector<std::string>{"a"}) == "'a'");
}
