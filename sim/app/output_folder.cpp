#include "sim/app/output_folder.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "sim/app/output_file.hpp"
#include "sim/core/error.hpp"

namespace scamsim::app {

namespace fs = std::filesystem;

namespace {

/// What a path that is not a folder is, for the message.
std::string what_it_is(fs::file_type type) {
  switch (type) {
    case fs::file_type::regular:
      return "a file";
    case fs::file_type::fifo:
      return "a FIFO";
    case fs::file_type::socket:
      return "a socket";
    case fs::file_type::block:
    case fs::file_type::character:
      return "a device";
    default:
      return "not a folder";
  }
}

}  // namespace

OutputFolder::OutputFolder(const std::string& name, std::string flag) : name_(name), flag_(std::move(flag)) {
  if (name.empty()) throw SetupError(fmt::format("{}: name the folder to write, e.g. {} tables", flag_, flag_));
  // "tables/" and "tables" are the same folder; the temporary is named after the last component.
  path_ = fs::absolute(name).lexically_normal();
  if (!path_.has_filename()) path_ = path_.parent_path();
  std::error_code ec;
  const fs::file_status status = fs::status(path_, ec);
  if (status.type() != fs::file_type::not_found && status.type() != fs::file_type::directory && !ec) {
    throw SetupError(
        fmt::format("{}: '{}' is {}; name a folder to write the tables into", flag_, name_, what_it_is(status.type())));
  }
  if (!fs::is_directory(path_.parent_path(), ec)) {
    throw SetupError(fmt::format("{}: the folder '{}' that would hold '{}' does not exist", flag_,
                                 path_.parent_path().string(), name_));
  }
  temporary_ = path_.parent_path() / fmt::format(".{}.tmp-{}", path_.filename().string(), ::getpid());
}

OutputFolder::~OutputFolder() {
  if (created_ && !published_) {
    std::error_code ignored;
    fs::remove_all(temporary_, ignored);
  }
}

void OutputFolder::refuse_input(const fs::path& input) const {
  std::error_code ec;
  const fs::path file = fs::weakly_canonical(input, ec);
  const fs::path folder = fs::weakly_canonical(path_, ec);
  const auto [end, _] = std::mismatch(folder.begin(), folder.end(), file.begin(), file.end());
  if (!ec && end == folder.end()) {
    throw SetupError(
        fmt::format("{}: '{}' holds the input '{}', which replacing it would delete; write the "
                    "tables elsewhere",
                    flag_, name_, input.string()));
  }
}

void OutputFolder::refuse_overwrite(bool force) const {
  std::error_code ec;
  if (force || !fs::is_directory(path_, ec)) return;
  if (!fs::is_empty(path_, ec) || ec) {
    throw SetupError(
        fmt::format("{}: the folder '{}' exists and holds files; add --force to replace it", flag_, name_));
  }
}

void OutputFolder::prepare() {
  const fs::path parent = path_.parent_path();
  remove_stale_temporaries(parent, fmt::format(".{}.tmp-", path_.filename().string()));
  remove_stale_temporaries(parent, fmt::format(".{}.old-", path_.filename().string()));  // a --force cut short
  std::error_code ec;
  fs::remove_all(temporary_, ec);  // one of this process id's, from a process long gone
  if (!fs::create_directory(temporary_, ec) || ec) {
    throw SetupError(fmt::format("{}: cannot write in the folder '{}': {}", flag_, parent.string(),
                                 ec ? ec.message() : "the temporary folder is already there"));
  }
  created_ = true;
}

void OutputFolder::publish() {
  // rename(2) replaces an empty folder in one step; a folder with files (--force) is moved aside first, so that
  // the new one appears whole and the old one goes only after.
  std::error_code ec;
  fs::path old;
  if (fs::is_directory(path_, ec) && !fs::is_empty(path_, ec)) {
    old = path_.parent_path() / fmt::format(".{}.old-{}", path_.filename().string(), ::getpid());
    fs::rename(path_, old, ec);
    if (ec) throw SetupError(fmt::format("{}: cannot replace '{}': {}", flag_, name_, ec.message()));
  }
  if (std::rename(temporary_.c_str(), path_.c_str()) != 0) {
    const int error = errno;
    if (!old.empty()) fs::rename(old, path_, ec);  // put the old one back
    throw SetupError(fmt::format("{}: cannot put the tables in '{}': {}", flag_, name_, std::strerror(error)));
  }
  published_ = true;
  if (!old.empty()) fs::remove_all(old, ec);
}

}  // namespace scamsim::app
