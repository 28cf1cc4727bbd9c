#include "sim/app/posterior_summary.hpp"

#include <cmath>
#include <vector>

#include <fmt/format.h>

namespace scamsim::app {

namespace {

/// A prior's quantile q, as a value.
double prior_quantile(const run::Prior& prior, double q) { return prior.from_work(prior.quantile_work(q)); }

}  // namespace

std::string summarize_posterior(const io::Posterior& p) {
  const run::AbcState& state = p.state;
  std::string out;
  out += fmt::format("Posterior of {} by ABC-SMC (calibration file {}), {} replicate{} per proposal at scale {:g}\n",
                     p.scenario_name, p.calibration_file, p.replicates, p.replicates == 1 ? "" : "s", p.scale);
  out += fmt::format("{}: {}\n\n", p.complete() ? "stopped" : "not finished (resume it with --resume)",
                     run::abc_stop_text(state.stop));
  out += fmt::format("{:>10} {:>12} {:>10} {:>10} {:>11} {:>8}\n", "generation", "tolerance", "particles", "proposals",
                     "acceptance", "ESS");
  for (std::size_t g = 0; g < state.generations.size(); ++g) {
    const auto& gen = state.generations[g];
    out += fmt::format("{:>10} {:>12.4g} {:>10} {:>10} {:>10.1f}% {:>8.1f}\n", g, gen.tolerance, gen.particles.size(),
                       gen.proposals, 100 * gen.acceptance(), gen.ess());
  }
  if (state.generations.empty()) return out + "\nno generation finished yet\n";
  const run::AbcGeneration& last = p.final_population();

  // The parameters: posterior beside prior; "narrowed" is the 90% interval's width over the prior's, in the
  // prior's working space (relative for the log kinds): near 1, the record says little about the parameter.
  out += fmt::format("\n{:<52} {:>11} {:>25} {:>25} {:>9}\n", "parameter", "median", "90% credible interval",
                     "prior's 90% interval", "narrowed");
  for (std::size_t j = 0; j < p.parameter_keys.size(); ++j) {
    const run::PosteriorSummary s = run::summarise(last, j);
    const run::Prior& prior = state.priors[j];
    const double lo = prior_quantile(prior, 0.05);
    const double hi = prior_quantile(prior, 0.95);
    const double width = prior.to_work(s.high) - prior.to_work(s.low);
    const double prior_width = prior.to_work(hi) - prior.to_work(lo);
    out += fmt::format("{:<52} {:>11.4g} {:>12.4g} to {:<9.4g} {:>12.4g} to {:<9.4g} {:>8.0f}%\n", p.parameter_keys[j],
                       s.median, s.low, s.high, lo, hi, prior_width > 0 ? 100 * width / prior_width : 0.0);
    out += fmt::format("  prior: {}\n", prior.describe());
  }

  // The targets: the population's simulated figure, and the share of its weight within tolerance (|z| <= 1).
  out += fmt::format("\n{:<52} {:>22} {:>11} {:>25} {:>10}\n", "target", "figure", "median", "90% of the posterior",
                     "within tol");
  for (std::size_t t = 0; t < p.targets.size(); ++t) {
    std::vector<double> values;
    double within = 0;
    for (std::size_t k = 0; k < last.particles.size(); ++k) {
      const double v = t < last.statistics[k].size() ? last.statistics[k][t] : NAN;
      values.push_back(v);
      if (std::abs(p.targets[t].z(v)) <= 1) within += last.weights[k];
    }
    const double median = run::weighted_quantile(values, last.weights, 0.5);
    const double lo = run::weighted_quantile(values, last.weights, 0.05);
    const double hi = run::weighted_quantile(values, last.weights, 0.95);
    out += fmt::format("{:<52} {:>22} {:>11.4g} {:>12.4g} to {:<9.4g} {:>9.0f}%\n", p.targets[t].name.substr(0, 52),
                       p.targets[t].figure, median, lo, hi, 100 * within);
  }
  out += fmt::format("\nfinal population: generation {}, {} particles, ESS {:.1f}, tolerance {:.4g}\n",
                     state.generations.size() - 1, last.particles.size(), last.ess(), last.tolerance);
  return out;
}

}  // namespace scamsim::app
