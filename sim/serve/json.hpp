#pragma once
// The little JSON the explorer's API needs (Boost 1.74 has no Boost.JSON): a strict parser for request bodies,
// bounded in size and depth so that a hostile body cannot exhaust the stack or memory, and a writer that escapes
// strings. Internal to the serve module.

#include <cstddef>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace scamsim::serve {

/// A parsed JSON value. Objects keep the last of duplicate keys, as most parsers do.
struct Json {
  using Array = std::vector<Json>;
  using Object = std::map<std::string, Json, std::less<>>;
  std::variant<std::nullptr_t, bool, double, std::string, Array, Object> value;

  [[nodiscard]] bool is_object() const { return std::holds_alternative<Object>(value); }
  [[nodiscard]] const Object* object() const { return std::get_if<Object>(&value); }
  [[nodiscard]] const std::string* string() const { return std::get_if<std::string>(&value); }
  [[nodiscard]] const double* number() const { return std::get_if<double>(&value); }
};

/// A body that is not JSON, or is deeper than the limit; the message says where.
class JsonError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Arrays and objects nested deeper than this are refused: no request of the API needs more than three.
inline constexpr int max_json_depth = 16;

/// Parses `text` as one JSON value (RFC 8259, no extensions); throws JsonError.
Json parse_json(std::string_view text);

/// `text` as a JSON string literal, quotes included; bytes that are not valid UTF-8 become U+FFFD.
std::string json_string(std::string_view text);

/// A number as JSON: NaN and infinities, which JSON lacks, become null; integers print without a fraction.
std::string json_number(double value);

}  // namespace scamsim::serve
