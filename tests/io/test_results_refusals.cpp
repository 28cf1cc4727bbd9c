// The result file: what read_results and the writer refuse, the summary table, the docs of every metric, and a
// file being written by another process.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "sim/app/run_summary.hpp"
#include "sim/core/error.hpp"
#include "sim/core/version.hpp"
#include "sim/io/h5.hpp"
#include "sim/io/open_file.hpp"
#include "sim/io/results.hpp"
#include "sim/model/metrics.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/spec.hpp"
#include "tests/io/results_checks.hpp"
#include "tests/support/error_message.hpp"
#include "tests/support/source.hpp"
#include "tests/support/temp_dir.hpp"

// fs, h5, io, model, Contains, read_text and the sample run come from results_checks.hpp.
using namespace scamsim::test::results_checks;

TEST_CASE("read_results refuses what is not a whole scamsim result, naming the file", "[unit][io]") {
  const TempDir dir;

  SECTION("a missing file") {
    const fs::path path = dir.file("missing.h5");
    CHECK_THAT(setup_error([&] { (void)io::read_results(path); }),
               Contains(path.string()) && Contains("no such result file"));
  }
  SECTION("a file that is not HDF5") {
    const fs::path path = dir.file("notes.h5");
    std::ofstream(path) << "country,held\nalpha,100\n";
    CHECK_THAT(setup_error([&] { (void)io::read_results(path); }),
               Contains(path.string()) && Contains("not an HDF5 file"));
  }
  SECTION("an HDF5 file that is not a scamsim result") {
    const fs::path path = dir.file("other.h5");
    {
      h5::File file = h5::File::create(path);
      file.create_dataset<double>("temperature", {3}).write<double>(std::vector<double>{1, 2, 3});
      file.close();
    }
    CHECK_THAT(setup_error([&] { (void)io::read_results(path); }),
               Contains(path.string()) && Contains("not a scamsim result"));
  }
  SECTION("odd schema attributes") {
    const fs::path path = dir.file("odd.h5");
    {
      h5::File file = h5::File::create(path);
      file.set_attribute("scamsim_version", "0.1.0");
      file.set_attribute("schema_version", "one");
      file.close();
    }
    CHECK_THAT(setup_error([&] { (void)io::read_results(path); }),
               Contains(path.string()) && Contains("not a scamsim result") && Contains("schema"));
  }
  SECTION("a newer schema version") {
    const fs::path path = dir.file("newer.h5");
    write_sample(path);
    {
      h5::File file = h5::File::open_read_write(path);
      file.set_attribute("schema_version", io::results_schema_version + 1);
      file.close();
    }
    CHECK_THAT(setup_error([&] { (void)io::read_results(path); }),
               Contains(path.string()) && Contains(fmt::format("schema version {}", io::results_schema_version + 1)) &&
                   Contains("newer scamsim"));
  }
  SECTION("a truncated file") {
    const fs::path whole = dir.file("whole.h5");
    const fs::path path = dir.file("truncated.h5");
    write_sample(whole);
    fs::copy_file(whole, path);
    fs::resize_file(path, fs::file_size(whole) / 2);
    CHECK_THAT(setup_error([&] { (void)io::read_results(path); }),
               Contains(path.string()) && Contains("truncated or corrupt"));
  }
  SECTION("a run that never finished") {
    const fs::path path = dir.file("interrupted.h5");
    {
      io::ResultsWriter writer(path, sample_meta());
      writer.write_replicate(0, sample_record(0));
    }  // destroyed without finish(), as when the run is killed between replicates
    CHECK_THAT(setup_error([&] { (void)io::read_results(path); }),
               Contains(path.string()) && Contains("incomplete") && Contains("1 of 2 replicates"));
  }
}

