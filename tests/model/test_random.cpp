#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "sim/model/random.hpp"

using namespace scamsim::model;

namespace {
constexpr StreamKey key{20250101, 0};
}

TEST_CASE("Philox4x32-10 matches Random123's known-answer vectors", "[unit][random]") {
  CHECK(philox4x32_10({0, 0, 0, 0}, {0, 0}) == Block{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8});
  CHECK(philox4x32_10({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}) ==
        Block{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd});
  CHECK(philox4x32_10({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}) ==
        Block{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1});
}

TEST_CASE("Draws are a pure function of key, step, agent and purpose", "[unit][random][determinism]") {
  Draws a(key, 7, 42, Purpose::escape);
  Draws b(key, 7, 42, Purpose::escape);
  for (int i = 0; i < 10; ++i) CHECK(a.uniform() == b.uniform());
  // Any change of coordinate gives other numbers.
  const double base = Draws(key, 7, 42, Purpose::escape).uniform();
  CHECK(Draws(key, 8, 42, Purpose::escape).uniform() != base);
  CHECK(Draws(key, 7, 43, Purpose::escape).uniform() != base);
  CHECK(Draws(key, 7, 42, Purpose::release).uniform() != base);
  CHECK(Draws(StreamKey{20250101, 1}, 7, 42, Purpose::escape).uniform() != base);
  CHECK(Draws(StreamKey{20250102, 0}, 7, 42, Purpose::escape).uniform() != base);
}

TEST_CASE("Uniform draws lie strictly inside (0, 1) with mean one half", "[unit][random][distribution]") {
  double sum = 0;
  constexpr int n = 200000;
  for (std::uint32_t i = 0; i < n; ++i) {
    const double u = Draws(key, 0, i, Purpose::test).uniform();
    REQUIRE(u > 0.0);
    REQUIRE(u < 1.0);
    sum += u;
  }
  // Standard error of the mean is sqrt(1/12/n) = 0.00065; allow 5 of them.
  CHECK(sum / n == Approx(0.5).margin(5 * std::sqrt(1.0 / 12 / n)));
}

TEST_CASE("Exponential waiting times match their rate (Kolmogorov-Smirnov)", "[unit][random][distribution]") {
  constexpr double rate = 0.25;
  constexpr int n = 20000;
  std::vector<double> x(n);
  for (std::uint32_t i = 0; i < n; ++i) x[i] = Draws(key, 1, i, Purpose::test).exponential(rate);
  std::sort(x.begin(), x.end());
  double d = 0;
  for (int i = 0; i < n; ++i) {
    const double cdf = 1 - std::exp(-rate * x[i]);
    d = std::max({d, std::abs(cdf - static_cast<double>(i) / n), std::abs(cdf - static_cast<double>(i + 1) / n)});
  }
  // The 1% critical value of the KS statistic is 1.63 / sqrt(n).
  CHECK(d < 1.63 / std::sqrt(n));
  CHECK(std::isinf(Draws(key, 1, 0, Purpose::test).exponential(0.0)));
}

TEST_CASE("Normal draws are standard normal (Kolmogorov-Smirnov)", "[unit][random][distribution]") {
  constexpr int n = 20000;
  std::vector<double> x(n);
  for (std::uint32_t i = 0; i < n; ++i) x[i] = Draws(key, 1, i, Purpose::test).normal();
  std::sort(x.begin(), x.end());
  double d = 0;
  for (int i = 0; i < n; ++i) {
    const double cdf = 0.5 * std::erfc(-x[i] / std::sqrt(2.0));
    d = std::max({d, std::abs(cdf - static_cast<double>(i) / n), std::abs(cdf - static_cast<double>(i + 1) / n)});
  }
  // The 1% critical value of the KS statistic is 1.63 / sqrt(n).
  CHECK(d < 1.63 / std::sqrt(n));
}

TEST_CASE("Poisson counts have the mean and variance of their parameter", "[unit][random][distribution]") {
  for (const double mean : {0.3, 4.0, 11.9, 12.0, 57.5, 2500.0}) {
    constexpr int n = 40000;
    double sum = 0;
    double sum_sq = 0;
    for (std::uint32_t i = 0; i < n; ++i) {
      const auto k = static_cast<double>(Draws(key, 2, i, Purpose::test).poisson(mean));
      sum += k;
      sum_sq += k * k;
    }
    const double m = sum / n;
    const double var = sum_sq / n - m * m;
    INFO("mean " << mean);
    // Sample mean: sd sqrt(mean/n); sample variance: sd about mean*sqrt(2/n).
    CHECK(m == Approx(mean).margin(5 * std::sqrt(mean / n)));
    CHECK(var == Approx(mean).margin(5 * mean * std::sqrt(2.0 / n) + 5 * std::sqrt(mean / n)));
  }
  CHECK(Draws(key, 2, 0, Purpose::test).poisson(0.0) == 0);
}

