#pragma once
// Test helper: a fresh folder under the system's temporary folder, removed
// with everything in it when the test ends.

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <system_error>

namespace scamsim::test {

/// A fresh, uniquely named folder that is removed at the end of its scope.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "scamsim-test") {
    std::random_device random;
    do {
      path_ = std::filesystem::temp_directory_path() /
              (prefix + "-" + std::to_string(random()) + "-" + std::to_string(random()));
    } while (!std::filesystem::create_directory(path_));
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  /// A path for a file of this name in the folder.
  [[nodiscard]] std::filesystem::path file(const std::string& name) const { return path_ / name; }
  /// The folder.
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  /// Writes `text` to a file under the folder (creating subfolders) and returns its path.
  std::filesystem::path write(const std::filesystem::path& name, std::string_view text) const {
    const std::filesystem::path target = path_ / name;
    std::filesystem::create_directories(target.parent_path());
    std::ofstream out(target, std::ios::binary);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    return target;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace scamsim::test
