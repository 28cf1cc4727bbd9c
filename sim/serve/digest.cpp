#include "sim/serve/digest.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "sim/run/compare.hpp"
#include "sim/serve/json.hpp"

namespace scamsim::serve {

namespace {

using model::CountryMetric;
using model::GlobalMetric;

constexpr std::int64_t target_samples = 300;

// The columns of the summary table, as `scamsim summary` computes them (sim/app/run_summary.cpp).
constexpr const char* table_columns[] = {"held_start",       "held_end",    "released",    "rerecruited",
                                         "in_aftercare_end", "repatriated", "ops_start",   "ops_end",
                                         "size_start",       "size_end",    "revenue_usd", "aftercare_spend_usd"};
constexpr std::size_t table_width = std::size(table_columns);

CountryMetric country_metric(const char* name) { return *run::find_country_metric(name); }
GlobalMetric global_metric(const char* name) { return *run::find_global_metric(name); }

double sum_over(const model::RunRecord& r, CountryMetric m, std::int64_t from, std::int64_t to, std::int64_t c) {
  double total = 0;
  for (std::int64_t t = from; t <= to; ++t) total += r.at(m, t, c);
  return total;
}

// Numbers for people at the precision a chart or table shows, so that the JSON stays small.
std::string shown(double v) {
  if (!std::isfinite(v)) return "null";
  if (std::abs(v) >= 100) return json_number(std::round(v));
  return json_number(std::round(v * 1e4) / 1e4);
}

std::string array(const std::vector<double>& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += shown(values[i]);
  }
  return out + "]";
}

}  // namespace

RunDigest::RunDigest(const scenario::Scenario& s, std::vector<run::OutcomeSpec> outcomes)
    : scenario_(s), outcomes_(std::move(outcomes)) {
  const std::int64_t steps = s.run.steps();
  const std::int64_t every = std::max<std::int64_t>(1, (steps + target_samples - 1) / target_samples);
  for (std::int64_t t = 0; t < steps; t += every) samples_.push_back(t);
  if (steps > 0 && samples_.back() != steps - 1) samples_.push_back(steps - 1);
  series_ = {{"held", "people", true, {}},
             {"released_cumulative", "people", true, {}},
             {"rerecruited_cumulative", "people", true, {}},
             {"in_aftercare", "people", true, {}},
             {"mean_operation_size", "people/operation", true, {}},
             {"operations", "operations", true, {}},
             {"held_region", "people", false, {}},
             {"rerecruited_region_cumulative", "people", false, {}},
             {"released_region_cumulative", "people", false, {}},
             {"revenue_region_per_year", "USD/year", false, {}},
             {"share_held_in_small_operations", "1", false, {}},
             {"mean_operation_size_region", "people/operation", false, {}}};
}

