#pragma once
#include <chrono>
#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace scamsim {

/// A calendar day (proleptic Gregorian), stored as days since 1970-01-01.
/// Scenario events and run starts are dates; the engine counts steps from
/// the start date.
class Date {
 public:
  constexpr Date() = default;
  /// The day year-month-day; nullopt if it does not exist (2025-02-30).
  static std::optional<Date> from_ymd(int year, unsigned month, unsigned day);
  /// Parses ISO 8601 "YYYY-MM-DD" exactly; nullopt otherwise.
  static std::optional<Date> parse(std::string_view text);

  [[nodiscard]] int year() const;
  [[nodiscard]] unsigned month() const;
  [[nodiscard]] unsigned day() const;
  /// ISO 8601 "YYYY-MM-DD".
  [[nodiscard]] std::string to_string() const;
  /// Days since 1970-01-01 (negative before).
  [[nodiscard]] constexpr int days_since_epoch() const noexcept { return days_; }
  /// The date `days` later (earlier if negative).
  [[nodiscard]] constexpr Date plus_days(int days) const noexcept { return Date(days_ + days); }
  /// Whole days from `earlier` to this date.
  [[nodiscard]] constexpr int days_after(Date earlier) const noexcept { return days_ - earlier.days_; }

  friend constexpr auto operator<=>(Date, Date) = default;

 private:
  constexpr explicit Date(int days) : days_(days) {}
  [[nodiscard]] std::chrono::year_month_day ymd() const;
  int days_ = 0;
};

}  // namespace scamsim
