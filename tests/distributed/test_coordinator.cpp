// The protocol of a sweep spread over ranks (sim/distributed/), without MPI:
// a fake transport stands in for the other ranks, so the coordinator's
// bookkeeping (every run handed out once, recorded once, every worker stopped
// once) and a worker's answers can be checked in one process.

#include <catch2/catch.hpp>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <numeric>
#include <set>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/distributed/coordinator.hpp"
#include "sim/distributed/protocol.hpp"
#include "sim/distributed/worker.hpp"
#include "sim/sweep/sweep_runner.hpp"
#include "sim/sweep/sweep_spec.hpp"
#include "tests/support/error_message.hpp"
#include "tests/support/source.hpp"

using namespace scamsim;
using namespace scamsim::distributed;
namespace fs = std::filesystem;

namespace {

// What a fake worker reports as its outcomes: recognisable, so the test can tell its runs from rank 0's.
constexpr double fake_outcome = -12345;

// Rank 0's view of a job whose other ranks are simulated here. Each fake worker answers a run at once with
// a made-up result (or, if told to, an error when it starts) and a stop with bye, as the real worker does.
class FakeWorkers final : public Transport {
 public:
  FakeWorkers(int ranks, std::size_t outcomes, std::set<int> failing_to_load = {})
      : ranks_(ranks), outcomes_(outcomes) {
    for (int r = 1; r < ranks; ++r) {
      if (failing_to_load.count(r) > 0) {
        inbox_.push_back({r, Tag::error, encode_error('s', "cannot read 'nfs/sweep.toml'")});
      } else {
        inbox_.push_back({r, Tag::ready, {}});
      }
    }
  }
  [[nodiscard]] int rank() const override { return 0; }
  [[nodiscard]] int size() const override { return ranks_; }

  void send(int destination, Tag tag, std::span<const std::byte> bytes) override {
    REQUIRE(destination > 0);
    REQUIRE(destination < ranks_);
    REQUIRE(!said_bye_.count(destination));
    if (tag == Tag::run) {
      REQUIRE(stops_[destination] == 0);  // nothing after a stop
      sweep::RunOutput out;
      out.run = decode_index(bytes);
      out.status = sweep::RunStatus::done;
      out.outcomes.assign(outcomes_, fake_outcome);
      handed_[destination].push_back(out.run);
      inbox_.push_back({destination, Tag::result, sweep::encode(out)});
    } else if (tag == Tag::stop) {
      ++stops_[destination];
      said_bye_.insert(destination);
      inbox_.push_back({destination, Tag::bye, {}});
    } else {
      FAIL("rank 0 sent a worker's message");
    }
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

  std::map<int, std::vector<std::int64_t>> handed_;  // runs handed to each fake worker
  std::map<int, int> stops_;                         // stops each fake worker got

 private:
  int ranks_;
  std::size_t outcomes_;
  std::deque<Message> inbox_;
  std::set<int> said_bye_;
};

}  // namespace

TEST_CASE("The coordinator hands out every run once, records each once and stops every worker once",
          "[unit][distributed]") {
  const sweep::SweepSpec spec = sweep::load_sweep(scamsim::test::test_sweep_path("tiny_grid.toml"));
  const sweep::SweepPlan plan = sweep::plan_sweep(spec);
  std::vector<std::int64_t> todo(plan.runs.size());
  std::iota(todo.begin(), todo.end(), std::int64_t{0});
  todo.erase(todo.begin() + 1);  // as after a resume: run 1 was recorded before

  FakeWorkers workers(3, spec.outcomes.size());
  Coordinator coordinator(workers, 1);
  std::vector<std::int64_t> recorded;
  std::map<std::int64_t, bool> from_fake;
  coordinator.schedule(spec, plan, todo, {}, [&](sweep::RunOutput&& out) {
    recorded.push_back(out.run);
    from_fake[out.run] = out.outcomes.front() == fake_outcome;
  });
  coordinator.release();

  std::vector<std::int64_t> sorted = recorded;
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted == todo);  // each once, none that was not asked for
  const std::vector<std::int64_t>& per_rank = coordinator.runs_per_rank();
  REQUIRE(per_rank.size() == 3);
  CHECK(per_rank[0] + per_rank[1] + per_rank[2] == static_cast<std::int64_t>(todo.size()));
  for (int r = 1; r < 3; ++r) {
    CHECK(workers.stops_[r] == 1);
    CHECK(static_cast<std::int64_t>(workers.handed_[r].size()) == per_rank[static_cast<std::size_t>(r)]);
    for (const std::int64_t run : workers.handed_[r]) CHECK(from_fake[run]);  // its result, not rank 0's
  }
  std::int64_t local = 0;
  for (const auto& [run, fake] : from_fake) local += fake ? 0 : 1;
  CHECK(local == per_rank[0]);
}

