#include "sim/app/sweep_summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string_view>
#include <vector>

#include "sim/app/scale_note.hpp"
#include "sim/core/text.hpp"
#include "sim/scenario/describe.hpp"

namespace scamsim::app {

using sweep::RunStatus;

namespace {

constexpr std::size_t max_points_shown = 20;
constexpr std::size_t max_key_width = 56;
constexpr std::size_t page_width = 118;

// Large and whole numbers as whole numbers with digit groups (people, dollars), others with four significant
// digits; "-" when unknown.
std::string figure(double v) {
  if (std::isnan(v)) return "-";
  if ((v == std::floor(v) || std::abs(v) >= 1000) && std::abs(v) < 1e15) {
    return scenario::group_digits(std::llround(v));
  }
  return fmt::format("{:.4g}", v);
}

// A parameter's value as a person reads it: dates as dates.
std::string parameter_value(const io::SweepResults& r, std::size_t j, double v) {
  if (std::isnan(v)) return "-";
  if (r.parameter_units[j].starts_with("days since ")) {
    return r.start_date.plus_days(static_cast<int>(std::llround(v))).to_string();
  }
  return figure(v);
}

const std::vector<double>& table(const sweep::Sensitivity& s, std::string_view name) {
  for (const auto& [n, values] : s.tables) {
    if (n == name) return values;
  }
  static const std::vector<double> none;
  return none;
}

}  // namespace

std::string summarize_sweep(const io::SweepResults& r) {
  const std::size_t runs = static_cast<std::size_t>(r.runs);
  const std::size_t k = r.parameters.size();
  const std::size_t o_count = r.outcomes.size();
  const auto count = [&](RunStatus s) { return std::count(r.status.begin(), r.status.end(), s); };
  std::size_t key_width = std::string_view("parameter").size();
  for (const std::string& key : r.parameters) key_width = std::max(key_width, std::min(key.size(), max_key_width));

  std::string out = fmt::format("scamsim sweep: {}{}\n", r.name, r.complete ? "" : " (in progress: incomplete)");
  if (!r.description.empty()) out += fmt::format("  about    {}\n", r.description);
  out += fmt::format("  design   {}, {} point{} x {} replicate{} = {} runs, seed {}\n", r.design, r.points,
                     r.points == 1 ? "" : "s", r.replicates, r.replicates == 1 ? "" : "s", r.runs, r.seed);
  out += fmt::format("  written  {} by scamsim {} (commit {}), result schema version {}\n", r.created_utc,
                     r.scamsim_version, r.git_commit, r.schema_version);
  if (std::find(r.parameters.begin(), r.parameters.end(), "run.scale") != r.parameters.end()) {
    out += "  scale    run.scale varies across the sweep (a parameter); findings come from 1:1 runs\n";
  } else {
    out += scale_note(r.scale, "outcomes below are scaled up to the full region");
  }
  out += fmt::format("  runs     {} done, {} failed, {} pending\n", count(RunStatus::done), count(RunStatus::failed),
                     count(RunStatus::pending));
  std::size_t shown_failures = 0;
  for (std::size_t i = 0; i < runs && shown_failures < 5; ++i) {
    if (r.status[i] != RunStatus::failed) continue;
    const std::string first_line = r.messages[i].substr(0, r.messages[i].find('\n'));
    out += fmt::format("  failed   run {} (point {}, replicate {}):\n", i, r.point[i], r.replicate[i]);
    out += wrap(first_line, 11, page_width);
    ++shown_failures;
  }
  if (count(RunStatus::failed) > 5) out += "  failed   ... (every message is in /design/message)\n";
  if (!r.kept_series.empty()) {
    std::string names;
    for (const auto& n : r.kept_series) names += (names.empty() ? "" : ", ") + n;
    out += fmt::format("  series   /by_country: {}\n", names);
  }

  out += "\nParameters\n";
  out += fmt::format("  {:<{}} {:>16} {:>16}  {}\n", "key", key_width, "min", "max", "units");
  for (std::size_t j = 0; j < k; ++j) {
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    for (std::size_t i = 0; i < runs; ++i) {
      lo = std::min(lo, r.values[i * k + j]);
      hi = std::max(hi, r.values[i * k + j]);
    }
    out += fmt::format("  {:<{}} {:>16} {:>16}  {}\n", cut(r.parameters[j], key_width), key_width,
                       parameter_value(r, j, lo), parameter_value(r, j, hi), r.parameter_units[j]);
  }

  // Each outcome's mean and standard deviation over a point's finished replicates.
  const std::vector<double> means =
      sweep::point_means(r.points, r.replicates, static_cast<std::int64_t>(o_count), r.outcome_values, r.status);
  const auto sd_of = [&](std::size_t p, std::size_t o) {
    const double mean = means[p * o_count + o];
    double sum = 0;
    std::int64_t n = 0;
    for (std::int64_t rep = 0; rep < r.replicates; ++rep) {
      const auto run = static_cast<std::size_t>(static_cast<std::int64_t>(p) * r.replicates + rep);
      if (r.status[run] != RunStatus::done) continue;
      const double d = r.outcome_values[run * o_count + o] - mean;
      sum += d * d;
      ++n;
    }
    return n > 1 ? std::sqrt(sum / static_cast<double>(n - 1)) : std::numeric_limits<double>::quiet_NaN();
  };
  const auto points = static_cast<std::size_t>(r.points);
  // Parameter columns of the per-point tables: up to four, headed by the key's last part.
  const std::size_t shown = std::min<std::size_t>(k, 4);
  std::vector<std::string> headers;
  std::vector<std::size_t> widths;
  for (std::size_t j = 0; j < shown; ++j) {
    const std::string& key = r.parameters[j];
    headers.push_back(cut(key.substr(key.rfind('.') + 1), 24));
    widths.push_back(std::max<std::size_t>(headers.back().size(), 12));
  }
  for (std::size_t o = 0; o < o_count; ++o) {
    out += fmt::format("\nOutcome {} ({})\n", r.outcomes[o], r.outcome_units[o]);
    if (!r.outcome_definitions[o].empty()) out += wrap(r.outcome_definitions[o], 2, page_width);
    if (points <= max_points_shown) {
      std::string header = fmt::format("  {:>5}", "point");
      for (std::size_t j = 0; j < shown; ++j) header += fmt::format(" {:>{}}", headers[j], widths[j]);
      out += header + fmt::format(" {:>16} {:>14}\n", "mean", "sd");
      for (std::size_t p = 0; p < points; ++p) {
        std::string line = fmt::format("  {:>5}", p);
        const std::size_t first_run = p * static_cast<std::size_t>(r.replicates);
        for (std::size_t j = 0; j < shown; ++j) {
          line += fmt::format(" {:>{}}", parameter_value(r, j, r.values[first_run * k + j]), widths[j]);
        }
        out += line + fmt::format(" {:>16} {:>14}\n", figure(means[p * o_count + o]), figure(sd_of(p, o)));
      }
      if (k > shown) out += fmt::format("  ({} more parameters not shown: see /design/values)\n", k - shown);
    } else {
      // Too many points for a table: the spread of the point means.
      std::vector<double> finite;
      for (std::size_t p = 0; p < points; ++p) {
        if (!std::isnan(means[p * o_count + o])) finite.push_back(means[p * o_count + o]);
      }
      double mean = 0;
      for (const double v : finite) mean += v;
      mean = finite.empty() ? std::numeric_limits<double>::quiet_NaN() : mean / static_cast<double>(finite.size());
      double ss = 0;
      for (const double v : finite) ss += (v - mean) * (v - mean);
      const double sd = finite.size() > 1 ? std::sqrt(ss / static_cast<double>(finite.size() - 1))
                                          : std::numeric_limits<double>::quiet_NaN();
      const auto [lo, hi] = std::minmax_element(finite.begin(), finite.end());
      out += fmt::format("  over the means of {} points: mean {}, sd {}, min {}, max {}\n", finite.size(), figure(mean),
                         figure(sd), finite.empty() ? "-" : figure(*lo), finite.empty() ? "-" : figure(*hi));
    }
  }

  if (r.sensitivity) {
    const sweep::Sensitivity& s = *r.sensitivity;
    const bool sobol = s.method == "sobol";
    out += fmt::format("\nSensitivity: {} of each point's mean, [{:.0f}% bootstrap interval, {} resamples]\n",
                       sobol ? "Sobol indices" : "Morris elementary effects (per unit of the parameter's range)",
                       r.confidence * 100, r.bootstrap);
    const auto interval = [&](std::size_t o, std::size_t j, std::string_view estimate, std::string_view low,
                              std::string_view high) {
      const auto at = [&](std::string_view name) { return table(s, name)[o * k + j]; };
      const auto number = [](double v) { return std::isnan(v) ? std::string("-") : fmt::format("{:.3g}", v); };
      return fmt::format("{} [{}, {}]", number(at(estimate)), number(at(low)), number(at(high)));
    };
    for (std::size_t o = 0; o < o_count; ++o) {
      out += fmt::format(
          "\n  {}{}\n", r.outcomes[o],
          o < s.used.size() ? fmt::format(" ({} {} used)", s.used[o], sobol ? "base rows" : "trajectories") : "");
      // Most influential first: by total index (sobol) or mu* (morris); unknown last.
      const std::vector<double>& rank = table(s, sobol ? "total" : "mu_star");
      std::vector<std::size_t> order(k);
      std::iota(order.begin(), order.end(), std::size_t{0});
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const double x = rank[o * k + a];
        const double y = rank[o * k + b];
        if (std::isnan(x) || std::isnan(y)) return !std::isnan(x) && std::isnan(y);
        return x > y;
      });
      if (sobol) {
        out += fmt::format("    {:<{}} {:>26} {:>26}\n", "parameter", key_width, "first order", "total order");
        for (const std::size_t j : order) {
          out += fmt::format("    {:<{}} {:>26} {:>26}\n", cut(r.parameters[j], key_width), key_width,
                             interval(o, j, "first", "first_low", "first_high"),
                             interval(o, j, "total", "total_low", "total_high"));
        }
      } else {
        out += fmt::format("    {:<{}} {:>30} {:>10} {:>10}\n", "parameter", key_width, "mu*", "mu", "sigma");
        for (const std::size_t j : order) {
          const auto number = [](double v) { return std::isnan(v) ? std::string("-") : fmt::format("{:.3g}", v); };
          out += fmt::format("    {:<{}} {:>30} {:>10} {:>10}\n", cut(r.parameters[j], key_width), key_width,
                             interval(o, j, "mu_star", "mu_star_low", "mu_star_high"),
                             number(table(s, "mu")[o * k + j]), number(table(s, "sigma")[o * k + j]));
        }
      }
    }
  }
  return out;
}

}  // namespace scamsim::app
