#include "sim/core/text.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <limits>

#include <fmt/format.h>

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

namespace {

/// One character of UTF-8 text: its code point and length in bytes, or (for a byte that does not start a valid
/// sequence: stray continuation bytes, overlong forms, surrogates, beyond U+10FFFF) length 1 and valid false.
struct Utf8Char {
  char32_t code = 0;
  std::size_t length = 1;
  bool valid = false;
};

Utf8Char decode_utf8(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  if (lead < 0x80) return {lead, 1, true};
  // The lead byte gives the length and the first bits; below `smallest` the form is overlong.
  struct Form {
    unsigned char mask, pattern;
    std::size_t length;
    char32_t smallest;
  };
  constexpr Form forms[] = {{0xe0, 0xc0, 2, 0x80}, {0xf0, 0xe0, 3, 0x800}, {0xf8, 0xf0, 4, 0x10000}};
  const auto form =
      std::find_if(std::begin(forms), std::end(forms), [&](const Form& f) { return (lead & f.mask) == f.pattern; });
  if (form == std::end(forms)) return {};
  const std::size_t length = form->length;
  char32_t code = lead & static_cast<unsigned char>(~form->mask);
  if (at + length > text.size()) return {};
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(at + i) & 0xc0) != 0x80) return {};
    code = (code << 6) | (byte(at + i) & 0x3fu);
  }
  if (code < form->smallest || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return {};
  return {code, length, true};
}

bool is_control(char32_t code) { return code < 0x20 || (code >= 0x7f && code <= 0x9f); }

/// How printable() writes a control character or a byte that is not UTF-8.
std::string escape(const Utf8Char& c, unsigned char first_byte) {
  if (!c.valid) return fmt::format("\\x{:02x}", first_byte);
  switch (c.code) {
    case '\n':
      return "\\n";
    case '\r':
      return "\\r";
    case '\t':
      return "\\t";
    default:
      break;
  }
  return c.code < 0x80 ? fmt::format("\\x{:02x}", static_cast<unsigned>(c.code))
                       : fmt::format("\\u{:04x}", static_cast<unsigned>(c.code));
}

}  // namespace

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const Utf8Char c = decode_utf8(text, i);
    if (c.valid && !is_control(c.code)) {
      out.append(text.substr(i, c.length));
    } else {
      out += escape(c, static_cast<unsigned char>(text[i]));
    }
    i += c.length;
  }
  return out;
}

std::string first_control_character(std::string_view text, LineBreaks line_breaks) {
  for (std::size_t i = 0; i < text.size();) {
    const Utf8Char c = decode_utf8(text, i);
    const bool line_break = c.valid && (c.code == '\n' || c.code == '\r' || c.code == '\t');
    if (!c.valid || (is_control(c.code) && !(line_break && line_breaks == LineBreaks::allowed))) {
      return escape(c, static_cast<unsigned char>(text[i]));
    }
    i += c.length;
  }
  return {};
}

}  // namespace scamsim
