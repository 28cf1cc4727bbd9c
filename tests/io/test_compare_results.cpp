// The comparison file of scamsim compare: written and read back whole, with
// its layout's coordinates and statistics, summarised as a table, and files
// of other kinds refused with a message naming them.

#include <hdf5_hl.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "sim/app/compare_summary.hpp"
#include "sim/core/error.hpp"
#include "sim/io/compare_results.hpp"
#include "sim/io/h5.hpp"
#include "sim/io/open_file.hpp"
#include "sim/io/sweep_results.hpp"
#include "sim/run/compare.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/support/error_message.hpp"
#include "tests/support/source.hpp"
#include "tests/support/temp_dir.hpp"

using namespace scamsim;
namespace fs = std::filesystem;

namespace {

// Two outcomes of three pairs, with a NaN in the second outcome's last pair.
io::CompareResults example() {
  const scenario::Scenario s = test::tiny_scenario();
  const std::vector<run::OutcomeSpec> outcomes = run::headline_outcomes(s, s);
  io::CompareResults r;
  r.command_line = "scamsim compare a.toml b.toml -o cmp.h5";
  r.name_a = "tiny";
  r.name_b = "tiny_policy";
  r.file_a = "a.toml";
  r.file_b = "b.toml";
  r.toml_a = s.resolved_toml;
  r.toml_b = s.resolved_toml + "\n# b\n";
  r.seed = 42;
  r.scale_a = 0.5;  // not the scenario text's, so that the attributes are what is read back
  r.scale_b = 2;
  r.pairs = 3;
  r.confidence = 0.9;
  r.start_date = s.run.start_date;
  r.dt_days = s.run.dt_days;
  r.steps = s.run.steps();
  const std::vector<run::OutcomeSpec> two(outcomes.begin(), outcomes.begin() + 2);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  r.a = {100, 10, 200, 20, 300, 30};  // [pair][outcome]
  r.b = {110, 11, 230, 19, 290, nan};
  io::fill_outcomes(r, two);
  io::stamp(r);
  return r;
}

}  // namespace

TEST_CASE("A comparison file is read back as written", "[unit][compare][io]") {
  const test::TempDir dir;
  const io::CompareResults r = example();
  const fs::path path = dir.file("cmp.h5");
  io::write_compare(path, r);
  CHECK(io::file_kind(path) == "compare");
  const io::CompareResults back = io::read_compare(path);
  CHECK(back.name_a == r.name_a);
  CHECK(back.name_b == r.name_b);
  CHECK(back.file_b == r.file_b);
  CHECK(back.toml_b == r.toml_b);
  CHECK(back.seed == 42);
  CHECK(back.scale_a == 0.5);
  CHECK(back.scale_b == 2);
  CHECK(back.pairs == 3);
  CHECK(back.confidence == 0.9);
  CHECK(back.steps == r.steps);
  CHECK(back.start_date == r.start_date);
  CHECK(back.created_utc == r.created_utc);
  CHECK(back.command_line == r.command_line);
  CHECK(back.outcomes == r.outcomes);
  CHECK(back.outcome_units == r.outcome_units);
  CHECK(back.outcome_definitions == r.outcome_definitions);
  CHECK(back.a == r.a);
  REQUIRE(back.b.size() == r.b.size());
  CHECK(std::isnan(back.b[5]));
  REQUIRE(back.statistics.size() == 2);
  CHECK(back.statistics[0].mean_difference == Approx(10));  // 10, 30, -10
  CHECK(back.statistics[0].ci_low == r.statistics[0].ci_low);
  CHECK(back.statistics[0].unpaired_high == r.statistics[0].unpaired_high);
  CHECK(back.statistics[1].pairs == 2);  // the NaN pair is left out
  CHECK(scamsim::app::summarize_compare(back) == scamsim::app::summarize_compare(r));

  // The layout as other tools see it.
  const io::h5::File file = io::h5::File::open_read_only(path);
  CHECK(file.attribute<std::string>("file_kind") == "compare");
  CHECK(file.open_dataset("outcomes/held_end").shape() == io::h5::Shape{3, 2});
  CHECK(file.open_dataset("difference/held_end").read<double>() == std::vector<double>{10, 30, -10});
  CHECK(file.open_dataset("side").read<std::string>() == std::vector<std::string>{"a", "b"});
  CHECK(file.open_dataset("summary/ci_high").shape() == io::h5::Shape{2});
  // CF units (UDUNITS has no people: a count is "1"), with scamsim's words beside them.
  CHECK(file.open_dataset("difference/held_end").attribute<std::string>("units") == "1");
  CHECK(file.open_dataset("difference/held_end").attribute<std::string>("scamsim_units") == "people");
  CHECK(file.attribute<std::string>("Conventions") == "CF-1.10");
  CHECK(file.exists("coords/pair"));
  // Each group has its own coordinates, and its datasets are attached to them (so that xarray labels them).
  CHECK(file.open_dataset("outcomes/side").read<std::string>() == std::vector<std::string>{"a", "b"});
  CHECK(file.open_dataset("difference/pair").read<std::int64_t>() == std::vector<std::int64_t>{0, 1, 2});
  CHECK(file.open_dataset("summary/outcome").read<std::string>() == file.open_dataset("outcome").read<std::string>());
  CHECK(H5DSis_attached(file.open_dataset("outcomes/held_end").id(), file.open_dataset("outcomes/pair").id(), 0) > 0);
  CHECK(H5DSis_attached(file.open_dataset("difference/held_end").id(), file.open_dataset("difference/pair").id(), 0) >
        0);
  CHECK(H5DSis_attached(file.open_dataset("summary/ci_high").id(), file.open_dataset("summary/outcome").id(), 0) > 0);
}

TEST_CASE("The comparison table shows each outcome's means, difference and both intervals", "[unit][compare][io]") {
  const std::string table = scamsim::app::summarize_compare(example());
  CHECK_THAT(table, Catch::Contains("scamsim compare: tiny (A) vs tiny_policy (B)"));
  CHECK_THAT(table, Catch::Contains("90% CI paired") && Catch::Contains("unpaired"));
  CHECK_THAT(table, Catch::Contains("held_end_alpha") && Catch::Contains("fewer pairs"));
  CHECK_THAT(table, Catch::Contains("3 pairs on common random numbers"));
}

TEST_CASE("Reading a file that is not a comparison names the file and what it is", "[unit][compare][io]") {
  const test::TempDir dir;
  const fs::path text = dir.write("not.h5", "not hdf5");
  CHECK_THAT(test::error_message<SetupError>([&] { (void)io::read_compare(text); }),
             Catch::Contains("not.h5") && Catch::Contains("not an HDF5 file"));
  const fs::path other = dir.file("other.h5");
  {
    io::h5::File f = io::h5::File::create(other);
    f.set_attribute("file_kind", "sweep");
    f.set_attribute("schema_version", std::int64_t{1});
    f.close();
  }
  CHECK_THAT(test::error_message<SetupError>([&] { (void)io::read_compare(other); }),
             Catch::Contains("other.h5") && Catch::Contains("a scamsim sweep file, not a comparison file"));
  CHECK_THAT(test::error_message<SetupError>([&] { (void)io::read_compare(dir.file("missing.h5")); }),
             Catch::Contains("no such comparison file"));
}
