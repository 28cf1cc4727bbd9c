// Phase 7: the step's metrics (MODEL.md §3.7). Stocks are kept up to date
// by the transitions themselves; flows were counted by the phases; money is
// summed over operators in id order (integers, so the order cannot matter).
#include <algorithm>
#include <cmath>
#include <utility>

#include "sim/model/simulation.hpp"

namespace scamsim::model {

void Simulation::record_step() {
  const std::size_t nc = scenario_.countries.size();
  const auto t = static_cast<std::int64_t>(step_);
  auto& r = record_;

  std::vector<std::int64_t> operations(nc, 0);
  std::vector<std::int64_t> held_by_ops(nc, 0);
  std::vector<std::int64_t> small(nc, 0);
  std::vector<std::int64_t> revenue(nc, 0);
  std::vector<std::int64_t> laundered(nc, 0);
  std::vector<std::int64_t> frozen(nc, 0);
  std::vector<std::int64_t> seized(nc, 0);
  ledger_ = Ledger{};
  ledger_.moving_costs_usd = std::exchange(moving_costs_step_usd_, 0);
  ledger_.written_off_usd = std::exchange(ops_.written_off_usd, 0);
  for (std::size_t o = 0; o < ops_.size(); ++o) {
    const std::size_t c = index_of(ops_.country[o]);
    ledger_.capital_usd += ops_.capital_usd[o];
    ledger_.revenue_usd += ops_.revenue_usd[o];
    ledger_.costs_usd += ops_.costs_usd[o];
    ledger_.frozen_usd += ops_.frozen_usd[o];
    ledger_.seized_usd += ops_.seized_usd[o];
    ops_.costs_usd[o] = 0;
    revenue[c] += ops_.revenue_usd[o];
    laundered[c] += ops_.laundered_usd[o];
    frozen[c] += ops_.frozen_usd[o];
    seized[c] += ops_.seized_usd[o];
    ops_.revenue_usd[o] = ops_.laundered_usd[o] = ops_.frozen_usd[o] = ops_.seized_usd[o] = 0;
    if (ops_.state[o] != OperatorState::active) continue;
    ++operations[c];
    held_by_ops[c] += ops_.workers[o];
    if (ops_.workers[o] <= p_.economics.small_operation_workers) small[c] += ops_.workers[o];
  }

  const double revenue_smoothing = 1 - std::exp(-derived_.dt_days / 90.0);
  std::int64_t held_total = 0;
  std::int64_t operations_total = 0;
  std::int64_t small_total = 0;
  std::int64_t revenue_total = 0;
  for (std::size_t c = 0; c < nc; ++c) {
    const CountryId id = id_at<CountryId>(c);
    auto& state = countries_[c];
    const auto set = [&](CountryMetric m, double v) { r.at(m, t, static_cast<std::int64_t>(c)) = v; };
    set(CountryMetric::workers_held, static_cast<double>(stock(WorkerState::held, id)));
    set(CountryMetric::workers_in_transit, static_cast<double>(stock(WorkerState::in_transit, id)));
    set(CountryMetric::workers_released, static_cast<double>(stock(WorkerState::released, id)));
    set(CountryMetric::workers_in_aftercare, static_cast<double>(stock(WorkerState::in_aftercare, id)));
    set(CountryMetric::workers_repatriated, static_cast<double>(stock(WorkerState::repatriated, id)));
    for (const CountryMetric m :
         {CountryMetric::new_recruits, CountryMetric::rerecruited, CountryMetric::escapes,
          CountryMetric::releases_by_operator, CountryMetric::released_by_raids, CountryMetric::aftercare_admissions,
          CountryMetric::repatriations, CountryMetric::splits, CountryMetric::merges, CountryMetric::relocations_in,
          CountryMetric::relocations_out, CountryMetric::raids, CountryMetric::raids_leaked,
          CountryMetric::raids_successful}) {
      std::int64_t& f = flows_[static_cast<std::size_t>(m) * nc + c];
      set(m, static_cast<double>(f));
      f = 0;
    }
    set(CountryMetric::operations_active, static_cast<double>(operations[c]));
    set(CountryMetric::workers_in_small_operations, static_cast<double>(small[c]));
    set(CountryMetric::revenue_usd, static_cast<double>(revenue[c]));
    set(CountryMetric::laundered_usd, static_cast<double>(laundered[c]));
    set(CountryMetric::frozen_usd, static_cast<double>(frozen[c]));
    set(CountryMetric::seized_usd, static_cast<double>(seized[c]));
    const std::int64_t spend = stock(WorkerState::in_aftercare, id) * p_.aftercare.cost_usd_per_person_day *
                               static_cast<std::int64_t>(scenario_.run.dt_days);
    set(CountryMetric::aftercare_spend_usd, static_cast<double>(spend));
    set(CountryMetric::mean_operation_size,
        operations[c] > 0 ? static_cast<double>(held_by_ops[c]) / static_cast<double>(operations[c]) : 0.0);
    set(CountryMetric::pressure, state.pressure);
    set(CountryMetric::enforcement_will, state.will);
    set(CountryMetric::raid_rate_per_year, state.raid_rate_per_day * 365.0);

    // Revenue as a share of GDP damps will; smoothed so one day's takings do not swing it.
    const double per_year = static_cast<double>(revenue[c]) * 365.0 / derived_.dt_days;
    state.revenue_usd_per_year += (per_year - state.revenue_usd_per_year) * revenue_smoothing;

    held_total += stock(WorkerState::held, id);
    operations_total += operations[c];
    small_total += small[c];
    revenue_total += revenue[c];
  }

  double hhi = 0;
  for (std::size_t c = 0; c < nc; ++c) {
    if (held_total == 0) break;
    const double share =
        static_cast<double>(stock(WorkerState::held, id_at<CountryId>(c))) / static_cast<double>(held_total);
    hhi += share * share;
  }
  r.at(GlobalMetric::workers_held, t) = static_cast<double>(held_total);
  r.at(GlobalMetric::operations_active, t) = static_cast<double>(operations_total);
  r.at(GlobalMetric::revenue_usd, t) = static_cast<double>(revenue_total);
  r.at(GlobalMetric::held_concentration_hhi, t) = hhi;
  r.at(GlobalMetric::share_held_in_small_operations, t) =
      held_total > 0 ? static_cast<double>(small_total) / static_cast<double>(held_total) : 0.0;
  r.at(GlobalMetric::mean_operation_size, t) =
      operations_total > 0 ? static_cast<double>(held_total) / static_cast<double>(operations_total) : 0.0;
  r.worker_steps += static_cast<double>(workers_.size());

  if (step_ + 1 == derived_.steps) {
    for (std::size_t o = 0; o < ops_.size(); ++o) {
      if (ops_.state[o] == OperatorState::dismantled) continue;
      r.final_operators.push_back(OperatorRecord{
          static_cast<std::int64_t>(o), static_cast<std::int32_t>(index_of(ops_.network[o])),
          static_cast<std::int32_t>(index_of(ops_.country[o])), static_cast<std::int32_t>(index_of(ops_.site[o])),
          static_cast<std::uint8_t>(ops_.state[o]), ops_.workers[o], ops_.target[o], ops_.capital_usd[o],
          ops_.protection[o], ops_.tech[o], ops_.perceived_risk[o]});
    }
  }
}

}  // namespace scamsim::model
