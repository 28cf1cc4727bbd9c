#pragma once
// The indexes that let the worker phase touch only the workers with something
// to do on a step (MODEL.md section 3, "the calendar"): a calendar of the steps
// workers' scheduled transitions fall due, and per operator slot the workers it
// holds, for the days something happens to the operation. Both are lazy: an
// entry is checked against the worker's row when it is read, so a worker who
// has moved on since leaves a stale entry behind instead of a search to
// remove it, and the engine files a worker again whenever its row changes.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "sim/model/world.hpp"

namespace scamsim::model {

/// How the worker phase finds the workers with something to do. Both give the same results bit for bit.
enum class Engine : std::uint8_t {
  calendar,  ///< the workers due this step, those of operations with a fate this step, and those in aftercare
  scan,      ///< every worker on every step: the reference the calendar is checked against
  checked,   ///< the calendar, and on every step a scan that fails if the calendar missed a worker (tests)
};

/// The engine's name on the command line and in messages ("calendar", "scan", "checked").
[[nodiscard]] std::string_view engine_name(Engine engine);
/// The engine of that name; nullopt for any other text.
[[nodiscard]] std::optional<Engine> engine_named(std::string_view name);

/// The steps at which workers' scheduled transitions fall due: a bucket of worker ids per step of the run.
/// A run's length is known and a step's bucket is read once, so filing and taking are O(1) and a bucket's
/// memory is freed when its step comes; dates at or past the run's end are not kept.
class WorkerCalendar {
 public:
  /// An empty calendar for a run of `steps` steps.
  void reset(std::int32_t steps);
  /// Files worker i to be looked at on `step` (ignored at or past the end).
  void file(std::uint32_t worker, std::int32_t step) {
    if (step >= 0 && static_cast<std::size_t>(step) < buckets_.size())
      buckets_[static_cast<std::size_t>(step)].push_back(worker);
  }
  /// The workers filed for `step`, sorted and without repeats, into `due` (its memory reused); the bucket is
  /// emptied and its memory freed.
  void take(std::int32_t step, std::vector<std::uint32_t>& due);
  /// Entries waiting in the calendar (some may be stale).
  [[nodiscard]] std::size_t entries() const noexcept;
  /// Bytes the calendar holds (capacity, not only entries).
  [[nodiscard]] std::size_t bytes() const noexcept;

 private:
  std::vector<std::vector<std::uint32_t>> buckets_;
};

/// Per operator slot, the workers it holds. Every place a worker becomes held by an operation adds it; a
/// worker who leaves stays listed until the roster is next compacted (when it has grown to twice what it held
/// at its last compaction), so a roster is at most about twice its operation's size. Readers check each
/// listed worker's row, as the worker phase does (has_work).
class OperatorRosters {
 public:
  /// Worker i is now held by o.
  void add(OperatorId o, std::uint32_t worker, const Workers& workers);
  /// Appends to `out` the workers listed for o: every worker o holds, and some who have left it since.
  void append_listed(OperatorId o, std::vector<std::uint32_t>& out) const;
  /// Entries kept in all rosters (some may be stale).
  [[nodiscard]] std::size_t entries() const noexcept;
  /// Bytes the rosters hold (capacity, not only entries).
  [[nodiscard]] std::size_t bytes() const noexcept;

 private:
  struct Roster {
    std::vector<std::uint32_t> workers;
    std::uint32_t held_at_compaction = 0;  ///< entries left by the last compaction
  };
  /// Keeps the workers o still holds, once each, in id order.
  static void compact(OperatorId o, Roster& roster, const Workers& workers);
  std::vector<Roster> rosters_;
};

}  // namespace scamsim::model
