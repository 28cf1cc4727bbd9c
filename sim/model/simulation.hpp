#pragma once
// One replicate of a scenario, stepped day by day (or week by week). The
// schedule is MODEL.md section 3; each phase lives in its own file under
// sim/model/phases/ and docs/MODEL.md describes it.

#include <array>
#include <chrono>
#include <cstdint>
#include <string_view>
#include <vector>

#include "sim/model/decisions.hpp"
#include "sim/model/metrics.hpp"
#include "sim/model/random.hpp"
#include "sim/model/tallies.hpp"
#include "sim/model/worker_index.hpp"
#include "sim/model/world.hpp"
#include "sim/scenario/spec.hpp"

namespace scamsim::model {

/// Constants of a run derived once from the scenario (per-step rates, scaled counts).
struct Derived {
  double dt_days = 1;
  std::int32_t steps = 0;
  std::int32_t decision_interval_steps = 1;
  double pressure_decay_per_step = 1;          ///< 2^(-dt / half-life)
  double risk_smoothing_per_step = 1;          ///< 1 - exp(-dt / memory)
  double revenue_smoothing_per_step = 1;       ///< 1 - exp(-dt / pressure.revenue_memory_days)
  double visibility_floor = 0;                 ///< enforcement.visibility_floor x run.scale (weighted visibility)
  std::int32_t news_reaction_steps = 0;        ///< relocation.news_reaction_days in steps, 0: off
  std::int32_t merge_window_steps = 0;         ///< economics.merge_window_days in steps, 0: the same step only
  std::int32_t aftercare_programme_steps = 1;  ///< aftercare.programme_days in steps, at least 1
  std::vector<std::int32_t> event_steps;       ///< step of each scenario event (in date order)
  std::vector<double> embassy_rate_per_day;    ///< by nationality
  std::vector<std::vector<SiteId>> sites_of;   ///< by country
  std::vector<CountryId> hosts;                ///< countries with a host role and at least one site
};

/// The phases of a step (MODEL.md section 3), for the time each takes.
enum class Phase : std::uint8_t { events, countries, operators, plans, entry, raids, workers, matching, bookkeeping };
inline constexpr std::size_t phase_count = 9;
/// A phase's name in the bench's breakdown ("workers", "matching", ...).
[[nodiscard]] std::string_view phase_name(Phase phase);

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
  std::int64_t invested_usd = 0;     ///< capital networks put into new operations (entry)
};

/// A simulated world: built from a scenario and a replicate number, stepped,
/// and read for its record. Results depend only on (scenario, replicate),
/// never on the number of threads.
class Simulation {
 public:
  /// Builds the world of MODEL.md section 5 (initialisation) for one replicate. The engine changes how fast
  /// it runs, never what it gives.
  Simulation(const scenario::Scenario& scenario, std::uint32_t replicate, Engine engine = Engine::calendar);
  /// The simulation keeps a reference to its scenario: one built from a temporary would outlive it.
  Simulation(scenario::Scenario&& scenario, std::uint32_t replicate, Engine engine = Engine::calendar) = delete;

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
  [[nodiscard]] Engine engine() const noexcept { return engine_; }
  /// Workers' changes of state or country so far (for the bench's transitions per second).
  [[nodiscard]] std::int64_t transitions() const noexcept { return stocks_.moves(); }
  /// Workers the worker phase has looked at so far, summed over steps (every worker each step with the scan).
  [[nodiscard]] std::int64_t workers_visited() const noexcept { return workers_visited_; }
  /// Wall seconds spent in each phase so far, indexed by Phase (the bench's breakdown; never in results).
  [[nodiscard]] const std::array<double, phase_count>& phase_seconds() const noexcept { return phase_seconds_; }
  /// Bytes of the calendar engine's indexes now: the calendar, the rosters, the list of people in aftercare.
  [[nodiscard]] std::size_t index_bytes() const noexcept;

