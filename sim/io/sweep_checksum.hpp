#pragma once
// The checksum of a finished run's rows in a sweep's in-progress file: what
// lets --resume tell a run that is on disk from one whose bytes were damaged
// (a disk error, a flipped bit, a hand-edited status) and run that one again
// instead of averaging garbage into the results. Internal to io.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sim/io/sweep_layout.hpp"

namespace scamsim::io::sweep_layout {

/// FNV-1a (64-bit) over the bytes of a run's stored rows, added in a fixed order: status, outcomes in spec
/// order, series in keep_series order (as stored: int64 or float64), message. Not cryptographic: it finds
/// damage, not forgery.
class RunChecksum {
 public:
  /// Adds raw bytes.
  void add_bytes(std::span<const std::byte> bytes);
  /// Adds values by their bytes (native byte order: the file is read back on the machine type that wrote it).
  template <class T>
  void add(std::span<const T> values) {
    add_bytes(std::as_bytes(values));
  }
  /// The checksum as stored; never 0, which marks a run without one.
  [[nodiscard]] std::int64_t value() const;

 private:
  std::uint64_t hash_ = 14695981039346656037ULL;  // FNV-1a offset basis
};

/// Starts a run's checksum with its status and outcomes, as the writer stores them.
RunChecksum start_checksum(sweep::RunStatus status, std::span<const double> outcomes);
/// Ends it with the run's message, as stored (cut to the fixed size, up to its first NUL).
void finish_checksum(RunChecksum& checksum, const std::string& stored_message);

/// The finished runs (status done or failed) of an in-progress file whose stored rows do not match their
/// checksum: damaged, never written (a status set by hand), or recorded without one. Reads every finished
/// run's rows once.
std::vector<std::int64_t> runs_failing_checksum(const Datasets& d, const sweep::SweepSpec& spec,
                                                std::span<const sweep::RunStatus> status);

}  // namespace scamsim::io::sweep_layout