TEST_CASE("A worker that cannot load the sweep stops the sweep with a setup error naming its rank",
          "[unit][distributed]") {
  const sweep::SweepSpec spec = sweep::load_sweep(scamsim::test::test_sweep_path("tiny_grid.toml"));
  const sweep::SweepPlan plan = sweep::plan_sweep(spec);
  std::vector<std::int64_t> todo(plan.runs.size());
  std::iota(todo.begin(), todo.end(), std::int64_t{0});

  FakeWorkers workers(3, spec.outcomes.size(), {2});
  Coordinator coordinator(workers, 1);
  const std::string message =
      test::error_message<SetupError>([&] { coordinator.schedule(spec, plan, todo, {}, [](sweep::RunOutput&&) {}); });
  CHECK_THAT(message, Catch::Contains("rank 2 cannot load the sweep") && Catch::Contains("nfs/sweep.toml"));
  coordinator.release();
  CHECK(workers.stops_[1] == 1);
  CHECK(workers.stops_[2] == 1);
  CHECK(workers.handed_[2].empty());
}

namespace {

// A worker's view: rank 0 is scripted, and what the worker sends is kept.
class ScriptedCoordinator final : public Transport {
 public:
  explicit ScriptedCoordinator(std::vector<Message> script) : script_(script.begin(), script.end()) {}
  [[nodiscard]] int rank() const override { return 1; }
  [[nodiscard]] int size() const override { return 2; }
  void send(int destination, Tag tag, std::span<const std::byte> bytes) override {
    REQUIRE(destination == 0);
    sent.push_back({1, tag, std::vector<std::byte>(bytes.begin(), bytes.end())});
  }
  std::optional<Message> poll(int source, std::optional<Tag> tag) override {
    REQUIRE(source == 0);
    if (script_.empty() || (tag && script_.front().tag != *tag)) return std::nullopt;
    Message m = std::move(script_.front());
    script_.pop_front();
    return m;
  }
  std::vector<Message> sent;

 private:
  std::deque<Message> script_;
};

}  // namespace

TEST_CASE("A worker says ready, answers each run with its result and a stop with bye", "[unit][distributed]") {
  const sweep::SweepSpec spec = sweep::load_sweep(scamsim::test::test_sweep_path("tiny_grid.toml"));
  const sweep::SweepPlan plan = sweep::plan_sweep(spec);
  ScriptedCoordinator rank0({{0, Tag::run, encode_index(3)}, {0, Tag::run, encode_index(99)}, {0, Tag::stop, {}}});
  run_worker(rank0, &spec, &plan, true, 1, {});

  REQUIRE(rank0.sent.size() == 4);
  CHECK(rank0.sent[0].tag == Tag::ready);
  REQUIRE(rank0.sent[1].tag == Tag::result);
  const sweep::RunOutput out = sweep::decode(rank0.sent[1].bytes);
  const sweep::RunOutput alone = sweep::execute_run(spec, plan.runs[3]);
  CHECK(out.run == 3);
  CHECK(out.status == sweep::RunStatus::done);
  CHECK(out.outcomes == alone.outcomes);
  REQUIRE(rank0.sent[2].tag == Tag::error);  // run 99 does not exist
  CHECK_THAT(decode_error(rank0.sent[2].bytes).second, Catch::Contains("run 99"));
  CHECK(rank0.sent[3].tag == Tag::bye);
}
