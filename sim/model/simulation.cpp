#include "sim/model/simulation.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <numeric>

#include "sim/model/decisions.hpp"
#include "sim/model/money.hpp"
#include "sim/model/units.hpp"

namespace scamsim::model {

namespace {

constexpr std::int32_t never = std::numeric_limits<std::int32_t>::max() / 2;

Derived derive(const scenario::Scenario& s) {
  Derived d;
  const auto& p = s.params;
  d.dt_days = static_cast<double>(s.run.dt_days);
  d.steps = static_cast<std::int32_t>(s.run.steps());
  d.decision_interval_steps = std::max<std::int32_t>(
      1, static_cast<std::int32_t>(std::lround(static_cast<double>(p.relocation.decision_interval_days) / d.dt_days)));
  d.pressure_decay_per_step = std::exp2(-d.dt_days / p.pressure.half_life_days);
  d.risk_smoothing_per_step = 1 - std::exp(-d.dt_days / p.enforcement.risk_memory_days);
  d.revenue_smoothing_per_step = 1 - std::exp(-d.dt_days / p.pressure.revenue_memory_days);
  d.visibility_floor = p.enforcement.visibility_floor * s.run.scale;  // run.scale keeps sizes, shrinks numbers
  d.merge_window_steps =
      p.economics.merge_window_days > 0
          ? std::max<std::int32_t>(1, static_cast<std::int32_t>(std::lround(p.economics.merge_window_days / d.dt_days)))
          : 0;
  d.aftercare_programme_steps =
      std::max<std::int32_t>(1, static_cast<std::int32_t>(std::lround(p.aftercare.programme_days / d.dt_days)));
  d.news_reaction_steps =
      p.relocation.news_reaction_days > 0
          ? std::max<std::int32_t>(1,
                                   static_cast<std::int32_t>(std::lround(p.relocation.news_reaction_days / d.dt_days)))
          : 0;
  for (const auto& e : s.events) {
    d.event_steps.push_back(static_cast<std::int32_t>(e.date.days_after(s.run.start_date) / s.run.dt_days));
  }
  d.sites_of.resize(s.countries.size());
  for (std::size_t i = 0; i < s.sites.size(); ++i) d.sites_of[index_of(s.sites[i].country)].push_back(id_at<SiteId>(i));
  for (std::size_t c = 0; c < s.countries.size(); ++c) {
    const auto& country = s.countries[c];
    d.embassy_rate_per_day.push_back(
        country.origin ? country.origin->embassy_repatriation_rate_per_month / days_per_month : 0.0);
    if (country.host && !d.sites_of[c].empty()) d.hosts.push_back(id_at<CountryId>(c));
  }
  return d;
}

}  // namespace

Simulation::Simulation(const scenario::Scenario& scenario, std::uint32_t replicate, Engine engine)
    : scenario_(scenario),
      p_(scenario.params),
      key_{static_cast<std::uint64_t>(scenario.run.seed), replicate},
      derived_(derive(scenario)),
      engine_(engine),
      record_(derived_.steps, static_cast<std::int64_t>(scenario.countries.size())) {
  // Operations of up to a few thousand people (the largest compound of the record held about 6,000).
  visibility_table_.resize(8192);
  for (std::size_t w = 0; w < visibility_table_.size(); ++w) {
    visibility_table_[w] =
        visibility(static_cast<double>(w), p_.economics.visibility_reference_workers, p_.economics.visibility_exponent);
  }
  initialise_world();
  if (engine_ != Engine::scan) {
    // Everyone starts held: each in the roster of its operation and in the calendar at its escape.
    calendar_.reset(derived_.steps);
    for (std::uint32_t i = 0; i < workers_.size(); ++i) {
      rosters_.add(workers_[i].op, i, workers_);
      calendar_.file(i, workers_[i].due_step);
    }
  }
}

std::size_t Simulation::index_bytes() const noexcept {
  return calendar_.bytes() + rosters_.bytes() +
         (in_care_.capacity() + in_care_admitted_.capacity() + due_today_.capacity() + of_fates_.capacity() +
          scratch_.capacity() + candidates_.capacity()) *
             sizeof(std::uint32_t);
}

std::string_view phase_name(Phase phase) {
  static constexpr std::array<std::string_view, phase_count> names = {
      "events", "countries", "operators", "plans", "entry", "raids", "workers", "matching", "bookkeeping"};
  return names[static_cast<std::size_t>(phase)];
}

namespace {
/// Adds the time since the last lap to a phase's total: what each phase costs, for the bench.
class PhaseClock {
 public:
  explicit PhaseClock(std::array<double, phase_count>& seconds) : seconds_(seconds) {}
  void lap(Phase phase) {
    const auto now = std::chrono::steady_clock::now();
    seconds_[static_cast<std::size_t>(phase)] += std::chrono::duration<double>(now - last_).count();
    last_ = now;
  }

