#pragma once
// Test helper: what "bitwise equal" means for results: the same bits, NaN included, -0.0 told from 0.0.

#include <cstring>
#include <vector>

namespace scamsim::test {

/// Whether two doubles have the same bit pattern.
inline bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof(double)) == 0; }

/// Whether two series have the same length and the same bits.
inline bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

}  // namespace scamsim::test
