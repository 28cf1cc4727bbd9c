#include "sim/app/posterior_draws.hpp"

#include <cmath>

#include <fmt/format.h>

#include "sim/core/error.hpp"
#include "sim/io/posterior_file.hpp"
#include "sim/run/abc_smc.hpp"
#include "sim/run/calibration.hpp"
#include "sim/scenario/loader.hpp"

namespace scamsim::app {

std::vector<std::string> PosteriorDraws::overrides(std::size_t d) const {
  std::vector<std::string> out;
  const std::size_t P = parameters.size();
  for (std::size_t j = 0; j < P; ++j)
    out.push_back(run::parameter_override(parameters[j], values[d * P + j], integer[j]));
  return out;
}

PosteriorDraws draw_from_posterior(const std::string& posterior_file, const std::string& scenario_file,
                                   const std::vector<std::string>& overrides, long long draws) {
  if (draws < 1) throw SetupError(fmt::format("--draws: {} draws; give at least 1", draws));
  const io::Posterior posterior = io::read_posterior(posterior_file);
  if (posterior.state.generations.empty()) {
    throw SetupError(
        fmt::format("--posterior: '{}' has no finished generation: resume its calibration "
                    "(scamsim calibrate ... --method abc-smc --resume)",
                    posterior_file));
  }
  if (!posterior.complete()) {
    throw SetupError(
        fmt::format("--posterior: the calibration of '{}' has not finished ({} generations so far): "
                    "resume it (scamsim calibrate {} --method abc-smc -o {} --resume) before running "
                    "scenarios over it",
                    posterior_file, posterior.state.generations.size(), posterior.calibration_file, posterior_file));
  }
  const run::AbcGeneration& population = posterior.final_population();
  const scenario::Scenario base = scenario::load_scenario(scenario_file, overrides);

  PosteriorDraws out;
  out.posterior_file = posterior_file;
  out.parameters = posterior.parameter_keys;
  out.integer = posterior.parameter_integer;
  const auto picked =
      run::resample(population.weights, static_cast<std::size_t>(draws), static_cast<std::uint64_t>(base.run.seed));
  for (const std::size_t k : picked) {
    out.particles.push_back(static_cast<std::int64_t>(k));
    for (std::size_t j = 0; j < out.parameters.size(); ++j) {
      const double v = population.particles[k][j];
      out.values.push_back(posterior.parameter_integer[j] ? std::round(v) : v);
    }
  }
  for (std::size_t d = 0; d < picked.size(); ++d) {
    std::vector<std::string> with = overrides;
    const std::vector<std::string> drawn = out.overrides(d);
    with.insert(with.end(), drawn.begin(), drawn.end());
    try {
      out.scenarios.push_back(scenario::load_scenario(scenario_file, with));
    } catch (const SetupError& e) {
      throw SetupError(fmt::format(
          "--posterior: '{}' calibrates {}, which '{}' cannot take at draw {}'s values "
          "(a posterior is for the scenario it was calibrated on, {}, and those that share "
          "its parameters):\n{}",
          posterior_file, fmt::join(out.parameters, ", "), scenario_file, d, posterior.scenario_name, e.what()));
    }
  }
  return out;
}

}  // namespace scamsim::app
