#pragma once
// Binds the parameter table's entries to the members of the spec structs they
// fill, so the loader reads every numeric field through one generic routine.
// Internal to the scenario module.

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <type_traits>
#include <utility>
#include <variant>

#include "sim/core/date.hpp"
#include "sim/scenario/parameters.hpp"
#include "sim/scenario/spec.hpp"
#include "sim/scenario/toml_reader.hpp"

namespace scamsim::scenario::detail {

/// Reaches the member of `Spec` a parameter fills.
template <class Spec>
using Accessor = std::variant<double& (*)(Spec&), std::int64_t& (*)(Spec&), Date& (*)(Spec&)>;

/// A parameter table entry and the member it fills.
template <class Spec>
struct Field {
  ParameterInfo info;
  Accessor<Spec> access;

  /// The key inside its TOML table ("governance" in countries.<id>).
  [[nodiscard]] std::string_view leaf() const noexcept { return info.key.substr(info.key.rfind('.') + 1); }
};

/// Short names for the ranges and defaults the tables use.
namespace table_values {
inline constexpr double inf = std::numeric_limits<double>::infinity();
inline constexpr std::optional<double> required{};  ///< no default: the scenario must set it
inline constexpr Range share{0, 1};
inline constexpr Range nonnegative{0, inf};
inline constexpr Range positive{0, inf, true};
// The bounds of money, counts and durations (parameters.hpp, docs/MODEL.md section 7.9).
inline constexpr Range money{0, max_input_usd};
inline constexpr Range money_per_day{0, max_input_usd_per_day};
inline constexpr Range duration{0, max_input_days, true};
}  // namespace table_values

/// The ValueKind of a member type.
template <class T>
constexpr ValueKind kind_of() {
  if constexpr (std::is_same_v<T, double>)
    return ValueKind::real;
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return ValueKind::integer;
  else
    return ValueKind::date;
}

// One entry: the key is "<prefix><member>", so the TOML key and the struct
// member cannot drift apart.
#define SCAMSIM_FIELD(Spec, prefix, member, ...)                                                             \
  ::scamsim::scenario::detail::Field<Spec> {                                                                 \
    ::scamsim::scenario::ParameterInfo{                                                                      \
        prefix #member,                                                                                      \
        ::scamsim::scenario::detail::kind_of<std::remove_cvref_t<decltype(std::declval<Spec&>().member)>>(), \
        __VA_ARGS__},                                                                                        \
        +[](Spec & s) -> auto& {                                                                             \
      return s.member;                                                                                       \
    }                                                                                                        \
  }

std::span<const Field<RunSettings>> run_fields();
std::span<const Field<Parameters>> parameter_fields();
std::span<const Field<CountrySpec>> country_fields();
std::span<const Field<HostRole>> host_fields();
std::span<const Field<OriginRole>> origin_fields();
std::span<const Field<NetworkSpec>> network_fields();
std::span<const Field<OperationGroupSpec>> operation_fields();

/// Reads one parameter-table field of the table `r` reads into `out`, applying its default and range.
template <class Spec>
void read_field(TableReader& r, const Field<Spec>& f, Spec& out) {
  const ParameterInfo& info = f.info;
  const std::string_view key = f.leaf();
  const Need need = info.default_value ? Need::optional : Need::required;
  std::visit(
      [&](auto access) {
        auto& member = access(out);
        using T = std::remove_cvref_t<decltype(member)>;
        if constexpr (std::is_same_v<T, Date>) {
          if (auto v = r.date(key, need)) member = *v;
        } else if constexpr (std::is_same_v<T, double>) {
          if (info.default_value) member = *info.default_value;
          if (auto v = r.number(key, need); v && r.check_range(key, info, *v)) member = *v;
        } else {
          if (info.default_value) member = static_cast<std::int64_t>(*info.default_value);
          if (auto v = r.integer(key, need); v && r.check_range(key, info, static_cast<double>(*v))) member = *v;
        }
      },
      f.access);
}

/// Reads every field of a table.
template <class Spec>
void read_fields(TableReader& r, std::span<const Field<Spec>> fs, Spec& out) {
  for (const auto& f : fs) read_field(r, f, out);
}

}  // namespace scamsim::scenario::detail
