// Stage 3 of loading a scenario: the schema. Each section of the document
// (run, parameters, countries, sites, networks, operations, matrices, events)
// is read into its spec struct, then the cross-checks between entities run.

#include "sim/scenario/schema_reader.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <type_traits>
#include <vector>

#include <fmt/format.h>

#include "sim/core/error.hpp"
#include "sim/core/text.hpp"
#include "sim/scenario/events/reader.hpp"
#include "sim/scenario/fields.hpp"
#include "sim/scenario/references.hpp"

namespace scamsim::scenario::detail {

namespace fs = std::filesystem;

namespace {

const toml::table& empty_table() {
  static const toml::table empty;
  return empty;
}

/// Reads a world from the merged document. One instance per load.
class SchemaReader {
 public:
  SchemaReader(const toml::table& root, std::string file, Diagnostics& diagnostics)
      : root_(root), file_(std::move(file)), diagnostics_(diagnostics) {}

  Scenario read() {
    TableReader r(root_, {}, file_, diagnostics_);
    Scenario s;
    s.name = r.name("name").value_or(fs::path(file_).stem().string());
    s.description = r.text("description").value_or("");
    r.accept("base");  // consumed by stage 1; only a non-string is left here
    read_run(r, s.run);
    read_parameters(r, s.params);
    read_countries(r, s);
    if (s.countries.empty()) {
      // [countries] is missing or wrong, which is reported: everything else
      // names countries, so reading it would only repeat "no country named".
      (void)r.table("matrices", Need::required);  // but do say if it is missing too
      for (const char* key : {"sites", "networks", "operations", "events"}) r.accept(key);
    } else {
      read_sites(r, s);
      read_networks(r, s);
      read_operations(r, s);
      read_matrices(r, s);
      read_events(r, s);
    }
    r.report_unknown_keys();
    if (diagnostics_.empty()) check_world(r, s);
    return s;
  }

 private:
  void read_run(TableReader& root, RunSettings& run) {
    const toml::table* table = root.table("run", Need::required);
    if (!table) return;  // one error for the missing table, not one per key
    const std::size_t errors_before = diagnostics_.size();
    TableReader r(*table, "run", file_, diagnostics_);
    read_fields(r, detail::run_fields(), run);
    r.report_unknown_keys();
    run_ok_ = diagnostics_.size() == errors_before;
    if (!run_ok_) return;
    // The run must end in the calendar we count in, and last at least one step.
    if (run.start_date.year() + std::ceil(run.years) > 9999) {
      diagnostics_.error(r.where("years"), "run.years", "the run would end after the year 9999");
      run_ok_ = false;
    } else if (run.end_date().days_after(run.start_date) < run.dt_days) {
      diagnostics_.error(r.where("years"), "run.years",
                         fmt::format("the run lasts {} days, less than one step of {} days",
                                     run.end_date().days_after(run.start_date), run.dt_days));
      run_ok_ = false;
    }
  }

  void read_parameters(TableReader& root, Parameters& params) {
    // The groups are the first parts of the keys in the table ("pressure").
    std::vector<std::string_view> groups;
    for (const auto& f : detail::parameter_fields()) {
      const std::string_view group = f.info.key.substr(0, f.info.key.find('.'));
      if (std::find(groups.begin(), groups.end(), group) == groups.end()) groups.push_back(group);
    }
    for (const std::string_view group : groups) {
      const toml::table* table = root.table(group);
      TableReader r(table ? *table : empty_table(), std::string(group), file_, diagnostics_);
      for (const auto& f : detail::parameter_fields()) {
        if (f.info.key.starts_with(group) && f.info.key[group.size()] == '.') read_field(r, f, params);
      }
      r.report_unknown_keys();
    }
  }

  /// Calls `each(id, reader)` for every entry of a table of named entities.
  template <class Each>
  void for_each_entity(TableReader& root, std::string_view key, Need need, Each&& each) {
    const toml::table* table = root.table(key, need);
    if (!table) return;
    if (table->empty() && need == Need::required) {
      diagnostics_.error(root.where(key), std::string(key), "must define at least one entry");
    }
    for (const auto& [id_key, node] : *table) {
      const std::string id(id_key.str());
      const std::string path = fmt::format("{}.{}", key, id);
      if (!is_identifier(id)) {
        diagnostics_.error(location_of(id_key.source(), file_), path,
                           "ids must be lowercase letters, digits and '_', starting with a letter (at most 64)");
      }
      const auto* entity = node.as_table();
      if (!entity) {
        diagnostics_.error(location_of(node.source(), file_), path,
                           fmt::format("expected a table, got {}", describe_node(node)));
        continue;
      }
      TableReader r(*entity, path, file_, diagnostics_);
      each(id, r);
      r.report_unknown_keys();
    }
  }

