#include "sim/scenario/describe.hpp"

#include <cmath>

#include <fmt/format.h>

#include "sim/core/text.hpp"
#include "sim/scenario/fields.hpp"

namespace scamsim::scenario {

std::string group_digits(std::int64_t value) {
  const bool negative = value < 0;
  std::string digits = std::to_string(negative ? -(value + 1) + 1ULL : static_cast<unsigned long long>(value));
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return negative ? "-" + out : out;
}

std::string format_percent(double share) { return fmt::format("{:g}%", std::round(share * 1000) / 10); }

namespace {

std::string_view site_kind_name(SiteKind kind) {
  switch (kind) {
    case SiteKind::special_economic_zone:
      return "special economic zone";
    case SiteKind::border_town:
      return "border town";
    case SiteKind::city_district:
      return "city district";
    case SiteKind::other:
      return "other";
  }
  return "?";
}

template <class T>
void append_matrix(std::string& out, const Scenario& s, std::string_view title, const std::vector<T>& m) {
  const std::size_t n = s.countries.size();
  std::size_t width = 6;
  for (const auto& c : s.countries) width = std::max(width, c.id.size());
  // Money prints whole ("1000000"), shares and days as short as they go.
  const auto cell = [](T v) {
    if constexpr (std::is_integral_v<T>)
      return fmt::format("{}", v);
    else
      return fmt::format("{:g}", v);
  };
  for (const T v : m) width = std::max(width, cell(v).size());
  out += fmt::format("  {} (row: from, column: to)\n  {:<{}}", title, "", width);
  for (const auto& c : s.countries) out += fmt::format(" {:>{}}", c.id, width);
  out += '\n';
  for (std::size_t i = 0; i < n; ++i) {
    out += fmt::format("  {:<{}}", s.countries[i].id, width);
    for (std::size_t j = 0; j < n; ++j) out += fmt::format(" {:>{}}", cell(m[i * n + j]), width);
    out += '\n';
  }
}

}  // namespace

std::string describe(const Scenario& s) {
  std::string out;
  // Names, descriptions and file names come from files that may be someone else's: printable() keeps their
  // control characters (a colour escape, say) from reaching the terminal.
  out += fmt::format("Scenario: {}\n", printable(s.name));
  for (std::size_t start = 0; start < s.description.size();) {  // line by line, each escaped
    const std::size_t end = std::min(s.description.find('\n', start), s.description.size());
    out += fmt::format("  {}\n", printable(std::string_view(s.description).substr(start, end - start)));
    start = end + 1;
  }
  out += "Files:";
  for (const auto& f : s.files) out += fmt::format(" {}", printable(f));
  out += '\n';
  out += fmt::format("Run: {} to {} ({:g} year{}, {} steps of {} day{}), seed {}, {} replicate{}, scale {:g}\n",
                     s.run.start_date.to_string(), s.run.end_date().to_string(), s.run.years,
                     s.run.years == 1 ? "" : "s", s.run.steps(), s.run.dt_days, s.run.dt_days == 1 ? "" : "s",
                     s.run.seed, s.run.replicates, s.run.replicates == 1 ? "" : "s", s.run.scale);

  out += fmt::format("\nCountries ({}):\n", s.countries.size());
  out += fmt::format("  {:<14} {:<18} {:<13} {:>10} {:>10} {:>8} {:>9} {:>12}\n", "id", "name", "roles", "governance",
                     "corruption", "pressure", "raids/yr", "GDP bn USD");
  for (const auto& c : s.countries) {
    const std::string roles = c.host && c.origin ? "host, origin" : c.host ? "host" : "origin";
    out += fmt::format("  {:<14} {:<18} {:<13} {:>10.2f} {:>10.2f} {:>8.2f} {:>9g} {:>12.1f}\n", c.id,
                       printable(c.name), roles, c.governance, c.corruption, c.initial_pressure,
                       c.enforcement_capacity_raids_per_year, static_cast<double>(c.gdp_usd) / 1e9);
  }
  out += "Hosts:\n";
  for (const auto& c : s.countries) {
    if (!c.host) continue;
    out += fmt::format("  {:<14} aftercare {} USD/year, upkeep {} USD/worker-day, infrastructure {:g}\n", c.id,
                       group_digits(c.host->aftercare_budget_usd_per_year), c.host->labour_cost_usd_per_day,
                       c.host->infrastructure);
  }
  out += "Origins:\n";
  for (const auto& c : s.countries) {
    if (!c.origin) continue;
    const auto& o = *c.origin;
    out += fmt::format(
        "  {:<14} vulnerable {}, susceptibility {:g}, awareness {:g}, embassy repatriation {}/month, "
        "initial workforce share {:g}\n",
        c.id, group_digits(o.vulnerable_population), o.recruitment_susceptibility, o.awareness,
        format_percent(o.embassy_repatriation_rate_per_month), o.initial_workforce_share);
  }

  out += fmt::format("\nSites ({}):\n", s.sites.size());
  for (const auto& site : s.sites) {
    out += fmt::format("  {:<22} {:<28} in {:<12} {}\n", site.id, printable(site.name), s.country(site.country).id,
                       site_kind_name(site.kind));
  }
  out += fmt::format("\nNetworks ({}):\n", s.networks.size());
  for (const auto& n : s.networks) {
    out += fmt::format("  {:<20} {} (head: {}), home {}, capital {} USD, protection {:g}, tech {:g}\n", n.id,
                       printable(n.name), n.head.empty() ? "unknown" : printable(n.head), s.country(n.home_country).id,
                       group_digits(n.capital_usd), n.protection, n.tech);
  }
  std::int64_t operations = 0;
  std::int64_t workers = 0;
  for (const auto& g : s.operations) {
    operations += g.operations;
    workers += g.workers;
  }
  out += fmt::format("\nOperations at the start ({} group{}, {} operations, {} workers at scale 1):\n",
                     s.operations.size(), s.operations.size() == 1 ? "" : "s", group_digits(operations),
                     group_digits(workers));
  for (const auto& g : s.operations) {
    out += fmt::format("  {:<20} at {:<22} ({:<10}) {:>6} operations {:>10} workers\n", s.network(g.network).id,
                       s.site(g.site).id, s.country(s.site(g.site).country).id, group_digits(g.operations),
                       group_digits(g.workers));
  }

  // Per host: what the calibration targets (people held by country) look like.
  std::vector<std::int64_t> ops_in(s.countries.size(), 0);
  std::vector<std::int64_t> held_in(s.countries.size(), 0);
  for (const auto& g : s.operations) {
    const std::size_t c = index_of(s.site(g.site).country);
    ops_in[c] += g.operations;
    held_in[c] += g.workers;
  }
  out += "  by host country:\n";
  for (std::size_t c = 0; c < s.countries.size(); ++c) {
    if (!s.countries[c].host) continue;
    out +=
        fmt::format("  {:<20} {:>6} operations {:>10} workers  ({} of all held)\n", s.countries[c].id,
                    group_digits(ops_in[c]), group_digits(held_in[c]),
                    workers > 0 ? format_percent(static_cast<double>(held_in[c]) / static_cast<double>(workers)) : "-");
  }

  out += "\nMatrices:\n";
  append_matrix(out, s, "transit days", s.matrices.transit_days);
  append_matrix(out, s, "relocation cost USD", s.matrices.relocation_cost_usd);
  append_matrix(out, s, "intelligence sharing", s.matrices.intelligence_sharing);

  out += "\nParameters that differ from their defaults:\n";
  bool any = false;
  Parameters params = s.params;
  for (const auto& f : detail::parameter_fields()) {
    std::visit(
        [&](auto access) {
          const auto& value = access(params);
          using T = std::remove_cvref_t<decltype(value)>;
          if constexpr (!std::is_same_v<T, Date>) {
            if (f.info.default_value && static_cast<double>(value) != *f.info.default_value) {
              out += fmt::format("  {} = {:g} {} (default {:g})\n", f.info.key, static_cast<double>(value),
                                 f.info.unit == "-" ? "" : f.info.unit, *f.info.default_value);
              any = true;
            }
          }
        },
        f.access);
  }
  if (!any) out += "  none\n";

  out += fmt::format("\nEvents ({}, in date order):\n", s.events.size());
  for (const auto& e : s.events) {
    out += fmt::format("  {}  {:<20} {}{}\n", e.date.to_string(), event_kind_name(e.payload),
                       describe_event(s, e.payload), e.id.empty() ? "" : fmt::format("  [{}]", e.id));
  }
  return out;
}

}  // namespace scamsim::scenario
