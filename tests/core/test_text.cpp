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

TEST_CASE("Wrapping breaks at spaces within the width, indenting every line", "[unit][text]") {
  CHECK(wrap("", 2, 20).empty());
  CHECK(wrap("one two", 2, 20) == "  one two\n");
  // "  alpha beta" is 12 columns: "gamma" would make it 18 > 16, so it starts the next line.
  CHECK(wrap("alpha beta gamma delta", 2, 16) == "  alpha beta\n  gamma delta\n");
  CHECK(wrap("alpha beta", 0, 10) == "alpha beta\n");  // exactly the width still fits
  CHECK(wrap("alpha beta", 0, 9) == "alpha\nbeta\n");
  // A word longer than a line is not broken: it stands on a line of its own.
  CHECK(wrap("a incomprehensibilities b", 1, 8) == " a\n incomprehensibilities\n b\n");
}

TEST_CASE("Cutting keeps text that fits and marks text that does not", "[unit][text]") {
  CHECK(cut("", 3).empty());
  CHECK(cut("abc", 3) == "abc");
  CHECK(cut("abcd", 3) == "ab~");
  CHECK(cut("abcd", 1) == "~");
  CHECK(cut("ab", 10) == "ab");
}
