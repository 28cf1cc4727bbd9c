#pragma once
// What the scenario loader's tests share (test_loader.cpp, test_overrides.cpp): the test scenarios, errors by
// fragment, and a field-by-field comparison of two scenarios through the parameter table.

#include <algorithm>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/core/error.hpp"
#include "sim/scenario/fields.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/parameters.hpp"
#include "tests/support/diagnostics.hpp"
#include "tests/support/source.hpp"
#include "tests/support/temp_dir.hpp"

namespace scamsim::test::loader_checks {

namespace fs = std::filesystem;
using namespace scamsim::scenario;

using scamsim::test::errors_of;
using scamsim::test::formatted;
inline const fs::path scenarios_dir = scamsim::test::test_scenarios_dir();
inline const fs::path tiny_path = scamsim::test::test_scenario_path("tiny.toml");

inline Date date(std::string_view text) {
  const auto d = Date::parse(text);
  REQUIRE(d.has_value());
  return *d;
}

inline double default_of(std::string_view key) {
  const ParameterInfo* info = find_parameter(key);
  REQUIRE(info != nullptr);
  REQUIRE(info->default_value.has_value());
  return *info->default_value;
}

using scamsim::test::TempDir;

/// A TOML literal string holding a path.
inline std::string quoted(const fs::path& path) {
  std::string out = "'";  // built by appending: `"'" + string` trips GCC 12's -Wrestrict
  out += path.string();
  out += '\'';
  return out;
}

/// Whether a diagnostic's formatted text contains `fragment`.
inline bool mentions(const std::vector<Diagnostic>& diagnostics, std::string_view fragment) {
  const bool found = std::any_of(diagnostics.begin(), diagnostics.end(),
                                 [&](const Diagnostic& d) { return d.format().find(fragment) != std::string::npos; });
  if (!found) UNSCOPED_INFO("no diagnostic mentions '" << fragment << "' in:\n" << formatted(diagnostics));
  return found;
}

inline std::vector<Diagnostic> set_errors(std::vector<std::string> overrides, const fs::path& file = tiny_path) {
  return errors_of([&] { return load_scenario(file, overrides); });
}

inline Scenario load_with(std::vector<std::string> overrides, const fs::path& file = tiny_path) {
  return load_scenario(file, overrides);
}

// ---- Field-by-field comparison of two scenarios, through the parameter table ----

template <class Spec>
void check_same_fields(std::span<const detail::Field<Spec>> fields, Spec a, Spec b) {
  for (const auto& f : fields) {
    INFO(f.info.key);
    std::visit([&](auto access) { CHECK((access(a) == access(b))); }, f.access);
  }
}

inline void check_same_payload(const EventPayload& a, const EventPayload& b) {
  REQUIRE(a.index() == b.index());
  std::visit(
      [&](const auto& pa) {
        using P = std::remove_cvref_t<decltype(pa)>;
        const P& pb = std::get<P>(b);
        check_same_fields(fields(pa), pa, pb);
        if constexpr (requires { pa.network; }) CHECK(pa.network == pb.network);
        if constexpr (requires { pa.country; }) CHECK(pa.country == pb.country);
        if constexpr (requires { pa.countries; }) CHECK(pa.countries == pb.countries);
      },
      a);
}

inline void check_same_scenario(const Scenario& a, const Scenario& b) {
  CHECK(a.name == b.name);
  CHECK(a.description == b.description);
  check_same_fields(detail::run_fields(), a.run, b.run);
  check_same_fields(detail::parameter_fields(), a.params, b.params);
  REQUIRE(a.countries.size() == b.countries.size());
  for (std::size_t i = 0; i < a.countries.size(); ++i) {
    const CountrySpec& ca = a.countries[i];
    const CountrySpec& cb = b.countries[i];
    INFO(ca.id);
    CHECK(ca.id == cb.id);
    CHECK(ca.name == cb.name);
    check_same_fields(detail::country_fields(), ca, cb);
    REQUIRE(ca.host.has_value() == cb.host.has_value());
    if (ca.host) check_same_fields(detail::host_fields(), *ca.host, *cb.host);
    REQUIRE(ca.origin.has_value() == cb.origin.has_value());
    if (ca.origin) check_same_fields(detail::origin_fields(), *ca.origin, *cb.origin);
  }
  REQUIRE(a.sites.size() == b.sites.size());
  for (std::size_t i = 0; i < a.sites.size(); ++i) {
    CHECK(a.sites[i].id == b.sites[i].id);
    CHECK(a.sites[i].name == b.sites[i].name);
    CHECK(a.sites[i].country == b.sites[i].country);
    CHECK(a.sites[i].kind == b.sites[i].kind);
  }
  REQUIRE(a.networks.size() == b.networks.size());
  for (std::size_t i = 0; i < a.networks.size(); ++i) {
    CHECK(a.networks[i].id == b.networks[i].id);
    CHECK(a.networks[i].name == b.networks[i].name);
    CHECK(a.networks[i].head == b.networks[i].head);
    CHECK(a.networks[i].home_country == b.networks[i].home_country);
    check_same_fields(detail::network_fields(), a.networks[i], b.networks[i]);
  }
  REQUIRE(a.operations.size() == b.operations.size());
  for (std::size_t i = 0; i < a.operations.size(); ++i) {
    CHECK(a.operations[i].network == b.operations[i].network);
    CHECK(a.operations[i].site == b.operations[i].site);
    check_same_fields(detail::operation_fields(), a.operations[i], b.operations[i]);
  }
  CHECK(a.matrices.relocation_cost_usd == b.matrices.relocation_cost_usd);
  CHECK(a.matrices.transit_days == b.matrices.transit_days);
  CHECK(a.matrices.intelligence_sharing == b.matrices.intelligence_sharing);
  REQUIRE(a.events.size() == b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    INFO("event " << i);
    CHECK(a.events[i].id == b.events[i].id);
    CHECK(a.events[i].date == b.events[i].date);
    CHECK(a.events[i].note == b.events[i].note);
    check_same_payload(a.events[i].payload, b.events[i].payload);
  }
}

inline std::string repeat(std::string_view text, int times) {
  std::string out;
  out.reserve(text.size() * static_cast<std::size_t>(times));
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

/// "a.a.a...a", `parts` parts.
inline std::string dotted(int parts) {
  std::string out = "a";
  for (int i = 1; i < parts; ++i) out += ".a";
  return out;
}

}  // namespace scamsim::test::loader_checks
