#include <catch2/catch.hpp>

#include <cmath>

#include "sim/run/nelder_mead.hpp"

using scamsim::run::nelder_mead;

TEST_CASE("Nelder-Mead finds the minimum of a shifted quadratic", "[unit][calibration]") {
  const auto f = [](const std::vector<double>& x) {
    return (x[0] - 0.3) * (x[0] - 0.3) + 4 * (x[1] + 0.7) * (x[1] + 0.7) + 1.5;
  };
  const auto m = nelder_mead(f, {0.0, 0.0}, 0.5, 500, 1e-14);
  CHECK(m.x[0] == Approx(0.3).margin(1e-4));
  CHECK(m.x[1] == Approx(-0.7).margin(1e-4));
  CHECK(m.value == Approx(1.5).margin(1e-7));
  CHECK(m.evaluations <= 500);
}

TEST_CASE("Nelder-Mead follows Rosenbrock's valley to (1, 1)", "[unit][calibration]") {
  const auto f = [](const std::vector<double>& x) {
    return 100 * std::pow(x[1] - x[0] * x[0], 2) + std::pow(1 - x[0], 2);
  };
  const auto m = nelder_mead(f, {-1.2, 1.0}, 0.5, 2000, 1e-16);
  CHECK(m.x[0] == Approx(1.0).margin(1e-3));
  CHECK(m.x[1] == Approx(1.0).margin(2e-3));
}

TEST_CASE("Nelder-Mead stops at its evaluation budget and repeats exactly", "[unit][calibration]") {
  int calls = 0;
  const auto f = [&](const std::vector<double>& x) {
    ++calls;
    return x[0] * x[0] + x[1] * x[1] + x[2] * x[2];
  };
  const auto a = nelder_mead(f, {1, 2, 3}, 1.0, 40);
  CHECK(a.evaluations <= 40 + 4);  // a shrink finishes its round
  CHECK(calls == a.evaluations);
  const auto b = nelder_mead(f, {1, 2, 3}, 1.0, 40);
  CHECK(a.x == b.x);
  CHECK(a.value == b.value);
}
