// Phase 2: pressure decays, political will and raid intensity follow it,
// aftercare capacity follows the budget, and local labour demand is taken
// from the operations' open places (MODEL.md §4.2, §4.5).
#include <algorithm>
#include <cmath>

#include "sim/model/decisions.hpp"
#include "sim/model/simulation.hpp"
#include "sim/model/units.hpp"

namespace scamsim::model {

void Simulation::update_market() {
  // One pool of victims (MODEL.md §7.10): revenue per worker-day scales with (first day's industry / today's)
  // to the saturation elasticity. Held counts are exact integers, so the factor is the same whatever the
  // thread count. Below a tenth of the first day's industry the pool no longer limits revenue.
  const double elasticity = p_.economics.market_saturation;
  if (elasticity <= 0) return;
  double held = 0;
  for (std::size_t c = 0; c < scenario_.countries.size(); ++c) {
    held += static_cast<double>(stocks_.get(WorkerState::held, c));
  }
  if (step_ == 0) market_reference_held_ = held;
  if (market_reference_held_ <= 0) return;
  market_factor_ = std::pow(market_reference_held_ / std::max(held, market_reference_held_ / 10), elasticity);
}

void Simulation::update_congestion() {
  // Crowding (MODEL.md §7.10): a host's sites, protection and staff are what its first day's industry uses;
  // beyond that each worker-day costs a share of the first day's margin per unit of relative excess. Held
  // counts are exact integers, so the cost is the same whatever the thread count.
  const double k = p_.economics.congestion_cost_share;
  if (k <= 0) return;
  for (const CountryId host : derived_.hosts) {
    const std::size_t c = index_of(host);
    auto& state = countries_[c];
    const auto held = static_cast<double>(stocks_.get(WorkerState::held, c));
    // The first day's margin is an uncovered compound's, before any crowding.
    if (step_ == 0) {
      state.first_day_held = held;
      state.first_day_margin_usd_per_worker_day =
          std::max(0.0, entry_prospect(c, 0.0, OperationForm::compound).compound_margin_usd_per_worker_day);
    }
    state.congestion_usd_per_worker_day = state.first_day_held > 0 ? k * state.first_day_margin_usd_per_worker_day *
                                                                         std::max(0.0, held / state.first_day_held - 1)
                                                                   : 0.0;
  }
}

double Simulation::upkeep_usd_per_worker_day(std::size_t c) const {
  const auto labour = static_cast<double>(scenario_.countries[c].host->labour_cost_usd_per_day);
  return p_.economics.congestion_cost_share > 0 ? labour + countries_[c].congestion_usd_per_worker_day : labour;
}

void Simulation::update_countries() {
  const auto& pp = p_.pressure;
  const std::size_t nc = scenario_.countries.size();

  update_market();
  update_congestion();

  // Open places and weighted visibility per country, in operator-id order.
  std::vector<double> visibility(nc, 0.0);
  for (auto& c : countries_) c.vacancies = 0;
  for (std::size_t o = 0; o < ops_.size(); ++o) {
    if (ops_.state[o] != OperatorState::active) continue;
    const std::size_t c = index_of(ops_.country[o]);
    countries_[c].vacancies += std::max<std::int64_t>(0, ops_.target[o] - ops_.workers[o] - ops_.incoming[o]);
    // Without detection: the country's total is what its enforcement sees of
    // the industry as a whole, not who came from where.
    double v = visibility_of(ops_.workers[o]);
    if (ops_.form[o] == OperationForm::cell) v *= p_.forms.cell_visibility;
    visibility[c] += v * exposure(ops_.protection[o], scenario_.countries[c].corruption);
  }

  for (std::size_t c = 0; c < nc; ++c) {
    const auto& spec = scenario_.countries[c];
    auto& state = countries_[c];
    if (pp.relaxes_to_initial > 0) {
      // Pressure relaxes to the country's background, not to nothing (pressure.relaxes_to_initial).
      state.pressure =
          spec.initial_pressure + (state.pressure - spec.initial_pressure) * derived_.pressure_decay_per_step;
    } else {
      state.pressure *= derived_.pressure_decay_per_step;
    }
    if (state.crackdown_until_step >= 0 && step_ >= state.crackdown_until_step) {
      state.crackdown_factor = 1;
      state.crackdown_until_step = -1;
    }
    // Will acts through governance (the state's capacity to act on a decision).
    // Domestic will (will_base, plus what the state resolved on its own: a ban,
    // a standing campaign) is damped by corruption and by how much of the economy
    // the scams are ("too big to fail"); international pressure is not: it is
    // the force that overrides them (China's demands before the Myawaddy
    // releases, the sanctions before Chen Zhi's removal). Corruption still
    // acts on each raid, through protection (enforcement.cpp).
    // A world at run.scale s takes s of the industry's revenue; the GDP it is set against is the whole
    // economy's. Against the whole GDP, a world at 0.2 saw a fifth of the dependence (Laos's will 1.65 times 1:1's).
    const double revenue_share_gdp =
        state.revenue_usd_per_year / (static_cast<double>(spec.gdp_usd) * scenario_.run.scale);
    const double domestic = (pp.will_base + spec.domestic_resolve) * (1 - pp.corruption_damping * spec.corruption) /
                            (1 + pp.dependence_damping * revenue_share_gdp);
    // With pressure.gain_above_background the gain acts on pressure above the country's background only: the
    // baseline keeps its background (relaxes_to_initial), whose will is then will_base's to fit (stage 1), and
    // the gain is left to the response to shocks (stage 2), as when pressure relaxed to nothing.
    const double pressing =
        pp.gain_above_background > 0 ? std::max(0.0, state.pressure - spec.initial_pressure) : state.pressure;
    state.will = std::clamp((domestic + pp.will_pressure_gain * pressing) * spec.governance, 0.0, 1.0);
    state.raid_rate_per_day = spec.enforcement_capacity_raids_per_year * scenario_.run.scale / days_per_year *
                              state.will * state.crackdown_factor;
    state.full_raid_rate_per_day =
        spec.enforcement_capacity_raids_per_year * scenario_.run.scale / days_per_year * state.crackdown_factor;
    // The public risk signal: expected raids per unit of weighted visibility.
    state.weighted_visibility = visibility[c];
    // Enforcement is sized to the industry of the first day, and to at least the floor: a host with no
    // industry finds a newcomer in proportion to how much of the floor it fills (MODEL.md §7.3).
    if (step_ == 0) state.reference_visibility = std::max(visibility[c], derived_.visibility_floor);
    if (p_.enforcement.raids_follow_industry > 0 && state.reference_visibility > 0) {
      // Raids follow the industry (enforcement.raids_follow_industry): the will buys raids in proportion to
      // what there is to find, up to what the host can mount at full will, so that an operation's risk does
      // not fall as the industry around it grows until enforcement is overwhelmed (MODEL.md section 7.10).
      state.risk_signal = raids_per_visibility_per_day(state.raid_rate_per_day, state.full_raid_rate_per_day,
                                                       state.reference_visibility, visibility[c]);
    } else {
      const double spread_over = std::max(visibility[c], state.reference_visibility);
      state.risk_signal = spread_over > 0 ? state.raid_rate_per_day / spread_over : 0.0;
    }
    if (spec.host && p_.aftercare.cost_usd_per_person_day > 0) {
      state.aftercare_beds = state.aftercare_budget_usd_per_year / 365 / p_.aftercare.cost_usd_per_person_day;
    } else {
      state.aftercare_beds = spec.host ? std::numeric_limits<std::int32_t>::max() : 0;  // free care has no limit
    }
    const auto at_risk = static_cast<double>(std::max<std::int64_t>(
        1, stock(WorkerState::released, id_at<CountryId>(c)) + stock(WorkerState::in_aftercare, id_at<CountryId>(c))));
    state.local_demand = std::min(1.0, static_cast<double>(state.vacancies) / at_risk);
    state.demand_clock +=
        p_.workers.rerecruit_hazard_per_month / days_per_month * state.local_demand * derived_.dt_days;
  }
}

}  // namespace scamsim::model
