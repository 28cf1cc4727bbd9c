// Phase 3: operators earn, pay, launder and perceive risk, and on their
// decision days choose their size (release, split, merge) and their country
// (relocation), MODEL.md §7.2, §7.4, §7.6. Each operator writes only its
// own row; plans that create or join operators are carried out afterwards,
// in operator-id order (plans.cpp). The formulas are in decisions.hpp.
#include <algorithm>
#include <cmath>
#include <limits>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "sim/model/decisions.hpp"
#include "sim/model/money.hpp"
#include "sim/model/simulation.hpp"
#include "sim/model/units.hpp"

namespace scamsim::model {

void Simulation::run_operators() {
  arrive_relocated_operators();  // operators whose move ends today start work in their new country
  survey_hubs();                 // where each network's cells would gather
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, ops_.size(), 64),
                    [&](const tbb::blocked_range<std::size_t>& range) {
                      for (std::size_t o = range.begin(); o < range.end(); ++o) {
                        if (ops_.state[o] != OperatorState::active) continue;
                        const double r = earn_and_pay(o);  // revenue, costs, bribes, laundering, freezes
                        const bool news = has_news(o);     // a successful raid here or on its network
                        perceive_risk(o, news);            // perceived risk follows the public signal
                        adopt_tech(o);                     // AI tooling rises toward 1
                        if (close_if_bankrupt(o)) continue;
                        if (!news && !is_decision_day(o)) continue;
                        if (withdraws(o)) continue;  // its network closes it: returns here are below normal
                        const std::int32_t since_decision = step_ - ops_.decided_step[o];
                        ops_.decided_step[o] = step_;
                        // target, release, best split and form
                        const SizeOutlook outlook = decide_size(o, r, since_decision);
                        if (decide_relocation(o, outlook)) continue;  // stay (maybe in cells) or move
                        decide_form_or_size(o, outlook);
                      }
                    });
}

void Simulation::arrive_relocated_operators() {
  for (std::size_t o = 0; o < ops_.size(); ++o) {
    ops_.fate[o] = OperatorFate::none;
    ops_.plan[o] = Plan::none;
    if (ops_.state[o] == OperatorState::relocating && step_ >= ops_.arrival_step[o]) {
      const CountryId to = ops_.destination[o];
      ops_.state[o] = OperatorState::active;
      ops_.country[o] = to;
      if (ops_.form[o] == OperationForm::compound) {  // premises others left, or new ones for who came
        const double people = static_cast<double>(ops_.workers[o]) + static_cast<double>(ops_.incoming[o]);
        ops_.premises[o] = take_premises(index_of(to), people, people);
        fit_target_to_room(o);
      }
      const auto& sites = derived_.sites_of[index_of(to)];
      ops_.site[o] = sites[draws(static_cast<std::uint32_t>(o), Purpose::relocation_choice).below(sites.size())];
      flows_.add(CountryMetric::relocations_in, to);
      log(EventKind::relocation_arrival, static_cast<std::int32_t>(index_of(to)),
          static_cast<std::int32_t>(index_of(ops_.network[o])), static_cast<std::int64_t>(o), ops_.incoming[o], 0);
    }
  }
}

double Simulation::earn_and_pay(std::size_t o) {
  const auto& e = p_.economics;
  const auto& m = p_.money;
  const double dt = derived_.dt_days;
  const CountryId here = ops_.country[o];
  const auto& country = countries_[index_of(here)];
  const double protection = ops_.protection[o];
  const auto workers = static_cast<double>(ops_.workers[o]);

  const double r = revenue_per_worker_day(OperatorId{static_cast<std::uint32_t>(o)}, here);
  const auto revenue = whole_usd(workers * r * dt, "an operator's revenue");
  const auto fixed = whole_usd(fixed_cost_usd_per_day(ops_.form[o]) * dt, "an operator's fixed cost");
  const auto upkeep =
      whole_usd(workers * upkeep_usd_per_worker_day(index_of(here)) * dt, "an operator's upkeep of its workers");
  const auto bribes =
      whole_usd(static_cast<double>(revenue) * protection * e.protection_cost_share, "an operator's bribes");
  const auto laundered = whole_usd(static_cast<double>(revenue) * m.laundered_share, "money laundered");
  const auto fees = whole_usd(static_cast<double>(laundered) * m.laundering_cost_share, "laundering fees");
  const auto frozen = whole_usd(static_cast<double>(laundered) * country.frozen_share, "laundered money frozen");

  constexpr std::string_view capital = "an operator's capital";
  const std::int64_t net = sub_usd(
      sub_usd(sub_usd(sub_usd(sub_usd(revenue, fixed, capital), upkeep, capital), bribes, capital), fees, capital),
      frozen, capital);
  accumulate_usd(ops_.capital_usd[o], net, capital);
  accumulate_usd(ops_.revenue_usd[o], revenue, "an operator's revenue this step");
  constexpr std::string_view costs = "an operator's costs this step";
  accumulate_usd(ops_.costs_usd[o], add_usd(add_usd(add_usd(fixed, upkeep, costs), bribes, costs), fees, costs), costs);
  accumulate_usd(ops_.laundered_usd[o], laundered, "money laundered this step");
  accumulate_usd(ops_.frozen_usd[o], frozen, "money frozen this step");
  return r;
}

