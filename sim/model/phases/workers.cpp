// Phase 5: every worker's transitions (MODEL.md §4.5), a parallel map over
// fixed chunks of workers. A worker writes only its own row; changes to
// operators' head counts, requests for aftercare beds and placements, and
// flow counts go to its chunk's outbox, merged in chunk order afterwards.
//
// Scheduled events are dates: a held worker's escape, a traveller's arrival,
// the end of an aftercare programme and a repatriated person's re-trafficking
// are drawn once as a step number (`due_step`) when the state begins, from the
// state's constant hazard, so that on most days a worker costs a comparison.
// A released person's re-recruitment hazard changes with local demand; it is
// drawn once too, as a mark on the country's demand clock (the integral of
// the hazard per unit of vulnerability), which is exact for a hazard that
// varies in time. People in aftercare, whose vulnerability also falls while
// in care, draw every step: beds are few.
#include <algorithm>
#include <cmath>
#include <iterator>
#include <stdexcept>

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "sim/model/simulation.hpp"
#include "sim/model/units.hpp"

namespace scamsim::model {

void Simulation::step_workers() {
  const WorkerRates rates{p_.workers.rerecruit_hazard_per_month / days_per_month, 1 - p_.aftercare.effectiveness,
                          p_.aftercare.vulnerability_recovery_per_month / days_per_month};
  if (engine_ == Engine::scan) {
    scan_workers(rates);
  } else {
    step_due_workers(rates);
  }
}

namespace {
void clear_outbox_lists(auto& out, std::size_t countries) {
  out.released.clear();
  out.rerecruit.clear();
  out.retraffick.clear();
  out.op_deltas.clear();
  out.flows.reset(countries);
  out.stock_deltas.reset(countries);
}
}  // namespace

bool Simulation::has_work(std::uint32_t i) const {
  switch (workers_[i].state) {
    case WorkerState::held:
      return ops_.fate[index_of(workers_[i].op)] != OperatorFate::none || workers_[i].due_step <= step_;
    case WorkerState::in_transit:
    case WorkerState::released:
    case WorkerState::repatriated:
      return workers_[i].due_step <= step_;
    case WorkerState::in_aftercare:
      return true;  // draws every step
  }
  return true;
}

void Simulation::step_worker(std::uint32_t i, const WorkerRates& rates, Outbox& out) {
  switch (workers_[i].state) {
    case WorkerState::held:
      step_held(i, out);  // the operator's fate today, then escape
      break;
    case WorkerState::in_transit:
      step_in_transit(i, out);  // arrival at the operation, or stranded
      break;
    case WorkerState::released:
      step_released(i, out);  // repatriation by the embassy
      break;
    case WorkerState::in_aftercare:
      step_in_aftercare(i, rates, out);  // recovery, end of programme, re-recruitment
      break;
    case WorkerState::repatriated:
      if (workers_[i].due_step <= step_) out.retraffick.push_back(i);  // trafficked again, placed in match_labour
      break;
  }
}

void Simulation::scan_workers(const WorkerRates& rates) {
  const std::size_t n = workers_.size();
  const std::size_t nc = scenario_.countries.size();
  const std::size_t chunks = (n + worker_chunk - 1) / worker_chunk;
  if (outboxes_.size() < chunks) outboxes_.resize(chunks);
  outboxes_used_ = chunks;
  workers_visited_ += static_cast<std::int64_t>(n);
  const auto step = step_;

  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, chunks, 1), [&](const tbb::blocked_range<std::size_t>& range) {
    for (std::size_t chunk = range.begin(); chunk < range.end(); ++chunk) {
      Outbox& out = outboxes_[chunk];
      clear_outbox_lists(out, nc);

      // Raw pointers in locals: the compiler cannot prove that the writes
      // through the outbox leave the vectors' data pointers alone.
      const Worker* const row = workers_.rows.data();
      const OperatorFate* const fate = ops_.fate.data();

      const auto end = static_cast<std::uint32_t>(std::min(n, (chunk + 1) * worker_chunk));
      for (auto i = static_cast<std::uint32_t>(chunk * worker_chunk); i < end; ++i) {
        // has_work(), inlined: held, nothing happening to the operator,
        // nothing due; or travelling, released or repatriated, nothing due.
        const WorkerState st = row[i].state;
        if (st == WorkerState::held) {
          if (fate[index_of(row[i].op)] == OperatorFate::none && row[i].due_step > step) continue;
        } else if (st != WorkerState::in_aftercare) {
          if (row[i].due_step > step) continue;
        }
        step_worker(i, rates, out);
      }
    }
  });
}