  void read_countries(TableReader& root, Scenario& s) {
    for_each_entity(root, "countries", Need::required, [&](const std::string& id, TableReader& r) {
      CountrySpec c;
      c.id = id;
      c.name = r.name("name").value_or(id);
      read_fields(r, detail::country_fields(), c);
      if (const toml::table* host = r.table("host")) {
        TableReader hr(*host, r.key_path("host"), file_, diagnostics_);
        read_fields(hr, detail::host_fields(), c.host.emplace());
        hr.report_unknown_keys();
      } else if (r.raw().contains("host")) {
        c.host.emplace();  // of the wrong type, reported: still a host, so its sites raise no more errors
      }
      if (const toml::table* origin = r.table("origin")) {
        TableReader orr(*origin, r.key_path("origin"), file_, diagnostics_);
        read_fields(orr, detail::origin_fields(), c.origin.emplace());
        orr.report_unknown_keys();
      } else if (r.raw().contains("origin")) {
        c.origin.emplace();  // likewise
      }
      if (!c.host && !c.origin && !r.raw().contains("host") && !r.raw().contains("origin")) {
        diagnostics_.error(r.where(), fmt::format("countries.{}", id),
                           "a country needs a [host] table, an [origin] table, or both");
      }
      s.countries.push_back(std::move(c));
    });
    if (s.countries.size() > std::numeric_limits<std::uint16_t>::max()) {
      diagnostics_.error(root.where("countries"), "countries", "too many countries (at most 65535)");
    }
  }

  void read_sites(TableReader& root, Scenario& s) {
    for_each_entity(root, "sites", Need::optional, [&](const std::string& id, TableReader& r) {
      SiteSpec site;
      site.id = id;
      site.name = r.name("name").value_or(id);
      if (auto country = host_reference(r, "country", s)) site.country = *country;
      if (auto kind = r.string("kind")) {
        static const std::vector<std::string> kinds = {"special_economic_zone", "border_town", "city_district",
                                                       "other"};
        const auto it = std::find(kinds.begin(), kinds.end(), *kind);
        if (it == kinds.end()) {
          std::string message = fmt::format("unknown site kind '{}'; expected one of {}", *kind, quoted_list(kinds));
          if (const std::string guess = closest_match(*kind, kinds); !guess.empty()) {
            message = fmt::format("unknown site kind '{}'; did you mean '{}'?", *kind, guess);
          }
          diagnostics_.error(r.where("kind"), r.key_path("kind"), std::move(message));
        } else {
          site.kind = static_cast<SiteKind>(it - kinds.begin());
        }
      }
      s.sites.push_back(std::move(site));
    });
  }

  void read_networks(TableReader& root, Scenario& s) {
    for_each_entity(root, "networks", Need::optional, [&](const std::string& id, TableReader& r) {
      NetworkSpec n;
      n.id = id;
      n.name = r.name("name").value_or(id);
      n.head = r.name("head").value_or("");
      if (auto home = reference(r, "home_country", s.countries, "country")) n.home_country = id_at<CountryId>(*home);
      read_fields(r, detail::network_fields(), n);
      s.networks.push_back(std::move(n));
    });
  }

  /// Calls `each(index, reader)` for every table of an array of tables.
  template <class Each>
  void for_each_in_array(TableReader& root, std::string_view key, Each&& each) {
    const toml::array* array = root.array(key);
    if (!array) return;
    for (std::size_t i = 0; i < array->size(); ++i) {
      const toml::node& node = *array->get(i);
      const std::string path = fmt::format("{}.{}", key, i);  // as --set addresses it
      const auto* table = node.as_table();
      if (!table) {
        diagnostics_.error(location_of(node.source(), file_), path,
                           fmt::format("expected a table ([[{}]]), got {}", key, describe_node(node)));
        continue;
      }
      TableReader r(*table, path, file_, diagnostics_);
      each(i, r);
      r.report_unknown_keys();
    }
  }

