#include "sim/app/output_file.hpp"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <system_error>

#include <fmt/format.h>

#include "sim/core/error.hpp"
#include "sim/io/run_file.hpp"
#include "sim/io/sweep_results.hpp"
#include "sim/model/metrics.hpp"

namespace scamsim::app {

namespace fs = std::filesystem;

namespace {

// The disk estimate (io::estimate_run_file_bytes) is an upper bound: every series uncompressed and a generous
// event log. Files are far smaller: the baseline at scale 0.05 over two years writes 373 kB against an estimate
// of 7.4 MB (20 times), the shipped scenarios at 1:1 about 11 times less than their series. A run is refused for
// space only when even 32 times less than the estimate would not fit, so that no run that would have fitted is
// turned away on a guess; a disk that fills during the run is still reported then, and leaves nothing behind.
constexpr double best_compression = 32;

std::string_view kind_of(fs::file_type type) {
  switch (type) {
    case fs::file_type::directory:
      return "a directory";
    case fs::file_type::character:
    case fs::file_type::block:
      return "a device";
    case fs::file_type::fifo:
      return "a FIFO (named pipe)";
    case fs::file_type::socket:
      return "a socket";
    default:
      return "not a file";
  }
}

/// "MemAvailable" of /proc/meminfo, lowered to what the cgroup (a container's or a batch job's limit) still
/// allows when that is less; nullopt where neither can be read.
std::optional<std::uint64_t> memory_available() {
  std::optional<std::uint64_t> available;
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  std::uint64_t kib = 0;
  std::string unit;
  while (meminfo >> key >> kib >> unit) {
    if (key == "MemAvailable:") {
      available = kib * 1024;
      break;
    }
  }
  std::uint64_t limit = 0;
  std::uint64_t used = 0;
  if (std::ifstream("/sys/fs/cgroup/memory.max") >> limit && std::ifstream("/sys/fs/cgroup/memory.current") >> used) {
    const std::uint64_t left = limit > used ? limit - used : 0;
    available = available ? std::min(*available, left) : left;
  }
  return available;
}

}  // namespace

std::string bytes_text(std::uint64_t bytes) {
  const auto b = static_cast<double>(bytes);
  if (b < 1e3) return fmt::format("{} B", bytes);
  if (b < 1e6) return fmt::format("{:.1f} kB", b / 1e3);
  if (b < 1e9) return fmt::format("{:.1f} MB", b / 1e6);
  if (b < 1e12) return fmt::format("{:.1f} GB", b / 1e9);
  return fmt::format("{:.1f} TB", b / 1e12);
}

void refuse_non_regular(const fs::path& path, const std::string& display) {
  std::error_code ec;
  const fs::file_status link = fs::symlink_status(path, ec);
  if (ec || link.type() == fs::file_type::not_found) return;
  const fs::file_status target = fs::status(path, ec);
  if (ec || target.type() == fs::file_type::not_found || target.type() == fs::file_type::regular) return;
  throw SetupError(
      fmt::format("-o/--output: '{}' is {}{}, not a regular file: name a new file, or a file to overwrite with --force",
                  display, kind_of(target.type()), fs::is_symlink(link) ? " (through a link)" : ""));
}

void remove_stale_temporaries(const fs::path& folder, std::string_view prefix) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    const std::string file = entry.path().filename().string();
    const std::string id = file.starts_with(prefix) ? file.substr(prefix.size()) : std::string();
    if (id.empty() || id.size() > 9 ||
        !std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    std::error_code ignored;
    if (::kill(static_cast<pid_t>(std::stol(id)), 0) != 0 && errno == ESRCH) fs::remove_all(entry.path(), ignored);
  }
}

MachineNeeds run_needs(const scenario::Scenario& scenario, int threads) {
  const std::int64_t replicates = scenario.run.replicates;
  MachineNeeds needs;
  needs.memory_bytes = io::estimate_run_memory_bytes(scenario, threads);
  // The estimate counts every series uncompressed; the refusal allows for the best compression seen.
  needs.disk_bytes = static_cast<std::uint64_t>(static_cast<double>(io::estimate_run_file_bytes(scenario, replicates)) /
                                                best_compression);
  needs.what = fmt::format("{} replicate{} x {} steps x {} countries", replicates, replicates == 1 ? "" : "s",
                           scenario.run.steps(), scenario.countries.size());
  return needs;
}

