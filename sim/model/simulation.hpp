#pragma once
// One replicate of a scenario, stepped day by day (or week by week). The
// schedule is MODEL.md section 3; each phase lives in its own file under
// sim/model/phases/ and docs/MODEL.md describes it.

#include <cstdint>
#include <vector>

#include "sim/model/metrics.hpp"
#include "sim/model/random.hpp"
#include "sim/model/world.hpp"
#include "sim/scenario/spec.hpp"

namespace scamsim::model {

/// Constants of a run derived once from the scenario (per-step rates, scaled counts).
struct Derived {
  double dt_days = 1;
  std::int32_t steps = 0;
  std::int32_t decision_interval_steps = 1;
  double pressure_decay_per_step = 1;         ///< 2^(-dt / half-life)
  double risk_smoothing_per_step = 1;         ///< 1 - exp(-dt / memory)
  std::vector<std::int32_t> event_steps;      ///< step of each scenario event (in date order)
  std::vector<double> embassy_rate_per_day;   ///< by nationality
  std::vector<std::vector<SiteId>> sites_of;  ///< by country
  std::vector<CountryId> hosts;               ///< countries with a host role and at least one site
};

/// Where operators' money went in one step, summed over every operator slot.
/// Conservation: the change in total capital equals revenue - costs - frozen
/// - seized - moving costs - written off, exactly (whole dollars).
struct Ledger {
  std::int64_t capital_usd = 0;  ///< total capital of every slot at the end of the step
  std::int64_t revenue_usd = 0;
  std::int64_t costs_usd = 0;   ///< fixed costs, upkeep, bribes, laundering fees
  std::int64_t frozen_usd = 0;  ///< laundering freezes and sanctions
  std::int64_t seized_usd = 0;
  std::int64_t moving_costs_usd = 0;
  std::int64_t written_off_usd = 0;  ///< capital of dismantled slots when reused
};

/// A simulated world: built from a scenario and a replicate number, stepped,
/// and read for its record. Results depend only on (scenario, replicate),
/// never on the number of threads.
class Simulation {
 public:
  /// Builds the world of MODEL.md section 5 (initialisation) for one replicate.
  Simulation(const scenario::Scenario& scenario, std::uint32_t replicate);

  /// Runs one step: the phases of MODEL.md section 3, in order.
  void step();
  /// Runs every remaining step.
  void run_to_end();
  /// True once every step has run.
  [[nodiscard]] bool finished() const noexcept { return step_ >= derived_.steps; }

  /// The record so far (final operator table filled once finished).
  [[nodiscard]] const RunRecord& record() const noexcept { return record_; }
  /// Hands the record over (after the run).
  RunRecord take_record();

  [[nodiscard]] std::int32_t current_step() const noexcept { return step_; }
  [[nodiscard]] const Workers& workers() const noexcept { return workers_; }
  [[nodiscard]] const Operators& operators() const noexcept { return ops_; }
  [[nodiscard]] const std::vector<CountryState>& countries() const noexcept { return countries_; }
  [[nodiscard]] const Derived& derived() const noexcept { return derived_; }
  /// The money flows of the last step.
  [[nodiscard]] const Ledger& ledger() const noexcept { return ledger_; }
  [[nodiscard]] const scenario::Scenario& scenario() const noexcept { return scenario_; }
  /// People per state and country, maintained from transitions: stock(state, country).
  [[nodiscard]] std::int64_t stock(WorkerState state, CountryId country) const;
  /// Recounts the stocks from the worker columns (tests compare it with stock()).
  [[nodiscard]] std::vector<std::int64_t> recount_stocks() const;

 private:
  // ---- phases, in schedule order (sim/model/phases/*.cpp) ----
  void apply_scheduled_events();  // 1. events.cpp
  void update_countries();        // 2. countries.cpp
  void run_operators();           // 3. operators.cpp: economics, risk, decisions
  void resolve_operator_plans();  //    operators.cpp: splits, merges, moves, in id order
  void draw_raids();              // 4. enforcement.cpp
  void step_workers();            // 5. workers.cpp
  void match_labour();            // 6. matching.cpp: aftercare, re-recruitment, trafficking
  void record_step();             // 7. bookkeeping.cpp

