// Phase 3, decision day: where to be (MODEL.md §7.4). The operator weighs
// staying (with the best split at home) against moving to every other host
// country with a site, and chooses by a logit with inertia. Writes only the
// operator's own row; the move is carried out in plans.cpp.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "sim/model/decisions.hpp"
#include "sim/model/simulation.hpp"

namespace scamsim::model {

bool Simulation::decide_relocation(std::size_t o, const SizeOutlook& outlook) {
  const CountryId here = ops_.country[o];
  const auto workers = static_cast<double>(ops_.workers[o]);

  // Staying includes staying and splitting or changing form (dispersing into
  // houses, or a cell taking a compound again): an operator that can
  // cut its risk at home by decentralising weighs that against a move, so
  // that the two responses compete rather than the move always being
  // considered first.
  const double here_profit = expected_profit(workers, outlook.here) + stay_gain(outlook);
  const double scale = p_.relocation.logit_scale * std::max(std::abs(here_profit), 1.0);
  const double stay_utility = here_profit + p_.relocation.inertia * std::abs(here_profit);
  std::vector<double> utility;
  utility.reserve(derived_.hosts.size());
  for (const CountryId there : derived_.hosts) {
    utility.push_back(there == here ? stay_utility : move_utility(o, there, outlook.here));
  }
  const auto cumulative = logit_cumulative(utility, scale);
  const CountryId choice =
      derived_.hosts[draws(static_cast<std::uint32_t>(o), Purpose::relocation_choice).categorical(cumulative)];
  if (choice == here || workers <= 0) return false;
  ops_.plan[o] = Plan::relocate;
  ops_.destination[o] = choice;
  return true;
}

double Simulation::move_utility(std::size_t o, CountryId there, const SizeEconomics& here_economics) const {
  const auto& e = p_.economics;
  const auto& m = p_.money;
  const CountryId here = ops_.country[o];
  const auto& there_spec = scenario_.country(there);
  const auto& there_state = countries_[index_of(there)];
  const double kept = ops_.protection[o] * p_.relocation.protection_kept_share;
  const double there_margin =
      margin_usd_per_worker_day(revenue_per_worker_day(OperatorId{static_cast<std::uint32_t>(o)}, there), kept,
                                there_state.frozen_share, upkeep_usd_per_worker_day(index_of(there)),
                                {e.protection_cost_share, m.laundered_share, m.laundering_cost_share});
  const double there_detection =
      detection(p_.enforcement.intelligence_detection_gain, intelligence_sharing(here, there));
  // Its share of the raids there once it has arrived: its own weighted
  // visibility over the total including itself (so an empty country's raids
  // would all fall on it, and a crowded one's are shared).
  const double moved = static_cast<double>(ops_.workers[o]) * p_.relocation.workers_moved_share;
  const double s0 = here_economics.reference_workers;
  const double beta = here_economics.beta;
  const double own_weight =
      raid_weight(visibility(moved, s0, beta), there_detection, exposure(kept, there_spec.corruption));
  double there_rho = 0.0;
  if (own_weight > 0 && p_.enforcement.raids_follow_industry > 0 && there_state.reference_visibility > 0) {
    there_rho =
        raids_per_visibility_per_day(there_state.raid_rate_per_day, there_state.full_raid_rate_per_day,
                                     there_state.reference_visibility, there_state.weighted_visibility + own_weight) *
        there_detection * exposure(kept, there_spec.corruption) * p_.enforcement.raid_success_probability;
  } else if (own_weight > 0) {
    there_rho = there_state.raid_rate_per_day * there_detection * exposure(kept, there_spec.corruption) *
                p_.enforcement.raid_success_probability /
                std::max(there_state.weighted_visibility + own_weight, there_state.reference_visibility);
  }
  there_rho *= ops_.risk_perception[o];  // it reads the risk there as it reads its own
  const double cost = static_cast<double>(scenario_.matrices.relocation_cost_usd[scenario_.pair_index(here, there)]);
  // A move it cannot pay for is not an option (a sanctioned network's frozen
  // operations stay where they are, or close).
  if (cost > static_cast<double>(ops_.capital_usd[o])) return -std::numeric_limits<double>::infinity();
  const SizeEconomics there_economics{there_margin,       here_economics.fixed_usd_per_day, there_rho, s0, beta,
                                      e.loss_horizon_days};
  return expected_profit(moved, there_economics) - cost / e.loss_horizon_days;
}

}  // namespace scamsim::model
