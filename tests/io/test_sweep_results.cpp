// The sweep file: an in-progress file that a stopped sweep resumes, a final
// file equal to that of a sweep that never stopped, refusal of files that are
// not this sweep's, and the file read back.

#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

#include "sim/app/sweep_summary.hpp"
#include "sim/core/error.hpp"
#include "sim/io/h5.hpp"
#include "sim/io/open_file.hpp"
#include "sim/io/sweep_results.hpp"
#include "sim/sweep/sweep_runner.hpp"
#include "tests/support/bits.hpp"
#include "tests/support/source.hpp"
#include "tests/support/sweep_runs.hpp"
#include "tests/support/temp_dir.hpp"

using namespace scamsim;
namespace fs = std::filesystem;
using scamsim::test::run_all;
using scamsim::test::same_bits;
using scamsim::test::test_sweep_path;
using sweep::RunOutput;
using sweep::RunStatus;

namespace {

std::string refusal(const fs::path& path, const sweep::SweepSpec& spec, const sweep::SweepPlan& plan) {
  try {
    (void)io::SweepWriter::resume(path, spec, plan);
  } catch (const SetupError& e) {
    return e.what();
  }
  return "accepted";
}

// Every dataset of a group, as doubles (integers converted): what h5diff compares.
std::map<std::string, std::vector<double>> numbers_of(const fs::path& path, const std::string& group) {
  const io::h5::File file = io::h5::File::open_read_only(path);
  std::map<std::string, std::vector<double>> out;
  for (const std::string& name : file.open_group(group).member_names()) {
    const io::h5::Dataset d = file.open_dataset(group + "/" + name);
    if (d.type_class() == H5T_FLOAT) {
      out[name] = d.read<double>();
    } else if (d.type_class() == H5T_INTEGER) {
      const auto v = d.read<std::int64_t>();
      out[name].assign(v.begin(), v.end());
    }
  }
  return out;
}

}  // namespace

TEST_CASE("A sweep stopped halfway and resumed gives the file of one that never stopped", "[sweep][io]") {
  const test::TempDir dir("scamsim-test-sweep-io");
  const sweep::SweepSpec spec = sweep::load_sweep(test_sweep_path("tiny_grid.toml"));
  const sweep::SweepPlan plan = sweep::plan_sweep(spec);
  const auto outputs = run_all(spec, plan);

  // Uninterrupted, runs recorded in reverse order of their index.
  {
    io::SweepWriter writer = io::SweepWriter::create(dir.file("a.h5.partial"), spec, plan, "scamsim sweep a");
    for (auto it = outputs.rbegin(); it != outputs.rend(); ++it) writer.write_run(it->second);
    writer.close();
  }
  io::finish_sweep(dir.file("a.h5.partial"), dir.file("a.h5"), spec, plan, "scamsim sweep a");

  // Two runs, then the writer is dropped without closing (as a killed process would), then resumed.
  {
    io::SweepWriter writer = io::SweepWriter::create(dir.file("b.h5.partial"), spec, plan, "scamsim sweep b");
    writer.write_run(outputs.at(3));
    writer.write_run(outputs.at(0));
  }
  {
    io::SweepWriter writer = io::SweepWriter::resume(dir.file("b.h5.partial"), spec, plan);
    CHECK(writer.done() == 2);
    CHECK(writer.pending() == std::vector<std::int64_t>{1, 2, 4, 5});
    CHECK_THROWS_AS(writer.write_run(outputs.at(3)), io::h5::Error);  // recorded already
    for (const std::int64_t run : writer.pending()) writer.write_run(outputs.at(run));
    writer.close();
  }
  io::finish_sweep(dir.file("b.h5.partial"), dir.file("b.h5"), spec, plan, "scamsim sweep b --resume");

  for (const char* group : {"design", "outcomes", "by_country"}) {
    INFO(group);
    const auto a = numbers_of(dir.file("a.h5"), group);
    const auto b = numbers_of(dir.file("b.h5"), group);
    REQUIRE(a.size() == b.size());
    for (const auto& [name, values] : a) {
      INFO(name);
      CHECK(same_bits(values, b.at(name)));
    }
  }
  const io::SweepResults read = io::read_sweep(dir.file("b.h5"));
  CHECK(read.complete);
  CHECK(read.runs == 6);
  CHECK(read.scale == spec.base.run.scale);
  CHECK(read.status == std::vector<RunStatus>(6, RunStatus::done));
  CHECK(same_bits(read.outcome_values, io::read_sweep(dir.file("a.h5")).outcome_values));
  CHECK(read.parameters == std::vector<std::string>{"countries.alpha.host.aftercare_budget_usd_per_year"});
  CHECK(read.outcome_units == std::vector<std::string>{"people", "1", "people"});
  CHECK(read.kept_series == std::vector<std::string>{"pressure", "rerecruited"});
  CHECK(io::file_kind(dir.file("b.h5")) == "sweep");
  CHECK(!scamsim::app::summarize_sweep(read).empty());
}