OutputFile::OutputFile(const std::string& name, std::string_view empty_message) : name_(name) {
  if (name.empty()) throw SetupError(std::string(empty_message));
  path_ = fs::absolute(name);
  refuse_non_regular(path_, name_);
  if (!fs::is_directory(path_.parent_path())) {
    throw SetupError(fmt::format("-o/--output: the folder '{}' does not exist", path_.parent_path().string()));
  }
  temporary_ = path_.parent_path() / fmt::format(".{}.tmp-{}", path_.filename().string(), getpid());
}

OutputFile::~OutputFile() {
  if (published_) return;
  std::error_code ignored;
  fs::remove(temporary_, ignored);
}

void OutputFile::refuse_input(std::span<const std::string> inputs, std::string_view role) const {
  for (const std::string& input : inputs) {
    std::error_code ec;
    if (fs::equivalent(path_, input, ec) && !ec) {
      throw SetupError(fmt::format("-o/--output: '{}' is {} ('{}'): writing it would destroy it; name another file",
                                   name_, role, input));
    }
  }
}

void OutputFile::refuse_overwrite(bool force) const {
  std::error_code ec;
  const fs::file_status link = fs::symlink_status(path_, ec);
  if (force || link.type() == fs::file_type::not_found) return;
  if (fs::is_symlink(link) && !fs::exists(path_, ec)) {
    throw SetupError(fmt::format("-o/--output: '{}' is a link to nothing ('{}'); add --force to replace the link",
                                 name_, fs::read_symlink(path_, ec).string()));
  }
  throw SetupError(fmt::format("-o/--output: '{}' exists; add --force to overwrite it", name_));
}

void OutputFile::refuse_appeared(bool force) const {
  std::error_code ec;
  if (fs::symlink_status(path_, ec).type() != fs::file_type::not_found && !force) {
    throw SetupError(fmt::format("-o/--output: '{}' appeared during the run; add --force to overwrite it", name_));
  }
}

void OutputFile::prepare(const MachineNeeds& needs) const {
  const fs::path folder = path_.parent_path();
  remove_stale_temporaries(folder, fmt::format(".{}.tmp-", path_.filename().string()));
  if (needs.memory_bytes > 0) {
    const std::optional<std::uint64_t> available = memory_available();
    if (available && needs.memory_bytes > *available) {
      throw SetupError(fmt::format(
          "the run needs about {} of memory ({}: the replicates in flight, their worlds and records), and this "
          "machine has {} available: run a smaller world, fewer threads, or on a larger machine",
          bytes_text(needs.memory_bytes), needs.what, bytes_text(*available)));
    }
  }
  // Permissions say too little (root passes them all, a read-only mount refuses root too): try the real thing.
  const int fd = ::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw SetupError(
        fmt::format("-o/--output: cannot write in the folder '{}': {}", folder.string(), std::strerror(errno)));
  }
  ::close(fd);
  std::error_code ignored;
  fs::remove(temporary_, ignored);
  struct statvfs space {};
  if (needs.disk_bytes > 0 && ::statvfs(folder.c_str(), &space) == 0) {
    const std::uint64_t free_bytes = static_cast<std::uint64_t>(space.f_bavail) * space.f_frsize;
    if (needs.disk_bytes > free_bytes) {
      throw SetupError(
          fmt::format("-o/--output: the folder '{}' has {} free, and the results need at least {} ({}): free some "
                      "space or write elsewhere",
                      folder.string(), bytes_text(free_bytes), bytes_text(needs.disk_bytes), needs.what));
    }
  }
}

void OutputFile::publish() {
  io::publish(temporary_, path_);
  published_ = true;
}

}  // namespace scamsim::app
