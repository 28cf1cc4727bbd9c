#include "sim/run/outcome_reader.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "sim/core/error.hpp"
#include "sim/core/text.hpp"

namespace scamsim::run {

using scenario::Diagnostics;
using scenario::for_each_table;
using scenario::location_of;
using scenario::Need;
using scenario::parse_input_file;
using scenario::TableReader;

namespace {

std::optional<CountryId> country_named(const scenario::Scenario& s, std::string_view id) {
  const auto it = std::find_if(s.countries.begin(), s.countries.end(), [&](const auto& c) { return c.id == id; });
  if (it == s.countries.end()) return std::nullopt;
  return id_at<CountryId>(static_cast<std::size_t>(it - s.countries.begin()));
}

std::vector<CountryId> read_countries(TableReader& r, std::string_view key, const scenario::Scenario& s) {
  std::vector<CountryId> out;
  const toml::array* countries = r.array(key);
  if (!countries) return out;
  for (const auto& c : *countries) {
    const auto* id = c.as_string();
    const auto country = id ? country_named(s, **id) : std::nullopt;
    if (!country) {
      r.diagnostics().error(location_of(c.source(), r.fallback_file()), r.key_path(key),
                            "expected ids of countries in the scenario");
      continue;
    }
    if (std::find(out.begin(), out.end(), *country) != out.end()) {
      r.diagnostics().error(location_of(c.source(), r.fallback_file()), r.key_path(key),
                            fmt::format("'{}' is listed twice", **id));
      continue;
    }
    out.push_back(*country);
  }
  if (countries->empty()) r.diagnostics().error(r.where(key), r.key_path(key), "names no country");
  return out;
}

}  // namespace

OutcomeSpec read_outcome(TableReader& r, const scenario::Scenario& s) {
  Diagnostics& diagnostics = r.diagnostics();
  OutcomeSpec o;
  o.name = r.name("name", Need::required).value_or("");
  if (o.name.empty() && r.raw().get_as<std::string>("name")) {
    // It names the outcome's dataset and column: refused here, not when the output is written.
    diagnostics.error(r.where("name"), r.key_path("name"), "an outcome's name cannot be empty");
  }
  o.description = r.text("description").value_or("");
  const std::string metric = r.string("metric", Need::required).value_or("");
  const bool has_countries = r.raw().contains("countries");
  const bool has_outside = r.raw().contains("outside");
  o.series.countries = read_countries(r, "countries", s);
  if (has_outside) {
    o.series.countries = read_countries(r, "outside", s);
    o.series.outside = true;
  }
  if (has_countries && has_outside) {
    diagnostics.error(r.where("outside"), r.key_path("outside"),
                      "give either countries (sum over them) or outside (sum over every other country), not both");
  }
  if (!metric.empty()) {
    // A per-country metric when countries are named or no global one exists.
    const auto country_metric = find_country_metric(metric);
    const auto global_metric = find_global_metric(metric);
    if (country_metric && (has_countries || has_outside || !global_metric)) {
      o.series.country_metric = country_metric;
    } else if (global_metric) {
      o.series.global_metric = global_metric;
      if (has_countries || has_outside) {
        diagnostics.error(r.where("metric"), r.key_path("metric"),
                          fmt::format("'{}' is a metric of the whole region: it has no countries", metric));
      }
    } else {
      diagnostics.error(r.where("metric"), r.key_path("metric"),
                        fmt::format("no metric named '{}' (see docs/OUTPUT.md)", metric));
    }
  }
  const std::string reduction = r.string("reduction").value_or("mean");
  if (const auto red = find_reduction(reduction)) {
    o.reduction = *red;
  } else {
    diagnostics.error(r.where("reduction"), r.key_path("reduction"),
                      fmt::format("expected one of {}", reduction_names_quoted()));
  }
  o.share = r.boolean("share").value_or(false);
  if (o.share) {
    const bool known = o.series.country_metric || o.series.global_metric;
    if (known && (!o.series.country_metric || kind_of(o.series) == model::MetricKind::real)) {
      diagnostics.error(r.where("share"), r.key_path("share"),
                        "a share needs a per-country metric of people, operations, raids or dollars");
    } else if (known && !has_countries && !has_outside) {
      diagnostics.error(r.where("share"), r.key_path("share"),
                        "a share of every country is 1: name the countries (countries or outside)");
    }
  }
  const Date from = r.date("from").value_or(s.run.start_date);
  const Date to = r.date("to").value_or(s.run.end_date());
  o.from_step = from.days_after(s.run.start_date) / s.run.dt_days;
  o.to_step = (to.days_after(s.run.start_date) + s.run.dt_days - 1) / s.run.dt_days;
  if (o.from_step < 0 || o.to_step > s.run.steps() || o.from_step >= o.to_step) {
    diagnostics.error(
        r.where(r.raw().contains("from") ? "from" : "to"), r.key_path(r.raw().contains("from") ? "from" : "to"),
        fmt::format("the window {} to {} must lie inside the run ({} to {}) and not be empty", from.to_string(),
                    to.to_string(), s.run.start_date.to_string(), s.run.end_date().to_string()));
  }
  if (o.series.country_metric || o.series.global_metric) o.definition = define_outcome(o, s);
  return o;
}

std::vector<OutcomeSpec> load_outcomes(const std::filesystem::path& file, const scenario::Scenario& scenario) {
  const std::string name = file.lexically_normal().string();
  Diagnostics diagnostics;
  const std::optional<toml::table> doc = parse_input_file(file, name, diagnostics);
  if (!doc) throw SetupError(diagnostics.sorted());
  TableReader root(*doc, {}, name, diagnostics);
  const toml::array* tables = root.array("outcome", Need::required);
  root.report_unknown_keys();
  std::vector<OutcomeSpec> out;
  for_each_table(tables, "outcome", name, diagnostics, [&](const std::string& /*path*/, TableReader& r) {
    OutcomeSpec o = read_outcome(r, scenario);
    r.report_unknown_keys();
    // The name names datasets of the output, as in sweep files.
    if (!o.name.empty() && !is_identifier(o.name)) {
      diagnostics.error(r.where("name"), r.key_path("name"),
                        fmt::format("'{}' is not a name of letters, digits and _ (at most 64, not starting with a "
                                    "digit): it names a dataset of the output",
                                    o.name));
    }
    const bool twice =
        std::any_of(out.begin(), out.end(), [&](const OutcomeSpec& other) { return other.name == o.name; });
    if (twice) diagnostics.error(r.where("name"), r.key_path("name"), fmt::format("'{}' is named twice", o.name));
    out.push_back(std::move(o));
  });
  if (tables && tables->empty()) diagnostics.error(root.where("outcome"), "outcome", "name at least one outcome");
  if (!diagnostics.empty()) throw SetupError(diagnostics.sorted());
  return out;
}

}  // namespace scamsim::run
