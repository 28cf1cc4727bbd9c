// Phase 1: the scenario's events dated today change the world (MODEL.md §6).
#include <algorithm>
#include <cmath>

#include "sim/model/simulation.hpp"

namespace scamsim::model {

namespace {
double add_pressure(double pressure, double shock) { return std::min(1.0, pressure + shock); }
}  // namespace

void Simulation::apply_scheduled_events() {
  const auto& events = scenario_.events;
  const std::size_t nc = scenario_.countries.size();
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (derived_.event_steps[i] != step_) continue;
    const auto& event = events[i];
    std::int32_t country = -1;
    std::int32_t network = -1;
    std::int64_t amount_usd = 0;
    std::visit(
        [&](const auto& e) {
          using E = std::remove_cvref_t<decltype(e)>;
          if constexpr (std::is_same_v<E, scenario::SanctionNetwork>) {
            // Sanctions freeze the network's capital wherever its operations are.
            network = static_cast<std::int32_t>(index_of(e.network));
            for (std::size_t o = 0; o < ops_.size(); ++o) {
              if (ops_.state[o] == OperatorState::dismantled || ops_.network[o] != e.network) continue;
              const auto frozen = static_cast<std::int64_t>(std::llround(
                  static_cast<double>(std::max<std::int64_t>(0, ops_.capital_usd[o])) * e.capital_frozen_share));
              ops_.capital_usd[o] -= frozen;
              ops_.frozen_usd[o] += frozen;
              amount_usd += frozen;
            }
            const CountryId home = scenario_.network(e.network).home_country;
            country = static_cast<std::int32_t>(index_of(home));
            countries_[index_of(home)].pressure = add_pressure(countries_[index_of(home)].pressure, e.pressure_shock);
          } else if constexpr (std::is_same_v<E, scenario::SanctionCountry> ||
                               std::is_same_v<E, scenario::PressureShock>) {
            country = static_cast<std::int32_t>(index_of(e.country));
            countries_[index_of(e.country)].pressure =
                add_pressure(countries_[index_of(e.country)].pressure, e.pressure_shock);
          } else if constexpr (std::is_same_v<E, scenario::KingpinArrest>) {
            // The head's removal strips the cover he bought for every operation.
            network = static_cast<std::int32_t>(index_of(e.network));
            for (std::size_t o = 0; o < ops_.size(); ++o) {
              if (ops_.state[o] == OperatorState::dismantled || ops_.network[o] != e.network) continue;
              ops_.protection[o] *= static_cast<float>(1 - e.protection_lost_share);
            }
            const CountryId home = scenario_.network(e.network).home_country;
            country = static_cast<std::int32_t>(index_of(home));
            countries_[index_of(home)].pressure = add_pressure(countries_[index_of(home)].pressure, e.pressure_shock);
          } else if constexpr (std::is_same_v<E, scenario::Crackdown>) {
            auto& c = countries_[index_of(e.country)];
            country = static_cast<std::int32_t>(index_of(e.country));
            c.crackdown_factor = e.capacity_factor;
            c.crackdown_until_step = step_ + static_cast<std::int64_t>(std::ceil(e.duration_days / derived_.dt_days));
          } else if constexpr (std::is_same_v<E, scenario::AftercareBudget>) {
            country = static_cast<std::int32_t>(index_of(e.country));
            countries_[index_of(e.country)].aftercare_budget_usd_per_year = static_cast<std::int64_t>(
                std::llround(static_cast<double>(e.budget_usd_per_year) * scenario_.run.scale));
            amount_usd = e.budget_usd_per_year;
          } else if constexpr (std::is_same_v<E, scenario::IntelligenceSharing>) {
            for (const CountryId a : e.countries) {
              for (const CountryId b : e.countries) {
                if (a == b) continue;
                double& level = intelligence_[index_of(a) * nc + index_of(b)];
                level = std::max(level, e.level);
              }
            }
          } else if constexpr (std::is_same_v<E, scenario::CryptoRegulation>) {
            if (e.country) {
              country = static_cast<std::int32_t>(index_of(*e.country));
              countries_[index_of(*e.country)].frozen_share = e.frozen_share;
            } else {
              for (auto& c : countries_) c.frozen_share = e.frozen_share;
            }
          } else if constexpr (std::is_same_v<E, scenario::AwarenessCampaign>) {
            if (e.country) {
              country = static_cast<std::int32_t>(index_of(*e.country));
              auto& awareness = countries_[index_of(*e.country)].awareness;
              awareness = std::min(1.0, awareness + e.awareness_increase);
            } else {
              victim_awareness_ = std::min(1.0, victim_awareness_ + e.awareness_increase);
            }
          } else if constexpr (std::is_same_v<E, scenario::AiCapability>) {
            ai_uplift_ = e.uplift;
          }
        },
        event.payload);
    log(EventKind::scenario_event, country, network, -1, static_cast<std::int64_t>(i), amount_usd);
  }
}

}  // namespace scamsim::model
