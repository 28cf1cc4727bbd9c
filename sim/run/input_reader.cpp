#include "sim/run/input_reader.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include <fmt/format.h>

namespace scamsim::run {

using scenario::Diagnostics;
using scenario::location_of;
using scenario::Need;
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

std::string define_outcome(const OutcomeSpec& o, const scenario::Scenario& s) {
  const auto date_of = [&](std::int64_t step) {
    return s.run.start_date.plus_days(static_cast<int>(step * s.run.dt_days)).to_string();
  };
  const std::string window = fmt::format("[{}, {})", date_of(o.from_step), date_of(o.to_step));
  std::string what;
  switch (o.reduction) {
    case Reduction::mean:
      what = "mean over the steps of " + window;
      break;
    case Reduction::end:
      what = "value at the last step of " + window;
      break;
    case Reduction::sum:
      what = "sum over the steps of " + window;
      break;
    case Reduction::sum_per_year:
      what = "sum per year over " + window;
      break;
    case Reduction::change:
      what = "change from the first to the last step of " + window;
      break;
  }
  const model::MetricInfo& info = info_of(o.series);
  std::string where;
  if (o.series.global_metric) {
    where = "the whole region";
  } else {
    std::string names;
    for (const CountryId c : o.series.countries) names += (names.empty() ? "" : ", ") + s.country(c).id;
    where = o.series.countries.empty() ? "every country" : o.series.outside ? "every country except " + names : names;
  }
  std::string out = fmt::format("{} of {} ({}) summed over {}", what, info.name, info.units, where);
  if (o.series.global_metric) out = fmt::format("{} of {} ({}) for {}", what, info.name, info.units, where);
  if (o.share) out += ", divided by the same over every country";
  if (scales_with_world(o)) out += "; at scale 1 (divided by run.scale)";
  return out;
}

}  // namespace scamsim::run
