#include "sim/core/text.hpp"

#include <algorithm>
#include <limits>

namespace scamsim {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Three rolling rows are enough for the transposition case.
  std::vector<std::size_t> two_back(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], two_back[j - 2] + 1);
      }
    }
    std::swap(two_back, prev);
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string closest_match(std::string_view word, std::span<const std::string> candidates) {
  std::size_t best = std::numeric_limits<std::size_t>::max();
  std::string best_word;
  for (const auto& candidate : candidates) {
    const std::size_t d = edit_distance(word, candidate);
    if (d < best) {
      best = d;
      best_word = candidate;
    }
  }
  const std::size_t allowed = std::max<std::size_t>(1, std::max(word.size(), best_word.size()) / 3);
  // For very short words one edit is most of the word: only a swap or a
  // changed letter ("ia" for "ai") is a plausible slip, not "a" for "ai".
  const bool short_word = word.size() < 3 && best_word.size() != word.size();
  if (best <= allowed && !short_word) return best_word;
  // A word cut short ("half_life" for "half_life_days") is also a plausible slip.
  if (word.size() >= 4) {
    for (const auto& candidate : candidates) {
      if (candidate.starts_with(word)) return candidate;
    }
  }
  return {};
}

std::string quoted_list(std::span<const std::string> items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " or " : ", ";
    out += "'" + items[i] + "'";
  }
  return out;
}

bool is_identifier(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  if (text.front() < 'a' || text.front() > 'z') return false;
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

std::string wrap(std::string_view text, std::size_t indent, std::size_t width) {
  std::string out;
  std::string line;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view word = text.substr(start, end - start);
    if (!line.empty() && indent + line.size() + 1 + word.size() > width) {
      out += std::string(indent, ' ') + line + "\n";
      line.clear();
    }
    if (!line.empty()) line += ' ';
    line += word;
    start = end + 1;
  }
  if (!line.empty()) out += std::string(indent, ' ') + line + "\n";
  return out;
}

std::string cut(std::string_view text, std::size_t width) {
  return text.size() <= width ? std::string(text) : std::string(text.substr(0, width - 1)) + "~";
}

}  // namespace scamsim