void RunDigest::add(const model::RunRecord& r) {
  const auto countries = r.countries;
  const auto samples = static_cast<std::int64_t>(samples_.size());
  const double dt_days = static_cast<double>(scenario_.run.dt_days);
  for (Series& s : series_)
    s.values.emplace_back(static_cast<std::size_t>(samples * (s.per_country ? countries : 1)), 0.0);
  const auto slot = [&](std::size_t series, std::int64_t sample, std::int64_t c) -> double& {
    return series_[series].values.back()[static_cast<std::size_t>(sample * countries + c)];
  };
  const auto global_slot = [&](std::size_t series, std::int64_t sample) -> double& {
    return series_[series].values.back()[static_cast<std::size_t>(sample)];
  };
  const CountryMetric held = country_metric("workers_held");
  const CountryMetric by_operator = country_metric("releases_by_operator");
  const CountryMetric by_raids = country_metric("released_by_raids");
  const CountryMetric escapes = country_metric("escapes");
  const CountryMetric rerecruited = country_metric("rerecruited");
  const CountryMetric aftercare = country_metric("workers_in_aftercare");
  const CountryMetric size = country_metric("mean_operation_size");
  const CountryMetric operations = country_metric("operations_active");
  const CountryMetric repatriations = country_metric("repatriations");
  const CountryMetric revenue = country_metric("revenue_usd");
  const CountryMetric spend = country_metric("aftercare_spend_usd");

  for (std::int64_t c = 0; c < countries; ++c) {
    double released = 0;
    double again = 0;
    std::int64_t from = 0;
    for (std::int64_t k = 0; k < samples; ++k) {
      const std::int64_t t = samples_[static_cast<std::size_t>(k)];
      released +=
          sum_over(r, by_operator, from, t, c) + sum_over(r, by_raids, from, t, c) + sum_over(r, escapes, from, t, c);
      again += sum_over(r, rerecruited, from, t, c);
      from = t + 1;
      slot(0, k, c) = r.at(held, t, c);
      slot(1, k, c) = released;
      slot(2, k, c) = again;
      slot(3, k, c) = r.at(aftercare, t, c);
      slot(4, k, c) = r.at(size, t, c);
      slot(5, k, c) = r.at(operations, t, c);
    }
  }
  double released = 0;
  double again = 0;
  std::int64_t from = 0;
  for (std::int64_t k = 0; k < samples; ++k) {
    const std::int64_t t = samples_[static_cast<std::size_t>(k)];
    double revenue_in_bucket = 0;
    for (std::int64_t c = 0; c < countries; ++c) {
      released +=
          sum_over(r, by_operator, from, t, c) + sum_over(r, by_raids, from, t, c) + sum_over(r, escapes, from, t, c);
      again += sum_over(r, rerecruited, from, t, c);
    }
    for (std::int64_t u = from; u <= t; ++u) revenue_in_bucket += r.at(global_metric("revenue_usd"), u);
    const double bucket_days = static_cast<double>(t - from + 1) * dt_days;
    from = t + 1;
    global_slot(6, k) = r.at(global_metric("workers_held"), t);
    global_slot(7, k) = again;
    global_slot(8, k) = released;
    global_slot(9, k) = revenue_in_bucket / bucket_days * 365.0;
    global_slot(10, k) = r.at(global_metric("share_held_in_small_operations"), t);
    global_slot(11, k) = r.at(global_metric("mean_operation_size"), t);
  }

  const std::int64_t last = r.steps - 1;
  std::vector<double> row(static_cast<std::size_t>(countries) * table_width);
  for (std::int64_t c = 0; c < countries; ++c) {
    double* v = &row[static_cast<std::size_t>(c) * table_width];
    v[0] = r.at(held, 0, c);
    v[1] = r.at(held, last, c);
    v[2] = sum_over(r, by_operator, 0, last, c) + sum_over(r, by_raids, 0, last, c) + sum_over(r, escapes, 0, last, c);
    v[3] = sum_over(r, rerecruited, 0, last, c);
    v[4] = r.at(aftercare, last, c);
    v[5] = sum_over(r, repatriations, 0, last, c);
    v[6] = r.at(operations, 0, c);
    v[7] = r.at(operations, last, c);
    v[8] = r.at(size, 0, c);
    v[9] = r.at(size, last, c);
    v[10] = sum_over(r, revenue, 0, last, c);
    v[11] = sum_over(r, spend, 0, last, c);
  }
  table_.push_back(std::move(row));

  std::vector<double> values;
  for (const run::OutcomeSpec& o : outcomes_)
    values.push_back(run::at_full_scale(o, run::evaluate(o, r, dt_days), scenario_.run.scale));
  outcome_values_.push_back(std::move(values));
}