 private:
  std::array<double, phase_count>& seconds_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};
}  // namespace

void Simulation::step() {
  assert(!finished());
  PhaseClock clock(phase_seconds_);
  apply_scheduled_events();  // 1. sanctions, arrests, crackdowns, budgets ... dated today
  clock.lap(Phase::events);
  update_countries();  // 2. pressure decays, will, raid intensity, aftercare beds, local demand
  clock.lap(Phase::countries);
  run_operators();  // 3. revenue, costs, laundering, risk; decide release, split, merge, move
  clock.lap(Phase::operators);
  resolve_operator_plans();  //    carry out splits, merges and moves in operator-id order
  clock.lap(Phase::plans);
  open_operations();  //    entrants and reopened premises, in host order
  clock.lap(Phase::entry);
  draw_raids();  // 4. raids drawn per country, targets, leaks, outcomes
  clock.lap(Phase::raids);
  step_workers();  // 5. the transitions of the workers with something to do (calendar or scan)
  clock.lap(Phase::workers);
  match_labour();  // 6. aftercare beds, re-recruitment, new trafficking, in worker-id order
  clock.lap(Phase::matching);
  record_step();  // 7. the step's metrics
  clock.lap(Phase::bookkeeping);
  ++step_;
}

void Simulation::run_to_end() {
  while (!finished()) step();
}

RunRecord Simulation::take_record() { return std::move(record_); }

std::int64_t Simulation::stock(WorkerState state, CountryId country) const { return stocks_.get(state, country); }

std::vector<std::int64_t> Simulation::recount_stocks() const {
  std::vector<std::int64_t> counts(worker_state_count * scenario_.countries.size(), 0);
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    ++counts[static_cast<std::size_t>(workers_[i].state) * scenario_.countries.size() + index_of(workers_[i].country)];
  }
  return counts;
}

void Simulation::add_stock(WorkerState state, CountryId country, std::int64_t delta) {
  stocks_.add(state, country, delta);
}

void Simulation::log(EventKind kind, std::int32_t country, std::int32_t network, std::int64_t op, std::int64_t count,
                     std::int64_t amount_usd) {
  record_.events.push_back(
      EventRecord{step_, static_cast<std::uint8_t>(kind), country, network, op, count, amount_usd});
}

std::int32_t Simulation::escape_due(std::uint32_t worker, std::int32_t from_step, Purpose purpose) const {
  const double days = draws(worker, purpose).exponential(p_.workers.escape_hazard_per_year / days_per_year);
  const double steps = std::ceil(days / derived_.dt_days);
  return steps >= never - from_step ? never : from_step + std::max<std::int32_t>(1, static_cast<std::int32_t>(steps));
}

std::int32_t Simulation::retrafficking_due(std::uint32_t worker, std::int32_t from_step) const {
  const double rate = p_.workers.retraffick_hazard_per_year / days_per_year * workers_[worker].vulnerability;
  const double days = draws(worker, Purpose::retrafficking).exponential(rate);
  const double steps = std::ceil(days / derived_.dt_days);
  return steps >= never - from_step ? never : from_step + std::max<std::int32_t>(1, static_cast<std::int32_t>(steps));
}

float Simulation::draw_vulnerability(std::uint32_t worker) const {
  // The spread acts on what a person lacks, 1 - vulnerability, through a mean-one factor: the average stays
  // initial_vulnerability (but for the cut at 0, which a factor above 1 / (1 - v) reaches) and no one passes 1.
  // No draw at 0: every new worker has initial_vulnerability and every result is v0.3's bit for bit.
  const double v = p_.workers.initial_vulnerability;
  const double sigma = p_.workers.vulnerability_spread;
  if (sigma <= 0) return static_cast<float>(v);
  const double z = draws(worker, Purpose::vulnerability).normal();
  return static_cast<float>(std::clamp(1 - (1 - v) * std::exp(sigma * z - sigma * sigma / 2), 0.0, 1.0));
}

