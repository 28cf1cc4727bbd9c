#include "sim/io/sweep_checksum.hpp"

#include "sim/io/file_support.hpp"
#include "sim/model/metrics.hpp"

namespace scamsim::io::sweep_layout {

void RunChecksum::add_bytes(std::span<const std::byte> bytes) {
  for (const std::byte b : bytes) {
    hash_ ^= static_cast<std::uint64_t>(b);
    hash_ *= 1099511628211ULL;  // FNV-1a prime
  }
}

std::int64_t RunChecksum::value() const {
  const auto v = static_cast<std::int64_t>(hash_);
  return v == 0 ? 1 : v;
}

RunChecksum start_checksum(sweep::RunStatus status, std::span<const double> outcomes) {
  RunChecksum checksum;
  const auto code = static_cast<std::int8_t>(status);
  checksum.add<std::int8_t>(std::span(&code, 1));
  checksum.add<double>(outcomes);
  return checksum;
}

void finish_checksum(RunChecksum& checksum, const std::string& stored_message) {
  const std::string text = stored_message.substr(0, stored_message.find('\0'));
  checksum.add<char>(text);
}

std::vector<std::int64_t> runs_failing_checksum(const Datasets& d, const sweep::SweepSpec& spec,
                                                std::span<const sweep::RunStatus> status) {
  const std::size_t runs = status.size();
  std::vector<std::int64_t> bad;
  std::vector<std::int64_t> stored(runs, 0);
  if (d.checksum.valid()) stored = d.checksum.read<std::int64_t>();
  std::vector<std::vector<double>> outcomes;
  for (const h5::Dataset& o : d.outcomes) outcomes.push_back(o.read<double>());
  const std::vector<std::string> messages = d.message.read<std::string>();
  if (stored.size() != runs || messages.size() != runs) {
    throw h5::Error("the checksum or message column does not have one row per run");
  }
  const std::int64_t steps = spec.base.run.steps();
  const std::size_t countries = spec.base.countries.size();
  const h5::Shape count = {1, static_cast<hsize_t>(steps), static_cast<hsize_t>(countries)};
  std::vector<double> reals(static_cast<std::size_t>(steps) * countries);
  std::vector<std::int64_t> integers(reals.size());
  for (std::size_t r = 0; r < runs; ++r) {
    if (status[r] == sweep::RunStatus::pending) continue;
    std::vector<double> values;
    for (const std::vector<double>& column : outcomes) values.push_back(column.at(r));
    RunChecksum checksum = start_checksum(status[r], values);
    if (status[r] == sweep::RunStatus::done) {
      for (std::size_t m = 0; m < spec.keep_series.size(); ++m) {
        const model::MetricInfo& info = model::country_metrics()[static_cast<std::size_t>(spec.keep_series[m])];
        const h5::Shape offset = {static_cast<hsize_t>(r), 0, 0};
        if (detail::stored_as_integer(info.kind)) {
          read_block(d.series.at(m), H5T_NATIVE_INT64, integers.data(), offset, count);
          checksum.add<std::int64_t>(integers);
        } else {
          read_block(d.series.at(m), H5T_NATIVE_DOUBLE, reals.data(), offset, count);
          checksum.add<double>(reals);
        }
      }
    }
    finish_checksum(checksum, messages[r]);
    if (checksum.value() != stored[r]) bad.push_back(static_cast<std::int64_t>(r));
  }
  return bad;
}

}  // namespace scamsim::io::sweep_layout
