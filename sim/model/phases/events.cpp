// Phase 1: the scenario's events dated today change the world (MODEL.md §6).
//
// One apply() per event kind, each in its own section below; the kind's spec,
// loading and wording live in sim/scenario/events/<kind>.*. The phase reaches
// them through one std::visit and overload resolution, with no generic branch:
// a kind added to scenario::EventPayload without an apply() here does not
// compile.
#include <algorithm>
#include <cmath>

#include "sim/model/simulation.hpp"

namespace scamsim::model {

namespace {

/// What an event may change: the parts of the world events reach.
struct EventContext {
  const scenario::Scenario& scenario;
  std::int32_t step;
  double dt_days;
  Operators& ops;
  std::vector<CountryState>& countries;
  std::vector<double>& intelligence;  ///< sharing matrix [from * n + to]
  double& victim_awareness;
  double& ai_uplift;

  CountryState& country(CountryId id) { return countries[index_of(id)]; }
  /// Pressure rises by `shock`, capped at 1.
  void add_pressure(CountryId id, double shock) {
    double& pressure = country(id).pressure;
    pressure = std::min(1.0, pressure + shock);
  }
  /// Calls `each(slot)` for every operator of `network` that is not dismantled, in slot order.
  template <class Each>
  void for_each_operator_of(NetworkId network, Each&& each) {
    for (std::size_t o = 0; o < ops.size(); ++o) {
      if (ops.state[o] == OperatorState::dismantled || ops.network[o] != network) continue;
      each(o);
    }
  }
};

// Each apply() returns the money the event moved (USD), for the event log.

// ---- sanctions_network
std::int64_t apply(const scenario::SanctionNetwork& e, EventContext& w) {
  // Sanctions freeze the network's capital wherever its operations are.
  std::int64_t frozen_usd = 0;
  w.for_each_operator_of(e.network, [&](std::size_t o) {
    const auto frozen = static_cast<std::int64_t>(
        std::llround(static_cast<double>(std::max<std::int64_t>(0, w.ops.capital_usd[o])) * e.capital_frozen_share));
    w.ops.capital_usd[o] -= frozen;
    w.ops.frozen_usd[o] += frozen;
    frozen_usd += frozen;
  });
  w.add_pressure(w.scenario.network(e.network).home_country, e.pressure_shock);
  return frozen_usd;
}

// ---- sanctions_country
std::int64_t apply(const scenario::SanctionCountry& e, EventContext& w) {
  w.add_pressure(e.country, e.pressure_shock);
  return 0;
}

// ---- kingpin_arrest
std::int64_t apply(const scenario::KingpinArrest& e, EventContext& w) {
  // The head's removal strips the cover he bought for every operation.
  w.for_each_operator_of(
      e.network, [&](std::size_t o) { w.ops.protection[o] *= static_cast<float>(1 - e.protection_lost_share); });
  w.add_pressure(w.scenario.network(e.network).home_country, e.pressure_shock);
  return 0;
}

// ---- pressure_shock
std::int64_t apply(const scenario::PressureShock& e, EventContext& w) {
  w.add_pressure(e.country, e.pressure_shock);
  return 0;
}

// ---- crackdown
std::int64_t apply(const scenario::Crackdown& e, EventContext& w) {
  CountryState& c = w.country(e.country);
  c.crackdown_factor = e.capacity_factor;
  c.crackdown_until_step = w.step + static_cast<std::int64_t>(std::ceil(e.duration_days / w.dt_days));
  return 0;
}

// ---- aftercare_budget
std::int64_t apply(const scenario::AftercareBudget& e, EventContext& w) {
  w.country(e.country).aftercare_budget_usd_per_year =
      static_cast<std::int64_t>(std::llround(static_cast<double>(e.budget_usd_per_year) * w.scenario.run.scale));
  return e.budget_usd_per_year;
}

// ---- intelligence_sharing
std::int64_t apply(const scenario::IntelligenceSharing& e, EventContext& w) {
  const std::size_t n = w.countries.size();
  for (const CountryId a : e.countries) {
    for (const CountryId b : e.countries) {
      if (a == b) continue;
      double& level = w.intelligence[index_of(a) * n + index_of(b)];
      level = std::max(level, e.level);
    }
  }
  return 0;
}

// ---- crypto_regulation
std::int64_t apply(const scenario::CryptoRegulation& e, EventContext& w) {
  if (e.country) {
    w.country(*e.country).frozen_share = e.frozen_share;
  } else {
    for (auto& c : w.countries) c.frozen_share = e.frozen_share;
  }
  return 0;
}

// ---- awareness_campaign
std::int64_t apply(const scenario::AwarenessCampaign& e, EventContext& w) {
  double& awareness = e.country ? w.country(*e.country).awareness : w.victim_awareness;
  awareness = std::min(1.0, awareness + e.awareness_increase);
  return 0;
}

// ---- ai_capability
std::int64_t apply(const scenario::AiCapability& e, EventContext& w) {
  w.ai_uplift = e.uplift;
  return 0;
}

}  // namespace

void Simulation::apply_scheduled_events() {
  const auto& events = scenario_.events;
  EventContext context{scenario_,  step_,         derived_.dt_days,  ops_,
                       countries_, intelligence_, victim_awareness_, ai_uplift_};
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (derived_.event_steps[i] != step_) continue;
    const auto& event = events[i];
    const std::int64_t amount_usd = std::visit([&](const auto& e) { return apply(e, context); }, event.payload);
    // The log names the network and the one country an event is aimed at (-1: none, or several).
    const scenario::EventTarget target = scenario::event_target(scenario_, event.payload);
    const auto country = target.country() ? static_cast<std::int32_t>(index_of(*target.country())) : -1;
    const auto network = target.network ? static_cast<std::int32_t>(index_of(*target.network)) : -1;
    log(EventKind::scenario_event, country, network, -1, static_cast<std::int64_t>(i), amount_usd);
  }
}

}  // namespace scamsim::model
