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
  meta.scale = s.run.scale;
  for (const scenario::CountrySpec& c : s.countries) {
    meta.country_ids.push_back(c.id);
    meta.country_names.push_back(c.name);
    meta.latitude_deg.push_back(c.latitude_deg);
    meta.longitude_deg.push_back(c.longitude_deg);
  }
  for (const scenario::NetworkSpec& n : s.networks) meta.network_ids.push_back(n.id);
  for (const scenario::SiteSpec& site : s.sites) meta.site_ids.push_back(site.id);
  meta.scenario_events = scenario_event_rows(s);
  return meta;
}

}  // namespace scamsim::io
