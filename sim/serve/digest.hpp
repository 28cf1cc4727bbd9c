#pragma once
// What the explorer's page shows of a run, reduced from each replicate's record as it finishes (so that a run's
// records never all sit in memory): a few series at about 300 sample dates, the summary table of
// `scamsim summary` per host country, and the headline outcomes of a paired comparison; then written as the
// JSON the page draws. Internal to the serve module.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/model/metrics.hpp"
#include "sim/run/outcomes.hpp"
#include "sim/scenario/spec.hpp"

namespace scamsim::serve {

/// One side's replicates (the changed scenario, or the unchanged one), reduced.
class RunDigest {
 public:
  /// For runs of `s`, evaluating `outcomes` on each replicate.
  RunDigest(const scenario::Scenario& s, std::vector<run::OutcomeSpec> outcomes);
  /// Reduces one replicate's record.
  void add(const model::RunRecord& record);

  /// The sample steps: every k-th step and the last.
  [[nodiscard]] const std::vector<std::int64_t>& samples() const { return samples_; }
  /// [replicate][outcome] of the outcomes given.
  [[nodiscard]] const std::vector<std::vector<double>>& outcome_values() const { return outcome_values_; }
  /// The series and table as a JSON object.
  [[nodiscard]] std::string json() const;

  /// Named series kept per replicate: [replicate][sample * width + column].
  struct Series {
    std::string name;
    std::string units;
    bool per_country = true;
    std::vector<std::vector<double>> values;
  };

 private:
  const scenario::Scenario& scenario_;
  std::vector<run::OutcomeSpec> outcomes_;
  std::vector<std::int64_t> samples_;
  std::vector<Series> series_;
  /// [replicate][country * table_columns + column] of the summary table.
  std::vector<std::vector<double>> table_;
  std::vector<std::vector<double>> outcome_values_;
};

/// The JSON of a finished run for the page: scenario, countries, dates, the changed side's digest, the unchanged
/// side's (when there are changes) and the paired differences of the headline outcomes.
std::string results_json(const scenario::Scenario& policy, const RunDigest& changed, const RunDigest* unchanged,
                         const std::vector<run::OutcomeSpec>& outcomes, const std::string& command,
                         const std::vector<std::string>& csv_tables);

}  // namespace scamsim::serve