void Simulation::schedule_released(std::uint32_t worker, std::int32_t from_step) {
  const double rate = derived_.embassy_rate_per_day[index_of(workers_[worker].nationality)];
  const double steps = std::ceil(draws(worker, Purpose::repatriation).exponential(rate) / derived_.dt_days);
  workers_[worker].due_step =
      steps >= never - from_step ? never : from_step + std::max<std::int32_t>(1, static_cast<std::int32_t>(steps));
  // Re-recruitment comes when the country's demand clock has advanced by
  // E / vulnerability, E a unit exponential: the inverse of the cumulative hazard.
  const double mark = draws(worker, Purpose::rerecruitment).exponential(1.0) /
                      std::max(1e-9, static_cast<double>(workers_[worker].vulnerability));
  workers_[worker].clock_due =
      static_cast<float>(countries_[index_of(workers_[worker].country)].demand_clock + std::min(mark, 1e30));
}

void Simulation::file_released(std::uint32_t worker) {
  const std::size_t c = index_of(workers_[worker].country);
  auto& heap = marks_[c];
  heap.push_back(Mark{workers_[worker].clock_due, worker});
  std::push_heap(heap.begin(), heap.end());
  if (countries_[c].aftercare_budget_usd_per_year <= 0) return;
  if (p_.aftercare.most_vulnerable_first > 0) {
    bed_heap_[c].push_back(Waiting{workers_[worker].vulnerability, worker});
    std::push_heap(bed_heap_[c].begin(), bed_heap_[c].end());
  } else {
    bed_queue_[c].push_back(worker);
  }
}

double Simulation::revenue_per_worker_day(OperatorId o, CountryId where, OperationForm form) const {
  const double r = model::revenue_usd_per_worker_day(static_cast<double>(p_.economics.revenue_usd_per_worker_day),
                                                     scenario_.country(where).host->infrastructure, ai_uplift_,
                                                     ops_.tech[index_of(o)], p_.economics.awareness_conversion_loss,
                                                     victim_awareness_) *
                   market_factor_;
  return form == OperationForm::cell ? r * p_.forms.cell_productivity : r;
}

std::vector<std::int64_t> Simulation::operations_at_scale(const scenario::Scenario& s) const {
  // run.scale keeps operation sizes and shrinks their number, so that a small world has the same
  // per-operation dynamics as the full one: a group of n operations has floor(n x scale) of them, and one
  // more with the chance of the fraction left, so that what it holds is right on average. A network keeps
  // at least one (its group with the largest fraction), since events name networks. Until the tenth trials
  // a group became max(1, round(n x scale)) operations sharing its scaled people, so that at 0.2 Cambodia's
  // L.Y.P. compounds of 1,500 became one of 600, and smaller compounds kept more of their people in houses
  // when they dispersed (docs/MODEL.md section 7.8). At 1:1 every count is the file's.
  std::vector<std::int64_t> counts(s.operations.size(), 0);
  std::vector<double> fraction(s.operations.size(), 0.0);
  std::vector<std::int64_t> of_network(s.networks.size(), 0);
  for (std::size_t gi = 0; gi < s.operations.size(); ++gi) {
    const double expected = static_cast<double>(s.operations[gi].operations) * s.run.scale;
    const double whole = std::floor(expected);
    fraction[gi] = expected - whole;
    Draws d(key_, 0, static_cast<std::uint32_t>(gi), Purpose::init_operations);
    counts[gi] = static_cast<std::int64_t>(whole) + (d.bernoulli(fraction[gi]) ? 1 : 0);
    of_network[index_of(s.operations[gi].network)] += counts[gi];
  }
  for (std::size_t n = 0; n < s.networks.size(); ++n) {
    if (of_network[n] > 0) continue;
    std::size_t best = s.operations.size();
    for (std::size_t gi = 0; gi < s.operations.size(); ++gi) {
      if (index_of(s.operations[gi].network) != n) continue;
      if (best == s.operations.size() || fraction[gi] > fraction[best]) best = gi;
    }
    if (best < s.operations.size()) counts[best] = 1;
  }
  return counts;
}