bool Simulation::has_news(std::size_t o) const {
  // News of a successful raid in its country or on its network since its last decision calls for a decision,
  // at most every news_reaction_steps while news keeps coming (MODEL.md §7.4). Off at 0.
  const std::int32_t every = derived_.news_reaction_steps;
  if (every <= 0) return false;
  const std::int32_t latest =
      std::max(countries_[index_of(ops_.country[o])].news_step, network_news_step_[index_of(ops_.network[o])]);
  return latest > ops_.decided_step[o] && step_ - ops_.decided_step[o] >= every;
}

void Simulation::perceive_risk(std::size_t o, bool news) {
  // Perceived risk follows the public signal with a memory; an operator
  // that moved in from a country sharing intelligence is easier to find.
  // News of a raid tells it the day's risk at once: it does not wait for its memory to catch up.
  const CountryId here = ops_.country[o];
  const double found =
      detection(p_.enforcement.intelligence_detection_gain, intelligence_sharing(ops_.came_from[o], here));
  const double seen = countries_[index_of(here)].risk_signal * found * ops_.risk_perception[o];
  if (news) ops_.perceived_risk[o] = std::max(ops_.perceived_risk[o], seen);
  ops_.perceived_risk[o] += (seen - ops_.perceived_risk[o]) * derived_.risk_smoothing_per_step;
}

float Simulation::draw_risk_perception(std::size_t o) const {
  // Mean one on the linear scale, so that the spread changes how far operators differ, not the risk they read
  // on average. No draw at 0: the factor is exactly 1 and every result is v0.3's bit for bit.
  const double sigma = p_.enforcement.risk_perception_spread;
  if (sigma <= 0) return 1.0f;
  const double z = draws(static_cast<std::uint32_t>(o), Purpose::risk_perception).normal();
  return static_cast<float>(std::exp(sigma * z - sigma * sigma / 2));
}

void Simulation::adopt_tech(std::size_t o) {
  ops_.tech[o] += static_cast<float>(p_.ai.adoption_per_year * (1 - ops_.tech[o]) * derived_.dt_days / days_per_year);
}

bool Simulation::close_if_bankrupt(std::size_t o) {
  if (ops_.capital_usd[o] >= 0) return false;
  ops_.fate[o] = OperatorFate::closed;  // it can no longer pay guards or rent
  return true;
}

bool Simulation::withdraws(std::size_t o) {
  // Free exit, the other half of free entry (entry.cpp sets the rate): where a host's returns are below a
  // normal return, networks close operations there at a rate in proportion to the shortfall, drawn over the
  // days since the operation last decided, so that how often it decides does not change how often it closes.
  const double rate = countries_[index_of(ops_.country[o])].withdrawal_rate_per_year;
  if (rate <= 0) return false;
  const double days = static_cast<double>(step_ - ops_.decided_step[o]) * derived_.dt_days;
  if (!draws(static_cast<std::uint32_t>(o), Purpose::withdrawal)
           .bernoulli(1 - std::exp(-rate * days / days_per_year))) {
    return false;
  }
  ops_.fate[o] = OperatorFate::closed;  // its people are let go, a compound's premises stand vacant (plans.cpp)
  return true;
}

bool Simulation::is_decision_day(std::size_t o) const {
  // Staggered by id, so that operators do not all decide on the same day.
  return (step_ + static_cast<std::int32_t>(o)) % derived_.decision_interval_steps == 0;
}

