// Phase 4: raids (MODEL.md §4.3). Each country draws its raids from a
// Poisson law of its intensity; each raid picks a target in proportion to
// visibility x (1 - protection x corruption), is leaked with probability
// protection x corruption, and otherwise succeeds with a fixed probability,
// dismantling the operation, seizing part of its capital and freeing its
// workers. Countries are handled in id order, raids in draw order.
#include <algorithm>
#include <cmath>

#include "sim/model/decisions.hpp"
#include "sim/model/money.hpp"
#include "sim/model/simulation.hpp"

namespace scamsim::model {

void Simulation::draw_raids() {
  const std::size_t nc = scenario_.countries.size();

  // Targets per country: operations that are working here this step.
  std::vector<std::vector<std::uint32_t>> targets(nc);
  for (std::size_t o = 0; o < ops_.size(); ++o) {
    if (ops_.state[o] != OperatorState::active) continue;
    if (ops_.fate[o] != OperatorFate::none && ops_.fate[o] != OperatorFate::release_share) continue;
    targets[index_of(ops_.country[o])].push_back(static_cast<std::uint32_t>(o));
  }

  std::vector<double> cumulative;
  for (std::size_t c = 0; c < nc; ++c) {
    const auto& state = countries_[c];
    if (state.raid_rate_per_day <= 0 || targets[c].empty()) continue;
    Draws count_draw(key_, static_cast<std::uint32_t>(step_), static_cast<std::uint32_t>(c), Purpose::raids_count);
    // Raids find operations in proportion to how many there are, up to the
    // industry the country's enforcement is sized to (its first day's).
    const double found =
        state.reference_visibility > 0 ? std::min(1.0, state.weighted_visibility / state.reference_visibility) : 1.0;
    const double per_day = p_.enforcement.raids_follow_industry > 0 && state.reference_visibility > 0
                               ? raids_per_visibility_per_day(state.raid_rate_per_day, state.full_raid_rate_per_day,
                                                              state.reference_visibility, state.weighted_visibility) *
                                     state.weighted_visibility
                               : state.raid_rate_per_day * found;
    const auto raids = count_draw.poisson(per_day * derived_.dt_days);
    if (raids == 0) continue;

    const double corruption = scenario_.countries[c].corruption;
    cumulative.clear();
    double total = 0;
    for (const std::uint32_t o : targets[c]) {
      double seen = visibility_of(ops_.workers[o]);
      if (ops_.form[o] == OperationForm::cell) seen *= p_.forms.cell_visibility;
      total += raid_weight(seen,
                           detection(p_.enforcement.intelligence_detection_gain,
                                     intelligence_sharing(ops_.came_from[o], id_at<CountryId>(c))),
                           exposure(ops_.protection[o], corruption));
      cumulative.push_back(total);
    }
    if (total <= 0) continue;

    Draws raid_draws(key_, static_cast<std::uint32_t>(step_), static_cast<std::uint32_t>(c), Purpose::raid_target);
    for (std::uint64_t k = 0; k < raids; ++k) {
      flows_.add(CountryMetric::raids, c);
      const std::uint32_t o = targets[c][raid_draws.categorical(cumulative)];
      const auto network = static_cast<std::int32_t>(index_of(ops_.network[o]));
      if (ops_.fate[o] == OperatorFate::dismantled) {
        log(EventKind::raid_failed, static_cast<std::int32_t>(c), network, o, 0, 0);  // already gone today
        continue;
      }
      // Protection bought from a corrupt elite turns into a tip-off.
      if (raid_draws.bernoulli(ops_.protection[o] * corruption)) {
        flows_.add(CountryMetric::raids_leaked, c);
        ops_.fate[o] = OperatorFate::release_share;
        ops_.release_share[o] = std::max(ops_.release_share[o], static_cast<float>(p_.enforcement.leak_release_share));
        log(EventKind::raid_leaked, static_cast<std::int32_t>(c), network, o, ops_.workers[o], 0);
        continue;
      }
      if (!raid_draws.bernoulli(p_.enforcement.raid_success_probability)) {
        log(EventKind::raid_failed, static_cast<std::int32_t>(c), network, o, 0, 0);
        continue;
      }
      flows_.add(CountryMetric::raids_successful, c);
      // At most the capital itself: neither subtraction nor the step's sum can overflow.
      const auto seized = whole_usd(
          static_cast<double>(std::max<std::int64_t>(0, ops_.capital_usd[o])) * p_.money.seizure_share, "seizure");
      ops_.capital_usd[o] -= seized;
      ops_.seized_usd[o] += seized;
      ops_.fate[o] = OperatorFate::dismantled;
      ops_.state[o] = OperatorState::dismantled;
      leave_premises(o);
      // News: operators here and of this network decide again within days (MODEL.md §7.4).
      countries_[c].news_step = step_;
      network_news_step_[index_of(ops_.network[o])] = step_;
      log(EventKind::raid_success, static_cast<std::int32_t>(c), network, o, ops_.workers[o], seized);
    }
  }
}

}  // namespace scamsim::model
