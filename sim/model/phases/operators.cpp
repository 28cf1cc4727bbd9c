// Phase 3: operators earn, pay, launder and perceive risk, and on their
// decision days choose their size (release, split, merge) and their country
// (relocation), MODEL.md §4.1, §4.4, §4.6. Each operator writes only its
// own row; plans that create or join operators are carried out afterwards,
// in operator-id order.
#include <algorithm>
#include <cmath>
#include <limits>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "sim/model/decisions.hpp"
#include "sim/model/simulation.hpp"

namespace scamsim::model {

void Simulation::run_operators() {
  const auto& e = p_.economics;
  const auto& m = p_.money;
  const double dt = derived_.dt_days;
  const auto n = ops_.size();
  const std::int32_t interval = derived_.decision_interval_steps;

  // Arrivals of relocating operators first: they start work in their new country.
  for (std::size_t o = 0; o < n; ++o) {
    ops_.fate[o] = OperatorFate::none;
    ops_.plan[o] = Plan::none;
    if (ops_.state[o] == OperatorState::relocating && step_ >= ops_.arrival_step[o]) {
      const CountryId to = ops_.destination[o];
      ops_.state[o] = OperatorState::active;
      ops_.country[o] = to;
      const auto& sites = derived_.sites_of[index_of(to)];
      ops_.site[o] = sites[draws(static_cast<std::uint32_t>(o), Purpose::relocation_choice).below(sites.size())];
      flows_[static_cast<std::size_t>(CountryMetric::relocations_in) * scenario_.countries.size() + index_of(to)] += 1;
      log(EventKind::relocation_arrival, static_cast<std::int32_t>(index_of(to)),
          static_cast<std::int32_t>(index_of(ops_.network[o])), static_cast<std::int64_t>(o), ops_.incoming[o], 0);
    }
  }

  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 64), [&](const tbb::blocked_range<std::size_t>& range) {
    for (std::size_t o = range.begin(); o < range.end(); ++o) {
      if (ops_.state[o] != OperatorState::active) continue;
      const OperatorId id{static_cast<std::uint32_t>(o)};
      const CountryId here = ops_.country[o];
      const auto& spec = scenario_.country(here);
      const auto& country = countries_[index_of(here)];
      const double protection = ops_.protection[o];
      const auto workers = static_cast<double>(ops_.workers[o]);

      // Money: revenue, fixed cost, upkeep, bribes, laundering fees and freezes.
      const double r = revenue_per_worker_day(id, here);
      const auto revenue = static_cast<std::int64_t>(std::llround(workers * r * dt));
      const auto fixed = static_cast<std::int64_t>(std::llround(static_cast<double>(e.fixed_cost_usd_per_day) * dt));
      const auto upkeep = static_cast<std::int64_t>(
          std::llround(workers * static_cast<double>(spec.host->labour_cost_usd_per_day) * dt));
      const auto bribes =
          static_cast<std::int64_t>(std::llround(static_cast<double>(revenue) * protection * e.protection_cost_share));
      const auto laundered = static_cast<std::int64_t>(std::llround(static_cast<double>(revenue) * m.laundered_share));
      const auto fees =
          static_cast<std::int64_t>(std::llround(static_cast<double>(laundered) * m.laundering_cost_share));
      const auto frozen =
          static_cast<std::int64_t>(std::llround(static_cast<double>(laundered) * country.frozen_share));
      ops_.capital_usd[o] += revenue - fixed - upkeep - bribes - fees - frozen;
      ops_.revenue_usd[o] += revenue;
      ops_.costs_usd[o] += fixed + upkeep + bribes + fees;
      ops_.laundered_usd[o] += laundered;
      ops_.frozen_usd[o] += frozen;

      // Perceived risk follows the public signal with a memory; an operator
      // that moved in from a country sharing intelligence is easier to find.
      const double detection =
          1 + p_.enforcement.intelligence_detection_gain *
                  intelligence_[index_of(ops_.came_from[o]) * scenario_.countries.size() + index_of(here)];
      ops_.perceived_risk[o] +=
          (country.risk_signal * detection - ops_.perceived_risk[o]) * derived_.risk_smoothing_per_step;
      ops_.tech[o] += static_cast<float>(p_.ai.adoption_per_year * (1 - ops_.tech[o]) * dt / 365.0);

      if (ops_.capital_usd[o] < 0) {
        ops_.fate[o] = OperatorFate::closed;  // bankrupt: it can no longer pay guards or rent
        continue;
      }
      if ((step_ + static_cast<std::int32_t>(o)) % interval != 0) continue;

      // ---- decision day: size ----
      const double corruption = spec.corruption;
      const double success = p_.enforcement.raid_success_probability;
      const double margin_share = 1 - protection * e.protection_cost_share -
                                  m.laundered_share * (m.laundering_cost_share + country.frozen_share);
      const double margin = r * margin_share - static_cast<double>(spec.host->labour_cost_usd_per_day);
      const double rho = ops_.perceived_risk[o] * (1 - protection * corruption) * success;
      const auto fixed_per_day = static_cast<double>(e.fixed_cost_usd_per_day);
      const SizeEconomics here_economics{
          margin, fixed_per_day, rho, e.visibility_reference_workers, e.visibility_exponent, e.loss_horizon_days};
      const double s0 = e.visibility_reference_workers;
      const double beta = e.visibility_exponent;

      // The target workforce moves toward the most profitable size.
      const double best_size =
          std::max(most_profitable_size(here_economics, static_cast<double>(e.max_operation_workers)),
                   static_cast<double>(e.min_cell_workers));
      const double step_toward = std::min(1.0, e.target_growth_per_year * interval * dt / 365.0);
      ops_.target[o] =
          static_cast<std::int32_t>(std::lround(ops_.target[o] + (best_size - ops_.target[o]) * step_toward));

      // Under acute risk (a successful raid likely within a month) it lets people go.
      const double month_risk = 1 - std::exp(-rho * std::pow(workers / s0, beta) * 30.0);
      if (month_risk > p_.workers.pressure_release_threshold && workers > 0) {
        ops_.fate[o] = OperatorFate::release_share;
        ops_.release_share[o] = static_cast<float>(p_.workers.pressure_release_share);
        ops_.target[o] =
            std::min(ops_.target[o], static_cast<std::int32_t>(workers * (1 - p_.workers.pressure_release_share)));
      }

      // The best split here (§4.1): splitting into k cells cuts expected raid
      // losses by a factor k^-beta and multiplies fixed costs by k.
      const int cells = best_split(workers, static_cast<int>(e.max_split_cells),
                                   static_cast<double>(e.min_cell_workers), here_economics);

      // ---- decision day: country (logit with inertia, MODEL.md §4.4) ----
      // Staying includes staying and splitting into cells: an operator that
      // can cut its risk at home by decentralising weighs that against a
      // move, so that the two responses compete rather than the move always
      // being considered first.
      const double here_profit =
          expected_profit(workers, here_economics) + (cells >= 2 ? split_gain(workers, cells, here_economics) : 0.0);
      const double scale = p_.relocation.logit_scale * std::max(std::abs(here_profit), 1.0);
      const double stay_utility = here_profit + p_.relocation.inertia * std::abs(here_profit);
      std::vector<double> utility;
      utility.reserve(derived_.hosts.size());
      for (const CountryId there : derived_.hosts) {
        if (there == here) {
          utility.push_back(stay_utility);
          continue;
        }
        const auto& there_spec = scenario_.country(there);
        const double kept = protection * p_.relocation.protection_kept_share;
        const double there_margin =
            revenue_per_worker_day(id, there) *
                (1 - kept * e.protection_cost_share -
                 m.laundered_share * (m.laundering_cost_share + countries_[index_of(there)].frozen_share)) -
            static_cast<double>(there_spec.host->labour_cost_usd_per_day);
        const double there_detection =
            1 + p_.enforcement.intelligence_detection_gain *
                    intelligence_[index_of(here) * scenario_.countries.size() + index_of(there)];
        // Its share of the raids there once it has arrived: its own weighted
        // visibility over the total including itself (so an empty country's
        // raids would all fall on it, and a crowded one's are shared).
        const double moved = workers * p_.relocation.workers_moved_share;
        const double own_weight = std::pow(moved / s0, beta) * there_detection * (1 - kept * there_spec.corruption);
        const auto& there_state = countries_[index_of(there)];
        const double there_rho =
            own_weight > 0
                ? there_state.raid_rate_per_day * there_detection * (1 - kept * there_spec.corruption) * success /
                      std::max(there_state.weighted_visibility + own_weight, there_state.reference_visibility)
                : 0.0;
        const double cost =
            static_cast<double>(scenario_.matrices.relocation_cost_usd[scenario_.pair_index(here, there)]);
        // A move it cannot pay for is not an option (a sanctioned network's
        // frozen operations stay where they are, or close).
        if (cost > static_cast<double>(ops_.capital_usd[o])) {
          utility.push_back(-std::numeric_limits<double>::infinity());
          continue;
        }
        const SizeEconomics there_economics{there_margin, fixed_per_day, there_rho, s0, beta, e.loss_horizon_days};
        const double u = expected_profit(moved, there_economics) - cost / e.loss_horizon_days;
        utility.push_back(u);
      }
      const auto cumulative = logit_cumulative(utility, scale);
      const CountryId choice =
          derived_.hosts[draws(static_cast<std::uint32_t>(o), Purpose::relocation_choice).categorical(cumulative)];
      if (choice != here && workers > 0) {
        ops_.plan[o] = Plan::relocate;
        ops_.destination[o] = choice;
        continue;
      }

      // ---- decision day: split or merge (the size trade-off of §4.1) ----
      if (cells >= 2 && ops_.fate[o] == OperatorFate::none) {
        ops_.plan[o] = Plan::split;
        ops_.cells[o] = static_cast<std::uint8_t>(cells);
      } else if (ops_.fate[o] == OperatorFate::none && workers > 0 &&
                 2 * workers <= static_cast<double>(e.max_operation_workers) &&
                 best_split(2 * workers, static_cast<int>(e.max_split_cells), static_cast<double>(e.min_cell_workers),
                            here_economics) == 0) {
        // Merging is the reverse of splitting: two cells join when an
        // operation of their combined size would not split. Using the same
        // rule both ways keeps cells from splitting and merging back in turn.
        ops_.plan[o] = Plan::merge;
      }
    }
  });
}