TEST_CASE("The writer refuses replicates out of order, misshapen records and fractional counts", "[unit][io]") {
  const TempDir dir;
  const fs::path path = dir.file("bad.h5");
  io::ResultsWriter writer(path, sample_meta());

  SECTION("out of order") {
    CHECK_THAT(h5_error([&] { writer.write_replicate(1, sample_record(1)); }),
               Contains(path.string()) && Contains("replicate 0 is next"));
  }
  SECTION("a record of another shape") {
    CHECK_THAT(h5_error([&] { writer.write_replicate(0, model::RunRecord(steps + 1, countries)); }),
               Contains("5 steps") && Contains(path.string()));
  }
  SECTION("a count that is not a whole number") {
    model::RunRecord record = sample_record(0);
    record.at(model::CountryMetric::workers_held, 2, 1) = 10.5;
    CHECK_THAT(h5_error([&] { writer.write_replicate(0, record); }),
               Contains("by_country/workers_held") && Contains("step 2, country 'beta'") && Contains("10.5") &&
                   Contains("not a whole number"));
    // The writer is now out of step with its file, and says so rather than writing more.
    CHECK_THAT(h5_error([&] { writer.write_replicate(0, sample_record(0)); }), Contains("failed"));
  }
  SECTION("an unknown event kind") {
    model::RunRecord record = sample_record(0);
    record.events[0].kind = 200;
    CHECK_THAT(h5_error([&] { writer.write_replicate(0, record); }), Contains("unknown event kind 200"));
  }
  SECTION("finishing early") {
    writer.write_replicate(0, sample_record(0));
    CHECK_THAT(h5_error([&] { writer.finish(); }), Contains("1 of 2 replicates"));
    CHECK_THAT(setup_error([&] { (void)io::read_results(path); }), Contains("incomplete"));
  }
}

TEST_CASE("A run with no events, operators or scenario events, and a long scenario, writes and reads", "[unit][io]") {
  const TempDir dir;
  const fs::path path = dir.file("quiet.h5");
  io::RunMetadata meta = sample_meta();
  // Past the 64 KiB an HDF5 object header message can hold: a scenario of many countries is that long.
  for (int line = 0; line < 4000; ++line) meta.resolved_toml += fmt::format("# line {} of a long scenario\n", line);
  meta.scenario_events.clear();
  meta.network_ids.clear();
  meta.site_ids.clear();
  meta.replicates = 1;
  {
    io::ResultsWriter writer(path, meta);
    writer.write_replicate(0, model::RunRecord(steps, countries));
    writer.finish();
  }
  const io::Results results = io::read_results(path);
  CHECK(results.events.empty());
  CHECK(results.final_operators.empty());
  CHECK(results.meta.scenario_events.empty());
  CHECK(results.meta.resolved_toml == meta.resolved_toml);
  CHECK(results.by_country.at("workers_held") == std::vector<double>(steps * countries, 0.0));
}

TEST_CASE("RunMetadata takes the run, countries, networks, sites and events from the scenario", "[unit][io]") {
  const fs::path tiny = scamsim::test::test_scenario_path("tiny.toml");
  const scamsim::scenario::Scenario scenario = scamsim::scenario::load_scenario(tiny);
  const io::RunMetadata meta = io::RunMetadata::from_scenario(scenario, "scamsim run tiny.toml");
  CHECK(meta.scenario_name == "tiny");
  CHECK(meta.resolved_toml == scenario.resolved_toml);
  CHECK(meta.command_line == "scamsim run tiny.toml");
  CHECK(meta.seed == 42);
  CHECK(meta.replicates == scenario.run.replicates);
  CHECK(meta.start_date.to_string() == "2025-01-01");
  CHECK(meta.dt_days == scenario.run.dt_days);
  CHECK(meta.steps == scenario.run.steps());
  CHECK(meta.scale == scenario.run.scale);
  CHECK(meta.country_ids == std::vector<std::string>{"alpha", "beta", "gamma"});
  CHECK(meta.country_names == std::vector<std::string>{"Alpha", "Beta", "Gamma"});
  CHECK(meta.latitude_deg == std::vector<double>{11.5, 20.0, -6.2});
  CHECK(meta.longitude_deg == std::vector<double>{104.9, 97.0, 106.8});
  CHECK(meta.network_ids == std::vector<std::string>{"syndicate"});
  CHECK(meta.site_ids == std::vector<std::string>{"alpha_sez", "beta_border"});
  REQUIRE(meta.scenario_events.size() == 2);
  CHECK(meta.scenario_events[0].date.to_string() == "2025-06-01");
  CHECK(meta.scenario_events[0].kind == "crackdown");
  CHECK(meta.scenario_events[0].target == "alpha");
  CHECK(meta.scenario_events[1].kind == "sanctions_network");
  CHECK(meta.scenario_events[1].target == "syndicate");
}

