#include "sim/app/compare_summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string_view>

#include "sim/app/scale_note.hpp"
#include "sim/core/text.hpp"
#include "sim/scenario/describe.hpp"

namespace scamsim::app {

namespace {

constexpr std::size_t max_name_width = 32;
constexpr std::size_t number_width = 11;
constexpr std::size_t interval_width = 24;
constexpr std::size_t page_width = 118;

// At most 11 characters: billions and millions with a suffix (four significant digits), other large or whole numbers
// with digit groups, the rest with four significant digits; "-" when unknown.
std::string figure(double v) {
  if (std::isnan(v)) return "-";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  const double m = std::abs(v);
  if (m >= 1e9) return fmt::format("{:.4g} bn", v / 1e9);
  if (m >= 1e6) return fmt::format("{:.4g} M", v / 1e6);
  if (m >= 1000 || (v == std::floor(v))) return scenario::group_digits(std::llround(v));
  return fmt::format("{:.4g}", v);
}

std::string bracket(double low, double high) {
  if (std::isnan(low) || std::isnan(high)) return "-";
  return fmt::format("[{}, {}]", figure(low), figure(high));
}

std::string share(double v) { return std::isnan(v) ? std::string("-") : fmt::format("{:.0f}%", 100 * v); }

// A comparison over a posterior: B - A in each plausible world (the mean over its pairs), by sign and range.
std::string worlds_table(const io::CompareResults& r, std::size_t name_width) {
  std::string out = fmt::format(
      "\n  Over {} plausible worlds drawn from the posterior {} ({} pairs each): each world's B - A is the mean over "
      "its pairs;\n  the shares of worlds where it is above and below 0, and its median and 90% interval over the "
      "worlds\n",
      r.draws, r.posterior_file, r.pairs_per_draw);
  const auto table = [&](const std::vector<run::WorldStatistics>& stats, const std::string& title) {
    const std::string header =
        fmt::format("  {:<{}} {:>{}} {:>{}} {:>{}} {:>{}}", title, name_width, "B > A", number_width, "B < A",
                    number_width, "median", number_width, "90% of worlds", interval_width);
    out += "\n" + header + "\n  " + std::string(header.size() - 2, '-') + "\n";
    for (std::size_t o = 0; o < stats.size(); ++o) {
      if (&stats == &r.worlds_per_million && r.outcomes[o] == r.per_million) continue;  // a million per million
      const run::WorldStatistics& w = stats[o];
      out += fmt::format("  {:<{}} {:>{}} {:>{}} {:>{}} {:>{}}\n", cut(r.outcomes[o], name_width), name_width,
                         share(w.share_above), number_width, share(w.share_below), number_width, figure(w.median),
                         number_width, bracket(w.low, w.high), interval_width);
    }
  };
  table(r.worlds, "B - A, over worlds");
  if (!r.worlds_per_million.empty()) {
    table(r.worlds_per_million, "per million USD");
    out += fmt::format(
        "  (per million USD: each world's B - A over its B - A in {} in millions; a negative\n  count "
        "per million is what each million of B's extra spending averted)\n",
        r.per_million);
  }
  return out;
}

}  // namespace

std::string summarize_compare(const io::CompareResults& r) {
  std::size_t name_width = std::string_view("outcome").size();
  for (const std::string& n : r.outcomes) name_width = std::max(name_width, std::min(n.size(), max_name_width));
  const double percent = r.confidence * 100;
  const std::int64_t days = r.steps * r.dt_days;

  std::string out = fmt::format("scamsim compare: {} (A) vs {} (B)\n", r.name_a, r.name_b);
  out += fmt::format("  A        {}\n  B        {}\n", r.file_a, r.file_b);
  out += fmt::format("  run      {} to {}, {} steps of {} day{}, seed {}, {} pair{} on common random numbers\n",
                     r.start_date.to_string(), r.start_date.plus_days(static_cast<int>(days)).to_string(), r.steps,
                     r.dt_days, r.dt_days == 1 ? "" : "s", r.seed, r.pairs, r.pairs == 1 ? "" : "s");
  if (!r.created_utc.empty()) {
    out += fmt::format("  written  {} by scamsim {} (commit {})\n", r.created_utc, r.scamsim_version, r.git_commit);
  }
  if (r.scale_a == r.scale_b) {
    out += scale_note(r.scale_a, "outcomes below are scaled up to the full region");
  } else {
    out += fmt::format("  scale    A at run.scale = {:g}, B at run.scale = {:g}{}\n", r.scale_a, r.scale_b,
                       std::min(r.scale_a, r.scale_b) < 1 ? ": a preview; findings come from 1:1 runs" : "");
  }
  out += fmt::format(
      "  columns  means over the pairs (at scale 1); B - A: the mean difference; {:g}% CI paired: Student-t over "
      "the\n           pairs' differences; unpaired: Welch's, as independent seeds would give\n",
      percent);

  const std::string paired_head = fmt::format("{:g}% CI paired", percent);
  const std::string header = fmt::format("  {:<{}} {:>{}} {:>{}} {:>{}} {:>{}} {:>{}}", "outcome", name_width, "A mean",
                                         number_width, "B mean", number_width, "B - A", number_width, paired_head,
                                         interval_width, "unpaired", interval_width);
  out += "\n" + header + "\n  " + std::string(header.size() - 2, '-') + "\n";
  for (std::size_t o = 0; o < r.outcomes.size(); ++o) {
    const run::PairedStatistics& s = r.statistics[o];
    out += fmt::format("  {:<{}} {:>{}} {:>{}} {:>{}} {:>{}} {:>{}}\n", cut(r.outcomes[o], name_width), name_width,
                       figure(s.mean_a), number_width, figure(s.mean_b), number_width, figure(s.mean_difference),
                       number_width, bracket(s.ci_low, s.ci_high), interval_width,
                       bracket(s.unpaired_low, s.unpaired_high), interval_width);
  }
  if (r.draws > 0) out += worlds_table(r, name_width);
  bool dropped = false;
  for (const run::PairedStatistics& s : r.statistics) dropped = dropped || s.pairs != r.pairs;
  if (dropped) {
    out +=
        "  (some outcomes used fewer pairs: a pair with a NaN side, a share of nothing, is left out; see "
        "/summary/pairs)\n";
  }

  // One line per outcome; the full definitions are in the file (each /outcomes/<name>'s definition).
  std::size_t units_width = std::string_view("units").size();
  for (const std::string& u : r.outcome_units) units_width = std::max(units_width, u.size());
  out += fmt::format("\n  {:<{}} {:<{}} {}\n", "outcome", name_width, "units", units_width, "meaning");
  for (std::size_t o = 0; o < r.outcomes.size(); ++o) {
    const std::string line =
        fmt::format("{:<{}} {:<{}} ", cut(r.outcomes[o], name_width), name_width, r.outcome_units[o], units_width);
    const std::string wrapped = wrap(r.outcome_descriptions[o], 2 + line.size(), page_width);
    out += "  " + line + (wrapped.empty() ? "\n" : wrapped.substr(2 + line.size()));
  }
  return out;
}

}  // namespace scamsim::app
