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

double Simulation::entry_opportunity(std::size_t c, double protection) const {
  // An entrant has the cover it will be given (`protection`: its network's, as far as it carries to a new
  // operation) and no AI tooling beyond its network's; the risk it expects is the public signal of the
  // host, less what that cover buys off, as an operator's is (forms.cpp).
  const auto& e = p_.economics;
  const auto& m = p_.money;
  const auto& spec = scenario_.countries[c];
  const auto& state = countries_[c];
  const double revenue =
      model::revenue_usd_per_worker_day(static_cast<double>(e.revenue_usd_per_worker_day), spec.host->infrastructure,
                                        ai_uplift_, 0.0, e.awareness_conversion_loss, victim_awareness_) *
      market_factor_;
  const double margin = margin_usd_per_worker_day(
      revenue, protection, state.frozen_share, static_cast<double>(spec.host->labour_cost_usd_per_day),
      {e.protection_cost_share, m.laundered_share, m.laundering_cost_share});
  if (margin <= 0) return 0.0;
  const double size = static_cast<double>(p_.entry.entrant_workers);
  const SizeEconomics economics{
      margin,
      static_cast<double>(e.fixed_cost_usd_per_day),
      state.risk_signal * exposure(protection, spec.corruption) * p_.enforcement.raid_success_probability,
      e.visibility_reference_workers,
      e.visibility_exponent,
      e.loss_horizon_days};
  return std::clamp(expected_profit(size, economics) / (size * margin), 0.0, 1.0);
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

  for (const CountryId host : derived_.hosts) {
    const std::size_t c = index_of(host);
    auto& state = countries_[c];
    const double builds_per_year = entry.entrant_rate_per_year * scenario_.run.scale;
    const double reopens_per_year = entry.reopen_rate_per_year * static_cast<double>(vacant_premises_[c].size());
    const double opportunity = entry_opportunity(c, expected_protection);
    if (step_ == 0) state.first_day_opportunity = opportunity;
    // Reopening vacant premises pays with any return; building anew only with a return above normal, the
    // share of the first day's opportunity (free entry: the first day is the long-run balance).
    const double normal = entry.normal_return_share * std::max(0.0, state.first_day_opportunity);
    const double per_year_at_opportunity = normal > 0 ? builds_per_year * std::max(0.0, opportunity - normal) +
                                                            reopens_per_year * std::max(0.0, opportunity)
                                                      : (builds_per_year + reopens_per_year) * opportunity;
    if (builds_per_year + reopens_per_year <= 0 || opportunity <= 0 || per_year_at_opportunity <= 0) continue;
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
      ops_.target[o] = static_cast<std::int32_t>(entry.entrant_workers);
      ops_.capital_usd[o] = entry.entrant_capital_usd;
      ops_.protection[o] = static_cast<float>(spec.protection * p_.relocation.protection_kept_share);
      ops_.tech[o] = static_cast<float>(spec.tech);
      ops_.perceived_risk[o] = state.risk_signal;
      ops_.decided_step[o] = step_;
      accumulate_usd(invested_step_usd_, entry.entrant_capital_usd, "capital invested this step");
      ops_.premises[o] = take_premises(c, 0.0, static_cast<double>(entry.entrant_workers));  // taken again, or built
      fit_target_to_room(o);
      log(EventKind::opened, static_cast<std::int32_t>(c), static_cast<std::int32_t>(index_of(network)),
          static_cast<std::int64_t>(o), 0, entry.entrant_capital_usd);
    }
  }
}

}  // namespace scamsim::model
