#include "sim/model/worker_index.hpp"

#include <algorithm>

namespace scamsim::model {

std::string_view engine_name(Engine engine) {
  switch (engine) {
    case Engine::calendar:
      return "calendar";
    case Engine::scan:
      return "scan";
    case Engine::checked:
      return "checked";
  }
  return "calendar";
}

std::optional<Engine> engine_named(std::string_view name) {
  for (const Engine e : {Engine::calendar, Engine::scan, Engine::checked}) {
    if (engine_name(e) == name) return e;
  }
  return std::nullopt;
}

void WorkerCalendar::reset(std::int32_t steps) {
  buckets_.clear();
  buckets_.resize(static_cast<std::size_t>(std::max<std::int32_t>(steps, 0)));
}

void WorkerCalendar::take(std::int32_t step, std::vector<std::uint32_t>& due) {
  due.clear();
  if (step < 0 || static_cast<std::size_t>(step) >= buckets_.size()) return;
  auto& bucket = buckets_[static_cast<std::size_t>(step)];
  due.assign(bucket.begin(), bucket.end());
  std::vector<std::uint32_t>().swap(bucket);
  std::sort(due.begin(), due.end());
  due.erase(std::unique(due.begin(), due.end()), due.end());
}

std::size_t WorkerCalendar::entries() const noexcept {
  std::size_t n = 0;
  for (const auto& bucket : buckets_) n += bucket.size();
  return n;
}

std::size_t WorkerCalendar::bytes() const noexcept {
  std::size_t n = buckets_.capacity() * sizeof(buckets_[0]);
  for (const auto& bucket : buckets_) n += bucket.capacity() * sizeof(std::uint32_t);
  return n;
}

void OperatorRosters::add(OperatorId o, std::uint32_t worker, const Workers& workers) {
  const std::size_t oi = index_of(o);
  if (oi >= rosters_.size()) rosters_.resize(oi + 1);
  Roster& roster = rosters_[oi];
  roster.workers.push_back(worker);
  // Leavers are dropped once the roster has doubled, so its length stays within about twice what o holds and
  // the work of compacting is paid for by the adds since the last one.
  if (roster.workers.size() >= 2 * static_cast<std::size_t>(roster.held_at_compaction) + 64) {
    compact(o, roster, workers);
  }
}

void OperatorRosters::append_listed(OperatorId o, std::vector<std::uint32_t>& out) const {
  const std::size_t oi = index_of(o);
  if (oi >= rosters_.size()) return;
  out.insert(out.end(), rosters_[oi].workers.begin(), rosters_[oi].workers.end());
}

void OperatorRosters::compact(OperatorId o, Roster& roster, const Workers& workers) {
  auto& list = roster.workers;
  list.erase(
      std::remove_if(list.begin(), list.end(),
                     [&](std::uint32_t i) { return workers[i].state != WorkerState::held || workers[i].op != o; }),
      list.end());
  if (!std::is_sorted(list.begin(), list.end())) std::sort(list.begin(), list.end());
  list.erase(std::unique(list.begin(), list.end()), list.end());
  roster.held_at_compaction = static_cast<std::uint32_t>(list.size());
  if (list.capacity() > 4 * list.size() + 64) list.shrink_to_fit();  // a roster of an operation that shrank for good
}

std::size_t OperatorRosters::entries() const noexcept {
  std::size_t n = 0;
  for (const auto& roster : rosters_) n += roster.workers.size();
  return n;
}

std::size_t OperatorRosters::bytes() const noexcept {
  std::size_t n = rosters_.capacity() * sizeof(Roster);
  for (const auto& roster : rosters_) n += roster.workers.capacity() * sizeof(std::uint32_t);
  return n;
}

}  // namespace scamsim::model
