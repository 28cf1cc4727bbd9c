#pragma once
// The state of a simulated world: countries, operators and workers, each a
// structure of arrays. Phases read and write these columns; nothing here
// knows how a step is scheduled (simulation.hpp) or what is recorded
// (metrics.hpp).

#include <cstdint>
#include <limits>
#include <vector>

#include "sim/core/ids.hpp"
#include "sim/scenario/spec.hpp"

namespace scamsim::model {

/// An operator's slot in the operator columns; slots of dismantled operators are reused.
enum class OperatorId : std::uint32_t {};
inline constexpr OperatorId no_operator{std::numeric_limits<std::uint32_t>::max()};

/// Where a trafficked person is in the cycle of MODEL.md section 4.5.
enum class WorkerState : std::uint8_t { in_transit, held, released, in_aftercare, repatriated };
inline constexpr std::size_t worker_state_count = 5;

/// Whether an operator slot is running, on the move, or free.
enum class OperatorState : std::uint8_t { active, relocating, dismantled };

/// What an operation is (MODEL.md §7.2): a compound (premises, infrastructure, visible) or a dispersed cell
/// (a rented house or floor: cheap, less productive, hard to see).
enum class OperationForm : std::uint8_t { compound, cell };

/// What happened to an operator this step that its workers must act on.
/// Set by the operator and enforcement phases, read by the worker phase.
enum class OperatorFate : std::uint8_t {
  none,
  release_share,  ///< release `release_share` of the workers (pressure or a leaked raid)
  dismantled,     ///< a raid succeeded: every worker is freed
  closed,         ///< it went bankrupt: every worker is let go
  relocating,     ///< it left: `moved_share` of workers follow, the rest are abandoned
  merged,         ///< its workers join `merge_into`
  split,          ///< its workers are shared among its new cells
  dispersed,      ///< it became `cells` cells: `moved_share` of its workers are shared among them, the rest released
};

/// What an operator decided this step, carried out in id order after the
/// parallel operator phase (so that no two decisions race for a slot).
enum class Plan : std::uint8_t { none, split, merge, relocate, disperse, consolidate };

/// Country state that changes during a run (the constants stay in the spec).
struct CountryState {
  double pressure = 0;
  double will = 0;
  double raid_rate_per_day = 0;  ///< raids per day this step at the first day's industry (the will's share of capacity)
  double full_raid_rate_per_day = 0;  ///< raids per day at will 1: the most its enforcement can mount
  double crackdown_factor = 1;
  std::int64_t crackdown_until_step = -1;
  std::int64_t aftercare_budget_usd_per_year = 0;
  std::int64_t aftercare_beds = 0;
  double frozen_share = 0;         ///< share of laundered money frozen
  double awareness = 0;            ///< origin awareness
  double risk_signal = 0;          ///< raids per unit of weighted visibility per day (public); 0 with no operations
  double weighted_visibility = 0;  ///< sum of (s/s0)^beta (1 - protection x corruption) over its operations
  /// The weighted visibility on the first day: raids are spread over at least this much, because a
  /// country's enforcement is sized to the industry it knows, and does not turn every raid on the few
  /// operations left after the others have gone (MODEL.md section 7.3).
  double reference_visibility = 0;
  double first_day_held = 0;  ///< people held here on the first day (economics.congestion_cost_share)
  double first_day_margin_usd_per_worker_day =
      0;                                     ///< gross margin of a worker-day here on the first day, at no protection
  double congestion_usd_per_worker_day = 0;  ///< crowding cost of a worker-day here this step (0 when off)
  double first_day_opportunity = 0;  ///< an entrant's opportunity here on the first day (entry.normal_return_share)
  double opportunity_scale_usd_per_worker_day = 0;  ///< the unit of opportunity: an entrant compound's first-day margin
  double withdrawal_rate_per_year = 0;  ///< closures per operation per year while returns are below normal (entry.cpp)
  double revenue_usd_per_year = 0;      ///< smoothed scam revenue, for dependence damping of will
  std::int64_t vacancies = 0;           ///< open places in its operations this step
  double local_demand = 0;              ///< vacancies per person at risk, capped at 1 (drives re-recruitment)
  double demand_clock = 0;              ///< integral of the re-recruitment hazard at vulnerability 1, in hazard-days
  std::int64_t released_unsupported = 0;
  std::int64_t in_aftercare = 0;
  std::int32_t news_step = -1;    ///< last step with a successful raid here (-1: none yet)
  double recruiting_effort = -1;  ///< an origin's pipeline, people/day at awareness 0 (-1: not started)
};

/// Operators (compounds and cells), one column per attribute, indexed by OperatorId.
struct Operators {
  std::vector<OperatorState> state;
  std::vector<OperationForm> form;
  std::vector<OperatorFate> fate;
  std::vector<Plan> plan;
  std::vector<NetworkId> network;
  std::vector<CountryId> country;
  std::vector<SiteId> site;
  std::vector<CountryId> came_from;    ///< country it last moved from (its own if never moved)
  std::vector<std::int32_t> premises;  ///< a compound's room, in workers (0: unlimited)
  std::vector<std::int32_t> workers;   ///< held now
  std::vector<std::int32_t> incoming;  ///< in transit toward it
  std::vector<std::int32_t> target;    ///< the workforce it aims for
  std::vector<std::int64_t> capital_usd;
  std::vector<float> protection;
  std::vector<float> tech;
  std::vector<double> perceived_risk;      ///< its estimate of raids per unit visibility per day
  std::vector<float> risk_perception;      ///< its factor on every risk signal it reads
  std::vector<std::int32_t> arrival_step;  ///< when a relocating operator arrives
  std::vector<std::int32_t> decided_step;  ///< step of its last decision (news calls for another, §7.4)
  std::vector<CountryId> destination;      ///< where a relocating operator goes
  std::vector<float> release_share;        ///< with fate release_share
  std::vector<float> moved_share;          ///< with fate relocating
  std::vector<OperatorId> merge_into;      ///< with fate merged
  std::vector<std::uint32_t> first_cell;   ///< with fate split: cells are first_cell .. first_cell+cells-1 in new_cells
  std::vector<std::uint8_t> cells;         ///< with fate split
  std::vector<std::int64_t> revenue_usd;   ///< this step's money flows, summed by country in id order
  std::vector<std::int64_t> laundered_usd;
  std::vector<std::int64_t> frozen_usd;
  std::vector<std::int64_t> seized_usd;
  std::vector<std::int64_t> costs_usd;  ///< fixed cost, upkeep, bribes and laundering fees this step
  std::int64_t written_off_usd = 0;     ///< capital left in slots that were reused, this step
  std::vector<OperatorId> split_cells;  ///< the cell slots made by this step's splits