  // ---- helpers shared by phases ----
  void initialise_world();
  std::int32_t escape_due(std::uint32_t worker, std::int32_t from_step, Purpose purpose = Purpose::escape) const;
  std::int32_t retrafficking_due(std::uint32_t worker, std::int32_t from_step) const;
  /// Draws a released person's repatriation step and re-recruitment clock mark.
  void schedule_released(std::uint32_t worker, std::int32_t from_step);
  /// Files a released person's mark (and bed request) with the country, in id order.
  void file_released(std::uint32_t worker);
  void add_stock(WorkerState state, CountryId country, std::int64_t delta);
  void log(EventKind kind, std::int32_t country, std::int32_t network, std::int64_t op, std::int64_t count,
           std::int64_t amount_usd);
  [[nodiscard]] double revenue_per_worker_day(OperatorId o, CountryId where) const;
  [[nodiscard]] Draws draws(std::uint32_t agent, Purpose purpose) const {
    return Draws(key_, static_cast<std::uint32_t>(step_), agent, purpose);
  }

  const scenario::Scenario& scenario_;
  const scenario::Parameters& p_;
  StreamKey key_;
  Derived derived_;
  std::int32_t step_ = 0;

  std::vector<CountryState> countries_;
  Operators ops_;
  Workers workers_;
  std::vector<std::int64_t> stocks_;  ///< [state * countries + country]
  double ai_uplift_ = 0;
  double victim_awareness_ = 0;
  std::vector<double> intelligence_;  ///< sharing matrix, raised by events

  /// A change to an operator's head counts, found by the worker phase.
  struct OpDelta {
    OperatorId op;
    std::int32_t workers;
    std::int32_t incoming;
    std::int32_t released = 0;  ///< let go by the operator (logged as a release)
  };
  /// What one chunk of the parallel worker phase hands to the ordered phases
  /// after it. Chunks are merged in order, so requests arrive in worker-id order.
  struct Outbox {
    std::vector<std::uint32_t> released;    ///< people released this step: their marks and bed requests are filed
    std::vector<std::uint32_t> rerecruit;   ///< people in aftercare re-recruited, to be placed with an operator
    std::vector<std::uint32_t> retraffick;  ///< repatriated people trafficked again, to be placed
    std::vector<OpDelta> op_deltas;
    std::vector<std::int64_t> flows;         ///< [metric * countries + country]
    std::vector<std::int64_t> stock_deltas;  ///< [state * countries + country]
  };
  static constexpr std::size_t worker_chunk = 16384;  ///< workers per task of the worker phase
  std::vector<Outbox> outboxes_;

  /// A released person's re-recruitment mark on the country's demand clock.
  struct Mark {
    float clock;
    std::uint32_t worker;
    /// Earliest mark first, then lowest id: a min-heap under std::priority_queue's max-heap.
    friend bool operator<(const Mark& a, const Mark& b) {
      return a.clock != b.clock ? a.clock > b.clock : a.worker > b.worker;
    }
  };
  /// Per country, the marks of released people, so that only those whose
  /// mark the clock has passed are touched; entries of people who have since
  /// moved on are skipped when they surface.
  std::vector<std::vector<Mark>> marks_;
  /// Per country with aftercare, released people in the order they were
  /// released, waiting for a bed (first released, first served).
  std::vector<std::vector<std::uint32_t>> bed_queue_;
  std::vector<std::size_t> bed_queue_head_;
  std::vector<std::int64_t> flows_;  ///< this step's flow counts [metric * countries + country]

  RunRecord record_;
  Ledger ledger_;
  std::int64_t moving_costs_step_usd_ = 0;  ///< relocation costs paid so far this step
};

}  // namespace scamsim::model