void Simulation::initialise_world() {
  const auto& s = scenario_;
  const std::size_t nc = s.countries.size();
  ai_uplift_ = p_.ai.uplift;
  victim_awareness_ = p_.economics.victim_awareness;
  intelligence_ = s.matrices.intelligence_sharing;
  network_news_step_.assign(s.networks.size(), -1);
  vacant_premises_.assign(nc, {});
  merge_waiting_.assign(nc * s.networks.size(), no_operator);
  merge_waiting_since_.assign(nc * s.networks.size(), 0);
  stocks_.reset(nc);
  marks_.assign(nc, {});
  bed_queue_.assign(nc, {});
  bed_queue_head_.assign(nc, 0);
  bed_heap_.assign(nc, {});
  flows_.reset(nc);

  countries_.resize(nc);
  for (std::size_t c = 0; c < nc; ++c) {
    const auto& spec = s.countries[c];
    auto& state = countries_[c];
    state.pressure = spec.initial_pressure;
    state.frozen_share = p_.money.frozen_share;
    if (spec.host) {
      state.aftercare_budget_usd_per_year =
          whole_usd(static_cast<double>(spec.host->aftercare_budget_usd_per_year) * s.run.scale,
                    "a country's aftercare budget times run.scale");
    }
    if (spec.origin) state.awareness = spec.origin->awareness;
  }

  // Nationalities of the people held at the start, by initial workforce share.
  std::vector<double> nationality_weights(nc, 0.0);
  for (std::size_t c = 0; c < nc; ++c) {
    if (s.countries[c].origin) nationality_weights[c] = s.countries[c].origin->initial_workforce_share;
  }
  std::partial_sum(nationality_weights.begin(), nationality_weights.end(), nationality_weights.begin());

  // A network's capital is shared among its operations by workforce.
  std::vector<std::int64_t> network_workers(s.networks.size(), 0);
  for (const auto& g : s.operations) network_workers[index_of(g.network)] += g.workers;

  const std::vector<std::int64_t> counts = operations_at_scale(s);
  for (std::size_t gi = 0; gi < s.operations.size(); ++gi) {
    const auto& g = s.operations[gi];
    const std::int64_t count = counts[gi];
    const auto& network = s.network(g.network);
    const CountryId where = s.site(g.site).country;
    for (std::int64_t k = 0; k < count; ++k) {
      // Each operation keeps its size at 1:1 (the group's people shared as evenly as whole numbers allow).
      const std::int64_t size = g.workers / g.operations + (k < g.workers % g.operations ? 1 : 0);
      const OperatorId o = ops_.allocate();
      const std::size_t oi = index_of(o);
      ops_.network[oi] = g.network;
      ops_.country[oi] = where;
      ops_.came_from[oi] = where;
      ops_.site[oi] = g.site;
      ops_.target[oi] = static_cast<std::int32_t>(size);
      // With dispersed cells in the model, the start's small operations (the Philippines' hubs of 50 in
      // rented floors) are cells: a compound's fixed cost would close them in days (MODEL.md §7.10).
      if (p_.forms.cell_max_workers > 0 && size <= p_.economics.small_operation_workers) {
        ops_.form[oi] = OperationForm::cell;
      } else if (p_.forms.premises_capacity_factor > 0) {
        ops_.premises[oi] = static_cast<std::int32_t>(
            std::max(1.0, std::round(p_.forms.premises_capacity_factor * static_cast<double>(size))));
      }
      ops_.protection[oi] = static_cast<float>(network.protection);
      ops_.tech[oi] = static_cast<float>(network.tech);
      ops_.risk_perception[oi] = draw_risk_perception(oi);
      const std::int64_t share_of = std::max<std::int64_t>(1, network_workers[index_of(g.network)]);
      ops_.capital_usd[oi] = whole_usd(static_cast<double>(network.capital_usd) * s.run.scale *
                                           (static_cast<double>(g.workers) / static_cast<double>(share_of)) /
                                           (static_cast<double>(g.operations) * s.run.scale),
                                       "an operation's share of its network's capital");
      for (std::int64_t w = 0; w < size; ++w) {
        const auto id = static_cast<std::uint32_t>(workers_.size());
        Draws d(key_, 0, id, Purpose::init_nationality);
        const auto nationality = id_at<CountryId>(d.categorical(nationality_weights));
        workers_.add(WorkerState::held, nationality, where, o, 0, draw_vulnerability(id));
        workers_[id].due_step = escape_due(id, 0, Purpose::init_escape);
        ops_.workers[oi] += 1;
        add_stock(WorkerState::held, where, 1);
      }
    }
  }
}

}  // namespace scamsim::model