void Simulation::step_due_workers(const WorkerRates& rates) {
  const std::vector<std::uint32_t>& candidates = due_workers();
  if (engine_ == Engine::checked) check_calendar(candidates);
  const std::size_t nc = scenario_.countries.size();
  const std::size_t pieces = (candidates.size() + worker_piece - 1) / worker_piece;
  if (outboxes_.size() < pieces) outboxes_.resize(pieces);
  outboxes_used_ = pieces;
  workers_visited_ += static_cast<std::int64_t>(candidates.size());

  const std::int32_t tomorrow = step_ + 1;
  const auto step_piece = [&](std::size_t piece) {
    Outbox& out = outboxes_[piece];
    clear_outbox_lists(out, nc);
    out.refile.clear();
    const std::size_t end = std::min(candidates.size(), (piece + 1) * worker_piece);
    for (std::size_t k = piece * worker_piece; k < end; ++k) {
      const std::uint32_t i = candidates[k];
      if (!has_work(i)) continue;  // an entry left by a date since moved, or by a worker who has left the operation
      const Worker was = workers_[i];
      step_worker(i, rates, out);
      // The worker phase writes only its own workers' rows: one whose date or state changed is filed for its
      // new date (not before tomorrow: today's worker phase is over); one now held by another operation joins
      // its roster; one still due (its work left to the matching phase) is filed for tomorrow, as the scan
      // would look at it again. People in aftercare are in in_care_ already.
      const Worker& now = workers_[i];
      if (now.state == WorkerState::in_aftercare) continue;
      Refile r{i, -1, no_operator};
      if (now.state == WorkerState::held && (was.state != WorkerState::held || was.op != now.op)) r.roster = now.op;
      if (now.state != was.state || now.due_step != was.due_step || now.due_step <= step_) {
        r.step = std::max(now.due_step, tomorrow);
      }
      if (r.step >= 0 || r.roster != no_operator) out.refile.push_back(r);
    }
  };
  // An ordinary day has a few hundred people with something to do, a raid or a mass release thousands: pieces
  // of worker_piece let two threads share even an ordinary day.
  if (pieces > 1) {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, pieces, 1), [&](const tbb::blocked_range<std::size_t>& range) {
      for (std::size_t piece = range.begin(); piece < range.end(); ++piece) step_piece(piece);
    });
  } else if (pieces == 1) {
    step_piece(0);
  }
  // The indexes are shared, so they are written here, one piece after another; the order does not matter,
  // since a bucket is sorted when taken and a roster when compacted.
  for (std::size_t piece = 0; piece < pieces; ++piece) {
    for (const Refile& r : outboxes_[piece].refile) {
      if (r.roster != no_operator) rosters_.add(r.roster, r.worker, workers_);
      if (r.step >= 0) calendar_.file(r.worker, r.step);
    }
  }
}

const std::vector<std::uint32_t>& Simulation::due_workers() {
  // Today's bucket (sorted by take), the people listed by operations something happens to today, and the
  // people in aftercare, in id order and once each. Some have nothing to do (a stale entry): the worker phase
  // asks has_work() of each, in parallel.
  calendar_.take(step_, due_today_);

  of_fates_.clear();
  for (std::size_t o = 0; o < ops_.size(); ++o) {
    if (ops_.fate[o] != OperatorFate::none) rosters_.append_listed(id_at<OperatorId>(o), of_fates_);
  }
  std::sort(of_fates_.begin(), of_fates_.end());
  of_fates_.erase(std::unique(of_fates_.begin(), of_fates_.end()), of_fates_.end());

  // In aftercare: those there at the last step and those admitted since, still there.
  std::sort(in_care_admitted_.begin(), in_care_admitted_.end());
  scratch_.clear();
  std::merge(in_care_.begin(), in_care_.end(), in_care_admitted_.begin(), in_care_admitted_.end(),
             std::back_inserter(scratch_));
  in_care_admitted_.clear();
  scratch_.erase(std::unique(scratch_.begin(), scratch_.end()), scratch_.end());
  std::erase_if(scratch_, [&](std::uint32_t i) { return workers_[i].state != WorkerState::in_aftercare; });
  in_care_.swap(scratch_);

  scratch_.clear();
  std::set_union(due_today_.begin(), due_today_.end(), of_fates_.begin(), of_fates_.end(),
                 std::back_inserter(scratch_));
  candidates_.clear();
  std::set_union(scratch_.begin(), scratch_.end(), in_care_.begin(), in_care_.end(), std::back_inserter(candidates_));
  return candidates_;
}