std::string RunDigest::json() const {
  const auto replicates = table_.size();
  const std::size_t countries = scenario_.countries.size();
  std::string out = fmt::format("{{\"replicates\":{},\"series\":{{", replicates);
  // Each series as its mean and its band (lowest to highest replicate) per column.
  for (std::size_t s = 0; s < series_.size(); ++s) {
    const Series& series = series_[s];
    const std::size_t width = series.per_country ? countries : 1;
    out += fmt::format("{}{}:{{\"units\":{},\"columns\":[", s ? "," : "", json_string(series.name),
                       json_string(series.units));
    for (std::size_t c = 0; c < width; ++c) {
      std::vector<double> mean(samples_.size()), low(samples_.size()), high(samples_.size());
      for (std::size_t k = 0; k < samples_.size(); ++k) {
        double sum = 0;
        double lo = std::numeric_limits<double>::infinity();
        double hi = -lo;
        std::size_t n = 0;
        for (const auto& values : series.values) {
          const double v = values[k * width + c];
          if (!std::isfinite(v)) continue;
          sum += v;
          lo = std::min(lo, v);
          hi = std::max(hi, v);
          ++n;
        }
        mean[k] = n ? sum / static_cast<double>(n) : std::nan("");
        low[k] = n ? lo : std::nan("");
        high[k] = n ? hi : std::nan("");
      }
      out +=
          fmt::format("{}{{\"mean\":{},\"low\":{},\"high\":{}}}", c ? "," : "", array(mean), array(low), array(high));
    }
    out += "]}";
  }
  out += "},\"table\":{\"columns\":[";
  for (std::size_t k = 0; k < table_width; ++k) {
    if (k > 0) out += ',';
    out += json_string(table_columns[k]);
  }
  out += "],\"rows\":[";
  for (std::size_t c = 0; c < countries; ++c) {
    std::vector<double> mean(table_width, 0.0);
    for (const auto& row : table_) {
      for (std::size_t k = 0; k < table_width; ++k) mean[k] += row[c * table_width + k];
    }
    for (double& v : mean) v /= std::max<double>(1, static_cast<double>(replicates));
    if (c > 0) out += ',';
    out += array(mean);
  }
  return out + "]}}";
}

std::string results_json(const scenario::Scenario& policy, const RunDigest& changed, const RunDigest* unchanged,
                         const std::vector<run::OutcomeSpec>& outcomes, const std::string& command,
                         const std::vector<std::string>& csv_tables) {
  std::string out =
      fmt::format("{{\"scenario\":{},\"command\":{},\"scale\":{},\"dt_days\":{},\"countries\":[",
                  json_string(policy.name), json_string(command), json_number(policy.run.scale), policy.run.dt_days);
  for (std::size_t c = 0; c < policy.countries.size(); ++c) {
    const auto& country = policy.countries[c];
    out +=
        fmt::format("{}{{\"id\":{},\"name\":{},\"lat\":{},\"lon\":{}}}", c ? "," : "", json_string(country.id),
                    json_string(country.name), json_number(country.latitude_deg), json_number(country.longitude_deg));
  }
  // Dates as Unix seconds (the charts' x axis): the end of each sampled step.
  out += "],\"time\":[";
  const auto& samples = changed.samples();
  for (std::size_t k = 0; k < samples.size(); ++k) {
    const auto day = policy.run.start_date.days_since_epoch() + (samples[k] + 1) * policy.run.dt_days;
    out += fmt::format("{}{}", k ? "," : "", day * 86400);
  }
  out += "],\"changed\":" + changed.json();
  out += ",\"unchanged\":" + (unchanged != nullptr ? unchanged->json() : std::string("null"));
  out += ",\"outcomes\":[";
  for (std::size_t o = 0; o < outcomes.size() && unchanged != nullptr; ++o) {
    std::vector<double> a, b;
    for (const auto& values : unchanged->outcome_values()) a.push_back(values[o]);
    for (const auto& values : changed.outcome_values()) b.push_back(values[o]);
    const run::PairedStatistics p = run::paired_statistics(a, b, 0.95);
    out += fmt::format(
        "{}{{\"name\":{},\"units\":{},\"definition\":{},\"pairs\":{},\"mean_unchanged\":{},\"mean_changed\":{},"
        "\"difference\":{},\"ci_low\":{},\"ci_high\":{},\"unpaired_low\":{},\"unpaired_high\":{}}}",
        o ? "," : "", json_string(outcomes[o].name), json_string(run::outcome_units(outcomes[o])),
        json_string(run::define_outcome(outcomes[o], policy)), p.pairs, json_number(p.mean_a), json_number(p.mean_b),
        json_number(p.mean_difference), json_number(p.ci_low), json_number(p.ci_high), json_number(p.unpaired_low),
        json_number(p.unpaired_high));
  }
  out += "],\"csv\":[";
  for (std::size_t k = 0; k < csv_tables.size(); ++k) {
    if (k > 0) out += ',';
    out += json_string(csv_tables[k]);
  }
  return out + "]}";
}

}  // namespace scamsim::serve
