// Phase 3, after the parallel part: the operators' plans carried out in
// operator-id order (MODEL.md §7.2, §7.4), since they create operators
// (splits), join two (merges) or move money and people between countries.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "sim/model/money.hpp"
#include "sim/model/simulation.hpp"

namespace scamsim::model {

void Simulation::resolve_operator_plans() {
  ops_.split_cells.clear();
  const std::size_t n = ops_.size();  // cells made now are not resolved again this step
  joined_people_step_.assign(n, 0);
  // Per (country, network), a cell waiting for a partner to merge with.
  std::vector<OperatorId> merge_partner(scenario_.countries.size() * scenario_.networks.size(), no_operator);
  // Per (country, network), the compound consolidating cells gather into: the one the day's survey found
  // (the network's compound with the most room, which the cells weighed joining) if it stays as it is this
  // step, or else the first cell to consolidate.
  std::vector<OperatorId> gathered(scenario_.countries.size() * scenario_.networks.size(), no_operator);
  std::vector<OperatorId> new_hubs;  // cells that took premises this step, in id order
  if (p_.forms.cell_max_workers > 0) {
    for (std::size_t cn = 0; cn < gathered.size(); ++cn) {
      const OperatorId hub = hubs_[cn].op;
      if (hub == no_operator) continue;
      const std::size_t h = index_of(hub);
      if (ops_.state[h] == OperatorState::active && ops_.form[h] == OperationForm::compound &&
          ops_.plan[h] == Plan::none && ops_.fate[h] == OperatorFate::none) {
        gathered[cn] = hub;
      }
    }
  }

  for (std::size_t o = 0; o < n; ++o) {
    if (ops_.fate[o] == OperatorFate::closed) {
      close_operator(o);
      continue;
    }
    switch (ops_.plan[o]) {
      case Plan::none:
        break;
      case Plan::relocate:
        start_relocation(o);
        break;
      case Plan::split:
        split_operator(o);
        break;
      case Plan::merge: {
        const std::size_t cn = country_network(o);
        if (derived_.merge_window_steps > 0) {
          merge_within_window(o, cn);
        } else {
          merge_operator(o, merge_partner[cn]);
        }
        break;
      }
      case Plan::disperse:
        disperse_operator(o);
        break;
      case Plan::consolidate: {
        OperatorId& hub = gathered[country_network(o)];
        if (const Hub* joining = hub_to_join(o)) {
          // It weighed joining its network's compound here (consolidation_gain): it joins that one, or, if
          // that is not to be had today, stays a cell; it does not take premises of its own for it.
          if (hub == joining->op && fits_in(hub, o)) join_operator(o, hub);
          break;
        }
        const OperatorId before = hub;
        consolidate_operator(o, hub);
        if (hub != before) new_hubs.push_back(hub);
        break;
      }
    }
  }
  // A cell that took premises did so for its network's cells here (consolidation_gain weighs what they carry
  // between them): those with nothing else under way join it now, as far as its room allows. Left to join on
  // their own decision days, the first cell carried the compound's fixed cost alone and often failed first.
  for (const OperatorId hub : new_hubs) {
    const std::size_t h = index_of(hub);
    for (std::size_t o = 0; o < n; ++o) {
      if (o == h || ops_.state[o] != OperatorState::active || ops_.form[o] != OperationForm::cell ||
          ops_.country[o] != ops_.country[h] || ops_.network[o] != ops_.network[h] || ops_.plan[o] != Plan::none ||
          ops_.fate[o] != OperatorFate::none) {
        continue;
      }
      if (fits_in(hub, o)) join_operator(o, hub);
    }
  }
}

void Simulation::leave_premises(std::size_t o) {
  // A compound's premises outlast it: raided, closed or abandoned compounds stand empty until an
  // entrant or a network's cells take them again (entry.cpp, consolidate_operator).
  if (ops_.form[o] == OperationForm::compound) vacant_premises_[index_of(ops_.country[o])].push_back(ops_.premises[o]);
}

std::size_t Simulation::vacant_premises_for(std::size_t c, double brought) const {
  // The premises left last that hold the people it brings (room 0: unlimited).
  const auto& vacant = vacant_premises_[c];
  for (std::size_t k = vacant.size(); k-- > 0;) {
    if (vacant[k] == 0 || static_cast<double>(vacant[k]) >= brought) return k;
  }
  return vacant.size();
}

std::int32_t Simulation::new_premises_room(double build_for) const {
  const double factor = p_.forms.premises_capacity_factor;
  return factor > 0 ? static_cast<std::int32_t>(std::max(1.0, std::round(factor * build_for))) : 0;
}

std::int32_t Simulation::premises_room(std::size_t c, double brought, double build_for) const {
  const std::size_t k = vacant_premises_for(c, brought);
  return k < vacant_premises_[c].size() ? vacant_premises_[c][k] : new_premises_room(build_for);
}

std::int32_t Simulation::take_premises(std::size_t c, double brought, double build_for) {
  // Vacant premises that hold the people it brings, or new ones built for `build_for`.
  auto& vacant = vacant_premises_[c];
  const std::size_t k = vacant_premises_for(c, brought);
  if (k == vacant.size()) return new_premises_room(build_for);  // none holds them: built anew
  const std::int32_t room = vacant[k];
  vacant.erase(vacant.begin() + static_cast<std::ptrdiff_t>(k));
  return room;
}

void Simulation::close_operator(std::size_t o) {
  ops_.state[o] = OperatorState::dismantled;
  leave_premises(o);
  // Closed because it could not pay (capital below 0), or by its network where returns were below normal.
  log(ops_.capital_usd[o] < 0 ? EventKind::bankruptcy : EventKind::withdrawn,
      static_cast<std::int32_t>(index_of(ops_.country[o])), static_cast<std::int32_t>(index_of(ops_.network[o])),
      static_cast<std::int64_t>(o), ops_.workers[o], ops_.capital_usd[o]);
}

void Simulation::start_relocation(std::size_t o) {
  const CountryId from = ops_.country[o];
  const CountryId to = ops_.destination[o];
  const auto cost = scenario_.matrices.relocation_cost_usd[scenario_.pair_index(from, to)];
  const double days = scenario_.matrices.transit_days[scenario_.pair_index(from, to)];
  leave_premises(o);
  ops_.state[o] = OperatorState::relocating;
  ops_.fate[o] = OperatorFate::relocating;
  ops_.moved_share[o] = static_cast<float>(p_.relocation.workers_moved_share);
  ops_.arrival_step[o] =
      step_ + std::max<std::int32_t>(1, static_cast<std::int32_t>(std::ceil(days / derived_.dt_days)));
  ops_.came_from[o] = from;
  ops_.capital_usd[o] = sub_usd(ops_.capital_usd[o], cost, "an operator's capital after paying for a move");
  accumulate_usd(moving_costs_step_usd_, cost, "moving costs this step");
  ops_.protection[o] *= static_cast<float>(p_.relocation.protection_kept_share);
  flows_.add(CountryMetric::relocations_out, from);
  log(EventKind::relocation_start, static_cast<std::int32_t>(index_of(from)),
      static_cast<std::int32_t>(index_of(ops_.network[o])), static_cast<std::int64_t>(o), ops_.workers[o], cost);
}

void Simulation::make_cells(std::size_t o, int cells, OperationForm form, std::int32_t target_each) {
  ops_.first_cell[o] = static_cast<std::uint32_t>(ops_.split_cells.size());
  // Capital is shared equally; the remainder of the division stays with the original.
  const std::int64_t capital_each = ops_.capital_usd[o] / cells;
  for (int k = 1; k < cells; ++k) {
    const OperatorId cell = ops_.allocate();
    const std::size_t c = index_of(cell);
    ops_.form[c] = form;
    ops_.network[c] = ops_.network[o];
    ops_.country[c] = ops_.country[o];
    ops_.site[c] = ops_.site[o];
    ops_.came_from[c] = ops_.came_from[o];
    ops_.target[c] = target_each;
    ops_.premises[c] = ops_.premises[o] / cells;
    ops_.capital_usd[c] = capital_each;
    ops_.protection[c] = ops_.protection[o];
    ops_.tech[c] = ops_.tech[o];
    ops_.perceived_risk[c] = ops_.perceived_risk[o];
    ops_.risk_perception[c] = ops_.risk_perception[o];
    ops_.decided_step[c] = ops_.decided_step[o];
    ops_.split_cells.push_back(cell);
  }
  ops_.capital_usd[o] -= capital_each * (cells - 1);  // at most the capital itself: cannot overflow
  ops_.form[o] = form;
  ops_.target[o] = target_each;
  ops_.premises[o] /= cells;
}

void Simulation::split_operator(std::size_t o) {
  const int cells = ops_.cells[o];
  ops_.fate[o] = OperatorFate::split;
  make_cells(o, cells, ops_.form[o], ops_.target[o] / cells);
  flows_.add(CountryMetric::splits, ops_.country[o]);
  log(EventKind::split, static_cast<std::int32_t>(index_of(ops_.country[o])),
      static_cast<std::int32_t>(index_of(ops_.network[o])), static_cast<std::int64_t>(o), cells, 0);
}

void Simulation::disperse_operator(std::size_t o) {
  // The compound empties into houses of at most cell_max_workers each; whom they cannot hold is let go
  // (workers.cpp), and the premises stand vacant.
  const int cells = ops_.cells[o];
  const auto workers = static_cast<double>(ops_.workers[o]);
  const double held = std::min(workers, cells * static_cast<double>(p_.forms.cell_max_workers));
  ops_.fate[o] = OperatorFate::dispersed;
  ops_.moved_share[o] = workers > 0 ? static_cast<float>(held / workers) : 1.0f;
  leave_premises(o);
  ops_.premises[o] = 0;  // houses, not premises
  make_cells(o, cells, OperationForm::cell, static_cast<std::int32_t>(p_.forms.cell_max_workers));
  log(EventKind::disperse, static_cast<std::int32_t>(index_of(ops_.country[o])),
      static_cast<std::int32_t>(index_of(ops_.network[o])), static_cast<std::int64_t>(o), cells, 0);
}

void Simulation::consolidate_operator(std::size_t o, OperatorId& compound) {
  // A network's cells in a country gather into compounds: one it still runs there, or the first cell to
  // consolidate (in id order) takes premises and the others join it as far as its room allows; the first
  // that does not fit takes premises in turn, and those after it join it. Gathered into the first alone,
  // every cell past its room took a compound's premises for its few tens of people, so that the more cells a
  // network had in a country the more compounds it ran at a loss: a full-scale world shrank where a small
  // one did not (docs/MODEL.md section 7.10).
  if (compound != no_operator && fits_in(compound, o)) {
    join_operator(o, compound);
    return;
  }
  compound = OperatorId{static_cast<std::uint32_t>(o)};
  // It takes a compound again: vacant premises if the country has any, and grows toward a compound's
  // size from its next decision on.
  const auto need = consolidation_need(o);
  ops_.premises[o] = take_premises(index_of(ops_.country[o]), need.brought, need.build_for);
  ops_.form[o] = OperationForm::compound;
  fit_target_to_room(o);
  const auto cost = p_.forms.consolidation_cost_usd;  // it has it: consolidation_gain checks
  ops_.capital_usd[o] -= cost;
  accumulate_usd(ops_.costs_usd[o], cost, "an operator's costs this step");
  log(EventKind::consolidate, static_cast<std::int32_t>(index_of(ops_.country[o])),
      static_cast<std::int32_t>(index_of(ops_.network[o])), static_cast<std::int64_t>(o), ops_.workers[o], cost);
}

void Simulation::merge_operator(std::size_t o, OperatorId& partner) {
  // Compounds of one network in one country merge pairwise, in id order: the
  // later one joins the earlier. With premises, two compounds merge only into a building that holds both; one
  // that does not fit waits for another partner instead. The later one's site goes with it (join_operator),
  // not to the vacant premises entrants reopen.
  if (partner == no_operator || !fits_in(partner, o)) {
    partner = OperatorId{static_cast<std::uint32_t>(o)};
    return;
  }
  join_operator(o, partner);
  partner = no_operator;
}

void Simulation::merge_within_window(std::size_t o, std::size_t cn) {
  // The operation waiting to merge in this country and network, if it still can: active, a compound, still
  // here, with nothing else under way, and waiting for no longer than the window. Otherwise o waits instead.
  OperatorId& waiting = merge_waiting_[cn];
  if (waiting != no_operator) {
    const std::size_t w = index_of(waiting);
    const bool can = w != o && ops_.state[w] == OperatorState::active && ops_.form[w] == OperationForm::compound &&
                     ops_.country[w] == ops_.country[o] && ops_.network[w] == ops_.network[o] &&
                     ops_.fate[w] == OperatorFate::none &&
                     (ops_.plan[w] == Plan::none || ops_.plan[w] == Plan::merge) &&
                     step_ - merge_waiting_since_[cn] <= derived_.merge_window_steps;
    if (can && fits_in(waiting, o)) {
      join_operator(o, waiting);  // its site is folded in, not left vacant (merge_operator)
      waiting = no_operator;
      return;
    }
  }
  waiting = OperatorId{static_cast<std::uint32_t>(o)};
  merge_waiting_since_[cn] = step_;
}

std::int64_t Simulation::people_of(std::size_t o) const {
  // Held, on the way, and of the operations that joined it this step, whose people have not moved yet: without
  // the last, every cell gathering into a hub on one day was weighed as if it came alone, and filled it past
  // its room (docs/MODEL.md section 7.10).
  const std::int64_t joined = o < joined_people_step_.size() ? joined_people_step_[o] : 0;
  return std::int64_t{ops_.workers[o]} + ops_.incoming[o] + joined;
}

bool Simulation::fits_in(OperatorId into_id, std::size_t o) const {
  const std::size_t into = index_of(into_id);
  if (ops_.premises[into] <= 0) return true;  // no premises: unlimited room
  return people_of(into) + people_of(o) <= ops_.premises[into];
}

void Simulation::join_operator(std::size_t o, OperatorId into_id) {
  // o's people, capital and target go to `into`; its arrivals follow (workers.cpp).
  const std::size_t into = index_of(into_id);
  if (joined_people_step_.size() <= into) joined_people_step_.resize(into + 1, 0);
  joined_people_step_[into] += people_of(o);
  ops_.fate[o] = OperatorFate::merged;
  ops_.merge_into[o] = into_id;
  ops_.state[o] = OperatorState::dismantled;
  accumulate_usd(ops_.capital_usd[into], ops_.capital_usd[o], "the capital of two merged operations");
  ops_.capital_usd[o] = 0;
  ops_.target[into] += ops_.target[o];
  // A compound's site is folded into the one kept (a network's annex), so that a merge neither leaves room
  // for an entrant (else every merge would free a compound's room for a newcomer, and merges under low risk
  // would multiply the industry, MODEL.md section 7.10) nor loses it (the two halves of a split compound that
  // merge again hold what it held). A cell brings no premises; premises 0 is no cap and stays so.
  if (ops_.premises[into] > 0 && ops_.premises[o] > 0) {
    ops_.premises[into] = static_cast<std::int32_t>(std::min<std::int64_t>(
        std::int64_t{ops_.premises[into]} + ops_.premises[o], std::numeric_limits<std::int32_t>::max()));
  }
  fit_target_to_room(into);
  flows_.add(CountryMetric::merges, ops_.country[o]);
  log(EventKind::merge, static_cast<std::int32_t>(index_of(ops_.country[o])),
      static_cast<std::int32_t>(index_of(ops_.network[o])), static_cast<std::int64_t>(o), ops_.workers[o], 0);
}

}  // namespace scamsim::model