void Simulation::check_calendar(const std::vector<std::uint32_t>& visited) const {
  std::size_t k = 0;
  for (std::uint32_t i = 0; i < workers_.size(); ++i) {
    if (!has_work(i)) continue;
    while (k < visited.size() && visited[k] < i) ++k;
    if (k == visited.size() || visited[k] != i) {
      throw std::logic_error(fmt::format("the calendar engine missed worker {} (state {}) on step {}", i,
                                         static_cast<int>(workers_[i].state), step_));
    }
  }
}

void Simulation::note_scheduled(std::uint32_t i) {
  if (engine_ != Engine::scan) calendar_.file(i, std::max(workers_[i].due_step, step_ + 1));
}

void Simulation::note_held(std::uint32_t i) {
  if (engine_ != Engine::scan) rosters_.add(workers_[i].op, i, workers_);
}

void Simulation::note_in_care(std::uint32_t i) {
  if (engine_ != Engine::scan) in_care_admitted_.push_back(i);
}

void Simulation::move_worker(std::uint32_t i, WorkerState to, CountryId where, Stocks& stocks) {
  stocks.move(workers_[i].state, workers_[i].country, to, where);
  workers_[i].state = to;
  workers_[i].country = where;
}

void Simulation::set_free(std::uint32_t i, CountryMetric why, Outbox& out) {
  out.flows.add(why, workers_[i].country);
  move_worker(i, WorkerState::released, workers_[i].country, out.stock_deltas);
  workers_[i].op = no_operator;
  schedule_released(i, step_);
  out.released.push_back(i);
}

void Simulation::release_worker(std::uint32_t i, CountryMetric why, Outbox& out) {
  out.op_deltas.push_back({workers_[i].op, -1, 0, why == CountryMetric::releases_by_operator ? 1 : 0});
  set_free(i, why, out);
}

void Simulation::join_cell(std::uint32_t i, std::uint64_t pick, Outbox& out) {
  // Cell 0 is the operation's own slot; the others were made by the split or dispersal.
  if (pick == 0) return;
  const OperatorId o = workers_[i].op;
  const OperatorId cell = ops_.split_cells[ops_.first_cell[index_of(o)] + pick - 1];
  out.op_deltas.push_back({o, -1, 0});
  out.op_deltas.push_back({cell, +1, 0});
  workers_[i].op = cell;
}

bool Simulation::share_fate_of_joined(std::uint32_t i, Outbox& out) {
  // The operation a worker is held by, or has just been moved into (a cell made today), may have merged today,
  // and its partner in turn into a third, or been raided after the plans were carried out, closed, or gone
  // abroad. The worker follows the merges and shares the fate of where they end, rather than being held by an
  // operation that is gone until they escape.
  for (std::size_t hops = 0; hops <= ops_.size(); ++hops) {
    const OperatorId joined = workers_[i].op;
    switch (ops_.fate[index_of(joined)]) {
      case OperatorFate::merged:
        out.op_deltas.push_back({joined, -1, 0});
        out.op_deltas.push_back({ops_.merge_into[index_of(joined)], +1, 0});
        workers_[i].op = ops_.merge_into[index_of(joined)];
        continue;
      case OperatorFate::dismantled:
        release_worker(i, CountryMetric::released_by_raids, out);
        return true;
      case OperatorFate::closed:
      case OperatorFate::relocating:
        release_worker(i, CountryMetric::releases_by_operator, out);
        return true;
      default:
        return false;
    }
  }
  return false;
}

