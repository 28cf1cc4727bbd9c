#pragma once
// The table of Sobol' direction numbers (Joe & Kuo) that design.cpp's Sobol' sequence is built from: data, kept
// apart from the code that uses it. Internal to the sweep module.

#include <array>
#include <cstdint>

#include "sim/sweep/design.hpp"

namespace scamsim::sweep::detail {

// One dimension of Joe & Kuo's new-joe-kuo-6.21201 (S. Joe and F. Y. Kuo,
// "Constructing Sobol sequences with better two-dimensional projections",
// SIAM J. Sci. Comput. 30, 2635-2654, 2008; https://web.maths.unsw.edu.au/~fkuo/sobol/):
// the degree s of the primitive polynomial, its inner coefficients a, and the
// initial direction numbers m_1..m_s. Copyright (c) 2008, Frances Y. Kuo and
// Stephen Joe, BSD licence.
struct JoeKuoRow {
  std::uint8_t degree;
  std::uint16_t a;
  std::array<std::uint16_t, 11> m;
};

/// Row d - 2 of the table (sobol_table.cpp): dimension d (1-based, as in the file), for d >= 2.
const JoeKuoRow& joe_kuo_row(std::int64_t d);

}  // namespace scamsim::sweep::detail
