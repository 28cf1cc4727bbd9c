// The calendar engine against the scan (docs/MODEL.md section 3): the same worlds bit for bit, and on every
// step the calendar finds every worker the scan would step. The command-line test
// tests/app/engine_reference_test.sh compares every dataset of every shipped scenario at 1:1.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/model/simulation.hpp"
#include "sim/model/worker_index.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/support/source.hpp"

using namespace scamsim;
using namespace scamsim::model;

namespace {

/// Bitwise equality of two vectors of plain data (NaN equals NaN of the same bits).
template <class T>
bool same_bytes(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

bool same_events(const std::vector<EventRecord>& a, const std::vector<EventRecord>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (a[k].step != b[k].step || a[k].kind != b[k].kind || a[k].country != b[k].country ||
        a[k].network != b[k].network || a[k].operator_id != b[k].operator_id || a[k].count != b[k].count ||
        a[k].amount_usd != b[k].amount_usd) {
      return false;
    }
  }
  return true;
}

bool same_operators(const std::vector<OperatorRecord>& a, const std::vector<OperatorRecord>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t k = 0; k < a.size(); ++k) {
    const bool same = a[k].operator_id == b[k].operator_id && a[k].network == b[k].network &&
                      a[k].country == b[k].country && a[k].site == b[k].site && a[k].state == b[k].state &&
                      a[k].workers == b[k].workers && a[k].target_workers == b[k].target_workers &&
                      a[k].capital_usd == b[k].capital_usd &&
                      std::memcmp(&a[k].protection, &b[k].protection, sizeof(double)) == 0 &&
                      std::memcmp(&a[k].tech, &b[k].tech, sizeof(double)) == 0 &&
                      std::memcmp(&a[k].perceived_risk, &b[k].perceived_risk, sizeof(double)) == 0;
    if (!same) return false;
  }
  return true;
}

RunRecord run_with(const scenario::Scenario& s, std::uint32_t replicate, Engine engine) {
  Simulation sim(s, replicate, engine);
  sim.run_to_end();
  return sim.take_record();
}

std::vector<std::filesystem::path> shipped_scenarios() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(test::source_path("scenarios"))) {
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("The calendar engine gives the scan's record bit for bit on every shipped scenario, at 5%",
          "[engine][determinism]") {
  // At 5% every scenario's events, raids, splits, merges, moves and releases happen in a few seconds; the
  // 1:1 comparison of every dataset is the command-line test's.
  for (const auto& file : shipped_scenarios()) {
    const std::vector<std::string> overrides = {"run.scale=0.05"};
    const auto s = scenario::load_scenario(file, overrides);
    for (std::uint32_t replicate = 0; replicate < 2; ++replicate) {
      INFO(file.filename().string() << ", replicate " << replicate);
      const RunRecord scan = run_with(s, replicate, Engine::scan);
      const RunRecord calendar = run_with(s, replicate, Engine::calendar);
      CHECK(same_bytes(calendar.by_country, scan.by_country));
      CHECK(same_bytes(calendar.global, scan.global));
      CHECK(same_events(calendar.events, scan.events));
      CHECK(same_operators(calendar.final_operators, scan.final_operators));
      CHECK(calendar.worker_steps == scan.worker_steps);
    }
  }
}

TEST_CASE("On every step the calendar finds every worker the scan would step", "[engine]") {
  // Engine::checked runs a scan beside the calendar at each step and throws on the first worker the calendar
  // missed: the record comparison above could pass by luck where a missed worker changed nothing visible.
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"scenarios/cambodia_crackdown_2025.toml", {"run.scale=0.05"}},
      {"scenarios/aftercare_funding.toml", {"run.scale=0.05"}},
      {"scenarios/regional_cooperation.toml", {"run.scale=0.05"}},
      {"tests/scenarios/tiny.toml", {"run.years=2"}},
  };
  for (const auto& [file, overrides] : cases) {
    INFO(file);
    const auto s = test::load_source_scenario(file, overrides);
    Simulation checked(s, 0, Engine::checked);
    REQUIRE_NOTHROW(checked.run_to_end());
    Simulation scan(s, 0, Engine::scan);
    scan.run_to_end();
    CHECK(same_bytes(checked.record().by_country, scan.record().by_country));
    // The calendar looks at far fewer workers than the scan, which looks at every worker every step.
    CHECK(checked.workers_visited() < scan.workers_visited() / 4);
    CHECK(checked.transitions() == scan.transitions());
    CHECK(checked.transitions() > 0);
  }
}

TEST_CASE("The calendar hands out a step's workers once each, in id order, and drops dates past the end", "[engine]") {
  WorkerCalendar calendar;
  calendar.reset(5);
  for (const std::uint32_t w : {7u, 3u, 7u, 1u}) calendar.file(w, 2);
  calendar.file(9, 5);   // the run has steps 0..4
  calendar.file(8, -1);  // never a step
  calendar.file(4, 4);
  CHECK(calendar.entries() == 5);
  std::vector<std::uint32_t> due{99};
  calendar.take(2, due);
  CHECK(due == std::vector<std::uint32_t>{1, 3, 7});
  calendar.take(2, due);
  CHECK(due.empty());  // taken once
  calendar.take(4, due);
  CHECK(due == std::vector<std::uint32_t>{4});
  calendar.take(7, due);
  CHECK(due.empty());
  CHECK(calendar.entries() == 0);
}

TEST_CASE("A roster lists every worker its operation holds, and stays within about twice that", "[engine]") {
  Workers workers;
  const OperatorId a{0};
  const OperatorId b{1};
  for (int k = 0; k < 6; ++k) workers.add(WorkerState::held, CountryId{}, CountryId{}, a, 0, 0.5f);
  OperatorRosters rosters;
  for (std::uint32_t i = 0; i < 6; ++i) rosters.add(a, i, workers);
  workers[1].state = WorkerState::released;  // escaped
  workers[4].op = b;                         // moved to a cell
  rosters.add(b, 4, workers);
  std::vector<std::uint32_t> listed;
  rosters.append_listed(a, listed);
  CHECK(listed == std::vector<std::uint32_t>{0, 1, 2, 3, 4, 5});  // leavers stay listed until compaction
  listed.clear();
  rosters.append_listed(b, listed);
  CHECK(listed == std::vector<std::uint32_t>{4});
  listed.clear();
  rosters.append_listed(OperatorId{9}, listed);  // a slot never used
  CHECK(listed.empty());

  // Adding again and again (a worker leaving and coming back) compacts the roster once it has doubled: it keeps
  // only the workers held, once each, in id order.
  for (int k = 0; k < 200; ++k) rosters.add(a, 2, workers);
  listed.clear();
  rosters.append_listed(a, listed);
  CHECK(listed.size() <= 2 * 4 + 64);
  CHECK(std::is_sorted(listed.begin(), listed.begin() + 4));
  CHECK(std::vector<std::uint32_t>(listed.begin(), listed.begin() + 4) == std::vector<std::uint32_t>{0, 2, 3, 5});
  CHECK(rosters.entries() == listed.size() + 1);
}

TEST_CASE("Engines are named on the command line as in messages", "[engine]") {
  for (const Engine e : {Engine::calendar, Engine::scan, Engine::checked}) {
    CHECK(engine_named(engine_name(e)) == e);
  }
  CHECK_FALSE(engine_named("Scan").has_value());
  CHECK_FALSE(engine_named("").has_value());
}
