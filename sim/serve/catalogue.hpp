#pragma once
// The scenarios the explorer offers: found once at start in the shipped folder and in the folders given with
// --scenarios, and named by id (the file's name without .toml). A client only ever sends an id, which is looked
// up in this list, so no path from a request reaches the file system. Internal to the serve module.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/spec.hpp"

namespace scamsim::serve {

/// One scenario on offer.
struct CatalogueEntry {
  std::string id;               ///< the file name without .toml: [a-z0-9_-], unique
  std::filesystem::path file;   ///< where it is, as found at start
  std::string name;             ///< the scenario's name
  std::string description;      ///< the scenario's description
  std::string shown_path;       ///< the path a command line shows: scenarios/<id>.toml for a shipped one
  scenario::Scenario scenario;  ///< as loaded at start, unchanged: its levers and run settings
};

/// A folder of scenarios and how its files are named in the commands the explorer shows.
struct ScenarioFolder {
  std::filesystem::path path;
  std::string shown;  ///< e.g. "scenarios" for the shipped folder; the path itself for one given at start
};

/// The scenarios on offer, in the order listed.
class Catalogue {
 public:
  /// Every *.toml of each folder that loads as a scenario, shipped folder first; a later folder's file with an
  /// id already taken is skipped with a note in `notes`, as is a file that does not load.
  static Catalogue scan(const std::vector<ScenarioFolder>& folders, std::vector<std::string>& notes);

  /// The entry of `id`, or nullopt: `id` is compared with the ids found, never used as a path.
  [[nodiscard]] const CatalogueEntry* find(std::string_view id) const;
  [[nodiscard]] const std::vector<CatalogueEntry>& entries() const { return entries_; }

 private:
  std::vector<CatalogueEntry> entries_;
};

/// Whether `id` is made only of the characters an id may have, and is 1 to 64 of them.
bool valid_id(std::string_view id);

}  // namespace scamsim::serve
