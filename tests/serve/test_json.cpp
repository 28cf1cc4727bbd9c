#include <catch2/catch.hpp>

#include <limits>
#include <string>

#include "sim/core/error.hpp"
#include "sim/serve/json.hpp"
#include "sim/serve/levers.hpp"

using scamsim::serve::Json;
using scamsim::serve::json_number;
using scamsim::serve::json_string;
using scamsim::serve::JsonError;
using scamsim::serve::max_json_depth;
using scamsim::serve::parse_json;

TEST_CASE("A run request's JSON parses into objects, numbers and strings", "[unit][serve]") {
  const Json j =
      parse_json(R"({"scenario":"aftercare_funding","replicates":3,"set":{"ai.uplift":0.5e0},"x":[true,null]})");
  const Json::Object& o = *j.object();
  CHECK(*o.at("scenario").string() == "aftercare_funding");
  CHECK(*o.at("replicates").number() == 3);
  CHECK(*o.at("set").object()->at("ai.uplift").number() == 0.5);
  CHECK(parse_json(R"("\u00e9\ud83d\ude00\n")").string()->size() == 2 + 4 + 1);
}

TEST_CASE("Text that is not strict JSON is refused", "[unit][serve]") {
  for (const char* bad : {"", "{", "[1,2", "nul", "{\"a\":1}}", "{'a':1}", "01", "1.", "-", "+1", "NaN", "1e999",
                          "\"\\ud800\"", "\"a\x01\"", "[1,]", "{\"a\"}", "\"\\x\""}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(parse_json(bad), JsonError);
  }
}

TEST_CASE("Nesting is bounded before the parser descends", "[unit][serve]") {
  const auto nested = [](int depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  CHECK_NOTHROW(parse_json(nested(max_json_depth)));
  CHECK_THROWS_AS(parse_json(nested(max_json_depth + 1)), JsonError);
  CHECK_THROWS_AS(parse_json(nested(1'000'000)), JsonError);  // would overflow the stack unbounded
}

TEST_CASE("Strings and numbers are written as valid JSON whatever they hold", "[unit][serve]") {
  CHECK(json_string("a\"b\\c\n</script>") == R"("a\"b\\c\n\u003c/script>")");
  CHECK(json_string("caf\xc3\xa9") == "\"caf\xc3\xa9\"");
  CHECK(json_string("bad \xff byte") == R"("bad \ufffd byte")");
  CHECK(json_number(1e6) == "1000000");
  CHECK(json_number(0.1) == "0.1");
  CHECK(json_number(std::numeric_limits<double>::quiet_NaN()) == "null");
  CHECK(json_number(std::numeric_limits<double>::infinity()) == "null");
}

TEST_CASE("An error shown beside a lever names a scenario file by its name, not by the server's folders",
          "[unit][serve]") {
  scamsim::Diagnostic in_file;
  in_file.where.file = "/srv/private/scenarios/baseline.toml";
  in_file.where.line = 12;
  in_file.where.column = 3;
  in_file.key_path = "countries.cambodia.governance";
  in_file.message = "out of range";
  const auto shown = scamsim::serve::field_errors(scamsim::SetupError(in_file));
  REQUIRE(shown.size() == 1);
  CHECK(shown[0].key == "countries.cambodia.governance");
  CHECK(shown[0].message.find("/srv/private") == std::string::npos);
  CHECK(shown[0].message.find("baseline.toml:12") != std::string::npos);
  // A --set flag keeps its text and names the lever it set.
  scamsim::Diagnostic in_flag;
  in_flag.where.file = "--set ai.uplift=7";
  in_flag.key_path = "ai.uplift";
  in_flag.message = "above its range";
  const auto flagged = scamsim::serve::field_errors(scamsim::SetupError(in_flag));
  REQUIRE(flagged.size() == 1);
  CHECK(flagged[0].key == "ai.uplift");
  CHECK(flagged[0].message.find("--set ai.uplift=7") != std::string::npos);
}
