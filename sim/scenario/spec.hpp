#pragma once
// The scenario as plain, immutable, fully validated data: what the loader
// produces and the engine is built from. Nothing here knows about TOML.
//
// Units are in the names (`_usd`, `_days`, `_per_year`); money is whole US
// dollars in 64-bit integers. Defaults, ranges and sources of every number
// live in the parameter table (parameters.cpp), not here.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "sim/core/date.hpp"
#include "sim/core/ids.hpp"
#include "sim/scenario/events/kinds.hpp"

namespace scamsim::scenario {

/// [run]: when the run starts, how long it lasts, its seed and its size.
struct RunSettings {
  Date start_date;
  double years = 0;
  std::int64_t dt_days = 0;     ///< days per step (1 = daily, 7 = weekly)
  std::int64_t seed = 0;        ///< keys every random stream of the run
  std::int64_t replicates = 0;  ///< independent runs with seeds derived from `seed`
  double scale = 0;             ///< factor on agent counts (0.05 = a 5% world)

  /// The last day of the run (exclusive): start + years, rounded to steps.
  [[nodiscard]] Date end_date() const;
  /// Number of steps the run takes.
  [[nodiscard]] std::int64_t steps() const;
};

/// A country where compounds operate: sites, aftercare, costs.
struct HostRole {
  std::int64_t aftercare_budget_usd_per_year = 0;
  std::int64_t labour_cost_usd_per_day = 0;  ///< upkeep of one held worker
  double infrastructure = 0;                 ///< scam productivity multiplier
};

/// A country whose people are trafficked into compounds.
struct OriginRole {
  std::int64_t vulnerable_population = 0;
  double recruitment_susceptibility = 0;
  double embassy_repatriation_rate_per_month = 0;
  double awareness = 0;
  double initial_workforce_share = 0;  ///< share of held workers of this nationality at the start
};

/// A node of the country network; host and/or origin.
struct CountrySpec {
  std::string id;  ///< key in [countries], e.g. "cambodia"
  std::string name;
  double latitude_deg = 0;
  double longitude_deg = 0;
  double governance = 0;
  double corruption = 0;
  double enforcement_capacity_raids_per_year = 0;
  double initial_pressure = 0;
  double domestic_resolve = 0;
  std::int64_t gdp_usd = 0;
  std::optional<HostRole> host;
  std::optional<OriginRole> origin;
};

/// What kind of place a site is; it only labels output for now.
enum class SiteKind : std::uint8_t { special_economic_zone, border_town, city_district, other };

/// A place compounds stand: an SEZ, a border town, a city district.
struct SiteSpec {
  std::string id;
  std::string name;
  CountryId country{};
  SiteKind kind = SiteKind::other;
};

/// A syndicate: operators belong to one; its head can be sanctioned or arrested.
struct NetworkSpec {
  std::string id;
  std::string name;
  std::string head;  ///< the kingpin's name, empty if unknown
  CountryId home_country{};
  std::int64_t capital_usd = 0;
  double protection = 0;
  double tech = 0;
};

/// A group of identical operations a network runs at a site at the start.
struct OperationGroupSpec {
  NetworkId network{};
  SiteId site{};
  std::int64_t operations = 0;  ///< number of compounds
  std::int64_t workers = 0;     ///< people held across them, at scale 1
};

/// Dense country-by-country matrices, indexed [from * n + to] in CountryId order.
struct Matrices {
  std::vector<std::int64_t> relocation_cost_usd;
  std::vector<double> transit_days;
  std::vector<double> intelligence_sharing;
};

/// Model parameters, grouped by the mechanism of MODEL.md section 4 they
/// belong to. Defaults, units, ranges and sources: parameters.cpp.
struct Parameters {
  struct Economics {
    std::int64_t revenue_usd_per_worker_day = 0;
    std::int64_t fixed_cost_usd_per_day = 0;
    double visibility_reference_workers = 0;
    double visibility_exponent = 0;
    double protection_cost_share = 0;
    double victim_awareness = 0;
    double awareness_conversion_loss = 0;
    std::int64_t max_split_cells = 0;
    std::int64_t min_cell_workers = 0;
    std::int64_t max_operation_workers = 0;
    std::int64_t small_operation_workers = 0;
    double loss_horizon_days = 0;
    double target_growth_per_year = 0;
    double target_efficient_scale = 0;
    double market_saturation = 0;
    double congestion_cost_share = 0;
    double merge_window_days = 0;
  } economics;
  struct Money {
    double laundered_share = 0;
    double laundering_cost_share = 0;
    double frozen_share = 0;
    double seizure_share = 0;
  } money;
  struct Pressure {
    double half_life_days = 0;
    double relaxes_to_initial = 0;
    double gain_above_background = 0;
    double will_base = 0;
    double will_pressure_gain = 0;
    double corruption_damping = 0;
    double dependence_damping = 0;
    double revenue_memory_days = 0;
  } pressure;
  struct Enforcement {
    double raid_success_probability = 0;
    double leak_release_share = 0;
    double intelligence_detection_gain = 0;
    double risk_memory_days = 0;
    double risk_perception_spread = 0;
    double visibility_floor = 0;
    double raids_follow_industry = 0;
  } enforcement;
  struct Relocation {
    std::int64_t decision_interval_days = 0;
    double logit_scale = 0;
    double inertia = 0;
    double workers_moved_share = 0;
    double protection_kept_share = 0;
    double news_reaction_days = 0;
  } relocation;
  struct Workers {
    double initial_vulnerability = 0;
    double escape_hazard_per_year = 0;
    double pressure_release_threshold = 0;
    double pressure_release_share = 0;
    double pressure_release_horizon_days = 0;
    double release_by_utility = 0;
    double rerecruit_hazard_per_month = 0;
    double retraffick_hazard_per_year = 0;
    double vulnerability_spread = 0;
  } workers;
  struct Aftercare {
    std::int64_t cost_usd_per_person_day = 0;
    double programme_days = 0;
    double effectiveness = 0;
    double vulnerability_recovery_per_month = 0;
    double most_vulnerable_first = 0;
  } aftercare;
  struct Recruitment {
    double trafficking_rate_per_year = 0;
    double pipeline_lag_days = 0;
    double pipeline_cap_factor = 0;
  } recruitment;
  struct Entry {
    double entrant_rate_per_year = 0;
    double reopen_rate_per_year = 0;
    std::int64_t entrant_workers = 0;
    std::int64_t entrant_capital_usd = 0;
    double normal_return_share = 0;
    double cell_entrants = 0;
    double hedging_elasticity = 0;
    double exit_rate_per_year = 0;
    double exit_return_share = 0;
  } entry;
  struct Forms {
    std::int64_t cell_max_workers = 0;
    std::int64_t max_cells_per_dispersal = 0;
    std::int64_t cell_fixed_cost_usd_per_day = 0;
    double cell_productivity = 0;
    double cell_visibility = 0;
    std::int64_t consolidation_cost_usd = 0;
    double premises_capacity_factor = 0;
  } forms;
  struct Ai {
    double uplift = 0;
    double adoption_per_year = 0;
  } ai;
};

// ---- Events (MODEL.md section 6) -------------------------------------------
// Each kind's struct and handlers: sim/scenario/events/<kind>.hpp; the list
// of kinds (EventPayload): sim/scenario/events/kinds.hpp.

/// A dated change to the world.
struct EventSpec {
  std::string id;  ///< optional name, unique; lets `--set events.<id>.date=...` address it
  Date date;
  std::string note;  ///< free text, e.g. the source of the event
  EventPayload payload;
};

// ---- The whole scenario ----------------------------------------------------

/// A fully resolved, validated scenario. Ids index the vectors.
struct Scenario {
  std::string name;
  std::string description;
  std::vector<std::string> files;  ///< the file and the files it is based on, outermost first
  std::string resolved_toml;       ///< the merged document after `base` and `--set`, as TOML text

  RunSettings run;
  Parameters params;
  std::vector<CountrySpec> countries;
  std::vector<SiteSpec> sites;
  std::vector<NetworkSpec> networks;
  std::vector<OperationGroupSpec> operations;
  Matrices matrices;
  std::vector<EventSpec> events;  ///< sorted by date, then by order in the file

  [[nodiscard]] const CountrySpec& country(CountryId id) const { return countries.at(index_of(id)); }
  [[nodiscard]] const SiteSpec& site(SiteId id) const { return sites.at(index_of(id)); }
  [[nodiscard]] const NetworkSpec& network(NetworkId id) const { return networks.at(index_of(id)); }
  /// Matrix entry index for a pair of countries.
  [[nodiscard]] std::size_t pair_index(CountryId from, CountryId to) const {
    return index_of(from) * countries.size() + index_of(to);
  }
};

}  // namespace scamsim::scenario
