// RunMetadata: what a run file records about its scenario besides the series.
#include <fmt/format.h>

#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include "sim/io/results.hpp"
#include "sim/scenario/describe.hpp"
#include "sim/scenario/spec.hpp"

namespace scamsim::io {

namespace {

// "2025-10-14 sanctions_network prince_group": the date, the kind and what it targets.
std::string scenario_event_label(const scenario::Scenario& s, const scenario::EventSpec& event) {
  const auto country = [&](CountryId id) { return s.country(id).id; };
  const std::string target = std::visit(
      [&](const auto& p) -> std::string {
        using P = std::remove_cvref_t<decltype(p)>;
        if constexpr (requires { p.network; }) {
          return s.network(p.network).id;
        } else if constexpr (std::is_same_v<P, scenario::IntelligenceSharing>) {
          std::string names;
          for (CountryId c : p.countries) {
            if (!names.empty()) names += '+';
            names += country(c);
          }
          return names;
        } else if constexpr (requires { p.country; }) {
          if constexpr (std::is_same_v<std::remove_cvref_t<decltype(p.country)>, CountryId>) {
            return country(p.country);
          } else {
            return p.country ? country(*p.country) : std::string();
          }
        } else {
          return {};
        }
      },
      event.payload);
  std::string label = fmt::format("{} {}", event.date.to_string(), scenario::event_kind_name(event.payload));
  if (!target.empty()) label += " " + target;
  return label;
}

}  // namespace

RunMetadata RunMetadata::from_scenario(const scenario::Scenario& s, std::string command_line) {
  RunMetadata meta;
  meta.scenario_name = s.name;
  meta.resolved_toml = s.resolved_toml;
  meta.command_line = std::move(command_line);
  meta.seed = s.run.seed;
  meta.replicates = s.run.replicates;
  meta.start_date = s.run.start_date;
  meta.dt_days = s.run.dt_days;
  meta.steps = s.run.steps();
  for (const scenario::CountrySpec& c : s.countries) {
    meta.country_ids.push_back(c.id);
    meta.country_names.push_back(c.name);
    meta.latitude_deg.push_back(c.latitude_deg);
    meta.longitude_deg.push_back(c.longitude_deg);
  }
  for (const scenario::NetworkSpec& n : s.networks) meta.network_ids.push_back(n.id);
  for (const scenario::SiteSpec& site : s.sites) meta.site_ids.push_back(site.id);
  for (const scenario::EventSpec& e : s.events) meta.scenario_event_labels.push_back(scenario_event_label(s, e));
  return meta;
}

}  // namespace scamsim::io
