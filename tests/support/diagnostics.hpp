#pragma once
// Test helper: the located errors (diagnostics) an input is refused with.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sim/core/error.hpp"

namespace scamsim::test {

/// The diagnostics of the SetupError that `load` throws; fails the test if it throws nothing.
template <class Load>
std::vector<Diagnostic> errors_of(Load&& load) {
  try {
    (void)load();
  } catch (const SetupError& e) {
    return e.diagnostics();
  }
  FAIL("the input loaded without error");
  return {};
}

/// Every diagnostic as the user reads it, one a line.
inline std::string formatted(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) out += d.format() + "\n";
  return out;
}

}  // namespace scamsim::test
