#include "sim/run/abc_smc.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>
#include <Eigen/Cholesky>
#include <Eigen/Dense>

#include "sim/model/random.hpp"

namespace scamsim::run {

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

void check(const AbcSettings& s, std::span<const Prior> priors) {
  const auto fail = [](const std::string& why) { throw std::invalid_argument("ABC-SMC: " + why); };
  if (priors.empty()) fail("no parameter to calibrate");
  for (std::size_t j = 0; j < priors.size(); ++j) {
    if (const auto why = priors[j].problem()) fail(fmt::format("the prior of parameter {}: {}", j + 1, *why));
  }
  if (const auto problems = s.problems(priors.size()); !problems.empty()) {
    fail(fmt::format("{} {}", problems.front().first, problems.front().second));
  }
}

/// How a saved state's settings or priors differ from these (nullopt: the same where it matters).
std::optional<std::string> resume_difference(const AbcState& state, const AbcSettings& s,
                                             std::span<const Prior> priors) {
  const AbcSettings& was = state.settings;
  const auto differs = [](std::string_view name, auto then, auto now) -> std::optional<std::string> {
    if (then == now) return std::nullopt;
    return fmt::format("with {} = {} (now {})", name, then, now);
  };
  for (const auto& why :
       {differs("seed", was.seed, s.seed), differs("population", was.population, s.population),
        differs("quantile", was.quantile, s.quantile), differs("min_acceptance", was.min_acceptance, s.min_acceptance),
        differs("min_tolerance_drop", was.min_tolerance_drop, s.min_tolerance_drop),
        differs("target_tolerance", was.target_tolerance, s.target_tolerance),
        differs("kernel_scale", was.kernel_scale, s.kernel_scale),
        differs("max_proposals", was.max_proposals, s.max_proposals)}) {
    if (why) return why;
  }
  if (state.priors.size() != priors.size()) {
    return fmt::format("with {} parameters (now {})", state.priors.size(), priors.size());
  }
  for (std::size_t j = 0; j < priors.size(); ++j) {
    const Prior& a = state.priors[j];
    const Prior& b = priors[j];
    if (a.kind != b.kind || a.min != b.min || a.max != b.max || a.mean != b.mean || a.sd != b.sd) {
      return fmt::format("with the prior of parameter {} {} (now {})", j + 1, a.describe(), b.describe());
    }
  }
  return std::nullopt;
}

/// Proposals allowed in one generation before it is given up.
std::int64_t proposal_budget(const AbcSettings& s) {
  if (s.max_proposals > 0) return s.max_proposals;
  if (s.min_acceptance > 0) return static_cast<std::int64_t>(std::ceil(s.population / s.min_acceptance));
  return static_cast<std::int64_t>(s.population) * 1000;
}

/// A population in working space, with the kernel fitted to it.
struct Kernel {
  std::vector<Eigen::VectorXd> work;      ///< the particles in working space
  std::vector<Eigen::VectorXd> whitened;  ///< L^-1 times each: the kernel's distances become plain ones
  std::vector<double> cumulative;         ///< running sums of the weights, for picking a particle
  std::vector<double> log_weights;
  Eigen::MatrixXd lower;  ///< Cholesky factor of the kernel's covariance
  Eigen::LLT<Eigen::MatrixXd> llt;