TEST_CASE("Categorical draws follow their weights and never pick a zero weight", "[unit][random][distribution]") {
  const std::vector<double> weights = {1, 0, 3, 6};
  std::vector<double> cumulative(weights.size());
  std::partial_sum(weights.begin(), weights.end(), cumulative.begin());
  std::vector<int> counts(weights.size(), 0);
  constexpr int n = 100000;
  for (std::uint32_t i = 0; i < n; ++i) ++counts[Draws(key, 3, i, Purpose::test).categorical(cumulative)];
  CHECK(counts[1] == 0);
  for (std::size_t j = 0; j < weights.size(); ++j) {
    const double p = weights[j] / 10;
    CHECK(counts[j] / double(n) == Approx(p).margin(5 * std::sqrt(p * (1 - p) / n) + 1e-12));
  }
}

TEST_CASE("Bounded integers are uniform over their range", "[unit][random][distribution]") {
  constexpr std::uint64_t range = 7;
  std::vector<int> counts(range, 0);
  constexpr int n = 70000;
  for (std::uint32_t i = 0; i < n; ++i) {
    const auto v = Draws(key, 4, i, Purpose::test).below(range);
    REQUIRE(v < range);
    ++counts[v];
  }
  // Chi-square with 6 degrees of freedom; the 0.1% critical value is 22.46.
  double chi2 = 0;
  for (const int c : counts) chi2 += (c - n / 7.0) * (c - n / 7.0) / (n / 7.0);
  CHECK(chi2 < 22.46);
}

TEST_CASE("Random purposes keep their numbers, which are part of every stream", "[unit][random][determinism]") {
  // These values are in the counter of every draw: a renumbering or reorder
  // would change every result silently. Append only (random.hpp).
  const auto value = [](Purpose p) { return static_cast<unsigned>(p); };
  CHECK(value(Purpose::init_nationality) == 0);
  CHECK(value(Purpose::reserved_init_vulnerability) == 1);
  CHECK(value(Purpose::init_escape) == 2);
  CHECK(value(Purpose::escape) == 3);
  CHECK(value(Purpose::raids_count) == 4);
  CHECK(value(Purpose::raid_target) == 5);
  CHECK(value(Purpose::reserved_raid_leak) == 6);
  CHECK(value(Purpose::reserved_raid_success) == 7);
  CHECK(value(Purpose::release) == 8);
  CHECK(value(Purpose::relocation_choice) == 9);
  CHECK(value(Purpose::relocation_abandon) == 10);
  CHECK(value(Purpose::reserved_aftercare) == 11);
  CHECK(value(Purpose::repatriation) == 12);
  CHECK(value(Purpose::rerecruitment) == 13);
  CHECK(value(Purpose::rerecruit_target) == 14);
  CHECK(value(Purpose::retrafficking) == 15);
  CHECK(value(Purpose::recruits_count) == 16);
  CHECK(value(Purpose::recruit_target) == 17);
  CHECK(value(Purpose::vulnerability) == 18);
  CHECK(value(Purpose::split) == 19);
  CHECK(value(Purpose::entry) == 20);
  CHECK(value(Purpose::withdrawal) == 21);
  CHECK(value(Purpose::init_operations) == 22);
  CHECK(value(Purpose::risk_perception) == 23);
  CHECK(value(Purpose::abc_prior) == 24);
  CHECK(value(Purpose::abc_pick) == 25);
  CHECK(value(Purpose::abc_perturb) == 26);
  CHECK(value(Purpose::test) == 0xffff);
  // The purpose sits in the high half of counter word 2: the first draw of a
  // purpose is the Philox block of that counter, so the pinned value is what
  // the stream is made of.
  const StreamKey k{7, 3};
  Draws d(k, 11, 42, Purpose::escape);
  const Block expected = philox4x32_10({42, 11, 3u << 16, 3}, {7, 0});
  CHECK(d.bits() == expected[0]);
  CHECK(d.bits() == expected[1]);
}
