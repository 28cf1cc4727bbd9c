// Phase 3, decision day: what form an operation takes (MODEL.md §7.2). A
// compound has premises and infrastructure: productive, costly, visible. A
// dispersed cell is a rented house or floor: cheap, less productive, harder
// to see, and small. Under enough risk a compound disperses into cells; when
// risk fades a cell takes a compound again. Both are weighed on the same
// footing as staying, splitting and moving: expected daily profit.
#include <algorithm>
#include <cmath>

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

double Simulation::consolidation_gain(std::size_t o, const SizeEconomics& as_cell) const {
  // Taking the premises costs consolidation_cost_usd, spread over the loss horizon like a move's cost;
  // a cell that cannot pay it stays a cell.
  if (ops_.capital_usd[o] < p_.forms.consolidation_cost_usd) return 0.0;
  const OperatorId id{static_cast<std::uint32_t>(o)};
  const SizeEconomics as_compound =
      size_economics(o, OperationForm::compound, revenue_per_worker_day(id, ops_.country[o], OperationForm::compound));
  // It can grow only to the premises it would take: vacant ones that hold its people, or new ones built
  // for an entrant's size. A cell valued at a compound of any size took premises it could not fill and fill
  // them at a loss, dispersed again, and so on (the seventh trials' Philippines, MODEL.md section 7.8).
  const auto need = consolidation_need(o);
  const std::int32_t room = premises_room(index_of(ops_.country[o]), need.brought, need.build_for);
  const auto most = static_cast<double>(p_.economics.max_operation_workers);
  return compound_value(o, as_compound, room > 0 ? std::min(most, static_cast<double>(room)) : most) -
         static_cast<double>(p_.forms.consolidation_cost_usd) / as_compound.horizon_days -
         expected_profit(static_cast<double>(ops_.workers[o]), as_cell);
}

}  // namespace scamsim::model