  void read_operations(TableReader& root, Scenario& s) {
    for_each_in_array(root, "operations", [&](std::size_t, TableReader& r) {
      OperationGroupSpec g;
      const auto network = reference(r, "network", s.networks, "network");
      const auto site = reference(r, "site", s.sites, "site");
      read_fields(r, detail::operation_fields(), g);
      if (network && site) {
        g.network = id_at<NetworkId>(*network);
        g.site = id_at<SiteId>(*site);
        s.operations.push_back(g);
      }
    });
  }

  template <class T>
  std::vector<T> read_matrix(TableReader& r, std::string_view key, const ParameterInfo& info,
                             const std::vector<std::size_t>& order, std::size_t n) {
    std::vector<T> out(n * n, info.default_value ? static_cast<T>(*info.default_value) : T{});
    const toml::array* rows = r.array(key, info.default_value ? Need::optional : Need::required);
    if (!rows || order.size() != n) return out;
    const std::string path = r.key_path(key);
    if (rows->size() != n) {
      diagnostics_.error(
          r.where(key), path,
          fmt::format("has {} rows; expected {}, one per country in matrices.countries", rows->size(), n));
      return out;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const toml::node& row_node = *rows->get(i);
      const auto* row = row_node.as_array();
      const std::string row_path = fmt::format("{}[{}]", path, i);
      if (!row || row->size() != n) {
        diagnostics_.error(location_of(row_node.source(), file_), row_path,
                           row ? fmt::format("row has {} columns; expected {}", row->size(), n)
                               : fmt::format("expected a row (an array), got {}", describe_node(row_node)));
        continue;
      }
      for (std::size_t j = 0; j < n; ++j) {
        const toml::node& cell = *row->get(j);
        const std::string cell_path = fmt::format("{}[{}]", row_path, j);
        // Whole numbers stay int64 from the reader to the matrix: no conversion through double to wrap.
        std::optional<T> value;
        if constexpr (std::is_same_v<T, double>) {
          value = node_number(cell, cell_path, diagnostics_);
        } else {
          value = node_integer(cell, cell_path, diagnostics_);
        }
        if (!value) continue;
        if (!info.range.contains(static_cast<double>(*value))) {
          diagnostics_.error(
              location_of(cell.source(), file_), cell_path,
              fmt::format("value {:g} is out of range: must be {}{}", static_cast<double>(*value),
                          info.range.describe(), info.unit == "-" ? std::string() : fmt::format(" ({})", info.unit)));
          continue;
        }
        out[order[i] * n + order[j]] = *value;
      }
    }
    return out;
  }

  void read_matrices(TableReader& root, Scenario& s) {
    const toml::table* table = root.table("matrices", Need::required);
    if (!table) return;
    TableReader r(*table, "matrices", file_, diagnostics_);
    const std::size_t n = s.countries.size();
    // matrices.countries gives the order of rows and columns.
    std::vector<std::size_t> order;
    if (const toml::array* names = r.array("countries", Need::required)) {
      std::vector<bool> seen(n, false);
      for (std::size_t i = 0; i < names->size(); ++i) {
        const toml::node& node = *names->get(i);
        const std::string path = fmt::format("matrices.countries[{}]", i);
        const auto* name = node.as_string();
        if (!name) {
          diagnostics_.error(location_of(node.source(), file_), path,
                             fmt::format("expected a country id, got {}", describe_node(node)));
          continue;
        }
        const auto index = find_entity(std::string(**name), s.countries, "country", location_of(node.source(), file_),
                                       path, diagnostics_);
        if (!index) continue;
        if (seen[*index]) {
          diagnostics_.error(location_of(node.source(), file_), path,
                             fmt::format("country '{}' is listed twice", s.countries[*index].id));
          continue;
        }
        seen[*index] = true;
        order.push_back(*index);
      }
      std::vector<std::string> missing;
      for (std::size_t i = 0; i < n; ++i) {
        if (!seen[i]) missing.push_back(s.countries[i].id);
      }
      if (!missing.empty() && order.size() + missing.size() == n) {
        diagnostics_.error(r.where("countries"), "matrices.countries",
                           fmt::format("must list every country once; missing {}", quoted_list(missing)));
      }
    }
    s.matrices.relocation_cost_usd =
        read_matrix<std::int64_t>(r, "relocation_cost_usd", *find_parameter("matrices.relocation_cost_usd"), order, n);
    s.matrices.transit_days =
        read_matrix<double>(r, "transit_days", *find_parameter("matrices.transit_days"), order, n);
    s.matrices.intelligence_sharing =
        read_matrix<double>(r, "intelligence_sharing", *find_parameter("matrices.intelligence_sharing"), order, n);
    r.report_unknown_keys();
  }

