#include "sim/io/file_support.hpp"

#include <array>
#include <ctime>
#include <fstream>

#include <fmt/format.h>

#include "sim/core/error.hpp"

namespace scamsim::io::detail {

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                     utc.tm_hour, utc.tm_min, utc.tm_sec);
}

bool has_hdf5_signature(const std::filesystem::path& path) {
  static constexpr std::array<char, 8> signature = {'\x89', 'H', 'D', 'F', '\r', '\n', '\x1a', '\n'};
  std::ifstream in(path, std::ios::binary);
  std::array<char, 8> head{};
  return in.read(head.data(), head.size()) && head == signature;
}

void refuse(const std::filesystem::path& path, const std::string& message) {
  Diagnostic d;
  d.where.file = path.string();
  d.message = message;
  throw SetupError(d);
}

h5::Dataset required_dataset(const h5::File& file, const std::filesystem::path& path, const std::string& name) {
  if (!file.exists(name)) refuse(path, fmt::format("the dataset '/{}' is missing", name));
  return file.open_dataset(name);
}

void attach(h5::Dataset& d, std::initializer_list<std::pair<const h5::Dataset*, const char*>> scales) {
  unsigned dim = 0;
  for (const auto& [scale, label] : scales) {
    d.attach_scale(*scale, dim);
    d.set_label(dim, label);
    ++dim;
  }
}

}  // namespace scamsim::io::detail
