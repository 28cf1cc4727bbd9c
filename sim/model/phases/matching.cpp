// Phase 6: the worker phase's outboxes are merged in chunk order (so in
// worker-id order), then, in this order: aftercare beds go to released
// people who asked, re-recruited people are placed with operators of their
// country that have open places, repatriated people trafficked again and new
// recruits from origin populations are placed with operators anywhere
// (MODEL.md §4.5). Placement picks an operator in proportion to its open
// places; a full operator passes the person to the next one in id order.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "sim/model/simulation.hpp"
#include "sim/model/units.hpp"

namespace scamsim::model {

/// Open places of active operators at the start of placement, per country
/// (for re-recruitment where people are) and overall (for trafficking).
struct Simulation::Placement {
  /// Operators with open places, drawn from in proportion to their open
  /// places at the start of matching. The places left are shared
  /// (`remaining`), so a place taken through one list is gone from the others.
  struct Vacancies {
    std::vector<std::uint32_t> ops;
    std::vector<double> cumulative;

    void add(std::uint32_t op, std::int64_t places) {
      ops.push_back(op);
      cumulative.push_back((cumulative.empty() ? 0.0 : cumulative.back()) + static_cast<double>(places));
    }
    /// An operator with a place left, or -1 if none; takes the place.
    std::int64_t take(Draws& d, std::vector<std::int64_t>& remaining) const {
      if (ops.empty()) return -1;
      const std::size_t first = d.categorical(cumulative);
      for (std::size_t step = 0; step < ops.size(); ++step) {
        const std::uint32_t o = ops[(first + step) % ops.size()];
        if (remaining[o] > 0) {
          --remaining[o];
          return o;
        }
      }
      return -1;
    }
  };