  // -- events --

  void read_events(TableReader& root, Scenario& s) {
    for_each_in_array(root, "events", [&](std::size_t, TableReader& r) {
      EventSpec e;
      const auto kind = r.string("kind", Need::required);
      const auto date = r.date("date", Need::required);
      e.id = r.string("id").value_or("");
      if (r.raw().contains("id") && e.id.empty()) {
        diagnostics_.error(r.where("id"), r.key_path("id"), "an event id cannot be empty; leave 'id' out instead");
      }
      e.note = r.string("note").value_or("");
      if (r.raw().contains("id") && !e.id.empty() && !is_identifier(e.id)) {
        diagnostics_.error(r.where("id"), r.key_path("id"),
                           "event ids must be lowercase letters, digits and '_', starting with a letter");
      }
      if (!kind) return;
      std::optional<EventPayload> payload = event_of_kind(*kind);
      if (!payload) {
        const auto kinds = event_kind_names();
        std::string message = fmt::format("unknown event kind '{}'", *kind);
        if (const std::string guess = closest_match(*kind, kinds); !guess.empty()) {
          message += fmt::format("; did you mean '{}'?", guess);
        } else {
          message += fmt::format("; expected one of {}", quoted_list(kinds));
        }
        diagnostics_.error(r.where("kind"), r.key_path("kind"), std::move(message));
        // Accept the rest so one typo gives one error, not one per field.
        for (const auto& [key, node] : r.raw()) r.accept(key.str());
        return;
      }
      e.payload = std::move(*payload);
      detail::EventReader references(r, s);
      const bool refs_ok = detail::read_event(references, e.payload);
      if (date && run_ok_ && (*date < s.run.start_date || *date >= s.run.end_date())) {
        diagnostics_.error(r.where("date"), r.key_path("date"),
                           fmt::format("date {} is outside the run ({} to {}, the last day excluded)",
                                       date->to_string(), s.run.start_date.to_string(), s.run.end_date().to_string()));
      }
      if (date && refs_ok) {
        e.date = *date;
        event_dates_.push_back(r.where("id"));
        s.events.push_back(std::move(e));
      }
    });
  }

  // -- cross-checks once every entity has been read without error --

  void check_world(TableReader& root, Scenario& s) {
    std::map<std::string, std::size_t> ids;
    for (std::size_t i = 0; i < s.events.size(); ++i) {
      const EventSpec& e = s.events[i];
      if (!e.id.empty() && !ids.emplace(e.id, i).second) {
        diagnostics_.error(event_dates_[i], fmt::format("events.{}", e.id),
                           fmt::format("event id '{}' is used twice", e.id));
      }
    }
    // Events fire in date order; those on one day in the order written.
    std::vector<std::size_t> order(s.events.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return s.events[a].date < s.events[b].date; });
    std::vector<EventSpec> sorted;
    for (std::size_t i : order) sorted.push_back(std::move(s.events[i]));
    s.events = std::move(sorted);

    std::int64_t held = 0;
    for (const auto& g : s.operations) held += g.workers;
    const bool any_nationality = std::any_of(s.countries.begin(), s.countries.end(), [](const CountrySpec& c) {
      return c.origin && c.origin->initial_workforce_share > 0;
    });
    if (held > 0 && !any_nationality) {
      diagnostics_.error(root.where("countries"), "countries",
                         "operations hold workers at the start, but no country's origin.initial_workforce_share is "
                         "above 0, so they would have no nationality");
    }
    const bool any_host =
        std::any_of(s.countries.begin(), s.countries.end(), [](const CountrySpec& c) { return c.host.has_value(); });
    if (!s.countries.empty() && !any_host) {
      diagnostics_.error(root.where("countries"), "countries",
                         "no country has a [host] table: compounds have nowhere to be");
    }
  }

  const toml::table& root_;
  std::string file_;
  Diagnostics& diagnostics_;
  bool run_ok_ = false;                      // [run] read without error, so dates can be checked
  std::vector<SourceLocation> event_dates_;  // where each event's id is, parallel to Scenario::events
};

}  // namespace

Scenario read_schema(const toml::table& root, const std::string& file, Diagnostics& diagnostics) {
  return SchemaReader(root, file, diagnostics).read();
}

}  // namespace scamsim::scenario::detail
