// Phase 3, after the plans: new operations (MODEL.md §7.10). In each host,
// networks open operations at a rate that rises with the opportunity there
// (the share of an entrant's gross margin left after fixed cost and expected
// raid losses): new entrants at entry.entrant_rate_per_year, and vacant
// premises taken again at entry.reopen_rate_per_year each. A host with no
// industry can be entered; what its enforcement finds there is set by
// enforcement.visibility_floor (countries.cpp). Hosts in id order, openings
// in draw order, so results do not depend on threads.
#include <algorithm>
#include <cmath>
#include <vector>

#include "sim/model/decisions.hpp"
#include "sim/model/money.hpp"
#include "sim/model/simulation.hpp"
#include "sim/model/units.hpp"

namespace scamsim::model {

Simulation::EntryProspect Simulation::entry_prospect(std::size_t c, double protection, OperationForm form) const {
  // An entrant has the cover it will be given (`protection`: its network's, as far as it carries to a new
  // operation) and no AI tooling beyond its network's; the risk it expects is the public signal of the
  // host, less what that cover buys off, as an operator's is (forms.cpp).
  const auto& e = p_.economics;
  const auto& m = p_.money;
  const auto& spec = scenario_.countries[c];
  const auto& state = countries_[c];
  const bool cell = form == OperationForm::cell;
  const double revenue =
      model::revenue_usd_per_worker_day(static_cast<double>(e.revenue_usd_per_worker_day), spec.host->infrastructure,
                                        ai_uplift_, 0.0, e.awareness_conversion_loss, victim_awareness_) *
      market_factor_;
  const RevenueShares shares{e.protection_cost_share, m.laundered_share, m.laundering_cost_share};
  const double labour = upkeep_usd_per_worker_day(c);
  const double compound_margin = margin_usd_per_worker_day(revenue, protection, state.frozen_share, labour, shares);
  const double margin = cell ? margin_usd_per_worker_day(revenue * p_.forms.cell_productivity, protection,
                                                         state.frozen_share, labour, shares)
                             : compound_margin;
  const double size = static_cast<double>(cell ? p_.forms.cell_max_workers : p_.entry.entrant_workers);
  if (margin <= 0 || compound_margin <= 0 || size <= 0) return {0.0, 0.0, compound_margin};
  double rho = state.risk_signal * exposure(protection, spec.corruption) * p_.enforcement.raid_success_probability;
  if (cell) rho *= p_.forms.cell_visibility;  // houses among houses: found less often (forms.cpp)
  const SizeEconomics economics{margin,
                                fixed_cost_usd_per_day(form),
                                rho,
                                e.visibility_reference_workers,
                                e.visibility_exponent,
                                e.loss_horizon_days};
  return {expected_profit(size, economics), size, compound_margin};
}

Simulation::EntryOutlook Simulation::entry_outlook(std::size_t c, double protection) const {
  // Opportunity per worker, in shares of a compound's gross margin on the first day, so that both forms are on
  // one scale and a fall in the margin itself (crowding, a saturated market, freezes) counts in full: measured
  // in today's margin, halving the margin only raised the fixed cost's share of it.
  const double first_day_scale = countries_[c].opportunity_scale_usd_per_worker_day;
  const auto share = [first_day_scale](const EntryProspect& p) {
    const double scale = first_day_scale > 0 ? first_day_scale : p.compound_margin_usd_per_worker_day;
    if (p.size <= 0 || p.compound_margin_usd_per_worker_day <= 0 || scale <= 0) return 0.0;
    return std::max(0.0, p.profit_usd_per_day / (p.size * scale));
  };
  const EntryProspect compound = entry_prospect(c, protection, OperationForm::compound);
  const double compound_share = share(compound);
  if (p_.entry.cell_entrants <= 0 || p_.forms.cell_max_workers <= 0) {
    return {compound_share, compound_share, OperationForm::compound};
  }
  // Where raids would find a compound at once (a host with no industry, whose enforcement is spread over
  // the visibility floor), a network can still rent houses (entry.cell_entrants; UNODC 2025: the new hubs
  // beyond the region start small). It builds what earns it more: a compound of entrant_workers wherever
  // one can pay, since one holds many houses' worth of people.
  const EntryProspect cell = entry_prospect(c, protection, OperationForm::cell);
  if (compound.profit_usd_per_day >= cell.profit_usd_per_day) {
    return {compound_share, compound_share, OperationForm::compound};
  }
  return {compound_share, share(cell), OperationForm::cell};
}

double Simulation::going_rate(const std::vector<double>& opportunity) const {
  double rate = 0;
  for (std::size_t c = 0; c < opportunity.size(); ++c) rate += entry_weight_[c] * opportunity[c];
  return rate;
}

void Simulation::open_operations() {
  const auto& entry = p_.entry;
  if (entry.entrant_rate_per_year <= 0 && entry.reopen_rate_per_year <= 0) return;
  const std::size_t nn = scenario_.networks.size();

  // Networks invest where their money is: an opening belongs to a network drawn in proportion to the
  // capital of its running operations (every network alike when none has any).
  std::vector<std::int64_t> capital(nn, 0);
  for (std::size_t o = 0; o < ops_.size(); ++o) {
    if (ops_.state[o] != OperatorState::active || ops_.capital_usd[o] <= 0) continue;
    accumulate_usd(capital[index_of(ops_.network[o])], ops_.capital_usd[o], "a network's capital");
  }
  std::vector<double> cumulative(nn);
  double total = 0;
  for (std::size_t n = 0; n < nn; ++n) cumulative[n] = total += static_cast<double>(capital[n]);
  if (total <= 0) {
    for (std::size_t n = 0; n < nn; ++n) cumulative[n] = static_cast<double>(n + 1);
  }
  // The cover an opening can expect: its network's protection, weighted as the draw of its network is,
  // times the share a new operation keeps (as after a move).
  double weighted_protection = 0;
  for (std::size_t n = 0; n < nn; ++n) {
    const double weight = cumulative[n] - (n > 0 ? cumulative[n - 1] : 0.0);
    weighted_protection += weight * scenario_.networks[n].protection;
  }
  const double expected_protection =
      nn > 0 ? weighted_protection / cumulative[nn - 1] * p_.relocation.protection_kept_share : 0.0;

  // What each host offers now: reopened premises are compounds; new building takes the better form.
  const std::size_t nc = scenario_.countries.size();
  std::vector<double> reopen_opportunity(nc, 0.0);
  std::vector<EntryOutlook> build(nc, EntryOutlook{0.0, 0.0, OperationForm::compound});
  for (const CountryId host : derived_.hosts) {
    const std::size_t c = index_of(host);
    if (step_ == 0) {
      countries_[c].opportunity_scale_usd_per_worker_day =
          entry_prospect(c, expected_protection, OperationForm::compound).compound_margin_usd_per_worker_day;
    }
    build[c] = entry_outlook(c, expected_protection);
    reopen_opportunity[c] = build[c].compound_opportunity;
  }
  if (step_ == 0) {
    // The going rate is weighed by where the industry is on the first day, so that it measures how much
    // the region's returns have moved, not where the industry has moved to.
    double held = 0;
    entry_weight_.assign(nc, 0.0);
    for (const CountryId host : derived_.hosts) {
      entry_weight_[index_of(host)] = static_cast<double>(stocks_.get(WorkerState::held, index_of(host)));
      held += entry_weight_[index_of(host)];
    }
    for (auto& w : entry_weight_) w = held > 0 ? w / held : 0.0;
    first_day_going_rate_ = going_rate(reopen_opportunity);
  }
  // Hedging (entry.hedging_elasticity): when returns fall where the industry is, the return a network
  // asks of a new operation falls with them, so that capital goes where risk has not risen (UNODC 2025:
  // new hubs as "a hedging against future risks").
  const double hedge =
      p_.entry.hedging_elasticity > 0 && first_day_going_rate_ > 0
          ? std::pow(std::max(0.0, going_rate(reopen_opportunity)) / first_day_going_rate_, p_.entry.hedging_elasticity)
          : 1.0;

  for (const CountryId host : derived_.hosts) {
    const std::size_t c = index_of(host);
    auto& state = countries_[c];
    const double builds_per_year = entry.entrant_rate_per_year * scenario_.run.scale;
    const double reopens_per_year = entry.reopen_rate_per_year * static_cast<double>(vacant_premises_[c].size());
    const double opportunity = build[c].opportunity;
    if (step_ == 0) state.first_day_opportunity = opportunity;
    // Reopening vacant premises pays with any return; building anew only with a return above normal, the
    // share of the first day's opportunity (free entry: the first day is the long-run balance).
    const double normal = entry.normal_return_share * std::max(0.0, state.first_day_opportunity) * hedge;
    // Free exit (entry.exit_rate_per_year): below a share of the normal return, networks close operations here
    // (operators.cpp), in proportion to the shortfall, so that what a crackdown drove into a host leaves it
    // again once returns there fall below what capital earns elsewhere. Sunk costs keep a band between the
    // return that draws building and the one that forces closing (entry.exit_return_share).
    const double exit_below = entry.exit_return_share * normal;
    state.withdrawal_rate_per_year =
        exit_below > 0 ? entry.exit_rate_per_year * std::max(0.0, exit_below - opportunity) / exit_below : 0.0;
    const double builds = builds_per_year * std::max(0.0, opportunity - normal);
    const double reopens = reopens_per_year * std::max(0.0, reopen_opportunity[c]);
    // With no normal return, any positive return draws both (the one product, as before cell entrants).
    const double per_year_at_opportunity =
        normal > 0 ? builds + reopens
        : build[c].form == OperationForm::compound
            ? (builds_per_year + reopens_per_year) * reopen_opportunity[c]
            : builds_per_year * opportunity + reopens_per_year * reopen_opportunity[c];
    if (per_year_at_opportunity <= 0) continue;
    Draws d(key_, static_cast<std::uint32_t>(step_), static_cast<std::uint32_t>(c), Purpose::entry);
    const std::uint64_t openings = d.poisson(per_year_at_opportunity * derived_.dt_days / days_per_year);
    for (std::uint64_t k = 0; k < openings; ++k) {
      const auto network = id_at<NetworkId>(d.categorical(cumulative));
      const auto& spec = scenario_.network(network);
      const auto& sites = derived_.sites_of[c];
      const OperatorId id = ops_.allocate();
      const std::size_t o = index_of(id);
      ops_.network[o] = network;
      ops_.country[o] = host;
      ops_.came_from[o] = host;
      ops_.site[o] = sites[d.below(sites.size())];
      // A new building in the cell form is a rented house: no premises, a cell's workforce, and the
      // capital of a compound's entrant pro rata; vacant premises are always taken as a compound.
      const bool as_cell = build[c].form == OperationForm::cell &&
                           (vacant_premises_[c].empty() || !d.bernoulli(reopens / per_year_at_opportunity));
      const std::int64_t workers = as_cell ? p_.forms.cell_max_workers : entry.entrant_workers;
      const std::int64_t opening_capital =
          as_cell ? whole_usd(static_cast<double>(entry.entrant_capital_usd) * static_cast<double>(workers) /
                                  static_cast<double>(std::max<std::int64_t>(1, entry.entrant_workers)),
                              "a cell entrant's capital")
                  : entry.entrant_capital_usd;
      ops_.form[o] = as_cell ? OperationForm::cell : OperationForm::compound;
      ops_.target[o] = static_cast<std::int32_t>(workers);
      ops_.capital_usd[o] = opening_capital;
      ops_.protection[o] = static_cast<float>(spec.protection * p_.relocation.protection_kept_share);
      ops_.tech[o] = static_cast<float>(spec.tech);
      ops_.risk_perception[o] = draw_risk_perception(o);
      ops_.perceived_risk[o] = state.risk_signal * ops_.risk_perception[o];
      ops_.decided_step[o] = step_;
      accumulate_usd(invested_step_usd_, opening_capital, "capital invested this step");
      // Taken again, or built; a cell has none.
      ops_.premises[o] = as_cell ? 0 : take_premises(c, 0.0, static_cast<double>(entry.entrant_workers));
      fit_target_to_room(o);
      log(EventKind::opened, static_cast<std::int32_t>(c), static_cast<std::int32_t>(index_of(network)),
          static_cast<std::int64_t>(o), 0, opening_capital);
    }
  }
}

}  // namespace scamsim::model
