// ABC-SMC over ranks (sim/distributed/abc_ranks.hpp) without MPI: a fake transport whose workers answer at once.
// A batch's outcomes come back in proposal order whoever evaluated them, so a calibration over ranks is the
// calibration on one process; a worker that cannot load the calibration is named.
#include <catch2/catch.hpp>

#include <cmath>
#include <deque>
#include <optional>
#include <stdexcept>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/distributed/abc_ranks.hpp"

using namespace scamsim;
using namespace scamsim::distributed;

namespace {

/// A proposal's outcome: a distance from its values and number, and one statistic, the same on every rank.
run::AbcBatchResult evaluate(std::span<const run::AbcProposal> proposals) {
  run::AbcBatchResult out;
  for (const auto& p : proposals) {
    const double x = p.values[0];
    out.distances.push_back(std::abs(x - 0.3) + 1e-3 * static_cast<double>(p.index % 7));
    out.statistics.push_back({x * 2});
  }
  return out;
}

/// Rank 0's view of `size` ranks whose workers evaluate what they are sent at once (or, for `failing`, say they
/// cannot load the calibration).
class FakeRanks final : public Transport {
 public:
  FakeRanks(int size, int failing = -1) : size_(size) {
    for (int r = 1; r < size; ++r) {
      if (r == failing) {
        inbox_.push_back({r, Tag::error, encode_error('s', "calibration.toml:3: bad key")});
      } else {
        inbox_.push_back({r, Tag::ready, {}});
      }
    }
  }
  [[nodiscard]] int rank() const override { return 0; }
  [[nodiscard]] int size() const override { return size_; }
  void send(int destination, Tag tag, std::span<const std::byte> bytes) override {
    if (tag == Tag::stop) {
      inbox_.push_back({destination, Tag::bye, {}});
      return;
    }
    ++shares;
    const auto proposals = decode_proposals(bytes);
    inbox_.push_back({destination, Tag::result, encode_outcomes(evaluate(proposals))});
  }
  std::optional<Message> poll(int source, std::optional<Tag> tag) override {
    for (auto it = inbox_.begin(); it != inbox_.end(); ++it) {
      if ((source == any_source || it->source == source) && (!tag || it->tag == *tag)) {
        Message m = std::move(*it);
        inbox_.erase(it);
        return m;
      }
    }
    return std::nullopt;
  }
  int shares = 0;

 private:
  int size_;
  std::deque<Message> inbox_;
};

}  // namespace

TEST_CASE("Proposals and outcomes travel as bytes unchanged", "[distributed][abc]") {
  const std::vector<run::AbcProposal> proposals = {{3, 17, {0.25, -1e300, 7}}, {3, 18, {}}};
  const auto back = decode_proposals(encode_proposals(proposals));
  REQUIRE(back.size() == 2);
  CHECK(back[0].generation == 3);
  CHECK(back[0].index == 17);
  CHECK(back[0].values == proposals[0].values);
  CHECK(back[1].values.empty());
  run::AbcBatchResult outcomes;
  outcomes.distances = {1.5, std::nan("")};
  outcomes.statistics = {{2, 3}, {}};
  const auto got = decode_outcomes(encode_outcomes(outcomes));
  CHECK(got.distances[0] == 1.5);
  CHECK(std::isnan(got.distances[1]));
  CHECK(got.statistics == outcomes.statistics);
  auto cut = encode_proposals(proposals);
  cut.pop_back();
  CHECK_THROWS_AS(decode_proposals(cut), std::invalid_argument);
}

TEST_CASE("A calibration over ranks is the calibration on one process", "[distributed][abc]") {
  run::Prior prior;
  prior.min = 0;
  prior.max = 1;
  const std::vector<run::Prior> priors = {prior};
  run::AbcSettings settings;
  settings.population = 30;
  settings.max_generations = 4;
  settings.batch = 10;
  const run::AbcState alone = run::run_abc_smc(settings, priors, evaluate);
  for (const int size : {2, 3, 7, 12}) {
    FakeRanks transport(size);
    AbcRanks ranks(transport);
    const run::AbcState spread = run::run_abc_smc(
        settings, priors, [&](std::span<const run::AbcProposal> batch) { return ranks.simulate(batch, evaluate); });
    ranks.release();
    INFO(size << " ranks");
    CHECK(transport.shares > 0);
    REQUIRE(spread.generations.size() == alone.generations.size());
    for (std::size_t g = 0; g < alone.generations.size(); ++g) {
      CHECK(spread.generations[g].particles == alone.generations[g].particles);
      CHECK(spread.generations[g].weights == alone.generations[g].weights);
      CHECK(spread.generations[g].statistics == alone.generations[g].statistics);
    }
  }
}

TEST_CASE("A rank that cannot load the calibration is named, and the others are stopped", "[distributed][abc]") {
  FakeRanks transport(3, 2);
  CHECK_THROWS_WITH(AbcRanks(transport), Catch::Contains("calibration.toml:3: bad key"));
}
