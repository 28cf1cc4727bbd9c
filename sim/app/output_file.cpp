#include "sim/app/output_file.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <system_error>

#include <fmt/format.h>

#include "sim/core/error.hpp"
#include "sim/io/sweep_results.hpp"

namespace scamsim::app {

namespace fs = std::filesystem;

namespace {

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

}  // namespace

void refuse_non_regular(const fs::path& path, const std::string& display) {
  std::error_code ec;
  const fs::file_status link = fs::symlink_status(path, ec);
  if (ec || link.type() == fs::file_type::not_found) return;
  const fs::file_status target = fs::status(path, ec);
  if (ec || target.type() == fs::file_type::not_found || target.type() == fs::file_type::regular) return;
  throw SetupError(fmt::format(
      "-o/--output: '{}' is {}{}, not a regular file: name a new file, or a file to overwrite with --force", display,
      kind_of(target.type()), fs::is_symlink(link) ? " (through a link)" : ""));
}

void remove_stale_temporaries(const fs::path& folder, std::string_view prefix) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    const std::string file = entry.path().filename().string();
    const std::string id = file.starts_with(prefix) ? file.substr(prefix.size()) : std::string();
    if (id.empty() || id.size() > 9 || !std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    std::error_code ignored;
    if (::kill(static_cast<pid_t>(std::stol(id)), 0) != 0 && errno == ESRCH) fs::remove(entry.path(), ignored);
  }
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

void OutputFile::prepare() const {
  remove_stale_temporaries(path_.parent_path(), fmt::format(".{}.tmp-", path_.filename().string()));
}

void OutputFile::publish() {
  io::publish(temporary_, path_);
  published_ = true;
}

}  // namespace scamsim::app