void Simulation::resolve_operator_plans() {
  const std::size_t nc = scenario_.countries.size();
  auto flow = [&](CountryMetric metric, CountryId c) { ++flows_[static_cast<std::size_t>(metric) * nc + index_of(c)]; };
  ops_.split_cells.clear();
  const std::size_t n = ops_.size();  // cells made now are not resolved again this step
  std::vector<OperatorId> merge_partner(nc * scenario_.networks.size(), no_operator);

  for (std::size_t o = 0; o < n; ++o) {
    const OperatorId id{static_cast<std::uint32_t>(o)};
    const std::int32_t network = static_cast<std::int32_t>(index_of(ops_.network[o]));
    if (ops_.fate[o] == OperatorFate::closed) {
      ops_.state[o] = OperatorState::dismantled;
      log(EventKind::bankruptcy, static_cast<std::int32_t>(index_of(ops_.country[o])), network,
          static_cast<std::int64_t>(o), ops_.workers[o], ops_.capital_usd[o]);
      continue;
    }
    switch (ops_.plan[o]) {
      case Plan::none:
        break;
      case Plan::relocate: {
        const CountryId from = ops_.country[o];
        const CountryId to = ops_.destination[o];
        const auto cost = scenario_.matrices.relocation_cost_usd[scenario_.pair_index(from, to)];
        const double days = scenario_.matrices.transit_days[scenario_.pair_index(from, to)];
        ops_.state[o] = OperatorState::relocating;
        ops_.fate[o] = OperatorFate::relocating;
        ops_.moved_share[o] = static_cast<float>(p_.relocation.workers_moved_share);
        ops_.arrival_step[o] =
            step_ + std::max<std::int32_t>(1, static_cast<std::int32_t>(std::ceil(days / derived_.dt_days)));
        ops_.came_from[o] = from;
        ops_.capital_usd[o] -= cost;
        moving_costs_step_usd_ += cost;
        ops_.protection[o] *= static_cast<float>(p_.relocation.protection_kept_share);
        flow(CountryMetric::relocations_out, from);
        log(EventKind::relocation_start, static_cast<std::int32_t>(index_of(from)), network,
            static_cast<std::int64_t>(o), ops_.workers[o], cost);
        break;
      }
      case Plan::split: {
        const int cells = ops_.cells[o];
        ops_.fate[o] = OperatorFate::split;
        ops_.first_cell[o] = static_cast<std::uint32_t>(ops_.split_cells.size());
        const std::int64_t capital_each = ops_.capital_usd[o] / cells;
        for (int k = 1; k < cells; ++k) {
          const OperatorId cell = ops_.allocate();
          const std::size_t c = index_of(cell);
          ops_.network[c] = ops_.network[o];
          ops_.country[c] = ops_.country[o];
          ops_.site[c] = ops_.site[o];
          ops_.came_from[c] = ops_.came_from[o];
          ops_.target[c] = ops_.target[o] / cells;
          ops_.capital_usd[c] = capital_each;
          ops_.protection[c] = ops_.protection[o];
          ops_.tech[c] = ops_.tech[o];
          ops_.perceived_risk[c] = ops_.perceived_risk[o];
          ops_.split_cells.push_back(cell);
        }
        ops_.capital_usd[o] -= capital_each * (cells - 1);
        ops_.target[o] /= cells;
        flow(CountryMetric::splits, ops_.country[o]);
        log(EventKind::split, static_cast<std::int32_t>(index_of(ops_.country[o])), network,
            static_cast<std::int64_t>(o), cells, 0);
        break;
      }
      case Plan::merge: {
        // Cells of one network in one country merge pairwise, in id order:
        // the later one joins the earlier.
        auto& partner =
            merge_partner[index_of(ops_.country[o]) * scenario_.networks.size() + index_of(ops_.network[o])];
        if (partner == no_operator) {
          partner = id;
          break;
        }
        const std::size_t into = index_of(partner);
        ops_.fate[o] = OperatorFate::merged;
        ops_.merge_into[o] = partner;
        ops_.state[o] = OperatorState::dismantled;
        ops_.capital_usd[into] += ops_.capital_usd[o];
        ops_.capital_usd[o] = 0;
        ops_.target[into] += ops_.target[o];
        flow(CountryMetric::merges, ops_.country[o]);
        log(EventKind::merge, static_cast<std::int32_t>(index_of(ops_.country[o])), network,
            static_cast<std::int64_t>(o), ops_.workers[o], 0);
        partner = no_operator;
        break;
      }
    }
  }
}

}  // namespace scamsim::model