  [[nodiscard]] std::size_t size() const noexcept { return state.size(); }
  /// A slot for a new operator: the lowest dismantled slot no worker is still
  /// travelling toward, or a new one at the end. Every column is reset.
  OperatorId allocate();
  /// Whether the slot is running (not relocating, not dismantled).
  [[nodiscard]] bool active(OperatorId o) const { return state[index_of(o)] == OperatorState::active; }
};

/// One trafficked person's state, in one 24-byte row. A worker's next scheduled event is a step number
/// (`due_step`), filed in the engine's calendar (worker_index.hpp). The step a stay in aftercare began is its
/// end less the programme's length, so no field keeps when a state began.
struct Worker {
  float vulnerability;
  float clock_due;        ///< released: the country demand clock reading at which re-recruitment comes
  std::int32_t due_step;  ///< step of the next scheduled event of the current state
  OperatorId op;          ///< holding (or awaiting) operator; no_operator otherwise
  CountryId nationality;
  CountryId country;  ///< where the person is now
  WorkerState state;
};
static_assert(sizeof(Worker) == 24, "a worker's row is its hot state: keep it small (bench prints it)");

/// Workers, one per trafficked person at scale 1, as rows rather than columns: the calendar engine touches a
/// few workers scattered over the table, and a row is one cache line's worth where columns are seven
/// (docs/MODEL.md section 3).
struct Workers {
  std::vector<Worker> rows;

  [[nodiscard]] std::size_t size() const noexcept { return rows.size(); }
  Worker& operator[](std::size_t i) noexcept { return rows[i]; }
  const Worker& operator[](std::size_t i) const noexcept { return rows[i]; }
  /// Appends a worker and returns its index.
  std::uint32_t add(WorkerState s, CountryId nationality_, CountryId where, OperatorId holder, std::int32_t due,
                    float vulnerability_);
  /// Bytes of state per worker, for the memory figures (the engine's indexes are counted apart).
  static constexpr std::size_t bytes_per_worker = sizeof(Worker);
};

}  // namespace scamsim::model
