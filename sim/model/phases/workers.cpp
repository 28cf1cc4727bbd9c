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

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "sim/model/simulation.hpp"

namespace scamsim::model {

void Simulation::step_workers() {
  const std::size_t n = workers_.size();
  const std::size_t nc = scenario_.countries.size();
  const std::size_t chunks = (n + worker_chunk - 1) / worker_chunk;
  if (outboxes_.size() < chunks) outboxes_.resize(chunks);
  const double dt = derived_.dt_days;
  const double rerecruit_per_day = p_.workers.rerecruit_hazard_per_month / 30.4375;
  const double aftercare_kept = 1 - p_.aftercare.effectiveness;
  const double recovery_per_day = p_.aftercare.vulnerability_recovery_per_month / 30.4375;
  const auto step = step_;

  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, chunks, 1), [&](const tbb::blocked_range<std::size_t>& range) {
    for (std::size_t chunk = range.begin(); chunk < range.end(); ++chunk) {
      Outbox& out = outboxes_[chunk];
      out.released.clear();
      out.rerecruit.clear();
      out.retraffick.clear();
      out.op_deltas.clear();
      out.flows.assign(country_metric_count * nc, 0);
      out.stock_deltas.assign(worker_state_count * nc, 0);
      auto flow = [&](CountryMetric m, CountryId c) { ++out.flows[static_cast<std::size_t>(m) * nc + index_of(c)]; };
      auto move = [&](std::uint32_t i, WorkerState to, CountryId where) {
        --out.stock_deltas[static_cast<std::size_t>(workers_.state[i]) * nc + index_of(workers_.country[i])];
        ++out.stock_deltas[static_cast<std::size_t>(to) * nc + index_of(where)];
        workers_.state[i] = to;
        workers_.country[i] = where;
        workers_.since_step[i] = step;
      };
      auto release = [&](std::uint32_t i, CountryMetric why) {
        const OperatorId o = workers_.op[i];
        out.op_deltas.push_back({o, -1, 0, why == CountryMetric::releases_by_operator ? 1 : 0});
        flow(why, workers_.country[i]);
        move(i, WorkerState::released, workers_.country[i]);
        workers_.op[i] = no_operator;
        schedule_released(i, step);
        out.released.push_back(i);
      };

      // Raw columns in locals: the compiler cannot prove that the writes
      // through the outbox leave the vectors' data pointers alone.
      const WorkerState* const state = workers_.state.data();
      const OperatorId* const holder = workers_.op.data();
      const std::int32_t* const due = workers_.due_step.data();
      const OperatorFate* const fate = ops_.fate.data();

      const auto end = static_cast<std::uint32_t>(std::min(n, (chunk + 1) * worker_chunk));
      for (auto i = static_cast<std::uint32_t>(chunk * worker_chunk); i < end; ++i) {
        // The common case first, without a jump table: held, nothing
        // happening to the operator, nothing due; or repatriated, nothing due.
        const WorkerState st = state[i];
        if (st == WorkerState::held) {
          if (fate[index_of(holder[i])] == OperatorFate::none && due[i] > step) continue;
        } else if (st == WorkerState::repatriated || st == WorkerState::released) {
          if (due[i] > step) continue;
        }
        switch (st) {
          case WorkerState::held: {
            const OperatorId o = workers_.op[i];
            const std::size_t oi = index_of(o);
            switch (ops_.fate[oi]) {
              case OperatorFate::none:
                break;
              case OperatorFate::release_share:
                if (draws(i, Purpose::release).bernoulli(ops_.release_share[oi])) {
                  release(i, CountryMetric::releases_by_operator);
                  continue;
                }
                break;
              case OperatorFate::dismantled:
                release(i, CountryMetric::released_by_raids);
                continue;
              case OperatorFate::closed:
                release(i, CountryMetric::releases_by_operator);
                continue;
              case OperatorFate::relocating:
                if (draws(i, Purpose::relocation_abandon).bernoulli(ops_.moved_share[oi])) {
                  // Trafficked across the border with the operation.
                  out.op_deltas.push_back({o, -1, +1});
                  move(i, WorkerState::in_transit, ops_.destination[oi]);
                  workers_.due_step[i] = ops_.arrival_step[oi];
                } else {
                  release(i, CountryMetric::releases_by_operator);  // abandoned where they are
                }
                continue;
              case OperatorFate::merged:
                out.op_deltas.push_back({o, -1, 0});
                out.op_deltas.push_back({ops_.merge_into[oi], +1, 0});
                workers_.op[i] = ops_.merge_into[oi];
                break;
              case OperatorFate::split: {
                const auto pick = draws(i, Purpose::split).below(ops_.cells[oi]);
                if (pick > 0) {
                  const OperatorId cell = ops_.split_cells[ops_.first_cell[oi] + pick - 1];
                  out.op_deltas.push_back({o, -1, 0});
                  out.op_deltas.push_back({cell, +1, 0});
                  workers_.op[i] = cell;
                }
                break;
              }
            }
            if (workers_.due_step[i] <= step) release(i, CountryMetric::escapes);
            break;
          }
          case WorkerState::in_transit: {
            if (workers_.due_step[i] > step) break;
            OperatorId o = workers_.op[i];
            out.op_deltas.push_back({o, 0, -1});
            // An operation that merged away passes its arrivals to the one it joined.
            if (ops_.state[index_of(o)] == OperatorState::dismantled && ops_.merge_into[index_of(o)] != no_operator &&
                ops_.state[index_of(ops_.merge_into[index_of(o)])] == OperatorState::active) {
              o = ops_.merge_into[index_of(o)];
            }
            if (ops_.state[index_of(o)] == OperatorState::active && ops_.country[index_of(o)] == workers_.country[i]) {
              out.op_deltas.push_back({o, +1, 0});
              workers_.op[i] = o;
              move(i, WorkerState::held, workers_.country[i]);
              workers_.due_step[i] = escape_due(i, step);
            } else {
              // Nobody to receive them: stranded where they arrived.
              workers_.op[i] = no_operator;
              flow(CountryMetric::releases_by_operator, workers_.country[i]);
              move(i, WorkerState::released, workers_.country[i]);
              schedule_released(i, step);
              out.released.push_back(i);
            }
            break;
          }
          case WorkerState::released: {
            // Both of a released person's hazards were turned into times when
            // the person was released (schedule_released): repatriation as a
            // step, checked here; re-recruitment as a mark on the country's
            // demand clock, filed with the country and found there when the
            // clock passes it (match_labour). Bed requests wait in the
            // country's queue. So a released person costs a comparison a day.
            if (due[i] <= step) {
              flow(CountryMetric::repatriations, workers_.country[i]);
              move(i, WorkerState::repatriated, workers_.nationality[i]);
              workers_.due_step[i] = retrafficking_due(i, step);
            }
            break;
          }
          case WorkerState::in_aftercare: {
            const CountryId c = workers_.country[i];
            // Support lowers vulnerability, and aftercare shields from recruiters.
            const double days_in_care = static_cast<double>(step - workers_.since_step[i]) * dt;
            const double vulnerability = workers_.vulnerability[i] * std::exp(-recovery_per_day * days_in_care);
            if (workers_.due_step[i] <= step) {
              // The programme ends with repatriation.
              workers_.vulnerability[i] = static_cast<float>(vulnerability);
              flow(CountryMetric::repatriations, c);
              move(i, WorkerState::repatriated, workers_.nationality[i]);
              workers_.due_step[i] = retrafficking_due(i, step);
              break;
            }
            const double rerecruit =
                rerecruit_per_day * vulnerability * countries_[index_of(c)].local_demand * aftercare_kept;
            if (rerecruit > 0 && draws(i, Purpose::rerecruitment).uniform() < 1 - std::exp(-rerecruit * dt)) {
              workers_.vulnerability[i] = static_cast<float>(vulnerability);
              out.rerecruit.push_back(i);
            }
            break;
          }
          case WorkerState::repatriated:
            if (workers_.due_step[i] <= step) out.retraffick.push_back(i);
            break;
        }
      }
    }
  });
}

}  // namespace scamsim::model
