#pragma once
// Binds the parameter table's entries to the members of the spec structs they
// fill, so the loader reads every numeric field through one generic routine.
// Internal to the scenario module.

#include <cstdint>
#include <span>
#include <variant>

#include "sim/core/date.hpp"
#include "sim/scenario/parameters.hpp"
#include "sim/scenario/spec.hpp"

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

std::span<const Field<RunSettings>> run_fields();
std::span<const Field<Parameters>> parameter_fields();
std::span<const Field<CountrySpec>> country_fields();
std::span<const Field<HostRole>> host_fields();
std::span<const Field<OriginRole>> origin_fields();
std::span<const Field<NetworkSpec>> network_fields();
std::span<const Field<OperationGroupSpec>> operation_fields();

/// The numeric fields of one event kind's payload.
template <class Payload>
std::span<const Field<Payload>> event_fields();

}  // namespace scamsim::scenario::detail
