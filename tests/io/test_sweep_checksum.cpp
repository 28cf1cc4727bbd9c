// A sweep's in-progress file checks what --resume takes from it: finished
// runs whose stored rows were damaged, or whose status was set to done
// without rows, run again instead of reaching the means (issue 12, item 5).

#include <catch2/catch.hpp>

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <vector>

#include "sim/io/h5.hpp"
#include "sim/io/sweep_results.hpp"
#include "sim/sweep/sweep_runner.hpp"
#include "tests/support/temp_dir.hpp"

using namespace scamsim;
namespace fs = std::filesystem;
using sweep::RunOutput;

namespace {

fs::path sweep_file(const std::string& name) {
  return fs::path(SCAMSIM_SOURCE_DIR) / "tests" / "scenarios" / "sweeps" / name;
}

std::map<std::int64_t, RunOutput> run_all(const sweep::SweepSpec& spec, const sweep::SweepPlan& plan) {
  std::vector<std::int64_t> todo;
  for (const auto& r : plan.runs) todo.push_back(r.run);
  std::map<std::int64_t, RunOutput> out;
  sweep::run_sweep(spec, plan, todo, {.threads = 2}, [&](RunOutput&& o) { out.emplace(o.run, std::move(o)); });
  return out;
}

// Where a contiguous dataset's bytes start in its file.
std::uint64_t file_offset(const fs::path& path, const std::string& dataset) {
  const io::h5::File file = io::h5::File::open_read_only(path);
  const io::h5::Dataset d = file.open_dataset(dataset);
  const haddr_t offset = H5Dget_offset(d.id());
  REQUIRE(offset != HADDR_UNDEF);
  return offset;
}

// Overwrites `count` bytes at `offset` with their complement, as a failing disk might.
void flip_bytes(const fs::path& path, std::uint64_t offset, std::size_t count) {
  std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
  std::vector<char> bytes(count);
  f.seekg(static_cast<std::streamoff>(offset));
  f.read(bytes.data(), static_cast<std::streamsize>(count));
  for (char& b : bytes) b = static_cast<char>(~b);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(bytes.data(), static_cast<std::streamsize>(count));
  REQUIRE(f.good());
}

}  // namespace

TEST_CASE("Resuming runs again the finished runs whose outcome bytes were damaged", "[unit][sweep][io]") {
  const test::TempDir dir("scamsim-test-sweep-checksum");
  const sweep::SweepSpec spec = sweep::load_sweep(sweep_file("tiny_grid.toml"));
  const sweep::SweepPlan plan = sweep::plan_sweep(spec);
  const auto outputs = run_all(spec, plan);
  REQUIRE(outputs.size() == 6);
  const fs::path partial = dir.file("s.h5.partial");
  {
    io::SweepWriter writer = io::SweepWriter::create(partial, spec, plan, "scamsim sweep s");
    for (const auto& [run, output] : outputs) writer.write_run(output);
    writer.close();
  }
  {
    io::SweepWriter writer = io::SweepWriter::resume(partial, spec, plan);
    CHECK(writer.discarded().empty());  // an undamaged file is taken as it is
    CHECK(writer.pending().empty());
  }

  // 40 bytes of the first outcome: the doubles of runs 0 to 4.
  const std::string outcome = "outcomes/" + spec.outcomes.front().name;
  flip_bytes(partial, file_offset(partial, outcome), 40);
  {
    io::SweepWriter writer = io::SweepWriter::resume(partial, spec, plan);
    CHECK(writer.discarded() == std::vector<std::int64_t>{0, 1, 2, 3, 4});
    CHECK(writer.pending() == std::vector<std::int64_t>{0, 1, 2, 3, 4});
    CHECK(writer.done() == 1);
    for (const std::int64_t run : writer.pending()) writer.write_run(outputs.at(run));
    writer.close();
  }
  // Set back to pending on disk: a second resume finds them whole again.
  CHECK(io::SweepWriter::resume(partial, spec, plan).discarded().empty());

  io::finish_sweep(partial, dir.file("s.h5"), spec, plan, "scamsim sweep s");
  const io::SweepResults read = io::read_sweep(dir.file("s.h5"));
  for (const auto& [run, output] : outputs) {
    for (std::size_t o = 0; o < spec.outcomes.size(); ++o) {
      const double stored = read.outcome_values[static_cast<std::size_t>(run) * spec.outcomes.size() + o];
      CHECK((stored == output.outcomes[o] || (std::isnan(stored) && std::isnan(output.outcomes[o]))));
    }
  }
}