  Kernel(const AbcGeneration& g, std::span<const Prior> priors, double scale) {
    const auto d = static_cast<Eigen::Index>(priors.size());
    Eigen::VectorXd mean = Eigen::VectorXd::Zero(d);
    for (std::size_t k = 0; k < g.particles.size(); ++k) {
      Eigen::VectorXd w(d);
      for (Eigen::Index j = 0; j < d; ++j) w(j) = priors[j].to_work(g.particles[k][j]);
      work.push_back(w);
      mean += g.weights[k] * w;
      cumulative.push_back((cumulative.empty() ? 0.0 : cumulative.back()) + g.weights[k]);
      log_weights.push_back(std::log(g.weights[k]));
    }
    Eigen::MatrixXd covariance = Eigen::MatrixXd::Zero(d, d);
    for (std::size_t k = 0; k < work.size(); ++k) {
      const Eigen::VectorXd centred = work[k] - mean;
      covariance += g.weights[k] * centred * centred.transpose();
    }
    covariance *= scale;
    // A population collapsed onto one value in some direction (a parameter the data pin exactly) would leave
    // the kernel singular: a floor of a millionth of the prior's width there keeps it moving.
    for (Eigen::Index j = 0; j < d; ++j) {
      const double width = priors[j].to_work(priors[j].max) - priors[j].to_work(priors[j].min);
      covariance(j, j) = std::max(covariance(j, j), 1e-12 * width * width);
    }
    llt.compute(covariance);
    if (llt.info() != Eigen::Success) {
      covariance = covariance.diagonal().asDiagonal();
      llt.compute(covariance);
    }
    lower = llt.matrixL();
    for (const Eigen::VectorXd& w : work) whitened.push_back(llt.matrixL().solve(w));
  }

