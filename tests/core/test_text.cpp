#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sim/core/error.hpp"
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

TEST_CASE("Text from a file is printed with its control characters escaped", "[unit][text]") {
  // ESC starts the colour and cursor sequences a shared file could use to rewrite the reader's terminal.
  CHECK(printable("\x1b[31mred\x1b[0m") == "\\x1b[31mred\\x1b[0m");
  CHECK(printable(std::string("a\0b", 3)) == "a\\x00b");
  CHECK(printable("tab\there\nnext\rback") == "tab\\there\\nnext\\rback");
  CHECK(printable("del\x7f") == "del\\x7f");
  CHECK(printable("\xc2\x9b"
                  "2J") == "\\u009b2J");  // C1 CSI, the one-character form of ESC [
  CHECK(printable("bad \xff byte, cut \xe2\x82") == "bad \\xff byte, cut \\xe2\\x82");
  CHECK(printable("\xc0\xaf") == "\\xc0\\xaf");  // an overlong '/'
  // Everything printable, letters of any script included, is left as it is.
  CHECK(printable("Cambodia, Lào, ミャンマー, ≥ 0 ±") == "Cambodia, Lào, ミャンマー, ≥ 0 ±");
  CHECK(printable("").empty());
}

TEST_CASE("The first control character of a name is found, line breaks only where text may have them", "[unit][text]") {
  CHECK(first_control_character("Cambodia").empty());
  CHECK(first_control_character("Lào ≥").empty());
  CHECK(first_control_character("\x1b[31m") == "\\x1b");
  CHECK(first_control_character(std::string("a\0b", 3)) == "\\x00");
  CHECK(first_control_character("two\nlines") == "\\n");
  CHECK(first_control_character("two\nlines\tand a tab", LineBreaks::allowed).empty());
  CHECK(first_control_character("two\nlines \x1b", LineBreaks::allowed) == "\\x1b");
  CHECK(first_control_character("\xc2\x85") == "\\u0085");
  CHECK(first_control_character("\xff") == "\\xff");
}

TEST_CASE("An error message prints what it quotes from a file with control characters escaped", "[unit][text]") {
  Diagnostic d;
  d.where = {"evil\x1b]0;title\x07.toml", 3, 1};
  d.key_path = "countries.\x1b[2J";
  d.message = "unknown key '\x1b[31m'";
  const std::string text = d.format();
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK(text.find('\x07') == std::string::npos);
  CHECK(text == "evil\\x1b]0;title\\x07.toml:3:1: error: countries.\\x1b[2J: unknown key '\\x1b[31m'");
}
