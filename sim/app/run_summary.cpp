#include "sim/app/run_summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/app/scale_note.hpp"
#include "sim/core/date.hpp"
#include "sim/run/compare.hpp"
#include "sim/scenario/describe.hpp"

namespace scamsim::app {

namespace {

double median(std::vector<double> values) {
  std::erase_if(values, [](double v) { return std::isnan(v); });
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

// People, operations and raids: whole numbers with digit groups; "-" where unknown.
std::string whole_number(double value) {
  if (std::isnan(value)) return "-";
  return scenario::group_digits(std::llround(value));
}

std::string decimal(double value, int digits) {
  if (std::isnan(value)) return "-";
  return fmt::format("{:.{}f}", value, digits);
}

// Per-replicate figures of the series in an io::Results, NaN where a metric is missing.
class Figures {
 public:
  explicit Figures(const io::Results& results)
      : results_(results),
        replicates_(static_cast<std::size_t>(results.meta.runs())),
        steps_(static_cast<std::size_t>(results.meta.steps)),
        countries_(results.meta.country_ids.size()) {}

  [[nodiscard]] std::size_t replicates() const { return replicates_; }

  // The value at step `step` (negative: from the end) of a per-country series.
  [[nodiscard]] double at(std::string_view metric, std::size_t replicate, std::ptrdiff_t step, std::size_t c) const {
    const std::vector<double>* series = find(results_.by_country, metric, steps_ * countries_);
    if (series == nullptr || steps_ == 0) return nan();
    return (*series)[(replicate * steps_ + resolve(step)) * countries_ + c];
  }
  // Sum over all steps of a per-country series.
  [[nodiscard]] double total(std::string_view metric, std::size_t replicate, std::size_t c) const {
    const std::vector<double>* series = find(results_.by_country, metric, steps_ * countries_);
    if (series == nullptr) return nan();
    double sum = 0;
    for (std::size_t s = 0; s < steps_; ++s) sum += (*series)[(replicate * steps_ + s) * countries_ + c];
    return sum;
  }
  // Whether a per-country series is ever non-zero in any replicate.
  [[nodiscard]] bool ever(std::string_view metric, std::size_t c) const {
    const std::vector<double>* series = find(results_.by_country, metric, steps_ * countries_);
    if (series == nullptr) return false;
    for (std::size_t i = c; i < series->size(); i += countries_) {
      if ((*series)[i] != 0) return true;
    }
    return false;
  }
  [[nodiscard]] double global_at(std::string_view metric, std::size_t replicate, std::ptrdiff_t step) const {
    const std::vector<double>* series = find(results_.global, metric, steps_);
    if (series == nullptr || steps_ == 0) return nan();
    return (*series)[replicate * steps_ + resolve(step)];
  }
  [[nodiscard]] double global_total(std::string_view metric, std::size_t replicate) const {
    const std::vector<double>* series = find(results_.global, metric, steps_);
    if (series == nullptr) return nan();
    double sum = 0;
    for (std::size_t s = 0; s < steps_; ++s) sum += (*series)[replicate * steps_ + s];
    return sum;
  }

  // The highest value of a global series over the run, and the first step at which it is reached.
  struct Highest {
    double value;
    std::size_t step;
  };
  [[nodiscard]] Highest global_highest(std::string_view metric, std::size_t replicate) const {
    const std::vector<double>* series = find(results_.global, metric, steps_);
    if (series == nullptr || steps_ == 0) return {nan(), 0};
    Highest best{(*series)[replicate * steps_], 0};
    for (std::size_t s = 1; s < steps_; ++s) {
      if ((*series)[replicate * steps_ + s] > best.value) best = {(*series)[replicate * steps_ + s], s};
    }
    return best;
  }

  // The median across replicates of `figure(replicate)`.
  template <class Figure>
  [[nodiscard]] double median_of(Figure figure) const {
    return median(values_of(figure));
  }

  // `figure(replicate)` of every replicate (every run of a run over a posterior), in order.
  template <class Figure>
  [[nodiscard]] std::vector<double> values_of(Figure figure) const {
    std::vector<double> values;
    for (std::size_t r = 0; r < replicates_; ++r) values.push_back(figure(r));
    return values;
  }

 private:
  static double nan() { return std::numeric_limits<double>::quiet_NaN(); }
  [[nodiscard]] std::size_t resolve(std::ptrdiff_t step) const {
    return step < 0 ? steps_ - static_cast<std::size_t>(-step) : static_cast<std::size_t>(step);
  }
  // The series, if present and of the size this run implies.
  [[nodiscard]] const std::vector<double>* find(const std::map<std::string, std::vector<double>>& group,
                                                std::string_view metric, std::size_t per_replicate) const {
    const auto it = group.find(std::string(metric));
    if (it == group.end() || it->second.size() != replicates_ * per_replicate) return nullptr;
    return &it->second;
  }

  const io::Results& results_;
  std::size_t replicates_;
  std::size_t steps_;
  std::size_t countries_;
};

// Ids longer than this are cut so tables keep within 120 columns.
constexpr std::size_t max_id_width = 24;

std::string fit(const std::string& id) { return id.size() <= max_id_width ? id : id.substr(0, max_id_width - 1) + "~"; }

// One table: a label column, then right-aligned figures.
class Table {
 public:
  Table(std::vector<std::string> headers, std::vector<std::size_t> widths)
      : headers_(std::move(headers)), widths_(std::move(widths)) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void add_rule() { rows_.emplace_back(); }

  [[nodiscard]] std::string render(std::size_t label_width) const {
    std::string out = line(headers_, label_width);
    out += rule(label_width);
    for (const auto& row : rows_) out += row.empty() ? rule(label_width) : line(row, label_width);
    return out;
  }

 private:
  [[nodiscard]] std::string line(const std::vector<std::string>& cells, std::size_t label_width) const {
    std::string out = fmt::format("  {:<{}}", cells[0], label_width);
    for (std::size_t i = 1; i < cells.size(); ++i) out += fmt::format(" {:>{}}", cells[i], widths_[i - 1]);
    return out + "\n";
  }
  [[nodiscard]] std::string rule(std::size_t label_width) const {
    std::size_t width = label_width;
    for (std::size_t w : widths_) width += w + 1;
    return "  " + std::string(width, '-') + "\n";
  }

  std::vector<std::string> headers_;
  std::vector<std::size_t> widths_;
  std::vector<std::vector<std::string>> rows_;
};

// A run over a posterior: how uncertain the headline figures are. Each band is the central 90% of the runs (the
// parameters and chance together); the draws' band is the central 90% of each draw's mean over its replicates,
// which leaves out most of chance and so shows what the parameters alone do.
std::string posterior_bands(const io::Results& results, const Figures& f, const std::vector<std::size_t>& hosts,
                            double years) {
  const io::RunMetadata& meta = results.meta;
  const auto draws = static_cast<std::size_t>(meta.draws);
  const auto per_draw = static_cast<std::size_t>(meta.replicates);
  std::string out = fmt::format(
      "\nUncertainty over the posterior ({} draws x {} replicates)\n  band: the central 90% of the {} runs, the "
      "parameters and chance together; draws: the central 90% of the draws' means, the parameters alone\n",
      meta.draws, meta.replicates, meta.runs());
  out += fmt::format("  {:<32} {:>12} {:>27} {:>27}\n", "", "median", "90% band", "90% of draws");
  const auto row = [&](const std::string& label, const std::vector<double>& runs, auto text) {
    std::vector<double> means(draws, 0.0);
    for (std::size_t d = 0; d < draws; ++d) {
      for (std::size_t r = 0; r < per_draw; ++r) means[d] += runs[d * per_draw + r] / static_cast<double>(per_draw);
    }
    out += fmt::format("  {:<32} {:>12} {:>27} {:>27}\n", label, text(run::quantile(runs, 0.5)),
                       text(run::quantile(runs, 0.05)) + " to " + text(run::quantile(runs, 0.95)),
                       text(run::quantile(means, 0.05)) + " to " + text(run::quantile(means, 0.95)));
  };
  const auto people = [](double v) { return whole_number(v); };
  row("people held at the end", f.values_of([&](std::size_t r) { return f.global_at("workers_held", r, -1); }), people);
  for (const std::size_t c : hosts) {
    row(fmt::format("  in {}", fit(meta.country_ids[c])),
        f.values_of([&](std::size_t r) { return f.at("workers_held", r, -1, c); }), people);
  }
  row("re-recruited over the run", f.values_of([&](std::size_t r) {
    double sum = 0;
    for (const std::size_t c : hosts) sum += f.total("rerecruited", r, c);
    return sum;
  }),
      people);
  row("revenue (bn USD per year)",
      f.values_of([&](std::size_t r) { return f.global_total("revenue_usd", r) / 1e9 / years; }),
      [](double v) { return decimal(v, 2); });
  out += "  drawn parameters (their values in /draw_values):\n";
  const std::size_t P = meta.draw_parameters.size();
  for (std::size_t j = 0; j < P; ++j) {
    std::vector<double> values;
    for (std::size_t d = 0; d < draws; ++d) values.push_back(meta.draw_values[d * P + j]);
    out += fmt::format("    {:<52} median {:.4g}, 90% of draws {:.4g} to {:.4g}\n", meta.draw_parameters[j],
                       run::quantile(values, 0.5), run::quantile(values, 0.05), run::quantile(values, 0.95));
  }
  return out;
}

}  // namespace

std::string summarize_run(const io::Results& results) {
  const io::RunMetadata& meta = results.meta;
  const Figures f(results);
  const std::size_t countries = meta.country_ids.size();
  const std::int64_t run_days = meta.steps * meta.dt_days;
  const double years = static_cast<double>(run_days) / 365.25;
  const Date end_date = meta.start_date.plus_days(static_cast<int>(run_days));

  std::string out = fmt::format("scamsim results: {}\n", meta.scenario_name);
  out +=
      fmt::format("  run      {} to {}, {} steps of {} day{}, seed {}, {}{} replicate{}\n", meta.start_date.to_string(),
                  end_date.to_string(), meta.steps, meta.dt_days, meta.dt_days == 1 ? "" : "s", meta.seed,
                  meta.draws > 0 ? fmt::format("{} draws from the posterior {} x ", meta.draws, meta.posterior_file)
                                 : std::string(),
                  meta.replicates, meta.replicates == 1 ? "" : "s");
  out += fmt::format("  written  {} by scamsim {} (commit {}), result schema version {}\n", results.created_utc,
                     results.scamsim_version, results.git_commit, results.schema_version);
  out += scale_note(meta.scale, fmt::format("people, operations, raids and money below are of a world {:g} the "
                                            "region's size, not scaled up",
                                            meta.scale));
  if (meta.draws > 0) {
    out += fmt::format(
        "  figures  medians across the {} runs ({} draws x {} replicates: each figure separately); they "
        "vary with the parameters and with chance\n",
        meta.runs(), meta.draws, meta.replicates);
  } else if (meta.replicates > 1) {
    out += fmt::format("  figures  medians across the {} replicates (each figure separately)\n", meta.replicates);
  }
  out += "  columns  start: at the end of the first step; end: at the end of the last; others: totals over the run\n";

  // Hosts: countries that ever held someone or had operations.
  std::vector<std::size_t> hosts;
  for (std::size_t c = 0; c < countries; ++c) {
    if (f.ever("workers_held", c) || f.ever("operations_active", c)) hosts.push_back(c);
  }
  std::size_t label_width = std::string_view("all hosts").size();
  for (std::size_t c : hosts) label_width = std::max(label_width, fit(meta.country_ids[c]).size());

  // Per replicate: a country's figure, or the sum over hosts for the "all hosts" row.
  const auto over_hosts = [&](auto figure) {
    return [&hosts, figure](std::size_t r) {
      double sum = 0;
      for (std::size_t c : hosts) sum += figure(r, c);
      return sum;
    };
  };
  const auto released = [&](std::size_t r, std::size_t c) {
    return f.total("releases_by_operator", r, c) + f.total("released_by_raids", r, c) + f.total("escapes", r, c);
  };
  const auto at_start = [&](std::string_view m) {
    return [&f, m](std::size_t r, std::size_t c) { return f.at(m, r, 0, c); };
  };
  const auto at_end = [&](std::string_view m) {
    return [&f, m](std::size_t r, std::size_t c) { return f.at(m, r, -1, c); };
  };
  const auto total = [&](std::string_view m) {
    return [&f, m](std::size_t r, std::size_t c) { return f.total(m, r, c); };
  };
  const auto of_country = [&](std::size_t c, auto figure) {
    return f.median_of([&](std::size_t r) { return figure(r, c); });
  };
  const auto of_hosts = [&](auto figure) { return f.median_of(over_hosts(figure)); };

  if (hosts.empty()) {
    out += "\nNo country held anyone or had operations.\n";
  } else {
    Table people({"country", "held start", "held end", "released", "re-recruited", "in aftercare", "repatriated"},
                 {12, 12, 12, 12, 12, 12});
    const auto people_row = [&](const std::string& label, auto value) {
      people.add({label, whole_number(value(at_start("workers_held"))), whole_number(value(at_end("workers_held"))),
                  whole_number(value(released)), whole_number(value(total("rerecruited"))),
                  whole_number(value(at_end("workers_in_aftercare"))), whole_number(value(total("repatriations")))});
    };
    for (std::size_t c : hosts) {
      people_row(fit(meta.country_ids[c]), [&](auto figure) { return of_country(c, figure); });
    }
    people.add_rule();
    people_row("all hosts", [&](auto figure) { return of_hosts(figure); });
    out += "\nPeople by host country (released = by operators + by raids + escapes)\n";
    out += people.render(label_width);

    Table operations(
        {"country", "ops start", "ops end", "size start", "size end", "revenue", "raids", "reloc in", "reloc out"},
        {10, 10, 10, 10, 11, 9, 9, 9});
    const auto operations_row = [&](const std::string& label, auto value, double size_start, double size_end) {
      operations.add({label, whole_number(value(at_start("operations_active"))),
                      whole_number(value(at_end("operations_active"))), decimal(size_start, 1), decimal(size_end, 1),
                      decimal(value(total("revenue_usd")) / 1e9, 2), whole_number(value(total("raids"))),
                      whole_number(value(total("relocations_in"))), whole_number(value(total("relocations_out")))});
    };
    for (std::size_t c : hosts) {
      const auto value = [&](auto figure) { return of_country(c, figure); };
      operations_row(fit(meta.country_ids[c]), value, value(at_start("mean_operation_size")),
                     value(at_end("mean_operation_size")));
    }
    operations.add_rule();
    operations_row(
        "all hosts", [&](auto figure) { return of_hosts(figure); },
        f.median_of([&](std::size_t r) { return f.global_at("mean_operation_size", r, 0); }),
        f.median_of([&](std::size_t r) { return f.global_at("mean_operation_size", r, -1); }));
    out += "\nOperations and money by host country (size: people per operation; revenue: bn USD)\n";
    out += operations.render(label_width);
  }

  const auto global_start = [&](std::string_view m) {
    return f.median_of([&](std::size_t r) { return f.global_at(m, r, 0); });
  };
  const auto global_end = [&](std::string_view m) {
    return f.median_of([&](std::size_t r) { return f.global_at(m, r, -1); });
  };
  const auto percent = [](double share) {
    return std::isnan(share) ? std::string("-") : fmt::format("{:.1f}%", share * 100);
  };
  out += "\nRegion\n";
  out += fmt::format("  {:<32} {:>14} {:>14}\n", "", "start", "end");
  out += fmt::format("  {:<32} {:>14} {:>14}\n", "people held", whole_number(global_start("workers_held")),
                     whole_number(global_end("workers_held")));
  out += fmt::format("  {:<32} {:>14} {:>14}\n", "operations", whole_number(global_start("operations_active")),
                     whole_number(global_end("operations_active")));
  out +=
      fmt::format("  {:<32} {:>14} {:>14}\n", "concentration of held (HHI)",
                  decimal(global_start("held_concentration_hhi"), 3), decimal(global_end("held_concentration_hhi"), 3));
  out += fmt::format("  {:<32} {:>14} {:>14}\n", "share held in small operations",
                     percent(global_start("share_held_in_small_operations")),
                     percent(global_end("share_held_in_small_operations")));
  // Cells under pressure show as a peak between the ends, not at either (issue 13): the highest share, and when.
  constexpr std::string_view small_share = "share_held_in_small_operations";
  const double peak = f.median_of([&](std::size_t r) { return f.global_highest(small_share, r).value; });
  if (!std::isnan(peak)) {
    std::string when = "each replicate's highest, median";
    if (f.replicates() == 1) {
      const auto days = static_cast<std::int64_t>(f.global_highest(small_share, 0).step) * meta.dt_days;
      when = "on " + meta.start_date.plus_days(static_cast<int>(days)).to_string();
    }
    out += fmt::format("  {:<32} {:>14}   {}\n", "  highest", percent(peak), when);
  }
  const double revenue_per_year =
      f.median_of([&](std::size_t r) { return f.global_total("revenue_usd", r); }) / 1e9 / years;
  out += fmt::format("  {:<32} {:>14}\n", "revenue (bn USD per year)", decimal(revenue_per_year, 2));
  if (meta.draws > 0) out += posterior_bands(results, f, hosts, years);
  return out;
}

}  // namespace scamsim::app