  /// log sum_j w_j K(x | x_j), without the kernel's constant (the same for every particle, so it cancels when
  /// the weights are normalised).
  [[nodiscard]] double log_mixture(const Eigen::VectorXd& x) const {
    const Eigen::VectorXd zx = llt.matrixL().solve(x);
    std::vector<double> terms(work.size());
    double top = -infinity;
    for (std::size_t k = 0; k < work.size(); ++k) {
      terms[k] = log_weights[k] - 0.5 * (zx - whitened[k]).squaredNorm();
      top = std::max(top, terms[k]);
    }
    if (top == -infinity) return -infinity;
    double sum = 0;
    for (const double t : terms) sum += std::exp(t - top);  // in particle order: a fixed order of the sum
    return top + std::log(sum);
  }
};

/// Proposal number k of generation g, in working space (nullopt-like: empty when outside the prior's bounds).
Eigen::VectorXd propose(int g, std::int64_t k, const AbcSettings& s, std::span<const Prior> priors,
                        const Kernel* kernel) {
  const auto d = static_cast<Eigen::Index>(priors.size());
  const model::StreamKey key{s.seed, 0};
  const auto agent = static_cast<std::uint32_t>(k);
  const auto step = static_cast<std::uint32_t>(g);
  Eigen::VectorXd x(d);
  if (kernel == nullptr) {
    model::Draws draw(key, step, agent, model::Purpose::abc_prior);
    for (Eigen::Index j = 0; j < d; ++j) x(j) = priors[j].quantile_work(draw.uniform());
    return x;
  }
  model::Draws pick(key, step, agent, model::Purpose::abc_pick);
  const std::size_t from = pick.categorical(kernel->cumulative);
  model::Draws move(key, step, agent, model::Purpose::abc_perturb);
  Eigen::VectorXd z(d);
  for (Eigen::Index j = 0; j < d; ++j) z(j) = move.normal();
  return kernel->work[from] + kernel->lower * z;
}

std::vector<double> to_values(const Eigen::VectorXd& work, std::span<const Prior> priors) {
  std::vector<double> values(priors.size());
  for (std::size_t j = 0; j < priors.size(); ++j) values[j] = priors[j].from_work(work(static_cast<Eigen::Index>(j)));
  return values;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> AbcSettings::problems(std::size_t parameters) const {
  std::vector<std::pair<std::string, std::string>> found;
  const auto add = [&](std::string name, std::string why) { found.emplace_back(std::move(name), std::move(why)); };
  if (population < static_cast<int>(parameters) + 2) {
    add("population", fmt::format("of {} cannot give the covariance of {} parameters (at least {})", population,
                                  parameters, parameters + 2));
  }
  if (max_generations < 1) add("max_generations", "must be at least 1");
  if (!(quantile > 0 && quantile < 1)) add("quantile", fmt::format("must be in (0, 1); got {:g}", quantile));
  if (!(min_acceptance >= 0 && min_acceptance < 1)) add("min_acceptance", "must be in [0, 1)");
  if (!(min_tolerance_drop >= 0 && min_tolerance_drop < 1)) add("min_tolerance_drop", "must be in [0, 1)");
  if (!(target_tolerance >= 0)) add("target_tolerance", "must be 0 or more");
  if (batch < 1) add("batch", "must be at least 1");
  if (!(kernel_scale > 0)) add("kernel_scale", "must be above 0");
  if (max_proposals < 0) add("max_proposals", "must be 0 (automatic) or more");
  return found;
}

double AbcGeneration::ess() const {
  double squares = 0;
  for (const double w : weights) squares += w * w;
  return squares > 0 ? 1 / squares : 0;
}

std::string_view abc_stop_text(AbcStop stop) {
  switch (stop) {
    case AbcStop::running:
      return "running";
    case AbcStop::max_generations:
      return "the last generation allowed (max_generations)";
    case AbcStop::tolerance_reached:
      return "the tolerance reached target_tolerance";
    case AbcStop::tolerance_flat:
      return "the tolerance fell by less than min_tolerance_drop";
    case AbcStop::acceptance_low:
      return "fewer proposals accepted than min_acceptance";
  }
  return "running";
}

AbcState run_abc_smc(const AbcSettings& settings, std::span<const Prior> priors, const AbcSimulate& simulate,
                     const AbcAfterGeneration& after_generation, AbcState state) {
  check(settings, priors);
  if (!state.generations.empty()) {
    if (const auto why = resume_difference(state, settings, priors)) {
      throw std::invalid_argument("ABC-SMC: cannot resume a calibration made " + *why);
    }
    // A run that stopped at its last generation allowed goes on when more are allowed now.
    if (state.stop == AbcStop::max_generations &&
        static_cast<int>(state.generations.size()) < settings.max_generations) {
      state.stop = AbcStop::running;
    }
  }
  state.settings = settings;
  state.priors.assign(priors.begin(), priors.end());
  const std::int64_t budget = proposal_budget(settings);
  const auto n = static_cast<std::size_t>(settings.population);
  while (state.stop == AbcStop::running) {
    const int g = static_cast<int>(state.generations.size());
    if (g >= settings.max_generations) {
      state.stop = AbcStop::max_generations;
      if (after_generation) after_generation(state);
      break;
    }
    AbcGeneration next;
    std::unique_ptr<Kernel> kernel;
    if (g == 0) {
      next.tolerance = infinity;
    } else {
      const AbcGeneration& last = state.generations.back();
      const std::vector<double> equal(last.distances.size(), 1.0);
      next.tolerance = weighted_quantile(last.distances, equal, settings.quantile);
      kernel = std::make_unique<Kernel>(last, priors, settings.kernel_scale);
    }

    std::vector<Eigen::VectorXd> accepted_work;
    std::int64_t k = 0;
    while (next.particles.size() < n && k < budget) {
      // A batch of proposals, numbered; those outside the prior's bounds are counted and not simulated.
      std::vector<AbcProposal> batch;
      std::vector<Eigen::VectorXd> batch_work;
      std::vector<std::int64_t> numbers;
      const std::int64_t end = std::min(budget, k + settings.batch);
      for (; k < end; ++k) {
        Eigen::VectorXd x = propose(g, k, settings, priors, kernel.get());
        const std::vector<double> xs(x.data(), x.data() + x.size());
        if (log_density_work(priors, xs) == -infinity) continue;
        batch.push_back(AbcProposal{g, k, to_values(x, priors)});
        batch_work.push_back(std::move(x));
        numbers.push_back(k);
      }
      const AbcBatchResult made = batch.empty() ? AbcBatchResult{} : simulate(batch);
      const std::vector<double>& distances = made.distances;
      if (distances.size() != batch.size() || (!made.statistics.empty() && made.statistics.size() != batch.size())) {
        throw std::logic_error("ABC-SMC: the simulator returned a different number of results than proposals");
      }
      for (std::size_t b = 0; b < batch.size() && next.particles.size() < n; ++b) {
        ++next.simulated;
        next.proposals = numbers[b] + 1;
        const double distance = distances[b];
        if (!std::isfinite(distance) || distance > next.tolerance) continue;
        next.particles.push_back(std::move(batch[b].values));
        next.distances.push_back(distance);
        next.statistics.push_back(made.statistics.empty() ? std::vector<double>{} : made.statistics[b]);
        accepted_work.push_back(std::move(batch_work[b]));
      }
      if (next.particles.size() < n) next.proposals = k;
    }
    if (next.particles.size() < n) {
      // The budget ran out before the population was full: the last full generation stands.
      state.stop = AbcStop::acceptance_low;
      if (after_generation) after_generation(state);
      break;
    }

    // Importance weights: the prior's density over the density of proposing the particle from the last
    // population (Beaumont et al. 2009), in log space; uniform for draws from the prior.
    std::vector<double> log_w(n, 0.0);
    if (kernel) {
      for (std::size_t i = 0; i < n; ++i) {
        const std::vector<double> xs(accepted_work[i].data(), accepted_work[i].data() + accepted_work[i].size());
        log_w[i] = log_density_work(priors, xs) - kernel->log_mixture(accepted_work[i]);
      }
    }
    const double top = *std::max_element(log_w.begin(), log_w.end());
    double total = 0;
    next.weights.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      next.weights[i] = std::exp(log_w[i] - top);
      total += next.weights[i];
    }
    for (double& w : next.weights) w /= total;

    state.generations.push_back(std::move(next));
    const AbcGeneration& done = state.generations.back();
    if (g > 0 && done.acceptance() < settings.min_acceptance) {
      state.stop = AbcStop::acceptance_low;
    } else if (settings.target_tolerance > 0 && done.tolerance <= settings.target_tolerance) {
      state.stop = AbcStop::tolerance_reached;
    } else if (g > 1 && done.tolerance > state.generations[static_cast<std::size_t>(g) - 1].tolerance *
                                             (1 - settings.min_tolerance_drop)) {
      state.stop = AbcStop::tolerance_flat;
    } else if (g + 1 >= settings.max_generations) {
      state.stop = AbcStop::max_generations;
    }
    if (after_generation) after_generation(state);
  }
  return state;
}

double weighted_quantile(std::span<const double> values, std::span<const double> weights, double q) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return values[a] != values[b] ? values[a] < values[b] : a < b; });
  double total = 0;
  for (const double w : weights) total += w;
  double cumulative = 0;
  for (const std::size_t i : order) {
    cumulative += weights[i];
    if (cumulative >= q * total) return values[i];
  }
  return values[order.back()];
}