 private:
  // ---- phases, in schedule order (sim/model/phases/*.cpp) ----
  void apply_scheduled_events();  // 1. events.cpp
  void update_countries();        // 2. countries.cpp
  void update_market();           //    the region's revenue multiplier (countries.cpp)
  void run_operators();           // 3. operators.cpp: economics, risk, decisions
  void resolve_operator_plans();  //    plans.cpp: splits, merges, moves, in id order; then entry.cpp
  void draw_raids();              // 4. enforcement.cpp
  void step_workers();            // 5. workers.cpp
  void match_labour();            // 6. matching.cpp: aftercare, re-recruitment, trafficking
  void record_step();             // 7. bookkeeping.cpp

  // ---- 3. operators (operators.cpp, relocation.cpp): one operator's row each ----
  /// What a decision day's size choice leaves for the choices after it.
  struct SizeOutlook {
    SizeEconomics here;       ///< margin, fixed cost, perceived hazard where the operator is, in its form
    int cells = 0;            ///< best number of cells to split into here, 0 if no split gains
    double split_gain = 0;    ///< gain in expected daily profit of that split (0 with none)
    int form_cells = 0;       ///< a compound: the cells it would disperse into
    double form_gain = 0;     ///< gain in expected daily profit of changing form (disperse or consolidate)
    double release_gain = 0;  ///< gain of releasing pressure_release_share now (workers.release_by_utility)
  };
  void arrive_relocated_operators();                              // moves that end today (id order)
  double earn_and_pay(std::size_t o);                             // returns the revenue per worker-day used
  [[nodiscard]] bool has_news(std::size_t o) const;               // a successful raid it must decide on
  void perceive_risk(std::size_t o, bool news);                   // perceived risk follows the risk signal
  [[nodiscard]] float draw_risk_perception(std::size_t o) const;  // a new operator's factor on risk signals
  void adopt_tech(std::size_t o);                                 // AI tooling rises toward 1
  bool close_if_bankrupt(std::size_t o);                          // capital below zero: closes
  /// Free exit (entry.exit_rate_per_year): on a decision day, whether its network closes it because returns in
  /// its host are below normal; sets the fate `closed` if so.
  bool withdraws(std::size_t o);
  [[nodiscard]] bool is_decision_day(std::size_t o) const;
  // target, release, best split; the target moves over the steps since the operator last decided
  SizeOutlook decide_size(std::size_t o, double revenue_per_worker_day, std::int32_t steps_since_decision);
  void release_under_acute_risk(std::size_t o, const SizeEconomics& here);  // v0.3's release threshold rule
  void let_go_share(std::size_t o);  // releases pressure_release_share this step and lowers the target to match
  bool decide_relocation(std::size_t o, const SizeOutlook& outlook);  // true if it plans a move
  /// Utility of moving to `there` (-infinity if it cannot pay), MODEL.md §7.4.
  [[nodiscard]] double move_utility(std::size_t o, CountryId there, const SizeEconomics& here_economics) const;
  /// What staying can gain over staying as it is: the best split or change of form.
  [[nodiscard]] double stay_gain(const SizeOutlook& outlook) const;
  void decide_form_or_size(std::size_t o, const SizeOutlook& outlook);  // disperse, consolidate, split or merge
  // ---- 3. operation forms (forms.cpp) ----
  [[nodiscard]] double fixed_cost_usd_per_day(OperationForm form) const;
  /// Margin, fixed cost and perceived hazard of operator o were it in `form` where it is.
  [[nodiscard]] SizeEconomics size_economics(std::size_t o, OperationForm form, double revenue_per_worker_day) const;
  [[nodiscard]] int dispersal_cells(double workers) const;
  /// What a compound makes a day at the size it can grow to, up to `largest` people (both changes of form are
  /// weighed against it).
  [[nodiscard]] double compound_value(std::size_t o, const SizeEconomics& as_compound, double largest) const;
  [[nodiscard]] double dispersal_gain(std::size_t o, const SizeEconomics& as_compound, int cells) const;
  [[nodiscard]] double consolidation_gain(std::size_t o, const SizeEconomics& as_cell) const;
  /// Before the day's decisions: per (country, network), the compound its cells would gather into (the one with
  /// the most free room, the lowest id among equals) and that room (forms.cpp).
  void survey_hubs();
  /// Index of o's (country, network) pair in per-pair tables (hubs_, merge partners).
  [[nodiscard]] std::size_t country_network(std::size_t o) const;
  /// The compound of o's network in its country that has room for o's people, which a cell weighs joining
  /// (consolidation_gain) and joins (resolve_operator_plans); null if none.
  struct Hub;  // below, with hubs_
  [[nodiscard]] const Hub* hub_to_join(std::size_t o) const;
  // ---- 3. plans carried out in id order (plans.cpp) ----
  void close_operator(std::size_t o);
  void start_relocation(std::size_t o);
  void split_operator(std::size_t o);
  void merge_operator(std::size_t o, OperatorId& partner);
  void disperse_operator(std::size_t o);
  void consolidate_operator(std::size_t o, OperatorId& compound);
  /// Merges o into the operation of its country and network waiting to merge (economics.merge_window_days),
  /// or makes o the one waiting; `cn` is the (country, network) index.
  void merge_within_window(std::size_t o, std::size_t cn);
  /// Whether o's people (held, on their way, and joined to it this step) fit in `into`'s premises beside
  /// those `into` holds, has on the way and was joined by this step (always, with no premises).
  [[nodiscard]] bool fits_in(OperatorId into, std::size_t o) const;
  /// The people an operation will hold once this step's joins are carried out (plans.cpp).
  [[nodiscard]] std::int64_t people_of(std::size_t o) const;
  /// o joins `into`: its people (workers.cpp), capital and target go there (merges, consolidations).
  void join_operator(std::size_t o, OperatorId into);
  /// Makes cells - 1 new operations beside o, sharing its capital and target (splits and dispersals).
  void make_cells(std::size_t o, int cells, OperationForm form, std::int32_t target_each);
  /// Premises left behind in the operation's country, to be taken again (a compound's only).
  void leave_premises(std::size_t o);
  /// Room for a compound in country c that brings `brought` people: the premises left there last that
  /// hold them, or new ones built for `build_for` people.
  std::int32_t take_premises(std::size_t c, double brought, double build_for);
  /// A cell that takes a compound: the people it brings, and the size new premises are built for.
  struct PremisesNeed {
    double brought = 0;
    double build_for = 0;
  };
  [[nodiscard]] PremisesNeed consolidation_need(std::size_t o) const;
  /// The room of premises built for `build_for` people (0: unlimited, with premises off).
  [[nodiscard]] std::int32_t new_premises_room(double build_for) const;
  /// The room take_premises would give now (0: unlimited), without taking it.
  [[nodiscard]] std::int32_t premises_room(std::size_t c, double brought, double build_for) const;
  /// Index in vacant_premises_[c] of the premises take_premises would take, or the size if none holds `brought`.
  [[nodiscard]] std::size_t vacant_premises_for(std::size_t c, double brought) const;
  /// The largest an operation can grow: a house's size for a cell, its premises (if any) for a compound.
  [[nodiscard]] double largest_size(std::size_t o, OperationForm form) const;
  /// Caps the target at the room (premises, or a house for a cell); nothing otherwise.
  void fit_target_to_room(std::size_t o);
  /// Upkeep of a worker-day in host c: its labour cost and, with crowding, the congestion cost (countries.cpp).
  [[nodiscard]] double upkeep_usd_per_worker_day(std::size_t c) const;
  // ---- 3. entry (entry.cpp): in host order, after the plans ----
  void open_operations();
  /// Crowding cost per worker-day in each host this step (economics.congestion_cost_share; countries.cpp).
  void update_congestion();
  /// What an entrant of the given form and protection expects to make in host c.
  struct EntryProspect {
    double profit_usd_per_day;                  ///< expected, after fixed cost and raid losses (decisions.hpp)
    double size;                                ///< workers it opens with
    double compound_margin_usd_per_worker_day;  ///< a compound's gross margin there, the scale of opportunity
  };
  [[nodiscard]] EntryProspect entry_prospect(std::size_t c, double protection, OperationForm form) const;
  /// What a new operation would make in host c, per worker after fixed cost and expected raid losses, in shares
  /// of an entrant compound's gross margin there on the first day: a compound's, which vacant premises are
  /// reopened as, and that of the form a new building takes (entry.cell_entrants: a cell where a cell earns more
  /// a day).
  struct EntryOutlook {
    double compound_opportunity;
    double opportunity;  ///< of the form built
    OperationForm form;
  };
  [[nodiscard]] EntryOutlook entry_outlook(std::size_t c, double protection) const;
  /// The going rate of the region's industry: first-day shares held times each host's compound opportunity.
  [[nodiscard]] double going_rate(const std::vector<double>& opportunity) const;

