// Phase 7: the step's metrics (MODEL.md §3.7). Every row of the metric
// tables (metrics.hpp) is recorded by its role: a stock from the stocks kept
// up to date by the transitions, a flow from the counts the phases made
// during the step, a derived metric by its one formula below. The checks at
// the top make a row without a source fail to compile; a flow that no phase
// counts is caught by tests/model/test_metrics.cpp. Money is summed over
// operators in id order, in whole dollars, checked against overflow.
#include <algorithm>
#include <cmath>
#include <utility>

#include "sim/model/money.hpp"
#include "sim/model/simulation.hpp"
#include "sim/model/units.hpp"

namespace scamsim::model {

namespace {

// ---- stocks: the worker state each stock metric counts ----
struct StockSource {
  CountryMetric metric;
  WorkerState state;
};
constexpr StockSource stock_sources[] = {
    {CountryMetric::workers_held, WorkerState::held},
    {CountryMetric::workers_in_transit, WorkerState::in_transit},
    {CountryMetric::workers_released, WorkerState::released},
    {CountryMetric::workers_in_aftercare, WorkerState::in_aftercare},
    {CountryMetric::workers_repatriated, WorkerState::repatriated},
};

/// What the derived metrics of one step are computed from.
struct StepView {
  const std::vector<CountryState>& countries;
  const Stocks& stocks;
  std::vector<std::int64_t> operations;   ///< active operations, by country
  std::vector<std::int64_t> held_by_ops;  ///< people held by active operations, by country
  std::vector<std::int64_t> small;        ///< people held by small active operations, by country
  std::int64_t aftercare_cost_usd_per_person_step = 0;
  // Totals over countries, for the global metrics.
  std::int64_t held_total = 0;
  std::int64_t operations_total = 0;
  std::int64_t small_total = 0;
};

// ---- derived metrics: one formula each ----
using CountryFormula = double (*)(const StepView&, std::size_t country);
struct CountryDerivation {
  CountryMetric metric;
  CountryFormula formula;
};
constexpr CountryDerivation country_derivations[] = {
    {CountryMetric::operations_active,
     [](const StepView& v, std::size_t c) { return static_cast<double>(v.operations[c]); }},
    {CountryMetric::workers_in_small_operations,
     [](const StepView& v, std::size_t c) { return static_cast<double>(v.small[c]); }},
    {CountryMetric::aftercare_spend_usd,
     [](const StepView& v, std::size_t c) {
       return static_cast<double>(mul_usd(v.stocks.get(WorkerState::in_aftercare, c),
                                          v.aftercare_cost_usd_per_person_step, "aftercare spending this step"));
     }},
    {CountryMetric::mean_operation_size,
     [](const StepView& v, std::size_t c) {
       return v.operations[c] > 0 ? static_cast<double>(v.held_by_ops[c]) / static_cast<double>(v.operations[c]) : 0.0;
     }},
    {CountryMetric::pressure, [](const StepView& v, std::size_t c) { return v.countries[c].pressure; }},
    {CountryMetric::enforcement_will, [](const StepView& v, std::size_t c) { return v.countries[c].will; }},
    {CountryMetric::raid_rate_per_year,
     [](const StepView& v, std::size_t c) { return v.countries[c].raid_rate_per_day * days_per_year; }},
};

using GlobalFormula = double (*)(const StepView&);
struct GlobalDerivation {
  GlobalMetric metric;
  GlobalFormula formula;
};
constexpr GlobalDerivation global_derivations[] = {
    {GlobalMetric::operations_active, [](const StepView& v) { return static_cast<double>(v.operations_total); }},
    {GlobalMetric::held_concentration_hhi,
     [](const StepView& v) {
       double hhi = 0;
       for (std::size_t c = 0; c < v.countries.size(); ++c) {
         if (v.held_total == 0) break;
         const double share =
             static_cast<double>(v.stocks.get(WorkerState::held, c)) / static_cast<double>(v.held_total);
         hhi += share * share;
       }
       return hhi;
     }},
    {GlobalMetric::share_held_in_small_operations,
     [](const StepView& v) {
       return v.held_total > 0 ? static_cast<double>(v.small_total) / static_cast<double>(v.held_total) : 0.0;
     }},
    {GlobalMetric::mean_operation_size,
     [](const StepView& v) {
       return v.operations_total > 0 ? static_cast<double>(v.held_total) / static_cast<double>(v.operations_total)
                                     : 0.0;
     }},
};

// ---- compile-time checks: every row has exactly the source its role says ----
template <class Metric, class Entry, std::size_t n>
constexpr int entries_for(Metric m, const Entry (&entries)[n]) {
  int found = 0;
  for (const auto& e : entries) found += e.metric == m ? 1 : 0;
  return found;
}

constexpr bool every_country_metric_has_its_source() {
  for (std::size_t k = 0; k < country_metric_count; ++k) {
    const auto m = static_cast<CountryMetric>(k);
    const MetricRole role = country_metric_table[k].role;
    if (entries_for(m, stock_sources) != (role == MetricRole::stock ? 1 : 0)) return false;
    if (entries_for(m, country_derivations) != (role == MetricRole::derived ? 1 : 0)) return false;
  }
  return true;
}
static_assert(every_country_metric_has_its_source(),
              "a country metric's role needs its source: a stock in stock_sources, a derived metric in "
              "country_derivations (and nothing else there)");

/// The country metric a global stock or flow sums, by name; country_metric_count if none.
constexpr std::size_t country_counterpart(std::size_t global) {
  for (std::size_t k = 0; k < country_metric_count; ++k) {
    if (country_metric_table[k].name == global_metric_table[global].name &&
        country_metric_table[k].role == global_metric_table[global].role)
      return k;
  }
  return country_metric_count;
}

constexpr bool every_global_metric_has_its_source() {
  for (std::size_t k = 0; k < global_metric_count; ++k) {
    const auto m = static_cast<GlobalMetric>(k);
    const MetricRole role = global_metric_table[k].role;
    if (entries_for(m, global_derivations) != (role == MetricRole::derived ? 1 : 0)) return false;
    if (role != MetricRole::derived && country_counterpart(k) == country_metric_count) return false;
  }
  return true;
}
static_assert(every_global_metric_has_its_source(),
              "a global metric's role needs its source: a stock or flow sums the country metric of its name and "
              "role, a derived metric has one entry in global_derivations");

constexpr WorkerState stock_state(CountryMetric m) {
  for (const auto& s : stock_sources)
    if (s.metric == m) return s.state;
  return WorkerState::held;  // unreachable: checked above
}

}  // namespace

void Simulation::record_step() {
  const std::size_t nc = scenario_.countries.size();
  const auto t = static_cast<std::int64_t>(step_);
  auto& r = record_;

  StepView view{countries_, stocks_, {}, {}, {}, 0, 0, 0, 0};
  sum_operators(view.operations, view.held_by_ops, view.small);
  view.aftercare_cost_usd_per_person_step =
      mul_usd(p_.aftercare.cost_usd_per_person_day, static_cast<std::int64_t>(scenario_.run.dt_days),
              "aftercare cost per person and step");

  // Stocks and flows as whole numbers, for the global sums.
  std::vector<std::int64_t> whole(country_metric_count * nc, 0);
  for (std::size_t c = 0; c < nc; ++c) {
    for (std::size_t k = 0; k < country_metric_count; ++k) {
      const auto m = static_cast<CountryMetric>(k);
      switch (country_metric_table[k].role) {
        case MetricRole::stock:
          whole[k * nc + c] = stocks_.get(stock_state(m), c);
          r.at(m, t, static_cast<std::int64_t>(c)) = static_cast<double>(whole[k * nc + c]);
          break;
        case MetricRole::flow:
          whole[k * nc + c] = flows_.take(m, c);
          r.at(m, t, static_cast<std::int64_t>(c)) = static_cast<double>(whole[k * nc + c]);
          break;
        case MetricRole::derived:
          break;  // below, once the totals are known
      }
    }
    view.held_total += stocks_.get(WorkerState::held, c);
    view.operations_total += view.operations[c];
    view.small_total += view.small[c];
  }
  for (const auto& [m, formula] : country_derivations) {
    for (std::size_t c = 0; c < nc; ++c) r.at(m, t, static_cast<std::int64_t>(c)) = formula(view, c);
  }

  // Revenue as a share of GDP damps will; smoothed so one day's takings do not swing it.
  const std::size_t revenue_row = static_cast<std::size_t>(CountryMetric::revenue_usd) * nc;
  for (std::size_t c = 0; c < nc; ++c) {
    auto& state = countries_[c];
    const double per_year = static_cast<double>(whole[revenue_row + c]) * days_per_year / derived_.dt_days;
    state.revenue_usd_per_year += (per_year - state.revenue_usd_per_year) * derived_.revenue_smoothing_per_step;
  }

  for (std::size_t k = 0; k < global_metric_count; ++k) {
    const auto m = static_cast<GlobalMetric>(k);
    if (global_metric_table[k].role == MetricRole::derived) continue;
    const std::size_t row = country_counterpart(k);
    std::int64_t sum = 0;
    for (std::size_t c = 0; c < nc; ++c) {
      accumulate_usd(sum, whole[row * nc + c], country_metric_table[row].name);
    }
    r.at(m, t) = static_cast<double>(sum);
  }
  for (const auto& [m, formula] : global_derivations) r.at(m, t) = formula(view);
  r.worker_steps += static_cast<double>(workers_.size());

  if (step_ + 1 == derived_.steps) record_final_operators();
}

void Simulation::sum_operators(std::vector<std::int64_t>& operations, std::vector<std::int64_t>& held_by_ops,
                               std::vector<std::int64_t>& small) {
  const std::size_t nc = scenario_.countries.size();
  operations.assign(nc, 0);
  held_by_ops.assign(nc, 0);
  small.assign(nc, 0);
  std::vector<std::int64_t> revenue(nc, 0);
  std::vector<std::int64_t> laundered(nc, 0);
  std::vector<std::int64_t> frozen(nc, 0);
  std::vector<std::int64_t> seized(nc, 0);
  ledger_ = Ledger{};
  ledger_.moving_costs_usd = std::exchange(moving_costs_step_usd_, 0);
  ledger_.written_off_usd = std::exchange(ops_.written_off_usd, 0);
  ledger_.invested_usd = std::exchange(invested_step_usd_, 0);
  for (std::size_t o = 0; o < ops_.size(); ++o) {
    const std::size_t c = index_of(ops_.country[o]);
    accumulate_usd(ledger_.capital_usd, ops_.capital_usd[o], "the operators' total capital");
    accumulate_usd(ledger_.revenue_usd, ops_.revenue_usd[o], "the operators' total revenue this step");
    accumulate_usd(ledger_.costs_usd, ops_.costs_usd[o], "the operators' total costs this step");
    accumulate_usd(ledger_.frozen_usd, ops_.frozen_usd[o], "money frozen this step");
    accumulate_usd(ledger_.seized_usd, ops_.seized_usd[o], "money seized this step");
    accumulate_usd(revenue[c], ops_.revenue_usd[o], "a country's revenue this step");
    accumulate_usd(laundered[c], ops_.laundered_usd[o], "a country's laundered money this step");
    accumulate_usd(frozen[c], ops_.frozen_usd[o], "a country's frozen money this step");
    accumulate_usd(seized[c], ops_.seized_usd[o], "a country's seized money this step");
    ops_.revenue_usd[o] = ops_.costs_usd[o] = ops_.laundered_usd[o] = ops_.frozen_usd[o] = ops_.seized_usd[o] = 0;
    if (ops_.state[o] != OperatorState::active) continue;
    ++operations[c];
    held_by_ops[c] += ops_.workers[o];
    if (ops_.workers[o] <= p_.economics.small_operation_workers) small[c] += ops_.workers[o];
  }
  // The operators' money is the money flows of the step.
  for (std::size_t c = 0; c < nc; ++c) {
    flows_.add(CountryMetric::revenue_usd, c, revenue[c]);
    flows_.add(CountryMetric::laundered_usd, c, laundered[c]);
    flows_.add(CountryMetric::frozen_usd, c, frozen[c]);
    flows_.add(CountryMetric::seized_usd, c, seized[c]);
  }
}

void Simulation::record_final_operators() {
  for (std::size_t o = 0; o < ops_.size(); ++o) {
    if (ops_.state[o] == OperatorState::dismantled) continue;
    record_.final_operators.push_back(OperatorRecord{
        static_cast<std::int64_t>(o), static_cast<std::int32_t>(index_of(ops_.network[o])),
        static_cast<std::int32_t>(index_of(ops_.country[o])), static_cast<std::int32_t>(index_of(ops_.site[o])),
        static_cast<std::uint8_t>(ops_.state[o]), ops_.workers[o], ops_.target[o], ops_.capital_usd[o],
        ops_.protection[o], ops_.tech[o], ops_.perceived_risk[o]});
  }
}

}  // namespace scamsim::model
