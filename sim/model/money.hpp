#pragma once
// Whole-dollar arithmetic that cannot wrap. Money is int64 USD; a sum that
// would leave the int64 range (a capital near 9.2e18 in a scenario, say)
// throws MoneyOverflow naming the quantity instead of wrapping to a large
// negative number that would then be written as a result. It is a
// SetupError: the scenario's amounts are too large (exit 1, nothing written).

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "sim/core/error.hpp"

namespace scamsim::model {

/// A money amount left the int64 range: the scenario's amounts are too large
/// for whole-dollar arithmetic.
class MoneyOverflow : public SetupError {
 public:
  explicit MoneyOverflow(std::string_view what)
      : SetupError("money out of range: " + std::string(what) +
                   " exceeds what a 64-bit whole-dollar amount holds (about 9.2e18 USD); "
                   "lower the scenario's money amounts (capital, costs, budgets) or its run.scale") {}
};

/// a + b, or MoneyOverflow naming `what`.
[[nodiscard]] inline std::int64_t add_usd(std::int64_t a, std::int64_t b, std::string_view what) {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) throw MoneyOverflow(what);
  return sum;
}

/// a - b, or MoneyOverflow naming `what`.
[[nodiscard]] inline std::int64_t sub_usd(std::int64_t a, std::int64_t b, std::string_view what) {
  std::int64_t difference = 0;
  if (__builtin_sub_overflow(a, b, &difference)) throw MoneyOverflow(what);
  return difference;
}

/// a * b, or MoneyOverflow naming `what`.
[[nodiscard]] inline std::int64_t mul_usd(std::int64_t a, std::int64_t b, std::string_view what) {
  std::int64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product)) throw MoneyOverflow(what);
  return product;
}

/// `total += amount`, checked.
inline void accumulate_usd(std::int64_t& total, std::int64_t amount, std::string_view what) {
  total = add_usd(total, amount, what);
}

/// A dollar amount computed in floating point, rounded to whole dollars
/// (half away from zero, as std::llround), or MoneyOverflow if it does not
/// fit in int64 (std::llround's result is unspecified there) or is not a number.
[[nodiscard]] inline std::int64_t whole_usd(double usd, std::string_view what) {
  // 2^63 is exact in double; every double below it rounds into range.
  constexpr double limit = 9223372036854775808.0;
  if (!(usd > -limit && usd < limit)) throw MoneyOverflow(what);
  return static_cast<std::int64_t>(std::llround(usd));
}

}  // namespace scamsim::model
