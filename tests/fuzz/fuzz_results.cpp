// libFuzzer entry for the result-file readers: `scamsim summary` on a mutated run, sweep or comparison file.
// Any input must either be summarised or be refused with a SetupError; anything else (a crash, a sanitizer
// report, another exception, a hang) is a bug: ours if the trace ends in sim/io, else one to report to HDF5
// with the input (see tests/fuzz/run), since a corrupt file should not crash the library that reads it.
//
// HDF5 reads files by name, so each input is written to a scratch file first. The seed corpus is a small run
// file that tests/fuzz/run makes with the scamsim of the same build.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include <sstream>

#include "sim/app/summary_command.hpp"
#include "sim/core/error.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path& input_path() {
  static const fs::path path =
      fs::temp_directory_path() / ("scamsim-fuzz-results-" + std::to_string(::getpid()) + ".h5");
  return path;
}

/// What `scamsim summary FILE` does: the command itself, printing into a string.
void summarise(const fs::path& path) {
  std::ostringstream out;
  (void)scamsim::app::summary_command(path.string(), out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  {
    std::ofstream out(input_path(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    summarise(input_path());
  } catch (const scamsim::SetupError&) {
    // Refused with a message naming the file: the expected outcome for most inputs.
  }
  return 0;
}