TEST_CASE("The in-progress file is refused for another sweep, a finished or foreign file, and garbage", "[sweep][io]") {
  const test::TempDir dir("scamsim-test-sweep-io");
  const sweep::SweepSpec spec = sweep::load_sweep(test_sweep_path("tiny_grid.toml"));
  const sweep::SweepPlan plan = sweep::plan_sweep(spec);
  const fs::path partial = dir.file("s.h5.partial");
  io::SweepWriter::create(partial, spec, plan, "scamsim sweep").close();
  CHECK(refusal(partial, spec, plan) == "accepted");

  const std::vector<std::string> other_set = {"run.scale=0.01"};
  const sweep::SweepSpec other_base = sweep::load_sweep(test_sweep_path("tiny_grid.toml"), other_set);
  CHECK_THAT(refusal(partial, other_base, sweep::plan_sweep(other_base)), Catch::Contains("different base scenario"));
  const sweep::SweepSpec other_sweep = sweep::load_sweep(test_sweep_path("tiny_failing.toml"));
  CHECK_THAT(refusal(partial, other_sweep, sweep::plan_sweep(other_sweep)), Catch::Contains("different sweep file"));

  const fs::path garbage = dir.write("garbage.h5", "not an HDF5 file at all");
  CHECK_THAT(refusal(garbage, spec, plan), Catch::Contains("not an HDF5 file"));
  const fs::path truncated = dir.file("truncated.h5");
  fs::copy_file(partial, truncated);
  fs::resize_file(truncated, 2000);
  CHECK_THAT(refusal(truncated, spec, plan), Catch::Contains("truncated or corrupt"));
  CHECK_THAT(refusal(dir.file("none.h5"), spec, plan), Catch::Contains("no such sweep file"));

  { const io::h5::File foreign = io::h5::File::create(dir.file("foreign.h5")); }
  CHECK_THAT(refusal(dir.file("foreign.h5"), spec, plan), Catch::Contains("not a scamsim sweep file"));

  // A finished sweep file is not one to go on with.
  {
    io::SweepWriter writer = io::SweepWriter::resume(partial, spec, plan);
    for (auto& [run, o] : run_all(spec, plan)) writer.write_run(o);
    writer.close();
  }
  io::finish_sweep(partial, dir.file("s.h5"), spec, plan, "scamsim sweep");
  CHECK_THAT(refusal(dir.file("s.h5"), spec, plan), Catch::Contains("finished sweep file"));
  CHECK(io::file_kind(garbage).empty());
}

TEST_CASE("An unfinished sweep cannot be finished, and its file reads as incomplete", "[sweep][io]") {
  const test::TempDir dir("scamsim-test-sweep-io");
  const sweep::SweepSpec spec = sweep::load_sweep(test_sweep_path("tiny_failing.toml"));
  const sweep::SweepPlan plan = sweep::plan_sweep(spec);
  const fs::path partial = dir.file("f.h5.partial");
  {
    io::SweepWriter writer = io::SweepWriter::create(partial, spec, plan, "scamsim sweep");
    writer.write_run(sweep::execute_run(spec, plan.runs[1]));
    CHECK(writer.failed() == 1);
  }
  CHECK_THROWS_WITH(io::finish_sweep(partial, dir.file("f.h5"), spec, plan, "x"),
                    Catch::Contains("3 runs have not finished"));
  const io::SweepResults read = io::read_sweep(partial);
  CHECK_FALSE(read.complete);
  CHECK(read.status[1] == RunStatus::failed);
  CHECK_THAT(read.messages[1], Catch::Contains("no nationality"));
  CHECK(read.status[0] == RunStatus::pending);
  CHECK(std::isnan(read.outcome_values[0]));
  CHECK_THAT(scamsim::app::summarize_sweep(read), Catch::Contains("in progress"));
}

TEST_CASE("Saltelli and Morris sweeps carry their sensitivity indices in the final file", "[sweep][io]") {
  const test::TempDir dir("scamsim-test-sweep-io");
  for (const char* name : {"tiny_saltelli.toml", "tiny_morris.toml"}) {
    INFO(name);
    const sweep::SweepSpec spec = sweep::load_sweep(test_sweep_path(name));
    const sweep::SweepPlan plan = sweep::plan_sweep(spec);
    const fs::path partial = dir.file("x.h5.partial");
    {
      io::SweepWriter writer = io::SweepWriter::create(partial, spec, plan, "scamsim sweep");
      for (auto& [run, o] : run_all(spec, plan)) writer.write_run(o);
      writer.close();
    }
    io::finish_sweep(partial, dir.file("x.h5"), spec, plan, "scamsim sweep");
    const io::SweepResults read = io::read_sweep(dir.file("x.h5"));
    REQUIRE(read.sensitivity);
    const bool sobol = spec.design == sweep::DesignKind::saltelli;
    CHECK(read.sensitivity->method == (sobol ? "sobol" : "morris"));
    CHECK(read.sensitivity->tables.size() == (sobol ? 6u : 5u));
    CHECK(read.bootstrap == 50);
    CHECK(read.confidence == 0.95);
    CHECK_THAT(scamsim::app::summarize_sweep(read), Catch::Contains(sobol ? "total order" : "mu*"));
    fs::remove(dir.file("x.h5"));
  }
}