  // ---- 5. workers (workers.cpp): one worker's row and its chunk's outbox each ----
  struct Outbox;
  /// Per-day rates of the worker phase, converted once per step.
  struct WorkerRates {
    double rerecruit_per_day;  ///< re-recruitment hazard at vulnerability 1 and full demand
    double aftercare_kept;     ///< share of that hazard left in aftercare
    double recovery_per_day;   ///< vulnerability shed per day in aftercare
  };
  /// Whether worker i has anything to do this step: the scan's test, which the calendar's visits pass through.
  [[nodiscard]] bool has_work(std::uint32_t i) const;
  /// One worker's transitions this step, by state.
  void step_worker(std::uint32_t i, const WorkerRates& rates, Outbox& out);
  /// The reference engine: every worker, in chunks of worker_chunk, each chunk an outbox.
  void scan_workers(const WorkerRates& rates);
  /// The calendar engine: the workers due_workers() finds, in id order, in pieces of worker_piece.
  void step_due_workers(const WorkerRates& rates);
  /// The workers that may have work this step, in id order, once each: today's bucket of the calendar, the
  /// people listed by operations with a fate today, and the people in aftercare (candidates_).
  [[nodiscard]] const std::vector<std::uint32_t>& due_workers();
  /// Engine::checked: throws if a worker the scan would step is missing from `visited`.
  void check_calendar(const std::vector<std::uint32_t>& visited) const;
  /// Serial phases call this after setting a worker's due step: the calendar files it.
  void note_scheduled(std::uint32_t i);
  /// Serial phases call this after a worker becomes held: its operation's roster lists it.
  void note_held(std::uint32_t i);
  /// Serial phases call this when a worker is admitted to aftercare: it is looked at every step there.
  void note_in_care(std::uint32_t i);
  void step_held(std::uint32_t i, Outbox& out);
  void step_in_transit(std::uint32_t i, Outbox& out);
  void step_released(std::uint32_t i, Outbox& out);
  void step_in_aftercare(std::uint32_t i, const WorkerRates& rates, Outbox& out);
  /// A held worker of a split or dispersed operation goes to its cell number `pick` (0: stays in the slot).
  void join_cell(std::uint32_t i, std::uint64_t pick, Outbox& out);
  /// Follows today's merges from the worker's operation, and releases the worker if where they end was raided,
  /// closed or moved abroad today (true), so that no one is held by an operation that is gone.
  bool share_fate_of_joined(std::uint32_t i, Outbox& out);
  /// Lets a held worker go: the operator loses one, the person is released.
  void release_worker(std::uint32_t i, CountryMetric why, Outbox& out);
  /// The person is released where they are: counted as `why`, marks and bed request filed later.
  void set_free(std::uint32_t i, CountryMetric why, Outbox& out);

