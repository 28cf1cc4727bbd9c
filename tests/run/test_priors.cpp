// Priors of calibrated parameters (sim/run/priors.hpp): draws follow each distribution, densities are
// normalised with their truncation, and impossible settings are named.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "sim/model/random.hpp"
#include "sim/run/priors.hpp"

using namespace scamsim;
using namespace scamsim::run;

namespace {

/// n draws of a prior, as values.
std::vector<double> sample(const Prior& p, std::uint32_t n) {
  std::vector<double> x;
  for (std::uint32_t i = 0; i < n; ++i) {
    model::Draws d(model::StreamKey{99, 0}, 0, i, model::Purpose::test);
    x.push_back(p.from_work(p.quantile_work(d.uniform())));
  }
  return x;
}

double mean_of(const std::vector<double>& x) {
  double s = 0;
  for (const double v : x) s += v;
  return s / static_cast<double>(x.size());
}

double sd_of(const std::vector<double>& x) {
  const double m = mean_of(x);
  double s = 0;
  for (const double v : x) s += (v - m) * (v - m);
  return std::sqrt(s / static_cast<double>(x.size() - 1));
}

/// The integral of exp(log_density_work) over the working-space bounds (midpoint rule).
double total_mass(const Prior& p) {
  const double low = p.to_work(p.min);
  const double high = p.to_work(p.max);
  const int steps = 200000;
  const double h = (high - low) / steps;
  double sum = 0;
  for (int i = 0; i < steps; ++i) sum += std::exp(p.log_density_work(low + (i + 0.5) * h)) * h;
  return sum;
}

}  // namespace

TEST_CASE("Draws of each prior have its mean and spread", "[abc][priors]") {
  const std::uint32_t n = 40000;
  // Standard errors of the mean are sd / 200 here; the bounds are 5 of them.
  SECTION("uniform on [2, 6]: mean 4, sd 4 / sqrt(12)") {
    const auto x = sample(Prior{PriorKind::uniform, 2, 6}, n);
    CHECK(mean_of(x) == Approx(4).margin(5 * 1.1547 / 200));
    CHECK(sd_of(x) == Approx(4 / std::sqrt(12.0)).epsilon(0.02));
    for (const double v : x) REQUIRE((v >= 2 && v <= 6));
  }
  SECTION("log_uniform on [1, 100]: the log is uniform on [0, ln 100]") {
    const auto x = sample(Prior{PriorKind::log_uniform, 1, 100}, n);
    std::vector<double> logs;
    for (const double v : x) logs.push_back(std::log(v));
    CHECK(mean_of(logs) == Approx(std::log(100.0) / 2).margin(5 * 1.33 / 200));
    CHECK(mean_of(x) == Approx(99 / std::log(100.0)).epsilon(0.03));  // (b - a) / ln(b / a)
  }
  SECTION("normal(0.5, 0.1) on [0, 1]: the truncation is 5 sd away, so mean 0.5, sd 0.1") {
    const auto x = sample(Prior{PriorKind::normal, 0, 1, 0.5, 0.1}, n);
    CHECK(mean_of(x) == Approx(0.5).margin(5 * 0.1 / 200));
    CHECK(sd_of(x) == Approx(0.1).epsilon(0.02));
  }
  SECTION("normal(0, 1) on [0, 10]: a half normal, mean sqrt(2 / pi)") {
    const auto x = sample(Prior{PriorKind::normal, 0, 10, 0, 1}, n);
    CHECK(mean_of(x) == Approx(std::sqrt(2 / M_PI)).margin(5 * 0.6 / 200));
    for (const double v : x) REQUIRE(v >= 0);
  }
  SECTION("log_normal(ln 50, 0.5) on [1, 1e4]: mean 50 exp(0.125)") {
    const auto x = sample(Prior{PriorKind::log_normal, 1, 1e4, std::log(50.0), 0.5}, n);
    CHECK(mean_of(x) == Approx(50 * std::exp(0.125)).epsilon(0.02));
  }
}

TEST_CASE("A prior's density integrates to one over its bounds, truncation included", "[abc][priors]") {
  for (const Prior& p : {Prior{PriorKind::uniform, -3, 5}, Prior{PriorKind::log_uniform, 0.01, 10},
                         Prior{PriorKind::normal, 0, 1, 0.2, 0.3}, Prior{PriorKind::log_normal, 0.5, 20, 1, 2}}) {
    INFO(p.describe());
    CHECK(total_mass(p) == Approx(1).epsilon(1e-4));
    CHECK(p.log_density_work(p.to_work(p.min) - 1e-9) == -std::numeric_limits<double>::infinity());
    CHECK(p.log_density_work(p.to_work(p.max) + 1e-9) == -std::numeric_limits<double>::infinity());
  }
}

TEST_CASE("Impossible priors are named", "[abc][priors]") {
  CHECK(Prior{PriorKind::uniform, 3, 3}.problem().value() == "min (3) must be below max (3)");
  CHECK(Prior{PriorKind::log_uniform, 0, 3}.problem().value().find("min above 0") != std::string::npos);
  CHECK(Prior{PriorKind::normal, 0, 1, 0.5, 0}.problem().value() == "sd must be above 0; got 0");
  CHECK(Prior{PriorKind::normal, 0, 1, 50, 1}.problem().value().find("almost none") != std::string::npos);
  CHECK_FALSE(Prior{PriorKind::normal, 0, 1, 0.5, 1}.problem().has_value());
  CHECK(prior_kind_named("log_normal") == PriorKind::log_normal);
  CHECK_FALSE(prior_kind_named("lognormal").has_value());
  CHECK(Prior{PriorKind::normal, 0, 1, 0.5, 0.1}.describe() == "normal(0.5, 0.1) on [0, 1]");
}
