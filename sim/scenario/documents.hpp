#pragma once
// Stage 1 of loading a scenario (loader.cpp): parse a file and the files it is
// based on (`base = "..."`), and merge them into one document. Internal to the
// scenario module.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "sim/scenario/toml_reader.hpp"

namespace scamsim::scenario::detail {

/// Keys of the schema have at most a handful of parts ("countries.x.host.y"); a document or a --set key with more
/// is refused.
inline constexpr int max_key_parts = 32;

/// The line of a key with more than max_key_parts dotted parts in TOML text, found before parsing (toml++ would
/// build, and free recursively, one table per part); nullopt if there is none.
std::optional<int> line_of_overlong_key(std::string_view text);

/// The source path of a node made by the loader (a --set value), shared as toml++ keeps it.
std::shared_ptr<const std::string> source_path(std::string name);

/// The `id` of an event table, if it has a string one.
std::optional<std::string> event_id(const toml::node& node);

/// Reads a whole file, refusing what is not a regular file or is too large; errors are located at `referrer`
/// (the `base` key naming the file, or the file itself).
std::optional<std::string> read_file(const std::filesystem::path& path, const std::string& name,
                                     SourceLocation referrer, std::string_view key, Diagnostics& diagnostics);

struct DocumentLoader {
  Diagnostics& diagnostics;
  std::vector<std::string> files;            // display names, outermost first
  std::vector<std::filesystem::path> chain;  // canonical paths of the files being loaded, for cycles

  /// The document `text` (named `name`, found at `path`) merged over its bases.
  std::optional<toml::table> load(std::string_view text, const std::string& name, const std::filesystem::path& path);
};

}  // namespace scamsim::scenario::detail