  // ---- 6. matching (matching.cpp): in worker-id order ----
  struct Placement;
  void merge_outboxes();
  /// Drops the marks and bed requests of people who have moved on from country c's heaps once they outnumber
  /// those waiting there (results unchanged).
  void prune_waiting(std::size_t c);
  void admit_to_aftercare();
  [[nodiscard]] Placement count_open_places() const;
  void rerecruit_where_they_are(Placement& places);
  void retraffic_repatriated(Placement& places);
  void traffic_new_recruits(Placement& places);
  /// People an origin's trafficking reaches a year at awareness 0: rate x vulnerable x scale x susceptibility.
  [[nodiscard]] double recruiting_reach_per_year(std::size_t c) const;
  /// Pipelines that answer demand: each origin's recruits this step, in place of the fixed supply.
  void follow_demand(std::vector<double>& supply, std::int64_t open_total);
  /// Places a person with operator o in its country (re-recruitment).
  void hold_worker(std::uint32_t i, std::uint32_t o);
  /// Sends a person from `from` toward operator o (trafficking).
  void send_worker(std::uint32_t i, std::uint32_t o, CountryId from);

  // ---- 7. bookkeeping (bookkeeping.cpp) ----
  /// Sums the operator table by country (active operations, people they
  /// hold, in small ones), fills the ledger and adds the operators' money to
  /// the step's flows; resets the operators' per-step money.
  void sum_operators(std::vector<std::int64_t>& operations, std::vector<std::int64_t>& held_by_ops,
                     std::vector<std::int64_t>& small);
  void record_final_operators();

