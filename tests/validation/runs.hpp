#pragma once
// What the validation tests share: a scenario's replicates (Runs), one-sided
// 99% Student-t bounds across replicates, and the 1:1 overrides. The rules
// (directions on the bound, figures on the mean, paired replicates): the
// head of test_patterns.cpp and docs/MODEL.md section 7.8.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include "sim/core/date.hpp"
#include "sim/run/runner.hpp"
#include "sim/scenario/loader.hpp"

namespace scamsim::validation {

using model::CountryMetric;

/// The folder whose scenarios/ the patterns run: the source tree, or the folder SCAMSIM_VALIDATION_ROOT names.
/// The variable is for model trials (scripts/trial/make puts a trial stack in place of the baseline in a copy
/// of scenarios/), so that a trial runs the suite without a build of its own; the suite names the folder when
/// it is not the source tree's.
inline std::filesystem::path validation_root() {
  const char* root = std::getenv("SCAMSIM_VALIDATION_ROOT");
  if (root == nullptr || *root == '\0') return std::filesystem::path(SCAMSIM_SOURCE_DIR);
  WARN("validation runs the scenarios of " << root << " (SCAMSIM_VALIDATION_ROOT), not of the source tree");
  return std::filesystem::path(root);
}

/// One scenario's replicates, with the helpers the patterns need.
struct Runs {
  scenario::Scenario scenario;
  std::vector<model::RunRecord> records;

  std::int64_t step_of(const std::string& date) const {
    return Date::parse(date).value().days_after(scenario.run.start_date) / scenario.run.dt_days;
  }
  std::int64_t country(const std::string& id) const {
    for (std::size_t c = 0; c < scenario.countries.size(); ++c) {
      if (scenario.countries[c].id == id) return static_cast<std::int64_t>(c);
    }
    FAIL("no country " << id);
    return -1;
  }
  /// The metric summed over the listed countries (all if empty) at one step, at full scale for counts.
  double value(std::size_t r, CountryMetric m, std::int64_t step,
               const std::vector<std::int64_t>& countries = {}) const {
    const auto& rec = records[r];
    double sum = 0;
    if (countries.empty()) {
      for (std::int64_t c = 0; c < rec.countries; ++c) sum += rec.at(m, step, c);
    } else {
      for (const auto c : countries) sum += rec.at(m, step, c);
    }
    return sum;
  }
  /// The sum of a flow over [from, to), summed over countries.
  double total(std::size_t r, CountryMetric m, std::int64_t from, std::int64_t to,
               const std::vector<std::int64_t>& countries = {}) const {
    double sum = 0;
    for (std::int64_t t = from; t < to; ++t) sum += value(r, m, t, countries);
    return sum;
  }
  double mean(std::size_t r, CountryMetric m, std::int64_t from, std::int64_t to,
              const std::vector<std::int64_t>& countries = {}) const {
    return total(r, m, from, to, countries) / static_cast<double>(to - from);
  }
  std::size_t replicates() const { return records.size(); }
};

inline Runs run_scenario(const std::string& scenario, std::vector<std::string> overrides) {
  Runs runs{scenario::load_scenario(validation_root() / scenario, overrides), {}};
  runs.records = run::run_replicates(runs.scenario, run::RunOptions{}).replicates;
  return runs;
}

/// One-sided 99% Student-t quantile for n - 1 degrees of freedom (n = 2..12).
inline double t99(std::size_t n) {
  static const double table[] = {31.821, 6.965, 4.541, 3.747, 3.365, 3.143, 2.998, 2.896, 2.821, 2.764, 2.718};
  return table[std::clamp<std::size_t>(n, 2, 12) - 2];
}

struct Bounds {
  double mean = 0, low = 0, high = 0;
};

/// Mean and one-sided 99% bounds of the mean across replicates.
inline Bounds bounds(const std::vector<double>& x) {
  const auto n = static_cast<double>(x.size());
  const double m = std::accumulate(x.begin(), x.end(), 0.0) / n;
  double ss = 0;
  for (const double v : x) ss += (v - m) * (v - m);
  const double se = std::sqrt(ss / (n - 1) / n);
  return {m, m - t99(x.size()) * se, m + t99(x.size()) * se};
}

template <typename F>
std::vector<double> per_replicate(std::size_t n, F f) {
  std::vector<double> out(n);
  for (std::size_t r = 0; r < n; ++r) out[r] = f(r);
  return out;
}

// Findings come from 1:1 (issue 13): a smaller world's shares and sizes
// differ measurably (docs/MODEL.md section 8), and a five-year 1:1 run takes
// about a second and a half.
inline const std::vector<std::string> one_to_one = {"run.scale=1", "run.replicates=5"};

inline std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

/// A shipped scenario's 1:1 replicates, run once per test program and shared by the cases that read them
/// (Catch runs each case once; a 1:1 run is not cheap).
inline const Runs& shared_runs(const std::string& scenario) {
  static std::map<std::string, Runs> runs;
  auto found = runs.find(scenario);
  if (found == runs.end()) found = runs.emplace(scenario, run_scenario(scenario, one_to_one)).first;
  return found->second;
}

/// Events of one kind in replicate r's log, in one country (-1: any), in steps [from, to).
inline double count_events(const Runs& x, std::size_t r, model::EventKind kind, std::int64_t country, std::int64_t from,
                           std::int64_t to) {
  double n = 0;
  for (const auto& e : x.records[r].events) {
    if (e.kind == static_cast<std::uint8_t>(kind) && (country < 0 || e.country == country) && e.step >= from &&
        e.step < to) {
      n += 1;
    }
  }
  return n;
}

}  // namespace scamsim::validation