TEST_CASE("Resuming a file whose every status was set to done without rows runs every run", "[unit][sweep][io]") {
  const test::TempDir dir("scamsim-test-sweep-checksum");
  const sweep::SweepSpec spec = sweep::load_sweep(sweep_file("tiny_grid.toml"));
  const sweep::SweepPlan plan = sweep::plan_sweep(spec);
  const fs::path partial = dir.file("s.h5.partial");
  io::SweepWriter::create(partial, spec, plan, "scamsim sweep s").close();
  {
    // /design/status holds integer codes (CF flags); done is 1.
    const io::h5::File file = io::h5::File::open_read_write(partial);
    io::h5::Dataset status = file.open_dataset("design/status");
    status.write<std::int64_t>(std::vector<std::int64_t>(plan.runs.size(), 1));
  }
  io::SweepWriter writer = io::SweepWriter::resume(partial, spec, plan);
  CHECK(writer.discarded().size() == plan.runs.size());
  CHECK(writer.pending().size() == plan.runs.size());
  CHECK(writer.done() == 0);
  writer.close();
  // Nothing finished, so finishing refuses rather than writing a file of NaNs.
  CHECK_THROWS(io::finish_sweep(partial, dir.file("s.h5"), spec, plan, "scamsim sweep s"));
}

TEST_CASE("A sweep's in-progress file is removed when its first write fails, kept once it holds a run",
          "[unit][sweep][io]") {
  const test::TempDir dir("scamsim-test-sweep-checksum");
  const sweep::SweepSpec spec = sweep::load_sweep(sweep_file("tiny_grid.toml"));
  const sweep::SweepPlan plan = sweep::plan_sweep(spec);
  const auto outputs = run_all(spec, plan);
  // A series one value short fails while the run's rows are being written, as a full disk does.
  RunOutput broken = outputs.at(1);
  broken.series.front().pop_back();

  const fs::path fresh = dir.file("fresh.h5.partial");
  {
    io::SweepWriter writer = io::SweepWriter::create(fresh, spec, plan, "scamsim sweep fresh");
    CHECK_THROWS_AS(writer.write_run(broken), io::h5::Error);
  }
  CHECK(!fs::exists(fresh));  // nothing was recorded: nothing to resume, nothing to block the next try

  const fs::path started = dir.file("started.h5.partial");
  {
    io::SweepWriter writer = io::SweepWriter::create(started, spec, plan, "scamsim sweep started");
    writer.write_run(outputs.at(0));
    try {
      writer.write_run(broken);
      FAIL("a broken run was recorded");
    } catch (const io::h5::Error& e) {
      CHECK_THAT(e.what(), Catch::Contains("1 runs finished so far are kept") && Catch::Contains("--resume"));
    }
  }
  REQUIRE(fs::exists(started));
  CHECK(io::SweepWriter::resume(started, spec, plan).done() == 1);

  // A resumed file is never removed: what it holds was there before this writer.
  {
    io::SweepWriter writer = io::SweepWriter::create(dir.file("r.h5.partial"), spec, plan, "scamsim sweep r");
    writer.close();
  }
  {
    io::SweepWriter writer = io::SweepWriter::resume(dir.file("r.h5.partial"), spec, plan);
    CHECK_THROWS_AS(writer.write_run(broken), io::h5::Error);
  }
  CHECK(fs::exists(dir.file("r.h5.partial")));
}
