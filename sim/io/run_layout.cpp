#include "sim/io/run_layout.hpp"

#include <cstddef>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sim/model/metrics.hpp"

namespace scamsim::io::run_layout {

namespace {

std::vector<std::pair<std::string, std::uint8_t>> enum_members(std::span<const std::string_view> names) {
  std::vector<std::pair<std::string, std::uint8_t>> members;
  for (std::size_t i = 0; i < names.size(); ++i)
    members.emplace_back(std::string(names[i]), static_cast<std::uint8_t>(i));
  return members;
}

hid_t int64_type() { return h5::TypeTraits<std::int64_t>::native(); }
hid_t int32_type() { return h5::TypeTraits<std::int32_t>::native(); }
hid_t double_type() { return h5::TypeTraits<double>::native(); }

}  // namespace

h5::Handle event_kind_enum() { return h5::enum_type(enum_members(model::event_kind_names_log())); }
h5::Handle operator_state_enum() { return h5::enum_type(enum_members(operator_state_names)); }

// Field names are the contract (docs/OUTPUT.md); `kind` is the enum so readers see names.
h5::CompoundType event_row_type(hid_t kind) {
  h5::CompoundType type(sizeof(EventRow));
  type.add("replicate", offsetof(EventRow, replicate), int64_type())
      .add("step", offsetof(EventRow, step), int32_type())
      .add("kind", offsetof(EventRow, kind), kind)
      .add("country", offsetof(EventRow, country), int32_type())
      .add("network", offsetof(EventRow, network), int32_type())
      .add("operator", offsetof(EventRow, operator_id), int64_type())
      .add("count", offsetof(EventRow, count), int64_type())
      .add("amount_usd", offsetof(EventRow, amount_usd), int64_type());
  return type;
}

h5::CompoundType operator_row_type(hid_t state) {
  h5::CompoundType type(sizeof(OperatorRow));
  type.add("replicate", offsetof(OperatorRow, replicate), int64_type())
      .add("operator", offsetof(OperatorRow, operator_id), int64_type())
      .add("network", offsetof(OperatorRow, network), int32_type())
      .add("country", offsetof(OperatorRow, country), int32_type())
      .add("site", offsetof(OperatorRow, site), int32_type())
      .add("state", offsetof(OperatorRow, state), state)
      .add("workers", offsetof(OperatorRow, workers), int64_type())
      .add("target_workers", offsetof(OperatorRow, target_workers), int64_type())
      .add("capital_usd", offsetof(OperatorRow, capital_usd), int64_type())
      .add("protection", offsetof(OperatorRow, protection), double_type())
      .add("tech", offsetof(OperatorRow, tech), double_type())
      .add("perceived_risk", offsetof(OperatorRow, perceived_risk), double_type());
  return type;
}

}  // namespace scamsim::io::run_layout
