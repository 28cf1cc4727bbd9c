#include "sim/serve/catalogue.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "sim/core/error.hpp"
#include "sim/scenario/loader.hpp"

namespace scamsim::serve {

bool valid_id(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

Catalogue Catalogue::scan(const std::vector<ScenarioFolder>& folders, std::vector<std::string>& notes) {
  Catalogue catalogue;
  for (const auto& [folder, shown] : folders) {
    std::error_code error;
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
      if (entry.path().extension() == ".toml" && entry.is_regular_file(error)) files.push_back(entry.path());
    }
    if (error) {
      notes.push_back(fmt::format("cannot list scenarios in '{}': {}", folder.string(), error.message()));
      continue;
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      const std::string id = file.stem().string();
      if (!valid_id(id)) {
        notes.push_back(fmt::format("skipped '{}': its name is not an id (letters, digits, '_', '-')", file.string()));
        continue;
      }
      if (catalogue.find(id) != nullptr) {
        notes.push_back(fmt::format("skipped '{}': the id '{}' is taken", file.string(), id));
        continue;
      }
      try {
        scenario::Scenario s = scenario::load_scenario(file);
        catalogue.entries_.push_back(
            {id, file, s.name, s.description, (std::filesystem::path(shown) / file.filename()).string(), s});
      } catch (const SetupError& e) {
        notes.push_back(fmt::format("skipped '{}': it does not load ({})", file.string(),
                                    e.diagnostics().empty() ? e.what() : e.diagnostics().front().format()));
      }
    }
  }
  return catalogue;
}

const CatalogueEntry* Catalogue::find(std::string_view id) const {
  const auto it = std::find_if(entries_.begin(), entries_.end(), [&](const auto& e) { return e.id == id; });
  return it == entries_.end() ? nullptr : &*it;
}

}  // namespace scamsim::serve
