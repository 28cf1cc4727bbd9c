#pragma once
// The output file of a command (-o/--output) and what is checked about it before the work starts: that it is a
// regular file or none, not one of the command's inputs, not overwritten without --force, and that its folder
// can be written and has room. Internal to the app module.

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "sim/scenario/spec.hpp"

namespace scamsim::app {

/// What a command's work will need of the machine, to refuse before the work what cannot succeed.
struct MachineNeeds {
  std::uint64_t memory_bytes = 0;  ///< held in memory at once; 0: not estimated
  std::uint64_t disk_bytes = 0;    ///< at least this much written to the output's folder; 0: not estimated
  std::string what;                ///< what makes up the figures, for the message ("2 replicates of 1826 steps")
};

/// The output file of a command: checked before the work starts, written under a temporary name beside it
/// (so on the same file system, where a rename is atomic) and renamed into place only when whole. A crash,
/// an error or a signal thus never leaves a partial file at the output or touches an old one there; the
/// temporary is removed unless published.
class OutputFile {
 public:
  /// `name` as given to -o/--output. Throws SetupError with `empty_message` when it is empty, when its folder
  /// does not exist, and when it names something other than a regular file (a directory, a device such as
  /// /dev/null, a FIFO, a socket, or a link to one), which no --force may replace.
  OutputFile(const std::string& name, std::string_view empty_message);
  /// Removes the temporary file unless it was published.
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  /// The output, as an absolute path.
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  /// The temporary file to write: ".NAME.tmp-PID" beside the output (stale ones are found by that pattern).
  [[nodiscard]] const std::filesystem::path& temporary() const { return temporary_; }
  /// Throws SetupError when the output is one of `inputs` (the same file by any name or link), which writing
  /// would destroy; `role` says what the inputs are ("the scenario", "a file of the sweep").
  void refuse_input(std::span<const std::string> inputs, std::string_view role) const;
  /// Throws SetupError when the output exists, or is a link to nothing, and `force` is not set.
  void refuse_overwrite(bool force) const;
  /// The same, after the work: another process may have made the output meanwhile.
  void refuse_appeared(bool force) const;
  /// Before the work: removes the temporaries of dead processes beside the output, then makes sure the folder
  /// can be written (by creating the temporary, which is the only test root cannot pass by privilege) and that
  /// the machine has what `needs` says. Throws SetupError naming the figures when not.
  void prepare(const MachineNeeds& needs) const;
  /// Renames the temporary into place and makes the rename durable.
  void publish();

 private:
  std::string name_;
  std::filesystem::path path_;
  std::filesystem::path temporary_;
  bool published_ = false;
};

/// Throws SetupError when `path` exists as anything but a regular file or a link to one (a dangling link is let
/// through: refuse_overwrite deals with it). `display` names it in the message.
void refuse_non_regular(const std::filesystem::path& path, const std::string& display);

/// Removes the files (and folders, with what they hold: output_folder.hpp) in `folder` named `prefix` + the id of
/// a process that no longer runs: what commands killed with kill -9 (or by a power loss) left while writing.
/// Those of live processes are left alone.
void remove_stale_temporaries(const std::filesystem::path& folder, std::string_view prefix);

/// What `scamsim run` of `scenario` on `threads` threads will need: the replicates in flight in memory (the
/// file is written replicate by replicate), and the file on disk, both from the io module's estimates.
MachineNeeds run_needs(const scenario::Scenario& scenario, int threads);

/// Bytes for people: "812 B", "3.4 MB", "28.6 TB" (decimal units, as disks are sold).
std::string bytes_text(std::uint64_t bytes);

}  // namespace scamsim::app
