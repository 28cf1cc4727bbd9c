#include "sim/app/command.hpp"

#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "sim/scenario/parameters.hpp"

namespace scamsim::app {

void add_set_option(CLI::App& command, std::vector<std::string>& overrides) {
  command
      .add_option("--set", overrides,
                  "Override a scenario value, e.g. --set run.scale=0.05 --set pressure.half_life_days=90 "
                  "--set events.oct_sanctions.date=2025-11-01 (repeatable, applied in order)")
      ->type_name("KEY.PATH=VALUE")
      ->take_last();
}

CLI::Validator whole_number(std::int64_t min, std::int64_t max, const std::string& allowed, const std::string& name) {
  return CLI::Validator(
      [=](std::string& input) -> std::string {
        std::int64_t value = 0;
        const char* end = input.data() + input.size();
        const auto [stop, error] = std::from_chars(input.data(), end, value);
        if (error == std::errc() && stop == end && value >= min && value <= max) return {};
        return fmt::format("must be {}; got '{}'", allowed, input);
      },
      "", name);
}

CLI::Validator positive_number() {
  return CLI::Validator(
      [](std::string& input) -> std::string {
        double value = 0;
        const char* end = input.data() + input.size();
        const auto [stop, error] = std::from_chars(input.data(), end, value);
        if (error == std::errc() && stop == end && std::isfinite(value) && value > 0) return {};
        return fmt::format("must be a number above 0; got '{}'", input);
      },
      "", "POSITIVE");
}

CLI::Validator thread_count() {
  return whole_number(0, std::numeric_limits<int>::max(), "a whole number of threads, or 0 for all cores",
                      "NONNEGATIVE");
}

CLI::Validator scenario_range(const char* key, const std::string& name) {
  const scenario::ParameterInfo* info = scenario::find_parameter(key);
  const auto min = static_cast<std::int64_t>(info->range.min);
  const auto max = static_cast<std::int64_t>(info->range.max);
  return whole_number(min, max, fmt::format("a whole number from {} to {}", min, max), name);
}

}  // namespace scamsim::app
