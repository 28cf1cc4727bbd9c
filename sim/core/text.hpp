#pragma once
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace scamsim {

/// Optimal string alignment distance (Levenshtein plus adjacent swaps), so
/// that "governence" and "goevrnance" are both one or two edits away.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` if it is close enough to be a plausible
/// typo (at most a third of the word's length in edits), else empty.
std::string closest_match(std::string_view word, std::span<const std::string> candidates);

/// "a, b and c" style list for messages; items are quoted with ' '.
std::string quoted_list(std::span<const std::string> items);

/// True for identifiers we accept as ids: [a-z][a-z0-9_]*, at most 64 chars.
bool is_identifier(std::string_view text);

}  // namespace scamsim
