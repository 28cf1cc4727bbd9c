#include "sim/model/random.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace scamsim::model {

Block philox4x32_10(Block c, std::array<std::uint32_t, 2> k) noexcept {
  constexpr std::uint64_t m0 = 0xD2511F53;
  constexpr std::uint64_t m1 = 0xCD9E8D57;
  constexpr std::uint32_t w0 = 0x9E3779B9;
  constexpr std::uint32_t w1 = 0xBB67AE85;
  for (int round = 0; round < 10; ++round) {
    const std::uint64_t p0 = m0 * c[0];
    const std::uint64_t p1 = m1 * c[2];
    c = {static_cast<std::uint32_t>(p1 >> 32) ^ c[1] ^ k[0], static_cast<std::uint32_t>(p1),
         static_cast<std::uint32_t>(p0 >> 32) ^ c[3] ^ k[1], static_cast<std::uint32_t>(p0)};
    k[0] += w0;
    k[1] += w1;
  }
  return c;
}

double Draws::exponential(double rate) noexcept {
  if (!(rate > 0)) return std::numeric_limits<double>::infinity();
  return -std::log(uniform()) / rate;
}

double Draws::normal() noexcept {
  const double radius = std::sqrt(-2 * std::log(uniform()));
  return radius * std::cos(2 * std::numbers::pi * uniform());
}

std::uint64_t Draws::poisson(double mean) noexcept {
  if (!(mean > 0)) return 0;
  if (mean < 12) {
    // Knuth's product of uniforms: exact, and cheap for the small means of
    // raids and daily recruits per origin.
    const double limit = std::exp(-mean);
    std::uint64_t k = 0;
    double product = uniform();
    while (product > limit) {
      ++k;
      product *= uniform();
    }
    return k;
  }
  // PTRS, transformed rejection with squeeze (Hoermann 1993): exact for
  // mean >= 10, a bounded number of draws on average.
  const double slam = std::sqrt(mean);
  const double loglam = std::log(mean);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2);
  while (true) {
    const double u = uniform() - 0.5;
    const double v = uniform();
    const double us = 0.5 - std::abs(u);
    const double k = std::floor((2 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return static_cast<std::uint64_t>(k);
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(inv_alpha) - std::log(a / (us * us) + b) <= -mean + k * loglam - std::lgamma(k + 1)) {
      return static_cast<std::uint64_t>(k);
    }
  }
}

std::size_t Draws::categorical(std::span<const double> cumulative) noexcept {
  const double target = uniform() * cumulative.back();
  const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), target);
  return std::min<std::size_t>(static_cast<std::size_t>(it - cumulative.begin()), cumulative.size() - 1);
}

std::uint64_t Draws::below(std::uint64_t n) noexcept {
  // Lemire's multiply-shift with rejection: unbiased.
  if (n <= 1) return 0;
  if (n <= std::numeric_limits<std::uint32_t>::max()) {
    const auto n32 = static_cast<std::uint32_t>(n);
    std::uint64_t m = std::uint64_t{bits()} * n32;
    auto low = static_cast<std::uint32_t>(m);
    if (low < n32) {
      const std::uint32_t threshold = static_cast<std::uint32_t>(-n32) % n32;
      while (low < threshold) {
        m = std::uint64_t{bits()} * n32;
        low = static_cast<std::uint32_t>(m);
      }
    }
    return m >> 32;
  }
  return static_cast<std::uint64_t>(uniform() * static_cast<double>(n)) % n;
}

}  // namespace scamsim::model
