#include "sim/run/priors.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <boost/math/distributions/normal.hpp>

namespace scamsim::run {

namespace {

constexpr double minus_infinity = -std::numeric_limits<double>::infinity();

/// The working-space bounds: the log of min and max for the log kinds.
struct Bounds {
  double low;
  double high;
};

Bounds work_bounds(const Prior& p) { return {p.to_work(p.min), p.to_work(p.max)}; }

/// The standard normal's distribution function at the truncation points, in units of sd from the mean.
struct Truncation {
  double cdf_low;
  double cdf_high;
};

Truncation truncation(const Prior& p) {
  const boost::math::normal_distribution<double> standard(0.0, 1.0);
  const Bounds b = work_bounds(p);
  return {boost::math::cdf(standard, (b.low - p.mean) / p.sd), boost::math::cdf(standard, (b.high - p.mean) / p.sd)};
}

}  // namespace

std::optional<PriorKind> prior_kind_named(std::string_view name) {
  for (const PriorKind k : {PriorKind::uniform, PriorKind::log_uniform, PriorKind::normal, PriorKind::log_normal}) {
    if (prior_kind_name(k) == name) return k;
  }
  return std::nullopt;
}

std::string_view prior_kind_name(PriorKind kind) {
  switch (kind) {
    case PriorKind::uniform:
      return "uniform";
    case PriorKind::log_uniform:
      return "log_uniform";
    case PriorKind::normal:
      return "normal";
    case PriorKind::log_normal:
      return "log_normal";
  }
  return "uniform";
}

std::optional<std::string> Prior::problem() const {
  if (!std::isfinite(min) || !std::isfinite(max)) return "the bounds must be finite numbers";
  if (!(min < max)) return fmt::format("min ({:g}) must be below max ({:g})", min, max);
  if (logarithmic() && min <= 0) {
    return fmt::format("a {} prior needs min above 0 (it works on the log of the value); got {:g}",
                       prior_kind_name(kind), min);
  }
  if (kind == PriorKind::normal || kind == PriorKind::log_normal) {
    if (!std::isfinite(mean)) return "the mean must be a finite number";
    if (!(sd > 0) || !std::isfinite(sd)) return fmt::format("sd must be above 0; got {:g}", sd);
    const Truncation t = truncation(*this);
    if (t.cdf_high - t.cdf_low < 1e-6) {
      return fmt::format("[{:g}, {:g}] holds almost none of the {} distribution's mass (mean {:g}, sd {:g}{})", min,
                         max, prior_kind_name(kind), mean, sd, kind == PriorKind::log_normal ? ", of the log" : "");
    }
  }
  return std::nullopt;
}

std::string Prior::describe() const {
  switch (kind) {
    case PriorKind::uniform:
    case PriorKind::log_uniform:
      return fmt::format("{} on [{:g}, {:g}]", prior_kind_name(kind), min, max);
    case PriorKind::normal:
    case PriorKind::log_normal:
      return fmt::format("{}({:g}, {:g}) on [{:g}, {:g}]", prior_kind_name(kind), mean, sd, min, max);
  }
  return {};
}

double Prior::to_work(double value) const { return logarithmic() ? std::log(value) : value; }

double Prior::from_work(double work) const { return logarithmic() ? std::exp(work) : work; }

double Prior::quantile_work(double u) const {
  const Bounds b = work_bounds(*this);
  if (kind == PriorKind::uniform || kind == PriorKind::log_uniform) return b.low + u * (b.high - b.low);
  const boost::math::normal_distribution<double> standard(0.0, 1.0);
  const Truncation t = truncation(*this);
  const double p = t.cdf_low + u * (t.cdf_high - t.cdf_low);
  const double z = boost::math::quantile(standard, std::clamp(p, 1e-300, 1 - 1e-16));
  return std::clamp(mean + sd * z, b.low, b.high);
}

double Prior::log_density_work(double work) const {
  const Bounds b = work_bounds(*this);
  if (!(work >= b.low && work <= b.high)) return minus_infinity;
  if (kind == PriorKind::uniform || kind == PriorKind::log_uniform) return -std::log(b.high - b.low);
  const Truncation t = truncation(*this);
  const double z = (work - mean) / sd;
  return -0.5 * z * z - std::log(sd) - 0.5 * std::log(2 * M_PI) - std::log(t.cdf_high - t.cdf_low);
}

double log_density_work(std::span<const Prior> priors, std::span<const double> work) {
  double total = 0;
  for (std::size_t j = 0; j < priors.size(); ++j) {
    const double d = priors[j].log_density_work(work[j]);
    if (d == minus_infinity) return minus_infinity;
    total += d;
  }
  return total;
}

}  // namespace scamsim::run