TEST_CASE("A run file records run.scale, and one written before that attribute takes it from its scenario",
          "[unit][io]") {
  const TempDir dir;
  const fs::path path = dir.file("old.h5");
  io::RunMetadata meta = sample_meta();
  meta.resolved_toml = "name = \"sample\"\n[run]\nseed = 7\nscale = 0.125\n";
  {
    io::ResultsWriter writer(path, meta);
    for (std::int64_t r = 0; r < replicates; ++r) writer.write_replicate(r, sample_record(r));
    writer.finish();
  }
  CHECK(io::read_results(path).meta.scale == 0.25);  // the attribute, not the scenario text
  {
    h5::File file = h5::File::open_read_write(path);
    REQUIRE(H5Adelete(file.id(), "run_scale") >= 0);
    file.close();
  }
  CHECK(io::read_results(path).meta.scale == 0.125);
  {
    h5::File file = h5::File::open_read_write(path);
    file.set_attribute("run_scale", -1.0);
    file.close();
  }
  CHECK_THAT(setup_error([&] { (void)io::read_results(path); }), Contains(path.string()) && Contains("run_scale"));
}

TEST_CASE("summarize says a run below 1:1 is a preview, and a 1:1 run that it is whole", "[unit][io]") {
  io::Results results;
  results.meta = sample_meta();
  results.meta.scale = 0.2;
  CHECK_THAT(scamsim::app::summarize_run(results),
             Contains("run.scale = 0.2: a preview at reduced scale; findings come from 1:1 runs"));
  results.meta.scale = 1;
  const std::string whole = scamsim::app::summarize_run(results);
  CHECK_THAT(whole, Contains("run.scale = 1") && !Contains("preview"));
}

TEST_CASE("summarize shows each host country and the headline columns", "[unit][io]") {
  // Three replicates, so the medians are the middle values; gamma never hosts anyone.
  io::RunMetadata meta = sample_meta();
  meta.replicates = 3;
  io::Results results;
  results.meta = meta;
  results.scamsim_version = "9.8.7";
  results.git_commit = "abcdef1";
  results.created_utc = "2025-11-25T10:00:00Z";
  results.schema_version = io::results_schema_version;
  const auto n = static_cast<std::size_t>(3 * steps * countries);
  for (const auto& info : model::country_metrics()) results.by_country[std::string(info.name)].assign(n, 0.0);
  for (const auto& info : model::global_metrics()) results.global[std::string(info.name)].assign(3 * steps, 0.0);
  const auto set = [&](const std::string& metric, std::int64_t r, std::int64_t s, std::int64_t c, double value) {
    results.by_country.at(metric)[static_cast<std::size_t>((r * steps + s) * countries + c)] = value;
  };
  const double held_end[] = {3000, 1000, 2000};  // median 2,000
  for (std::int64_t r = 0; r < 3; ++r) {
    set("workers_held", r, 0, 0, 12345);
    set("workers_held", r, steps - 1, 0, held_end[r]);
    set("workers_held", r, 0, 1, 500);
    set("operations_active", r, steps - 1, 1, 4);
    for (std::int64_t s = 0; s < steps; ++s) {
      set("escapes", r, s, 0, 1);             // 4 in all
      set("released_by_raids", r, s, 0, 10);  // 40 in all
      set("revenue_usd", r, s, 0, 0.5e9);     // 2 bn in all
      results.global.at("revenue_usd")[static_cast<std::size_t>(r * steps + s)] = 1e9;
    }
    results.global.at("held_concentration_hhi")[static_cast<std::size_t>(r * steps)] = 0.5;
    // Small operations peak between the ends (cells under a campaign): 10%, 30% and 20% at step 1.
    const double peak[] = {0.1, 0.3, 0.2};  // median 20%
    results.global.at("share_held_in_small_operations")[static_cast<std::size_t>(r * steps + 1)] = peak[r];
  }

  const std::string text = scamsim::app::summarize_run(results);
  INFO(text);
  CHECK_THAT(text, Contains("sample") && Contains("seed 7") && Contains("3 replicates") && Contains("median") &&
                       Contains("9.8.7") && Contains("2025-03-01"));
  for (const char* column : {"held start", "held end", "released", "re-recruited", "in aftercare", "repatriated",
                             "ops start", "ops end", "size start", "size end", "revenue", "raids", "reloc in",
                             "reloc out", "HHI", "small operations", "people held", "bn USD per year"}) {
    CHECK_THAT(text, Contains(column));
  }
  CHECK_THAT(text, Contains("alpha") && Contains("beta") && Contains("all hosts"));
  CHECK_THAT(text, !Contains("gamma"));
  CHECK_THAT(text, Contains("12,345") && Contains("2,000") && Contains(" 44 ") && Contains("2.00"));
  CHECK_THAT(text, Contains("0.500"));
  CHECK_THAT(text, Contains("highest") && Contains("20.0%") && Contains("each replicate's highest, median"));
  // 28 days of 1 bn USD a week.
  CHECK_THAT(text, Contains(fmt::format("{:.2f}", 4.0 / (28 / 365.25))));

  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    INFO(line);
    CHECK(line.size() <= 120);
  }

  // A metric missing from a file shows as "-" rather than failing.
  results.by_country.erase("repatriations");
  CHECK_THAT(scamsim::app::summarize_run(results), Contains(" -"));
}

