#include "sim/core/date.hpp"

#include <charconv>

#include <fmt/format.h>

namespace scamsim {

using namespace std::chrono;

std::optional<Date> Date::from_ymd(int y, unsigned m, unsigned d) {
  // Years outside this range are not plausible scenario dates and would
  // overflow the day count.
  if (y < 1 || y > 9999) return std::nullopt;
  const year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return Date(static_cast<int>(sys_days{ymd}.time_since_epoch().count()));
}

std::optional<Date> Date::parse(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto number = [&](std::size_t pos, std::size_t len) -> std::optional<unsigned> {
    unsigned value = 0;
    const char* first = text.data() + pos;
    const auto [end, ec] = std::from_chars(first, first + len, value);
    if (ec != std::errc{} || end != first + len) return std::nullopt;
    return value;
  };
  const auto y = number(0, 4);
  const auto m = number(5, 2);
  const auto d = number(8, 2);
  if (!y || !m || !d) return std::nullopt;
  return from_ymd(static_cast<int>(*y), *m, *d);
}

year_month_day Date::ymd() const { return year_month_day{sys_days{std::chrono::days{days_}}}; }

int Date::year() const { return static_cast<int>(ymd().year()); }
unsigned Date::month() const { return static_cast<unsigned>(ymd().month()); }
unsigned Date::day() const { return static_cast<unsigned>(ymd().day()); }

std::string Date::to_string() const { return fmt::format("{:04}-{:02}-{:02}", year(), month(), day()); }

}  // namespace scamsim
