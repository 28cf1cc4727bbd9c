#include "sim/distributed/abc_ranks.hpp"

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "sim/core/error.hpp"

namespace scamsim::distributed {

namespace {

template <class T>
void put(std::vector<std::byte>& out, const T& value) {
  const std::size_t at = out.size();
  out.resize(at + sizeof(T));
  std::memcpy(out.data() + at, &value, sizeof(T));
}

/// Reads values off the front of a message, refusing one that ends early.
class Reader {
 public:
  explicit Reader(std::span<const std::byte> bytes) : bytes_(bytes) {}
  template <class T>
  T get() {
    if (bytes_.size() < sizeof(T)) throw std::invalid_argument("a message ended early");
    T value;
    std::memcpy(&value, bytes_.data(), sizeof(T));
    bytes_ = bytes_.subspan(sizeof(T));
    return value;
  }
  [[nodiscard]] bool done() const { return bytes_.empty(); }

 private:
  std::span<const std::byte> bytes_;
};

/// Share r of n proposals over `ranks` ranks: [first, last).
std::pair<std::size_t, std::size_t> share(std::size_t n, int ranks, int r) {
  const auto k = static_cast<std::size_t>(ranks);
  const auto i = static_cast<std::size_t>(r);
  return {n * i / k, n * (i + 1) / k};
}

}  // namespace

std::vector<std::byte> encode_proposals(std::span<const run::AbcProposal> proposals) {
  std::vector<std::byte> out;
  put(out, static_cast<std::uint64_t>(proposals.size()));
  for (const run::AbcProposal& p : proposals) {
    put(out, static_cast<std::int64_t>(p.generation));
    put(out, p.index);
    put(out, static_cast<std::uint64_t>(p.values.size()));
    for (const double v : p.values) put(out, v);
  }
  return out;
}

std::vector<run::AbcProposal> decode_proposals(std::span<const std::byte> bytes) {
  Reader in(bytes);
  const auto count = in.get<std::uint64_t>();
  std::vector<run::AbcProposal> out;
  for (std::uint64_t k = 0; k < count; ++k) {
    run::AbcProposal p;
    p.generation = static_cast<int>(in.get<std::int64_t>());
    p.index = in.get<std::int64_t>();
    const auto values = in.get<std::uint64_t>();
    if (values > bytes.size()) throw std::invalid_argument("a proposal with more values than the message has");
    for (std::uint64_t j = 0; j < values; ++j) p.values.push_back(in.get<double>());
    out.push_back(std::move(p));
  }
  if (!in.done()) throw std::invalid_argument("bytes after the proposals");
  return out;
}

std::vector<std::byte> encode_outcomes(const run::AbcBatchResult& result) {
  std::vector<std::byte> out;
  put(out, static_cast<std::uint64_t>(result.distances.size()));
  for (std::size_t k = 0; k < result.distances.size(); ++k) {
    put(out, result.distances[k]);
    const std::vector<double> none;
    const std::vector<double>& stats = k < result.statistics.size() ? result.statistics[k] : none;
    put(out, static_cast<std::uint64_t>(stats.size()));
    for (const double v : stats) put(out, v);
  }
  return out;
}

run::AbcBatchResult decode_outcomes(std::span<const std::byte> bytes) {
  Reader in(bytes);
  const auto count = in.get<std::uint64_t>();
  run::AbcBatchResult out;
  for (std::uint64_t k = 0; k < count; ++k) {
    out.distances.push_back(in.get<double>());
    const auto stats = in.get<std::uint64_t>();
    if (stats > bytes.size()) throw std::invalid_argument("an outcome with more statistics than the message has");
    std::vector<double> row;
    for (std::uint64_t j = 0; j < stats; ++j) row.push_back(in.get<double>());
    out.statistics.push_back(std::move(row));
  }
  if (!in.done()) throw std::invalid_argument("bytes after the outcomes");
  return out;
}

AbcRanks::AbcRanks(Transport& transport) : transport_(transport) {
  std::string problem;
  bool setup = false;
  for (int r = 1; r < transport_.size(); ++r) {
    const Message m = wait_for(transport_, r);
    if (m.tag == Tag::ready) continue;
    if (m.tag == Tag::error) {
      const auto [kind, text] = decode_error(m.bytes);
      if (problem.empty()) {
        problem = text;
        setup = kind == 's';
      }
      continue;
    }
    if (problem.empty())
      problem = fmt::format("rank {} sent message {} before it was ready", r, static_cast<int>(m.tag));
  }
  if (problem.empty()) return;
  release();
  if (setup) throw SetupError(problem);
  throw std::runtime_error(problem);
}

run::AbcBatchResult AbcRanks::simulate(std::span<const run::AbcProposal> batch, const AbcEvaluate& local) {
  const int ranks = transport_.size();
  for (int r = 1; r < ranks; ++r) {
    const auto [first, last] = share(batch.size(), ranks, r);
    if (first < last) transport_.send(r, Tag::run, encode_proposals(batch.subspan(first, last - first)));
  }
  const auto [mine_first, mine_last] = share(batch.size(), ranks, 0);
  run::AbcBatchResult all = local(batch.subspan(mine_first, mine_last - mine_first));
  all.statistics.resize(all.distances.size());
  std::string problem;
  for (int r = 1; r < ranks; ++r) {
    const auto [first, last] = share(batch.size(), ranks, r);
    if (first == last) continue;
    const Message m = wait_for(transport_, r);
    run::AbcBatchResult part;
    if (m.tag == Tag::result) {
      part = decode_outcomes(m.bytes);
    } else if (m.tag == Tag::error) {
      if (problem.empty()) problem = fmt::format("rank {}: {}", r, decode_error(m.bytes).second);
      continue;
    } else {
      if (problem.empty())
        problem = fmt::format("rank {} answered a share with message {}", r, static_cast<int>(m.tag));
      continue;
    }
    if (part.distances.size() != last - first) {
      if (problem.empty())
        problem = fmt::format("rank {} returned {} outcomes for {} proposals", r, part.distances.size(), last - first);
      continue;
    }
    all.distances.insert(all.distances.end(), part.distances.begin(), part.distances.end());
    part.statistics.resize(part.distances.size());
    all.statistics.insert(all.statistics.end(), part.statistics.begin(), part.statistics.end());
  }
  if (!problem.empty()) throw std::runtime_error(problem);
  return all;
}

void AbcRanks::release() {
  if (released_) return;
  released_ = true;
  for (int r = 1; r < transport_.size(); ++r) transport_.send(r, Tag::stop, {});
  for (int r = 1; r < transport_.size(); ++r) {
    for (;;) {
      const Message m = wait_for(transport_, r);
      if (m.tag == Tag::bye) break;  // results or errors still on the way are dropped
    }
  }
}

void run_abc_worker(Transport& transport, const AbcEvaluate& evaluate) {
  if (evaluate) transport.send(0, Tag::ready, {});
  for (;;) {
    const Message m = wait_for(transport, 0);
    if (m.tag == Tag::stop) break;
    if (!evaluate) continue;  // it reported why it cannot; rank 0 stops it
    try {
      const std::vector<run::AbcProposal> proposals = decode_proposals(m.bytes);
      transport.send(0, Tag::result, encode_outcomes(evaluate(proposals)));
    } catch (const std::exception& e) {
      transport.send(0, Tag::error, encode_error('i', e.what()));
    }
  }
  transport.send(0, Tag::bye, {});
}

}  // namespace scamsim::distributed