  // ---- helpers shared by phases ----
  void initialise_world();
  /// How many operations each [[operations]] group has at run.scale (drawn below 1; see initialise_world).
  [[nodiscard]] std::vector<std::int64_t> operations_at_scale(const scenario::Scenario& s) const;
  std::int32_t escape_due(std::uint32_t worker, std::int32_t from_step, Purpose purpose = Purpose::escape) const;
  std::int32_t retrafficking_due(std::uint32_t worker, std::int32_t from_step) const;
  /// The vulnerability of the worker about to get id `worker` (workers.vulnerability_spread).
  [[nodiscard]] float draw_vulnerability(std::uint32_t worker) const;
  /// Draws a released person's repatriation step and re-recruitment clock mark.
  void schedule_released(std::uint32_t worker, std::int32_t from_step);
  /// Files a released person's mark (and bed request) with the country, in id order.
  void file_released(std::uint32_t worker);
  void add_stock(WorkerState state, CountryId country, std::int64_t delta);
  /// A worker changes state and country today; `stocks` is the engine's table or a chunk's outbox.
  void move_worker(std::uint32_t i, WorkerState to, CountryId where, Stocks& stocks);
  void log(EventKind kind, std::int32_t country, std::int32_t network, std::int64_t op, std::int64_t count,
           std::int64_t amount_usd);
  /// visibility() of an operation of `workers` people, from a table filled once (the same numbers: the table
  /// holds what visibility() gives), since every step weighs every operation's visibility.
  [[nodiscard]] double visibility_of(std::int32_t workers) const {
    return workers >= 0 && static_cast<std::size_t>(workers) < visibility_table_.size()
               ? visibility_table_[static_cast<std::size_t>(workers)]
               : visibility(static_cast<double>(workers), p_.economics.visibility_reference_workers,
                            p_.economics.visibility_exponent);
  }
  [[nodiscard]] double revenue_per_worker_day(OperatorId o, CountryId where) const {
    return revenue_per_worker_day(o, where, ops_.form[index_of(o)]);
  }
  [[nodiscard]] double revenue_per_worker_day(OperatorId o, CountryId where, OperationForm form) const;
  /// Intelligence sharing from one country to another (raised by events).
  [[nodiscard]] double intelligence_sharing(CountryId from, CountryId to) const {
    return intelligence_[index_of(from) * scenario_.countries.size() + index_of(to)];
  }
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
  Stocks stocks_;  ///< people by (state, country), kept up to date by every transition
  double ai_uplift_ = 0;
  double victim_awareness_ = 0;
  std::vector<double> entry_weight_;  ///< each host's share of the people held on the first day (going_rate)
  double first_day_going_rate_ = 0;   ///< going_rate on the first day (entry.hedging_elasticity)
  double market_reference_held_ = 0;  ///< people held region-wide on the first day (economics.market_saturation)
  double market_factor_ = 1;          ///< this step's revenue multiplier from the region's industry
  std::vector<double> intelligence_;  ///< sharing matrix, raised by events

