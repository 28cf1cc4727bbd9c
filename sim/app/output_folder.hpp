#pragma once
// The output folder of a command that writes several files (`scamsim export --csv FOLDER`), and what is checked
// about it before the work: the folder counterpart of output_file.hpp, with the same promise: the files are
// written into a temporary folder beside it (same file system) and renamed into place only when all are whole,
// so an error or a crash never leaves a half-filled folder, and an old folder is only replaced at the end, with
// --force. Internal to the app module.

#include <filesystem>
#include <string>
#include <string_view>

namespace scamsim::app {

/// A folder to fill, checked before the work.
class OutputFolder {
 public:
  /// `name` as given to `flag`. Throws SetupError when it is empty, when its parent folder does not exist, and
  /// when it names something other than a folder (a file, a device, a FIFO), which no --force may replace.
  OutputFolder(const std::string& name, std::string flag);
  /// Removes the temporary folder and what it holds unless published.
  ~OutputFolder();
  OutputFolder(const OutputFolder&) = delete;
  OutputFolder& operator=(const OutputFolder&) = delete;

  /// The folder to fill now: ".NAME.tmp-PID" beside the output (stale ones are found by that pattern).
  [[nodiscard]] const std::filesystem::path& temporary() const { return temporary_; }
  /// Throws SetupError when `input` lies inside the output folder, which replacing it would delete.
  void refuse_input(const std::filesystem::path& input) const;
  /// Throws SetupError when the output folder exists and holds anything, and `force` is not set.
  void refuse_overwrite(bool force) const;
  /// Removes the temporaries of dead processes beside the output, then creates the temporary folder, which is
  /// what proves the parent can be written; throws SetupError naming the parent when it cannot.
  void prepare();
  /// Puts the filled temporary folder in place of the output: a rename, after moving an old folder aside (it is
  /// removed once the new one is in place).
  void publish();

 private:
  std::string name_;
  std::string flag_;
  std::filesystem::path path_;
  std::filesystem::path temporary_;
  bool created_ = false;
  bool published_ = false;
};

}  // namespace scamsim::app