  std::vector<Vacancies> local;         ///< by country
  Vacancies anywhere;                   ///< every operator with an open place
  std::vector<std::int64_t> remaining;  ///< places left, by operator
  std::int64_t open_total = 0;          ///< places left in all
};

void Simulation::match_labour() {
  merge_outboxes();      // the worker phase's requests, in worker-id order
  admit_to_aftercare();  // beds: first released, first served
  Placement places = count_open_places();
  rerecruit_where_they_are(places);  // released and supported people, with operators of their country
  retraffic_repatriated(places);     // repatriated people trafficked again, anywhere
  traffic_new_recruits(places);      // new trafficking from origins, limited by demand
}

void Simulation::merge_outboxes() {
  const std::size_t chunks = outboxes_used_;
  std::vector<std::int64_t> released(ops_.size(), 0);
  for (std::size_t k = 0; k < chunks; ++k) {
    const Outbox& out = outboxes_[k];
    for (const auto& d : out.op_deltas) {
      ops_.workers[index_of(d.op)] += d.workers;
      ops_.incoming[index_of(d.op)] += d.incoming;
      released[index_of(d.op)] += d.released;
    }
    stocks_.add_all(out.stock_deltas);
    flows_.add_all(out.flows);
  }

  // Operators that let people go this step (under pressure, on a leak, when
  // closing or moving) go in the event log, in operator-id order.
  for (std::size_t o = 0; o < released.size(); ++o) {
    if (released[o] == 0) continue;
    log(EventKind::release, static_cast<std::int32_t>(index_of(ops_.country[o])),
        static_cast<std::int32_t>(index_of(ops_.network[o])), static_cast<std::int64_t>(o), released[o], 0);
  }

  // People released this step file their re-recruitment marks and bed
  // requests with their country, in worker-id order.
  for (std::size_t k = 0; k < chunks; ++k) {
    for (const std::uint32_t i : outboxes_[k].released) file_released(i);
  }
  for (std::size_t c = 0; c < scenario_.countries.size(); ++c) prune_waiting(c);
}

void Simulation::prune_waiting(std::size_t c) {
  // A mark or a bed request stays in its heap after its person has moved on (repatriated, re-recruited, in
  // care), until it surfaces. Most people leave before their mark comes, so the heaps would grow with every
  // release ever made; once one holds more than twice the people released here, the entries of those who
  // have moved on are dropped. Heaps pop the least (clock, worker) or the most (vulnerability, worker) first,
  // a strict order, so which entries surface when does not depend on what else the heap holds: results are
  // the same with pruning as without.
  const CountryId country = id_at<CountryId>(c);
  const auto limit = static_cast<std::size_t>(2 * stock(WorkerState::released, country) + 4096);
  auto waiting_here = [&](std::uint32_t i) {
    return workers_[i].state == WorkerState::released && workers_[i].country == country;
  };
  if (marks_[c].size() > limit) {
    std::erase_if(marks_[c],
                  [&](const Mark& m) { return !waiting_here(m.worker) || workers_[m.worker].clock_due != m.clock; });
    std::make_heap(marks_[c].begin(), marks_[c].end());
  }
  if (bed_heap_[c].size() > limit) {
    std::erase_if(bed_heap_[c], [&](const Waiting& w) { return !waiting_here(w.worker); });
    std::make_heap(bed_heap_[c].begin(), bed_heap_[c].end());
  }
}

void Simulation::admit_to_aftercare() {
  const std::int32_t programme_steps = derived_.aftercare_programme_steps;
  for (std::size_t c = 0; c < scenario_.countries.size(); ++c) {
    const CountryId country = id_at<CountryId>(c);
    std::int64_t free_beds = countries_[c].aftercare_beds - stock(WorkerState::in_aftercare, country);
    auto admit = [&](std::uint32_t i) {
      --free_beds;
      flows_.add(CountryMetric::aftercare_admissions, country);
      move_worker(i, WorkerState::in_aftercare, country, stocks_);
      workers_[i].due_step = step_ + programme_steps;
      note_in_care(i);
    };
    if (p_.aftercare.most_vulnerable_first > 0) {
      // Shelters take the most vulnerable waiting first; those who have moved on surface and are dropped.
      auto& heap = bed_heap_[c];
      while (free_beds > 0 && !heap.empty()) {
        std::pop_heap(heap.begin(), heap.end());
        const std::uint32_t i = heap.back().worker;
        heap.pop_back();
        if (workers_[i].state == WorkerState::released && workers_[i].country == country) admit(i);
      }
      continue;
    }
    auto& queue = bed_queue_[c];
    std::size_t& head = bed_queue_head_[c];
    while (free_beds > 0 && head < queue.size()) {
      const std::uint32_t i = queue[head++];
      if (workers_[i].state != WorkerState::released || workers_[i].country != country) continue;  // moved on
      admit(i);
    }
    if (head > 4096 && head * 2 > queue.size()) {  // drop the served prefix now and then
      queue.erase(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(head));
      head = 0;
    }
  }
}

Simulation::Placement Simulation::count_open_places() const {
  Placement places;
  places.local.resize(scenario_.countries.size());
  places.remaining.assign(ops_.size(), 0);
  for (std::size_t o = 0; o < ops_.size(); ++o) {
    if (ops_.state[o] != OperatorState::active) continue;
    const std::int64_t open = ops_.target[o] - ops_.workers[o] - ops_.incoming[o];
    if (open <= 0) continue;
    places.remaining[o] = open;
    places.open_total += open;
    places.local[index_of(ops_.country[o])].add(static_cast<std::uint32_t>(o), open);
    places.anywhere.add(static_cast<std::uint32_t>(o), open);
  }
  return places;
}

void Simulation::hold_worker(std::uint32_t i, std::uint32_t o) {
  ops_.workers[o] += 1;
  workers_[i].op = OperatorId{o};
  move_worker(i, WorkerState::held, ops_.country[o], stocks_);
  workers_[i].due_step = escape_due(i, step_);
  note_held(i);
  note_scheduled(i);
}

void Simulation::send_worker(std::uint32_t i, std::uint32_t o, CountryId from) {
  const double days = scenario_.matrices.transit_days[scenario_.pair_index(from, ops_.country[o])];
  ops_.incoming[o] += 1;
  workers_[i].op = OperatorId{o};
  move_worker(i, WorkerState::in_transit, ops_.country[o], stocks_);
  workers_[i].due_step =
      step_ + std::max<std::int32_t>(1, static_cast<std::int32_t>(std::ceil(days / derived_.dt_days)));
  note_scheduled(i);
  flows_.add(CountryMetric::new_recruits, ops_.country[o]);
}

void Simulation::rerecruit_where_they_are(Placement& places) {
  // Released people whose mark the demand clock has passed, and people in
  // aftercare who drew re-recruitment, placed in worker-id order.
  std::vector<std::uint32_t> rerecruited;
  for (std::size_t c = 0; c < scenario_.countries.size(); ++c) {
    auto& heap = marks_[c];
    const CountryId country = id_at<CountryId>(c);
    while (!heap.empty() && static_cast<double>(heap.front().clock) <= countries_[c].demand_clock) {
      const Mark mark = heap.front();
      std::pop_heap(heap.begin(), heap.end());
      heap.pop_back();
      const std::uint32_t i = mark.worker;
      if (workers_[i].state == WorkerState::released && workers_[i].country == country &&
          workers_[i].clock_due == mark.clock) {
        rerecruited.push_back(i);
      }
    }
  }
  const std::size_t chunks = outboxes_used_;
  for (std::size_t k = 0; k < chunks; ++k) {
    rerecruited.insert(rerecruited.end(), outboxes_[k].rerecruit.begin(), outboxes_[k].rerecruit.end());
  }
  std::sort(rerecruited.begin(), rerecruited.end());
  for (const std::uint32_t i : rerecruited) {
    const CountryId c = workers_[i].country;
    Draws d = draws(i, Purpose::rerecruit_target);
    const std::int64_t o = places.local[index_of(c)].take(d, places.remaining);
    if (o < 0) {
      // No open place today: still at risk, with a fresh mark on the clock.
      if (workers_[i].state == WorkerState::released) {
        schedule_released(i, step_);
        note_scheduled(i);
        file_released(i);
      }
      continue;
    }
    --places.open_total;
    flows_.add(CountryMetric::rerecruited, c);
    hold_worker(i, static_cast<std::uint32_t>(o));
  }
}

void Simulation::retraffic_repatriated(Placement& places) {
  const std::size_t chunks = outboxes_used_;
  for (std::size_t k = 0; k < chunks; ++k) {
    for (const std::uint32_t i : outboxes_[k].retraffick) {
      Draws d = draws(i, Purpose::recruit_target);
      const std::int64_t o = places.anywhere.take(d, places.remaining);
      if (o < 0) {
        workers_[i].due_step = retrafficking_due(i, step_);  // no demand now: the risk goes on
        note_scheduled(i);
        continue;
      }
      --places.open_total;
      send_worker(i, static_cast<std::uint32_t>(o), workers_[i].country);
    }
  }
}

double Simulation::recruiting_reach_per_year(std::size_t c) const {
  const auto& origin = scenario_.countries[c].origin;
  if (!origin) return 0.0;
  return p_.recruitment.trafficking_rate_per_year * static_cast<double>(origin->vulnerable_population) *
         scenario_.run.scale * origin->recruitment_susceptibility;
}

void Simulation::follow_demand(std::vector<double>& supply, std::int64_t open_total) {
  // Each origin's recruiting effort (people a day at awareness 0) moves toward what would fill its share
  // of the open places within the lag, at most pipeline_cap_factor times its fixed-supply flow; awareness
  // turns that effort into fewer recruits (MODEL.md §7.5). Origins in id order.
  const auto& r = p_.recruitment;
  const std::size_t nc = scenario_.countries.size();
  std::vector<double> reach(nc, 0.0);  // people brokers can reach a day at awareness 0
  double total_weight = 0;
  for (std::size_t c = 0; c < nc; ++c) {
    reach[c] = recruiting_reach_per_year(c) / days_per_year;
    total_weight += reach[c] * (1 - countries_[c].awareness);
  }
  const double follow = 1 - std::exp(-derived_.dt_days / r.pipeline_lag_days);
  for (std::size_t c = 0; c < nc; ++c) {
    if (reach[c] <= 0) continue;
    auto& state = countries_[c];
    if (state.recruiting_effort < 0) state.recruiting_effort = reach[c];  // the fixed supply's flow at the start
    const double kept = 1 - state.awareness;
    const double share = total_weight > 0 ? reach[c] * kept / total_weight : 0.0;
    const double wanted_per_day = share * static_cast<double>(open_total) / r.pipeline_lag_days;
    const double cap = r.pipeline_cap_factor * reach[c];
    const double target = kept > 0 ? std::min(cap, wanted_per_day / kept) : 0.0;
    state.recruiting_effort += (target - state.recruiting_effort) * follow;
    supply[c] = state.recruiting_effort * kept * derived_.dt_days;
  }
}

void Simulation::traffic_new_recruits(Placement& places) {
  const std::size_t nc = scenario_.countries.size();
  std::vector<double> supply(nc, 0.0);
  double total_supply = 0;
  for (std::size_t c = 0; c < nc; ++c) {
    if (!scenario_.countries[c].origin) continue;
    supply[c] = recruiting_reach_per_year(c) * (1 - countries_[c].awareness) * derived_.dt_days / days_per_year;
    total_supply += supply[c];
  }
  const std::int64_t open_total = places.open_total;
  // With pipelines that follow demand, each origin sends what its brokers recruit this step; otherwise a
  // fixed supply, of which the share that open places can take.
  const bool pipelines = p_.recruitment.pipeline_lag_days > 0;
  if (pipelines) follow_demand(supply, open_total);
  const double demand =
      pipelines ? 1.0 : (total_supply > 0 ? std::min(1.0, static_cast<double>(open_total) / total_supply) : 0.0);
  for (std::size_t c = 0; c < nc; ++c) {
    if (supply[c] <= 0 || open_total <= 0) continue;
    const auto count = draws(static_cast<std::uint32_t>(c), Purpose::recruits_count).poisson(supply[c] * demand);
    Draws d = draws(static_cast<std::uint32_t>(c), Purpose::recruit_target);
    for (std::uint64_t k = 0; k < count; ++k) {
      const std::int64_t o = places.anywhere.take(d, places.remaining);
      if (o < 0) break;
      const CountryId origin = id_at<CountryId>(c);
      const std::uint32_t i = workers_.add(WorkerState::in_transit, origin, origin, no_operator, 0,
                                           draw_vulnerability(static_cast<std::uint32_t>(workers_.size())));
      add_stock(WorkerState::in_transit, origin, 1);  // `send_worker` moves it to its destination
      send_worker(i, static_cast<std::uint32_t>(o), origin);
    }
  }
}

}  // namespace scamsim::model