Simulation::SizeOutlook Simulation::decide_size(std::size_t o, double revenue_per_worker_day,
                                                std::int32_t steps_since_decision) {
  const auto& e = p_.economics;
  const double dt = derived_.dt_days;
  const auto workers = static_cast<double>(ops_.workers[o]);
  const bool cell = ops_.form[o] == OperationForm::cell;

  const SizeOutlook outlook{size_economics(o, ops_.form[o], revenue_per_worker_day), 0, 0, 0, 0, 0};

  // The target workforce moves toward the most profitable size (a cell's is at most a house's).
  const double largest = largest_size(o, ops_.form[o]);
  // With target_efficient_scale it aims at the size of greatest profit per worker instead, when that is
  // smaller: beyond it the network gains more from another operation than from a larger one, so that growth
  // comes from operations opened, not from one operation hiring without end (MODEL.md section 7.10).
  const double single_best = most_profitable_size(outlook.here, largest);
  const double aim =
      e.target_efficient_scale > 0 ? std::min(single_best, efficient_size(outlook.here, largest)) : single_best;
  const double best_size = std::max(aim, static_cast<double>(e.min_cell_workers));
  // It moves at target_growth_per_year over the time since the last decision. With news of raids
  // (relocation.news_reaction_days) decisions come within days of each other, and a month's step at each
  // made targets move up to ten times as fast; with decisions on decision days only, the step is the
  // interval's (v0.3).
  const std::int32_t steps = derived_.news_reaction_steps > 0 ? steps_since_decision : derived_.decision_interval_steps;
  const double step_toward = std::min(1.0, e.target_growth_per_year * steps * dt / days_per_year);
  ops_.target[o] = static_cast<std::int32_t>(std::lround(ops_.target[o] + (best_size - ops_.target[o]) * step_toward));
  fit_target_to_room(o);

  SizeOutlook result = outlook;
  if (p_.workers.release_by_utility > 0) {
    // One footing (issue 13): letting people go is weighed with the other choices (decide_form_or_size).
    if (workers > 0) {
      result.release_gain = expected_profit(workers * (1 - p_.workers.pressure_release_share), outlook.here) -
                            expected_profit(workers, outlook.here);
    }
  } else {
    release_under_acute_risk(o, outlook.here);
  }

  // The best split here (§7.2): splitting into k cells cuts expected raid
  // losses by a factor k^-beta and multiplies fixed costs by k. Dispersed
  // cells do not split further.
  result.cells = cell ? 0
                      : best_split(workers, static_cast<int>(e.max_split_cells),
                                   static_cast<double>(e.min_cell_workers), outlook.here);
  if (result.cells >= 2) result.split_gain = split_gain(workers, result.cells, outlook.here);
  // The other form (§7.2): a compound weighs dispersing into houses, a cell weighs taking a compound again.
  if (p_.forms.cell_max_workers > 0 && workers > 0) {
    if (cell) {
      result.form_gain = consolidation_gain(o, outlook.here);
    } else {
      result.form_cells = dispersal_cells(workers);
      result.form_gain = dispersal_gain(o, outlook.here, result.form_cells);
    }
  }
  return result;
}

void Simulation::release_under_acute_risk(std::size_t o, const SizeEconomics& here) {
  // v0.3's rule: under acute risk (a successful raid likely within the release horizon) it lets people go,
  // before and instead of any other change of size or form this step.
  const auto workers = static_cast<double>(ops_.workers[o]);
  const double acute_risk = chance_of_raid_within(here.hazard_per_visibility, visibility_of(ops_.workers[o]),
                                                  p_.workers.pressure_release_horizon_days);
  if (acute_risk > p_.workers.pressure_release_threshold && workers > 0) {
    let_go_share(o);
  }
}

void Simulation::let_go_share(std::size_t o) {
  const auto workers = static_cast<double>(ops_.workers[o]);
  ops_.fate[o] = OperatorFate::release_share;
  ops_.release_share[o] = static_cast<float>(p_.workers.pressure_release_share);
  ops_.target[o] =
      std::min(ops_.target[o], static_cast<std::int32_t>(workers * (1 - p_.workers.pressure_release_share)));
}

double Simulation::stay_gain(const SizeOutlook& outlook) const {
  // What staying can gain on top of staying as it is: the best split, or changing form if that gains more
  // (or letting people go, when that is weighed with them).
  const double best = outlook.form_gain > outlook.split_gain ? outlook.form_gain : outlook.split_gain;
  return outlook.release_gain > best ? outlook.release_gain : best;
}

void Simulation::decide_form_or_size(std::size_t o, const SizeOutlook& outlook) {
  const auto& e = p_.economics;
  const auto workers = static_cast<double>(ops_.workers[o]);
  if (ops_.fate[o] != OperatorFate::none) return;
  if (outlook.release_gain > 0 && outlook.release_gain >= outlook.split_gain &&
      outlook.release_gain >= outlook.form_gain) {
    let_go_share(o);
  } else if (outlook.form_gain > 0 && outlook.form_gain > outlook.split_gain) {
    if (ops_.form[o] == OperationForm::cell) {
      ops_.plan[o] = Plan::consolidate;
    } else {
      ops_.plan[o] = Plan::disperse;
      ops_.cells[o] = static_cast<std::uint8_t>(outlook.form_cells);
    }
  } else if (outlook.cells >= 2) {
    ops_.plan[o] = Plan::split;
    ops_.cells[o] = static_cast<std::uint8_t>(outlook.cells);
  } else if (ops_.form[o] == OperationForm::compound && workers > 0 &&
             2 * workers <= static_cast<double>(e.max_operation_workers) &&
             best_split(2 * workers, static_cast<int>(e.max_split_cells), static_cast<double>(e.min_cell_workers),
                        outlook.here) == 0) {
    // Merging is the reverse of splitting: two operations join when an operation
    // of their combined size would not split. Using the same rule both ways
    // keeps them from splitting and merging back in turn. Dispersed cells do
    // not merge: they take a compound again (consolidate) instead.
    ops_.plan[o] = Plan::merge;
  }
}

}  // namespace scamsim::model
