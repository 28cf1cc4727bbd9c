#include <catch2/catch.hpp>

#include "sim/core/date.hpp"

using scamsim::Date;

TEST_CASE("Dates parse from ISO 8601 and print back the same", "[unit][date]") {
  const auto d = Date::parse("2025-10-14");
  REQUIRE(d);
  CHECK(d->year() == 2025);
  CHECK(d->month() == 10);
  CHECK(d->day() == 14);
  CHECK(d->to_string() == "2025-10-14");
  CHECK(Date::parse("1970-01-01")->days_since_epoch() == 0);
}

TEST_CASE("Dates that do not exist or are malformed are refused", "[unit][date]") {
  CHECK_FALSE(Date::parse("2025-02-29"));
  CHECK(Date::parse("2024-02-29"));
  CHECK_FALSE(Date::parse("2025-13-01"));
  CHECK_FALSE(Date::parse("2025-00-10"));
  CHECK_FALSE(Date::parse("2025-1-01"));
  CHECK_FALSE(Date::parse("2025/01/01"));
  CHECK_FALSE(Date::parse("+025-01-01"));
  CHECK_FALSE(Date::parse(""));
  CHECK_FALSE(Date::parse("0000-01-01"));
  CHECK_FALSE(Date::from_ymd(10000, 1, 1));
}

TEST_CASE("Day arithmetic crosses months, leap days and years", "[unit][date]") {
  const Date start = *Date::parse("2024-02-28");
  CHECK(start.plus_days(1).to_string() == "2024-02-29");
  CHECK(start.plus_days(2).to_string() == "2024-03-01");
  CHECK(Date::parse("2026-01-01")->days_after(*Date::parse("2025-01-01")) == 365);
  CHECK(Date::parse("2025-01-01")->days_after(*Date::parse("2024-01-01")) == 366);
  CHECK(*Date::parse("2025-01-01") < *Date::parse("2025-01-02"));
}
