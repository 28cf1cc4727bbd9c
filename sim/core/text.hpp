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

/// `text` wrapped at spaces into lines of at most `width` columns counting the `indent` spaces each line starts
/// with; every line ends in a newline, and a word longer than a line stands alone on its own.
std::string wrap(std::string_view text, std::size_t indent, std::size_t width);

/// `text` if it fits in `width` (at least 1) columns, else its first width - 1 characters and "~", so that
/// table columns stay aligned and the reader sees that something was cut.
std::string cut(std::string_view text, std::size_t width);

/// `text` safe to print on a terminal: control characters (C0, DEL and C1, e.g. ESC, which starts colour and
/// cursor sequences) and bytes that are not UTF-8 become escapes ("\x1b", "\n", "\u009b", "\xff"), so
/// that a name read from a shared file cannot recolour, clear or retitle the reader's terminal. Everything else,
/// UTF-8 letters included, is unchanged. Use it wherever text from a file reaches the screen.
std::string printable(std::string_view text);

/// Which control characters a piece of text may hold.
enum class LineBreaks : unsigned char { refused, allowed };

/// The first control character of `text` (C0, DEL or C1) or its first byte that is not UTF-8, as
/// printable() writes it ("\x1b"); empty if there is none. With LineBreaks::allowed, newlines, carriage
/// returns and tabs pass: descriptions may span lines, names and paths may not.
std::string first_control_character(std::string_view text, LineBreaks line_breaks = LineBreaks::refused);

}  // namespace scamsim
