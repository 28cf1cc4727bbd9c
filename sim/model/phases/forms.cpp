// Phase 3, decision day: what form an operation takes (MODEL.md §7.2). A
// compound has premises and infrastructure: productive, costly, visible. A
// dispersed cell is a rented house or floor: cheap, less productive, harder
// to see, and small. Under enough risk a compound disperses into cells; when
// risk fades a cell takes a compound again. Both are weighed on the same
// footing as staying, splitting and moving: expected daily profit.
#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/model/decisions.hpp"
#include "sim/model/simulation.hpp"

namespace scamsim::model {

double Simulation::fixed_cost_usd_per_day(OperationForm form) const {
  return static_cast<double>(form == OperationForm::cell ? p_.forms.cell_fixed_cost_usd_per_day
                                                         : p_.economics.fixed_cost_usd_per_day);
}

SizeEconomics Simulation::size_economics(std::size_t o, OperationForm form, double revenue_per_worker_day) const {
  const auto& e = p_.economics;
  const auto& m = p_.money;
  const CountryId here = ops_.country[o];
  const auto& spec = scenario_.country(here);
  const double protection = ops_.protection[o];
  const double margin = margin_usd_per_worker_day(
      revenue_per_worker_day, protection, countries_[index_of(here)].frozen_share,
      upkeep_usd_per_worker_day(index_of(here)), {e.protection_cost_share, m.laundered_share, m.laundering_cost_share});
  double rho = ops_.perceived_risk[o] * exposure(protection, spec.corruption) * p_.enforcement.raid_success_probability;
  if (form == OperationForm::cell) rho *= p_.forms.cell_visibility;  // houses among houses: found less often
  return SizeEconomics{margin,
                       fixed_cost_usd_per_day(form),
                       rho,
                       e.visibility_reference_workers,
                       e.visibility_exponent,
                       e.loss_horizon_days};
}

int Simulation::dispersal_cells(double workers) const {
  const double per_cell = static_cast<double>(p_.forms.cell_max_workers);
  return static_cast<int>(
      std::clamp(std::ceil(workers / per_cell), 1.0, static_cast<double>(p_.forms.max_cells_per_dispersal)));
}

double Simulation::largest_size(std::size_t o, OperationForm form) const {
  if (form == OperationForm::cell) return static_cast<double>(p_.forms.cell_max_workers);
  const auto largest = static_cast<double>(p_.economics.max_operation_workers);
  return ops_.premises[o] > 0 ? std::min(largest, static_cast<double>(ops_.premises[o])) : largest;
}

void Simulation::fit_target_to_room(std::size_t o) {
  // Only where there is a room to fit: with no premises and no cells the target is as v0.3 left it.
  if (ops_.form[o] == OperationForm::cell || ops_.premises[o] > 0) {
    ops_.target[o] = std::min(ops_.target[o], static_cast<std::int32_t>(largest_size(o, ops_.form[o])));
  }
}

double Simulation::compound_value(std::size_t o, const SizeEconomics& as_compound, double largest) const {
  // A compound is worth what it makes at the size it can grow to (its most profitable size within its
  // room, or what it holds if more). Both changes of form are weighed against this one value, so that a
  // compound does not disperse at the size it holds today and take a compound again for the size it could hold.
  const double size = std::max(static_cast<double>(ops_.workers[o]), most_profitable_size(as_compound, largest));
  return expected_profit(size, as_compound);
}

double Simulation::dispersal_gain(std::size_t o, const SizeEconomics& as_compound, int cells) const {
  // The houses hold at most cells x cell_max_workers; the rest of the people are let go, and their
  // margin is lost with them.
  const auto workers = static_cast<double>(ops_.workers[o]);
  const OperatorId id{static_cast<std::uint32_t>(o)};
  const SizeEconomics as_cell =
      size_economics(o, OperationForm::cell, revenue_per_worker_day(id, ops_.country[o], OperationForm::cell));
  const double held = std::min(workers, cells * static_cast<double>(p_.forms.cell_max_workers));
  return cells * expected_profit(held / cells, as_cell) -
         compound_value(o, as_compound, largest_size(o, OperationForm::compound));
}

Simulation::PremisesNeed Simulation::consolidation_need(std::size_t o) const {
  // What it holds and has on the way; new premises are built for at least an entrant's size.
  const double people = static_cast<double>(ops_.workers[o]) + static_cast<double>(ops_.incoming[o]);
  return {people, std::max(people, static_cast<double>(p_.entry.entrant_workers))};
}

void Simulation::survey_hubs() {
  const std::size_t nn = scenario_.networks.size();
  hubs_.assign(scenario_.countries.size() * nn, Hub{});
  if (p_.forms.cell_max_workers <= 0) return;
  for (std::size_t o = 0; o < ops_.size(); ++o) {
    if (ops_.state[o] != OperatorState::active) continue;
    const std::int64_t people = std::int64_t{ops_.workers[o]} + ops_.incoming[o];
    Hub& hub = hubs_[country_network(o)];
    if (ops_.form[o] == OperationForm::cell) {
      hub.cells_people += static_cast<double>(people);
      hub.cells_capital_usd += static_cast<double>(std::max<std::int64_t>(0, ops_.capital_usd[o]));
      continue;
    }
    const std::int64_t free_room =
        ops_.premises[o] > 0 ? std::int64_t{ops_.premises[o]} - people : std::numeric_limits<std::int64_t>::max();
    if (hub.op == no_operator || free_room > hub.free_room) {
      hub.op = OperatorId{static_cast<std::uint32_t>(o)};
      hub.people = people;
      hub.free_room = free_room;
    }
  }
}

std::size_t Simulation::country_network(std::size_t o) const {
  return index_of(ops_.country[o]) * scenario_.networks.size() + index_of(ops_.network[o]);
}

const Simulation::Hub* Simulation::hub_to_join(std::size_t o) const {
  const Hub& hub = hubs_[country_network(o)];
  const std::int64_t people = std::int64_t{ops_.workers[o]} + ops_.incoming[o];
  return hub.op != no_operator && hub.free_room >= people ? &hub : nullptr;
}

double Simulation::consolidation_gain(std::size_t o, const SizeEconomics& as_cell) const {
  const OperatorId id{static_cast<std::uint32_t>(o)};
  const SizeEconomics as_compound =
      size_economics(o, OperationForm::compound, revenue_per_worker_day(id, ops_.country[o], OperationForm::compound));
  const auto need = consolidation_need(o);
  const double own_profit = expected_profit(static_cast<double>(ops_.workers[o]), as_cell);
  // Its network runs a compound here with room for its people: it weighs joining that one, at no cost, for
  // what its people add there (resolve_operator_plans gathers it into the same compound).
  if (const Hub* joining = hub_to_join(o)) {
    const auto there = static_cast<double>(joining->people);
    return expected_profit(there + need.brought, as_compound) - expected_profit(there, as_compound) - own_profit;
  }
  const Hub& hub = hubs_[country_network(o)];
  // Taking the premises costs consolidation_cost_usd, spread over the loss horizon like a move's cost;
  // a cell that cannot pay it stays a cell.
  if (ops_.capital_usd[o] < p_.forms.consolidation_cost_usd) return 0.0;
  // It takes premises for its network's cells here, which join it the same step (resolve_operator_plans):
  // between them they carry a compound's fixed cost until recruits come (the pipelines' lag, and a decision
  // interval to ask for them), or it stays a cell. Valued alone at the compound it could grow to, lone cells
  // of 40 took premises for 1,100 and went bankrupt within weeks, leaving the premises to the next; at
  // run.scale 0.2, where a network has a fifth as many cells to gather, that churn grew a trial baseline by
  // 31% in five years (docs/MODEL.md section 7.10).
  const double shortfall_usd_per_day =
      std::max(0.0, as_compound.fixed_usd_per_day - hub.cells_people * as_compound.margin_usd_per_worker_day);
  const double carry_days =
      static_cast<double>(p_.recruitment.pipeline_lag_days) + static_cast<double>(p_.relocation.decision_interval_days);
  if (hub.cells_capital_usd - static_cast<double>(p_.forms.consolidation_cost_usd) <
      shortfall_usd_per_day * carry_days) {
    return 0.0;
  }
  // It can grow only to the premises it would take: vacant ones that hold its people, or new ones built
  // for an entrant's size. A cell valued at a compound of any size took premises it could not fill and fill
  // them at a loss, dispersed again, and so on (the seventh trials' Philippines, MODEL.md section 7.8).
  const std::int32_t room = premises_room(index_of(ops_.country[o]), need.brought, need.build_for);
  const auto most = static_cast<double>(p_.economics.max_operation_workers);
  // Weighed against what the network's cells here make as cells between them (about as many of its size as
  // their people make), since they all gather: against one cell's profit alone, a compound too small for its
  // fixed cost was taken again by the cells it had just dispersed into, and dispersed again.
  const double cells_profit =
      own_profit * std::max(1.0, hub.cells_people / std::max(1.0, static_cast<double>(ops_.workers[o])));
  return compound_value(o, as_compound, room > 0 ? std::min(most, static_cast<double>(room)) : most) -
         static_cast<double>(p_.forms.consolidation_cost_usd) / as_compound.horizon_days - cells_profit;
}

}  // namespace scamsim::model
