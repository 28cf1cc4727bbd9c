// Shard files merged: the final file of N shards equals the one-process file in every dataset, bit for bit;
// shard files are refused on resume by the wrong shard; merges that cannot be right are refused, naming the file
// or the missing index, before anything is written.

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/io/h5.hpp"
#include "sim/io/sweep_results.hpp"
#include "sim/sweep/shard.hpp"
#include "sim/sweep/sweep_runner.hpp"
#include "tests/support/bits.hpp"
#include "tests/support/source.hpp"
#include "tests/support/sweep_runs.hpp"
#include "tests/support/temp_dir.hpp"

using namespace scamsim;
namespace fs = std::filesystem;
using scamsim::test::run_all;
using scamsim::test::test_sweep_path;

namespace {

// Writes shard `shard` of the sweep to `path` from outputs computed once (a shard's process computes the same).
void write_shard(const fs::path& path, const sweep::SweepSpec& spec, const sweep::SweepPlan& plan,
                 const std::map<std::int64_t, sweep::RunOutput>& outputs, sweep::Shard shard, bool finish = true) {
  io::SweepWriter writer = io::SweepWriter::create(path, spec, plan, "scamsim sweep --shard", shard);
  for (const std::int64_t run : sweep::shard_runs(shard, writer.pending())) {
    writer.write_run(outputs.at(run));
    if (!finish) break;
  }
  writer.close();
}

std::string merge_refusal(const std::vector<fs::path>& shards, const fs::path& merged, const sweep::SweepSpec& spec,
                          const sweep::SweepPlan& plan) {
  try {
    io::merge_shards(shards, merged, spec, plan, "scamsim sweep --merge");
  } catch (const SetupError& e) {
    CHECK(!fs::exists(merged));
    return e.what();
  }
  return "accepted";
}

// Every dataset of the groups, by name: numbers as their bytes (integers as int64, floats as double, NaN by its
// bits), strings as text. The command-line test compares every dataset of the files with h5py.
std::map<std::string, std::string> contents(const fs::path& path) {
  const io::h5::File file = io::h5::File::open_read_only(path);
  std::map<std::string, std::string> out;
  for (const std::string group : {"/", "/design", "/outcomes", "/by_country", "/sensitivity"}) {
    if (!file.exists(group)) continue;
    for (const std::string& name : file.open_group(group).member_names()) {
      const std::string full = (group == "/" ? "" : group) + "/" + name;
      if (name == "coords" ||
          group == "/" && (name == "design" || name == "outcomes" || name == "by_country" || name == "sensitivity")) {
        continue;
      }
      const io::h5::Dataset d = file.open_dataset(full);
      std::string bytes;
      if (d.type_class() == H5T_FLOAT) {
        const auto v = d.read<double>();
        bytes.assign(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(double));
      } else if (d.type_class() == H5T_INTEGER) {
        const auto v = d.read<std::int64_t>();
        bytes.assign(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(std::int64_t));
      } else if (d.type_class() == H5T_STRING) {
        for (const std::string& text : d.read<std::string>()) bytes += text + '\n';
      } else {
        continue;
      }
      out[full] = bytes;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("Three shards merged give the one-process sweep file, bit for bit", "[sweep][io]") {
  const test::TempDir dir("scamsim-test-sweep-shards");
  for (const char* name : {"tiny_grid.toml", "tiny_morris.toml"}) {
    INFO(name);
    const sweep::SweepSpec spec = sweep::load_sweep(test_sweep_path(name));
    const sweep::SweepPlan plan = sweep::plan_sweep(spec);
    const auto outputs = run_all(spec, plan);
    {
      io::SweepWriter writer = io::SweepWriter::create(dir.file("one.partial"), spec, plan, "scamsim sweep");
      for (const auto& [run, output] : outputs) writer.write_run(output);
      writer.close();
    }
    io::finish_sweep(dir.file("one.partial"), dir.file("one.h5"), spec, plan, "scamsim sweep");
    std::vector<fs::path> shards;
    for (std::int64_t i = 2; i >= 0; --i) {
      shards.push_back(dir.file(fmt::format("s{}.h5", i)));
      write_shard(shards.back(), spec, plan, outputs, {i, 3});
    }
    io::merge_shards(shards, dir.file("merged.partial"), spec, plan, "scamsim sweep --merge");
    io::finish_sweep(dir.file("merged.partial"), dir.file("merged.h5"), spec, plan, "scamsim sweep --merge");
    const auto one = contents(dir.file("one.h5"));
    const auto merged = contents(dir.file("merged.h5"));
    CHECK(one.size() > 10);
    CHECK(one == merged);
    fs::remove(dir.file("merged.partial"));
  }
}

TEST_CASE("A merge refuses what cannot be one sweep's shards, naming the file or the missing index", "[sweep][io]") {
  const test::TempDir dir("scamsim-test-sweep-shards");
  const sweep::SweepSpec spec = sweep::load_sweep(test_sweep_path("tiny_grid.toml"));
  const sweep::SweepPlan plan = sweep::plan_sweep(spec);
  const auto outputs = run_all(spec, plan);
  const std::vector<std::string> rescaled{"run.scale=0.03"};
  const sweep::SweepSpec other = sweep::load_sweep(test_sweep_path("tiny_grid.toml"), rescaled);
  const sweep::SweepPlan other_plan = sweep::plan_sweep(other);
  const auto other_outputs = run_all(other, other_plan);
  const fs::path merged = dir.file("merged.partial");
  for (std::int64_t i = 0; i < 3; ++i) {
    write_shard(dir.file(fmt::format("s{}.h5", i)), spec, plan, outputs, {i, 3});
  }
  write_shard(dir.file("two1.h5"), spec, plan, outputs, {1, 2});
  write_shard(dir.file("other1.h5"), other, other_plan, other_outputs, {1, 3});
  write_shard(dir.file("unfinished1.h5"), spec, plan, outputs, {1, 3}, false);
  {
    io::SweepWriter whole = io::SweepWriter::create(dir.file("whole.partial"), spec, plan, "scamsim sweep");
    whole.close();
  }
  const fs::path s0 = dir.file("s0.h5"), s1 = dir.file("s1.h5"), s2 = dir.file("s2.h5");

  CHECK_THAT(merge_refusal({s0, s2}, merged, spec, plan), Catch::Contains("shard 1 of 0 to 2 is missing"));
  CHECK_THAT(merge_refusal({s0, s1, s1, s2}, merged, spec, plan),
             Catch::Contains("s1.h5: error: is shard 1/3, and so is '" + s1.string() + "'"));
  CHECK_THAT(merge_refusal({s0, dir.file("two1.h5"), s2}, merged, spec, plan),
             Catch::Contains("two1.h5: error: is shard 1/2 of a split into 2"));
  CHECK_THAT(merge_refusal({s0, dir.file("other1.h5"), s2}, merged, spec, plan),
             Catch::Contains("other1.h5: error: was written with a different base scenario"));
  CHECK_THAT(merge_refusal({s0, dir.file("unfinished1.h5"), s2}, merged, spec, plan),
             Catch::Contains("unfinished1.h5: error: is unfinished: 1 of the 2 runs of shard 1/3 have not run"));
  CHECK_THAT(merge_refusal({s0, dir.file("whole.partial"), s2}, merged, spec, plan),
             Catch::Contains("whole.partial: error: is not a shard file"));
  CHECK_THAT(merge_refusal({}, merged, spec, plan), Catch::Contains("--merge"));
  CHECK(merge_refusal({s2, s0, s1}, merged, spec, plan) == "accepted");

  // A shard's in-progress file goes on as that shard only.
  CHECK_THROWS_WITH(io::SweepWriter::resume(dir.file("unfinished1.h5"), spec, plan, sweep::Shard{2, 3}),
                    Catch::Contains("holds shard 1/3 of this sweep, not shard 2/3"));
  CHECK_THROWS_WITH(io::SweepWriter::resume(dir.file("unfinished1.h5"), spec, plan),
                    Catch::Contains("not the whole sweep"));
  CHECK_THROWS_WITH(io::SweepWriter::resume(dir.file("whole.partial"), spec, plan, sweep::Shard{0, 3}),
                    Catch::Contains("holds the whole sweep, not shard 0/3"));
  io::SweepWriter resumed = io::SweepWriter::resume(dir.file("unfinished1.h5"), spec, plan, sweep::Shard{1, 3});
  CHECK(sweep::shard_runs({1, 3}, resumed.pending()) == std::vector<std::int64_t>{4});
}
