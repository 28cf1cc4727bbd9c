#include "sim/model/world.hpp"

#include "sim/model/money.hpp"

namespace scamsim::model {

namespace {
template <class T>
void put(std::vector<T>& column, std::size_t i, T value) {
  if (i == column.size()) {
    column.push_back(value);
  } else {
    column[i] = value;
  }
}
}  // namespace

OperatorId Operators::allocate() {
  // The lowest free slot: dismantled, and no worker still on the way to it
  // (an arriving worker must not find a stranger in its operator's place).
  std::size_t slot = state.size();
  for (std::size_t i = 0; i < state.size(); ++i) {
    if (state[i] == OperatorState::dismantled && incoming[i] == 0 && workers[i] == 0 && fate[i] == OperatorFate::none) {
      slot = i;
      break;
    }
  }
  if (slot < state.size()) {
    // What a dismantled operation left behind.
    accumulate_usd(written_off_usd, capital_usd[slot], "capital written off this step");
  }
  put(state, slot, OperatorState::active);
  put(form, slot, OperationForm::compound);
  put(fate, slot, OperatorFate::none);
  put(plan, slot, Plan::none);
  put(network, slot, NetworkId{});
  put(country, slot, CountryId{});
  put(site, slot, SiteId{});
  put(came_from, slot, CountryId{});
  put(premises, slot, std::int32_t{0});
  put(workers, slot, std::int32_t{0});
  put(incoming, slot, std::int32_t{0});
  put(target, slot, std::int32_t{0});
  put(capital_usd, slot, std::int64_t{0});
  put(protection, slot, 0.0f);
  put(tech, slot, 0.0f);
  put(perceived_risk, slot, 0.0);
  put(risk_perception, slot, 1.0f);
  put(arrival_step, slot, std::int32_t{0});
  put(decided_step, slot, std::int32_t{-1});
  put(destination, slot, CountryId{});
  put(release_share, slot, 0.0f);
  put(moved_share, slot, 0.0f);
  put(merge_into, slot, no_operator);
  put(first_cell, slot, std::uint32_t{0});
  put(cells, slot, std::uint8_t{0});
  put(revenue_usd, slot, std::int64_t{0});
  put(laundered_usd, slot, std::int64_t{0});
  put(frozen_usd, slot, std::int64_t{0});
  put(seized_usd, slot, std::int64_t{0});
  put(costs_usd, slot, std::int64_t{0});
  return OperatorId{static_cast<std::uint32_t>(slot)};
}

std::uint32_t Workers::add(WorkerState s, CountryId nationality_, CountryId where, OperatorId holder, std::int32_t due,
                           float vulnerability_) {
  rows.push_back(Worker{vulnerability_, 0.0f, due, holder, nationality_, where, s});
  return static_cast<std::uint32_t>(rows.size() - 1);
}

}  // namespace scamsim::model