void Simulation::step_held(std::uint32_t i, Outbox& out) {
  const OperatorId o = workers_[i].op;
  const std::size_t oi = index_of(o);
  switch (ops_.fate[oi]) {
    case OperatorFate::none:
      break;
    case OperatorFate::release_share:
      if (draws(i, Purpose::release).bernoulli(ops_.release_share[oi])) {
        release_worker(i, CountryMetric::releases_by_operator, out);
        return;
      }
      break;
    case OperatorFate::dismantled:
      release_worker(i, CountryMetric::released_by_raids, out);
      return;
    case OperatorFate::closed:
      release_worker(i, CountryMetric::releases_by_operator, out);
      return;
    case OperatorFate::relocating:
      if (draws(i, Purpose::relocation_abandon).bernoulli(ops_.moved_share[oi])) {
        // Trafficked across the border with the operation.
        out.op_deltas.push_back({o, -1, +1});
        move_worker(i, WorkerState::in_transit, ops_.destination[oi], out.stock_deltas);
        workers_[i].due_step = ops_.arrival_step[oi];
      } else {
        release_worker(i, CountryMetric::releases_by_operator, out);  // abandoned where they are
      }
      return;
    case OperatorFate::merged:  // follows it into its partner, and on through the day's merges
      if (share_fate_of_joined(i, out)) return;
      break;
    case OperatorFate::dispersed: {
      // The houses hold `moved_share` of the compound's people; the others are let go where they are.
      Draws d = draws(i, Purpose::split);
      if (!d.bernoulli(ops_.moved_share[oi])) {
        release_worker(i, CountryMetric::releases_by_operator, out);
        return;
      }
      join_cell(i, d.below(ops_.cells[oi]), out);
      if (share_fate_of_joined(i, out)) return;
      break;
    }
    case OperatorFate::split:
      join_cell(i, draws(i, Purpose::split).below(ops_.cells[oi]), out);
      if (share_fate_of_joined(i, out)) return;
      break;
  }
  if (workers_[i].due_step <= step_) release_worker(i, CountryMetric::escapes, out);
}

void Simulation::step_in_transit(std::uint32_t i, Outbox& out) {
  if (workers_[i].due_step > step_) return;
  OperatorId o = workers_[i].op;
  out.op_deltas.push_back({o, 0, -1});
  // An operation that merged away passes its arrivals to the one it joined.
  if (ops_.state[index_of(o)] == OperatorState::dismantled && ops_.merge_into[index_of(o)] != no_operator &&
      ops_.state[index_of(ops_.merge_into[index_of(o)])] == OperatorState::active) {
    o = ops_.merge_into[index_of(o)];
  }
  if (ops_.state[index_of(o)] == OperatorState::active && ops_.country[index_of(o)] == workers_[i].country) {
    out.op_deltas.push_back({o, +1, 0});
    workers_[i].op = o;
    move_worker(i, WorkerState::held, workers_[i].country, out.stock_deltas);
    workers_[i].due_step = escape_due(i, step_);
  } else {
    set_free(i, CountryMetric::releases_by_operator, out);  // nobody to receive them: stranded where they arrived
  }
}

void Simulation::step_released(std::uint32_t i, Outbox& out) {
  // Both of a released person's hazards were turned into times when the
  // person was released (schedule_released): repatriation as a step, checked
  // here; re-recruitment as a mark on the country's demand clock, filed with
  // the country and found there when the clock passes it (match_labour). Bed
  // requests wait in the country's queue. So a released person costs a
  // comparison a day.
  if (workers_[i].due_step > step_) return;
  out.flows.add(CountryMetric::repatriations, workers_[i].country);
  move_worker(i, WorkerState::repatriated, workers_[i].nationality, out.stock_deltas);
  workers_[i].due_step = retrafficking_due(i, step_);
}

void Simulation::step_in_aftercare(std::uint32_t i, const WorkerRates& rates, Outbox& out) {
  const CountryId c = workers_[i].country;
  // Support lowers vulnerability, and aftercare shields from recruiters.
  // Admitted on the step its programme's end was set from (admit_to_aftercare).
  const std::int32_t admitted_step = workers_[i].due_step - derived_.aftercare_programme_steps;
  const double days_in_care = static_cast<double>(step_ - admitted_step) * derived_.dt_days;
  const double vulnerability = workers_[i].vulnerability * std::exp(-rates.recovery_per_day * days_in_care);
  if (workers_[i].due_step <= step_) {
    // The programme ends with repatriation.
    workers_[i].vulnerability = static_cast<float>(vulnerability);
    out.flows.add(CountryMetric::repatriations, c);
    move_worker(i, WorkerState::repatriated, workers_[i].nationality, out.stock_deltas);
    workers_[i].due_step = retrafficking_due(i, step_);
    return;
  }
  const double rerecruit =
      rates.rerecruit_per_day * vulnerability * countries_[index_of(c)].local_demand * rates.aftercare_kept;
  if (rerecruit > 0 && draws(i, Purpose::rerecruitment).uniform() < 1 - std::exp(-rerecruit * derived_.dt_days)) {
    workers_[i].vulnerability = static_cast<float>(vulnerability);
    out.rerecruit.push_back(i);
  }
}

}  // namespace scamsim::model
