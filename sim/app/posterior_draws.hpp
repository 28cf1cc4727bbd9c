#pragma once
// Scenarios over a posterior (`run --posterior`, `compare --posterior`; docs/CALIBRATION.md, "Scenarios over the
// posterior"): N draws from a posterior file's final population, in proportion to the weights, each the scenario
// with that particle's parameter values set. Internal to the app module.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/scenario/spec.hpp"

namespace scamsim::app {

/// The draws of a scenario over a posterior.
struct PosteriorDraws {
  std::string posterior_file;           ///< as given to --posterior
  std::vector<std::string> parameters;  ///< the calibrated parameters' key paths
  std::vector<bool> integer;            ///< whole-number parameters (their values rounded), parallel to parameters
  std::vector<double> values;           ///< [draw][parameter] flattened, as the runs take them
  std::vector<std::int64_t> particles;  ///< the particle of the final population each draw is
  std::vector<scenario::Scenario> scenarios;  ///< one per draw

  [[nodiscard]] std::size_t size() const { return scenarios.size(); }
  /// The --set overrides of draw d: its parameters' values (whole numbers rounded).
  [[nodiscard]] std::vector<std::string> overrides(std::size_t d) const;
};

/// `draws` draws of the scenario at `scenario_file` (with `overrides` applied first) from the posterior file at
/// `posterior_file`, resampled with the scenario's run.seed. Throws SetupError, naming the file or the flag, when
/// the posterior file is not one, is not finished, has no population, or calibrates a parameter the scenario does
/// not have or takes at a value it refuses; and when `draws` is below 1.
PosteriorDraws draw_from_posterior(const std::string& posterior_file, const std::string& scenario_file,
                                   const std::vector<std::string>& overrides, long long draws);

}  // namespace scamsim::app