TEST_CASE("docs/OUTPUT.md documents every metric with its units", "[unit][io]") {
  const std::string doc = read_text(scamsim::test::source_path("docs/OUTPUT.md"));
  REQUIRE(!doc.empty());
  // The row of the schema table whose first cell is `path`.
  const auto row_of = [&](const std::string& path) {
    const std::size_t at = doc.find("\n| `" + path + "` |");
    if (at == std::string::npos) return std::string();
    return doc.substr(at + 1, doc.find('\n', at + 1) - at - 1);
  };
  const auto check = [&](const std::string& path, const model::MetricInfo& info) {
    INFO(path);
    const std::string row = row_of(path);
    REQUIRE(!row.empty());
    CHECK_THAT(row, Contains("`" + std::string(info.units) + "`"));
    CHECK_THAT(row, Contains(is_real(info.kind) ? "float64" : "int64"));
  };
  for (const auto& info : model::country_metrics()) check("/by_country/" + std::string(info.name), info);
  for (const auto& info : model::global_metrics()) check("/global/" + std::string(info.name), info);
  CHECK_THAT(row_of("/events"), Contains("compound"));
  CHECK_THAT(row_of("/operators/final"), Contains("compound"));
  CHECK_THAT(doc, Contains(fmt::format("`results_schema_version` is {}", io::results_schema_version)));
}

TEST_CASE("A results file another process is writing is reported as locked, not as damaged", "[unit][io]") {
  // HDF5 takes its lock with flock(2), which belongs to an open file description: a second open of the file
  // in this process conflicts with it just as another process's would. (HDF5 opening the file twice in one
  // process would not do: it shares the first opening and takes no second lock.)
  const char* locking = std::getenv("HDF5_USE_FILE_LOCKING");
  if (locking != nullptr && std::string_view(locking) == "FALSE") {
    WARN("HDF5_USE_FILE_LOCKING=FALSE: HDF5 takes no locks, so there is no lock error to see");
    return;
  }
  const TempDir dir;
  const fs::path path = dir.file("run.h5");
  write_sample(path);
  const int fd = ::open(path.c_str(), O_RDWR);
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);  // what HDF5 does when it opens a file for writing
  const std::string message = setup_error([&] { (void)io::read_results(path); });
  ::close(fd);
  CHECK_THAT(message, Contains("is locked: another process has it open for writing"));
  CHECK_THAT(message, Contains("HDF5_USE_FILE_LOCKING=FALSE"));
  CHECK_THAT(message, !Contains("corrupt"));
  // Once the writer is gone, the file reads.
  CHECK(io::read_results(path).meta.scenario_name == sample_meta().scenario_name);
}