  /// A change to an operator's head counts, found by the worker phase.
  struct OpDelta {
    OperatorId op;
    std::int32_t workers;
    std::int32_t incoming;
    std::int32_t released = 0;  ///< let go by the operator (logged as a release)
  };
  /// A worker the calendar engine files again after the worker phase: in the calendar for `step` (-1: no
  /// change), and in the roster of `roster` (no_operator: no change).
  struct Refile {
    std::uint32_t worker;
    std::int32_t step;
    OperatorId roster;
  };
  /// What one chunk of the parallel worker phase hands to the ordered phases
  /// after it. Chunks are merged in order, so requests arrive in worker-id order.
  struct Outbox {
    std::vector<std::uint32_t> released;    ///< people released this step: their marks and bed requests are filed
    std::vector<std::uint32_t> rerecruit;   ///< people in aftercare re-recruited, to be placed with an operator
    std::vector<std::uint32_t> retraffick;  ///< repatriated people trafficked again, to be placed
    std::vector<OpDelta> op_deltas;
    Flows flows;                 ///< the chunk's flow counts
    Stocks stock_deltas;         ///< the chunk's changes to the stocks
    std::vector<Refile> refile;  ///< the calendar engine's: where its workers go in the indexes after the phase
  };
  static constexpr std::size_t worker_chunk = 16384;  ///< workers per task of the scan
  /// Workers per task of the calendar engine. Outboxes are merged in order and a worker's draws are its own, so
  /// how the visited workers are cut into pieces does not show in results.
  static constexpr std::size_t worker_piece = 256;
  std::vector<Outbox> outboxes_;
  std::size_t outboxes_used_ = 0;  ///< outboxes the worker phase filled this step, merged in order

  // ---- the calendar engine's indexes (worker_index.hpp), unused by the scan ----
  Engine engine_;
  WorkerCalendar calendar_;
  OperatorRosters rosters_;
  std::vector<std::uint32_t> in_care_;           ///< people in aftercare at the last worker phase, in id order
  std::vector<std::uint32_t> in_care_admitted_;  ///< admitted since, in the order admitted
  // due_workers()' lists, kept from step to step for their memory
  std::vector<std::uint32_t> due_today_;
  std::vector<std::uint32_t> of_fates_;
  std::vector<std::uint32_t> scratch_;
  std::vector<std::uint32_t> candidates_;
  std::int64_t workers_visited_ = 0;
  std::array<double, phase_count> phase_seconds_{};
  std::vector<double> visibility_table_;  ///< visibility_of(w) for w below its size

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
  /// A released person waiting for a bed where shelters take the most vulnerable first
  /// (aftercare.most_vulnerable_first), with the vulnerability they were filed with: it does not change while
  /// they wait, and a key that did would break the heap.
  struct Waiting {
    float vulnerability;
    std::uint32_t worker;
    /// Most vulnerable first, then lowest id: the top of std::push_heap's max-heap.
    friend bool operator<(const Waiting& a, const Waiting& b) {
      return a.vulnerability != b.vulnerability ? a.vulnerability < b.vulnerability : a.worker > b.worker;
    }
  };
  std::vector<std::vector<Waiting>> bed_heap_;  ///< per country, used instead of bed_queue_ with triage
  Flows flows_;                                 ///< this step's flow counts, read and zeroed by record_step

  RunRecord record_;
  Ledger ledger_;
  std::int64_t moving_costs_step_usd_ = 0;       ///< relocation costs paid so far this step
  std::int64_t invested_step_usd_ = 0;           ///< capital put into new operations so far this step
  std::vector<std::int32_t> network_news_step_;  ///< per network, last step one of its operations was raided
  /// Per country, the room of the compounds' premises left by raids, closures, moves and dispersals, in the
  /// order they were left; the last left is taken first.
  std::vector<std::vector<std::int32_t>> vacant_premises_;
  /// Per (country, network), the operation waiting to merge and the step it began waiting
  /// (economics.merge_window_days; with no window, partners are paired within a step only).
  std::vector<OperatorId> merge_waiting_;
  std::vector<std::int32_t> merge_waiting_since_;
  /// Per operation slot, the people of the operations that joined it this step (merges, consolidations),
  /// who move only in the workers' phase: a hub that cells gather into counts those already joining.
  std::vector<std::int64_t> joined_people_step_;
  /// Per (country, network), at the start of the day's decisions: the compound cells would join (survey_hubs),
  /// its people and its free room (max for premises without a cap), so that a cell weighs joining it apart
  /// from taking premises alone; and what the network's cells there hold between them, which a cell taking
  /// premises for them all must carry the compound with until recruits come.
  struct Hub {
    OperatorId op = no_operator;
    std::int64_t people = 0;
    std::int64_t free_room = 0;
    double cells_people = 0;       ///< held and on the way in the network's cells here
    double cells_capital_usd = 0;  ///< their capital
  };
  std::vector<Hub> hubs_;
};

}  // namespace scamsim::model