std::vector<std::size_t> resample(std::span<const double> weights, std::size_t n, std::uint64_t seed) {
  std::vector<std::size_t> picked;
  if (weights.empty() || n == 0) return picked;
  double total = 0;
  for (const double w : weights) total += w;
  model::Draws draw(model::StreamKey{seed, 0}, 0, 0, model::Purpose::posterior_draw);
  const double offset = draw.uniform();
  double cumulative = 0;
  std::size_t k = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double point = (offset + static_cast<double>(i)) / static_cast<double>(n) * total;
    while (k + 1 < weights.size() && cumulative + weights[k] <= point) cumulative += weights[k++];
    picked.push_back(k);
  }
  return picked;
}

PosteriorSummary summarise(const AbcGeneration& generation, std::size_t parameter) {
  std::vector<double> values;
  for (const auto& particle : generation.particles) values.push_back(particle[parameter]);
  PosteriorSummary s;
  for (std::size_t i = 0; i < values.size(); ++i) s.mean += generation.weights[i] * values[i];
  double variance = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    variance += generation.weights[i] * (values[i] - s.mean) * (values[i] - s.mean);
  }
  s.sd = std::sqrt(variance);
  s.median = weighted_quantile(values, generation.weights, 0.5);
  s.low = weighted_quantile(values, generation.weights, 0.05);
  s.high = weighted_quantile(values, generation.weights, 0.95);
  return s;
}

}  // namespace scamsim::run
