// The result file: what ResultsWriter writes, read_results reads back, and
// the layout contract of docs/OUTPUT.md (dimension scales, types, units).
// tests/io/check_results.py checks the same files through h5py and xarray.

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
#include "tests/support/error_message.hpp"
#include "tests/support/source.hpp"
#include "tests/support/temp_dir.hpp"

namespace fs = std::filesystem;
namespace h5 = scamsim::io::h5;
namespace io = scamsim::io;
namespace model = scamsim::model;
using Catch::Matchers::Contains;
using scamsim::test::read_text;

namespace {

// Every test writes in a fresh folder of its own, removed at the end.
struct TempDir : scamsim::test::TempDir {
  TempDir() : scamsim::test::TempDir("scamsim-test-results") {}
};

constexpr std::int64_t replicates = 2;
constexpr std::int64_t steps = 4;
constexpr std::int64_t countries = 3;

io::RunMetadata sample_meta() {
  io::RunMetadata meta;
  meta.scenario_name = "sample";
  meta.resolved_toml = "name = \"sample\"\n[run]\nseed = 7\n";
  meta.command_line = "scamsim run sample.toml --out 'out dir/x.h5'";
  meta.seed = 7;
  meta.replicates = replicates;
  meta.start_date = *scamsim::Date::parse("2025-03-01");
  meta.dt_days = 7;
  meta.steps = steps;
  meta.country_ids = {"alpha", "beta", "gamma"};
  meta.country_names = {"Alpha", "Béta", "Gamma"};
  meta.latitude_deg = {11.5, 20.0, -6.2};
  meta.longitude_deg = {104.9, 97.0, 106.8};
  meta.network_ids = {"syndicate", "other"};
  meta.site_ids = {"alpha_sez", "beta_border"};
  meta.scenario_events = {
      {.date = *scamsim::Date::parse("2025-03-10"),
       .kind = "crackdown",
       .target = "alpha",
       .id = "raids",
       .fields = "capacity_factor=3; duration_days=30",
       .headline = "Crackdown (more raids) in Alpha"},
      {.date = *scamsim::Date::parse("2025-03-20"), .kind = "sanctions_network", .target = "syndicate"}};
  return meta;
}

bool is_real(model::MetricKind kind) { return kind == model::MetricKind::real; }

// Distinct values everywhere, so a value in the wrong place shows; reals get a fraction.
double country_value(std::size_t metric, std::int64_t replicate, std::int64_t step, std::int64_t country) {
  const double whole =
      static_cast<double>(replicate * 1'000'000 + static_cast<std::int64_t>(metric) * 1000 + step * 10 + country);
  return is_real(model::country_metrics()[metric].kind) ? whole + 0.25 : whole;
}
double global_value(std::size_t metric, std::int64_t replicate, std::int64_t step) {
  const double whole = static_cast<double>(replicate * 1'000'000 + static_cast<std::int64_t>(metric) * 1000 + step);
  return is_real(model::global_metrics()[metric].kind) ? whole + 0.5 : whole;
}

model::RunRecord sample_record(std::int64_t replicate) {
  model::RunRecord record(steps, countries);
  for (std::size_t m = 0; m < model::country_metric_count; ++m) {
    for (std::int64_t s = 0; s < steps; ++s) {
      for (std::int64_t c = 0; c < countries; ++c) {
        record.at(static_cast<model::CountryMetric>(m), s, c) = country_value(m, replicate, s, c);
      }
    }
  }
  for (std::size_t m = 0; m < model::global_metric_count; ++m) {
    for (std::int64_t s = 0; s < steps; ++s) {
      record.at(static_cast<model::GlobalMetric>(m), s) = global_value(m, replicate, s);
    }
  }
  // Exactly representable USD amounts beyond 2^31 and up to 2^53 survive as int64.
  record.at(model::CountryMetric::revenue_usd, steps - 1, 0) = 9007199254740992.0;
  using K = model::EventKind;
  const auto kind = [](K k) { return static_cast<std::uint8_t>(k); };
  if (replicate == 0) {
    record.events = {
        {.step = 1,
         .kind = kind(K::scenario_event),
         .country = -1,
         .network = -1,
         .operator_id = -1,
         .count = 0,
         .amount_usd = 0},
        {.step = 2,
         .kind = kind(K::raid_success),
         .country = 0,
         .network = 1,
         .operator_id = 12,
         .count = 340,
         .amount_usd = 5'000'000'000},
        {.step = 3,
         .kind = kind(K::relocation_start),
         .country = 1,
         .network = 0,
         .operator_id = 3,
         .count = 90,
         .amount_usd = 200'000},
    };
    record.final_operators = {
        {.operator_id = 3,
         .network = 0,
         .country = 2,
         .site = 1,
         .state = 1,
         .workers = 90,
         .target_workers = 100,
         .capital_usd = 3'000'000'000,
         .protection = 0.5,
         .tech = 0.25,
         .perceived_risk = 0.125},
        {.operator_id = 12,
         .network = 1,
         .country = 0,
         .site = 0,
         .state = 2,
         .workers = 0,
         .target_workers = 400,
         .capital_usd = 0,
         .protection = 0,
         .tech = 1,
         .perceived_risk = 1},
    };
  } else {
    record.events = {{.step = 0,
                      .kind = kind(K::bankruptcy),
                      .country = 2,
                      .network = 0,
                      .operator_id = 7,
                      .count = 5,
                      .amount_usd = 0}};
    record.final_operators = {{.operator_id = 7,
                               .network = 0,
                               .country = 1,
                               .site = 1,
                               .state = 0,
                               .workers = 1234,
                               .target_workers = 2000,
                               .capital_usd = 1,
                               .protection = 0.75,
                               .tech = 0.5,
                               .perceived_risk = 0.0625}};
  }
  return record;
}

void write_sample(const fs::path& path) {
  io::ResultsWriter writer(path, sample_meta());
  for (std::int64_t r = 0; r < replicates; ++r) writer.write_replicate(r, sample_record(r));
  writer.finish();
}

// The message of the SetupError that `action` throws; fails the test if it throws nothing.
template <class Action>
std::string setup_error(Action action) {
  try {
    action();
  } catch (const scamsim::SetupError& error) {
    return error.what();
  } catch (const std::exception& error) {
    FAIL("expected a SetupError, got: " << error.what());
  }
  FAIL("expected a SetupError");
  return {};
}

// The message of the h5::Error that `action` throws; fails the test if it throws nothing.
template <class Action>
std::string h5_error(Action action) {
  return scamsim::test::error_message<h5::Error>(action);
}

bool same_event(const model::EventRecord& a, const model::EventRecord& b) {
  return a.step == b.step && a.kind == b.kind && a.country == b.country && a.network == b.network &&
         a.operator_id == b.operator_id && a.count == b.count && a.amount_usd == b.amount_usd;
}

bool same_operator(const model::OperatorRecord& a, const model::OperatorRecord& b) {
  return a.operator_id == b.operator_id && a.network == b.network && a.country == b.country && a.site == b.site &&
         a.state == b.state && a.workers == b.workers && a.target_workers == b.target_workers &&
         a.capital_usd == b.capital_usd && a.protection == b.protection && a.tech == b.tech &&
         a.perceived_risk == b.perceived_risk;
}

// Every stored (compressed) chunk of a dataset, in chunk order: the bytes on disk, not their decoding.
std::vector<std::string> stored_chunks(const h5::Dataset& dataset) {
  std::vector<std::string> chunks;
  const h5::Handle space(H5Dget_space(dataset.id()));
  hsize_t count = 0;
  REQUIRE(H5Dget_num_chunks(dataset.id(), space.get(), &count) >= 0);
  const std::size_t rank = dataset.shape().size();
  for (hsize_t i = 0; i < count; ++i) {
    std::vector<hsize_t> offset(rank);
    unsigned filters = 0;
    haddr_t address = 0;
    hsize_t size = 0;
    REQUIRE(H5Dget_chunk_info(dataset.id(), space.get(), i, offset.data(), &filters, &address, &size) >= 0);
    std::string bytes(static_cast<std::size_t>(size), '\0');
    std::uint32_t read_filters = 0;
    REQUIRE(H5Dread_chunk(dataset.id(), H5P_DEFAULT, offset.data(), &read_filters, bytes.data()) >= 0);
    chunks.push_back(std::move(bytes));
  }
  return chunks;
}

}  // namespace

TEST_CASE("A results file reads back every series, attribute, event and operator", "[unit][io]") {
  const TempDir dir;
  const fs::path path = dir.file("run.h5");
  write_sample(path);
  const io::Results results = io::read_results(path);

  const io::RunMetadata expected = sample_meta();
  const io::RunMetadata& meta = results.meta;
  CHECK(meta.scenario_name == expected.scenario_name);
  CHECK(meta.resolved_toml == expected.resolved_toml);
  CHECK(meta.command_line == expected.command_line);
  CHECK(meta.seed == expected.seed);
  CHECK(meta.replicates == expected.replicates);
  CHECK(meta.start_date == expected.start_date);
  CHECK(meta.dt_days == expected.dt_days);
  CHECK(meta.steps == expected.steps);
  CHECK(meta.country_ids == expected.country_ids);
  CHECK(meta.country_names == expected.country_names);
  CHECK(meta.latitude_deg == expected.latitude_deg);
  CHECK(meta.longitude_deg == expected.longitude_deg);
  CHECK(meta.network_ids == expected.network_ids);
  CHECK(meta.site_ids == expected.site_ids);
  CHECK(meta.scenario_events == expected.scenario_events);
  CHECK(results.scamsim_version == scamsim::version());
  CHECK(results.git_commit == scamsim::git_commit());
  CHECK(results.schema_version == io::results_schema_version);
  CHECK(std::regex_match(results.created_utc, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));

  // Series: by_country[name][(replicate * steps + step) * countries + country], global[name][replicate * steps + step].
  REQUIRE(results.by_country.size() == model::country_metric_count);
  for (std::size_t m = 0; m < model::country_metric_count; ++m) {
    const std::string name(model::country_metrics()[m].name);
    INFO("by_country/" << name);
    REQUIRE(results.by_country.count(name) == 1);
    const std::vector<double>& values = results.by_country.at(name);
    REQUIRE(values.size() == static_cast<std::size_t>(replicates * steps * countries));
    for (std::int64_t r = 0; r < replicates; ++r) {
      const model::RunRecord record = sample_record(r);
      for (std::int64_t s = 0; s < steps; ++s) {
        for (std::int64_t c = 0; c < countries; ++c) {
          CHECK(values[static_cast<std::size_t>((r * steps + s) * countries + c)] ==
                record.at(static_cast<model::CountryMetric>(m), s, c));
        }
      }
    }
  }
  CHECK(results.by_country.at("revenue_usd")[static_cast<std::size_t>((steps - 1) * countries)] == 9007199254740992.0);
  REQUIRE(results.global.size() == model::global_metric_count);
  for (std::size_t m = 0; m < model::global_metric_count; ++m) {
    const std::string name(model::global_metrics()[m].name);
    INFO("global/" << name);
    REQUIRE(results.global.count(name) == 1);
    const std::vector<double>& values = results.global.at(name);
    REQUIRE(values.size() == static_cast<std::size_t>(replicates * steps));
    for (std::int64_t r = 0; r < replicates; ++r) {
      for (std::int64_t s = 0; s < steps; ++s) {
        CHECK(values[static_cast<std::size_t>(r * steps + s)] == global_value(m, r, s));
      }
    }
  }

  // Events and operators: replicate by replicate, in the order recorded.
  std::vector<model::EventRecord> events;
  std::vector<std::int64_t> event_replicates;
  std::vector<model::OperatorRecord> operators;
  std::vector<std::int64_t> operator_replicates;
  for (std::int64_t r = 0; r < replicates; ++r) {
    const model::RunRecord record = sample_record(r);
    for (const auto& e : record.events) {
      events.push_back(e);
      event_replicates.push_back(r);
    }
    for (const auto& o : record.final_operators) {
      operators.push_back(o);
      operator_replicates.push_back(r);
    }
  }
  REQUIRE(results.events.size() == events.size());
  CHECK(results.event_replicate == event_replicates);
  for (std::size_t i = 0; i < events.size(); ++i) CHECK(same_event(results.events[i], events[i]));
  REQUIRE(results.final_operators.size() == operators.size());
  CHECK(results.operator_replicate == operator_replicates);
  for (std::size_t i = 0; i < operators.size(); ++i) CHECK(same_operator(results.final_operators[i], operators[i]));

  // The root attributes, as other readers see them.
  const h5::File file = h5::File::open_read_only(path);
  CHECK(file.attribute<std::string>("scamsim_version") == scamsim::version());
  CHECK(file.attribute<std::string>("git_commit") == scamsim::git_commit());
  CHECK(file.attribute<std::int64_t>("schema_version") == io::results_schema_version);
  CHECK(file.attribute<std::string>("file_kind") == "run");
  CHECK(file.attribute<std::int64_t>("seed") == 7);
  CHECK(file.attribute<std::int64_t>("replicates") == replicates);
  CHECK(file.attribute<std::int64_t>("replicates_written") == replicates);
  CHECK(file.attribute<std::string>("start_date") == "2025-03-01");
  CHECK(file.attribute<std::int64_t>("dt_days") == 7);
  CHECK(file.attribute<std::int64_t>("steps") == steps);
  CHECK(file.attribute<std::string>("scenario_name") == "sample");
  CHECK(file.attribute<std::string>("scenario_toml") == expected.resolved_toml);
  CHECK(file.attribute<std::string>("command_line") == expected.command_line);
  CHECK(file.attribute<std::string>("created_utc") == results.created_utc);
}

TEST_CASE("Every series is typed by its kind, carries units and has its dimension scales attached", "[unit][io]") {
  const TempDir dir;
  const fs::path path = dir.file("run.h5");
  write_sample(path);
  const h5::File file = h5::File::open_read_only(path);

  const h5::Dataset time = file.open_dataset("time");
  const h5::Dataset country = file.open_dataset("country");
  const h5::Dataset replicate = file.open_dataset("replicate");
  CHECK(time.read<std::int64_t>() == std::vector<std::int64_t>{0, 7, 14, 21});
  CHECK(time.attribute<std::string>("units") == "days since 2025-03-01");
  CHECK(time.attribute<std::string>("calendar") == "proleptic_gregorian");
  CHECK(country.read<std::string>() == sample_meta().country_ids);
  CHECK(replicate.read<std::int64_t>() == std::vector<std::int64_t>{0, 1});
  CHECK(file.open_dataset("country_name").read<std::string>() == sample_meta().country_names);
  CHECK(file.open_dataset("latitude_deg").attribute<std::string>("units") == "degrees_north");
  for (const h5::Dataset* scale : {&time, &country, &replicate}) CHECK(H5DSis_scale(scale->id()) > 0);
  CHECK(H5DSis_attached(file.open_dataset("country_name").id(), country.id(), 0) > 0);

  // /coords/<name> are second names of the root scales: series are attached to them too.
  const h5::Dataset coords_time = file.open_dataset("coords/time");
  const h5::Dataset coords_country = file.open_dataset("coords/country");
  const h5::Dataset coords_replicate = file.open_dataset("coords/replicate");

  const auto check_series = [&](const std::string& name, const model::MetricInfo& info, bool by_country) {
    INFO(name);
    const h5::Dataset d = file.open_dataset(name);
    CHECK(d.shape() == (by_country ? h5::Shape{replicates, steps, countries} : h5::Shape{replicates, steps}));
    CHECK(d.type_class() == (is_real(info.kind) ? H5T_FLOAT : H5T_INTEGER));
    CHECK(d.attribute<std::string>("units") == info.units);
    CHECK(d.attribute<std::string>("description") == info.description);
    CHECK(d.attribute<std::string>("long_name") == info.name);
    CHECK(H5DSis_attached(d.id(), replicate.id(), 0) > 0);
    CHECK(H5DSis_attached(d.id(), time.id(), 1) > 0);
    CHECK(H5DSis_attached(d.id(), coords_replicate.id(), 0) > 0);
    CHECK(H5DSis_attached(d.id(), coords_time.id(), 1) > 0);
    if (by_country) {
      CHECK(H5DSis_attached(d.id(), country.id(), 2) > 0);
      CHECK(H5DSis_attached(d.id(), coords_country.id(), 2) > 0);
    }
    // Chunked, shuffled and deflated.
    const h5::Handle creation(H5Dget_create_plist(d.id()));
    CHECK(H5Pget_layout(creation.get()) == H5D_CHUNKED);
    CHECK(H5Pget_nfilters(creation.get()) == 2);
  };
  for (const model::MetricInfo& info : model::country_metrics()) {
    check_series("by_country/" + std::string(info.name), info, true);
  }
  for (const model::MetricInfo& info : model::global_metrics()) {
    check_series("global/" + std::string(info.name), info, false);
  }
  CHECK(file.open_group("by_country").member_names().size() == model::country_metric_count);
  CHECK(file.open_group("global").member_names().size() == model::global_metric_count);

  // The tables have their own row scales and named types, so netCDF readers show them.
  const h5::Dataset events = file.open_dataset("events");
  CHECK(events.size() == 4);
  CHECK(H5DSis_attached(events.id(), file.open_dataset("event").id(), 0) > 0);
  CHECK(file.open_dataset("event").read<std::int64_t>() == std::vector<std::int64_t>{0, 1, 2, 3});
  const h5::Handle event_type(H5Dget_type(events.id()));
  CHECK(H5Tcommitted(event_type.get()) > 0);
  const h5::Dataset operators = file.open_dataset("operators/final");
  CHECK(operators.size() == 3);
  CHECK(H5DSis_attached(operators.id(), file.open_dataset("operators/final_operator").id(), 0) > 0);
  const h5::Dataset scenario_events = file.open_dataset("scenario_event");
  CHECK(scenario_events.size() == sample_meta().scenario_events.size());
  const h5::Handle scenario_event_type(H5Dget_type(scenario_events.id()));
  CHECK(H5Tcommitted(scenario_event_type.get()) > 0);

  // Event kinds are stored by name.
  const int kind_index = H5Tget_member_index(event_type.get(), "kind");
  REQUIRE(kind_index >= 0);
  const h5::Handle kind(H5Tget_member_type(event_type.get(), static_cast<unsigned>(kind_index)));
  REQUIRE(H5Tget_class(kind.get()) == H5T_ENUM);
  for (std::size_t k = 0; k < model::event_kind_names_log().size(); ++k) {
    const auto value = static_cast<std::uint8_t>(k);
    std::string name(64, '\0');
    REQUIRE(H5Tenum_nameof(kind.get(), &value, name.data(), name.size()) >= 0);
    CHECK(name.c_str() == model::event_kind_names_log()[k]);
  }
}

TEST_CASE("Writing the same run twice gives identical datasets", "[unit][io]") {
  const TempDir dir;
  const fs::path first = dir.file("first.h5");
  const fs::path second = dir.file("second.h5");
  write_sample(first);
  write_sample(second);

  const io::Results a = io::read_results(first);
  const io::Results b = io::read_results(second);
  CHECK(a.by_country == b.by_country);
  CHECK(a.global == b.global);
  CHECK(a.event_replicate == b.event_replicate);
  CHECK(a.operator_replicate == b.operator_replicate);

  // The bytes stored on disk, chunk by chunk, before decompression.
  const h5::File file_a = h5::File::open_read_only(first);
  const h5::File file_b = h5::File::open_read_only(second);
  std::vector<std::string> paths = {"events", "event", "operators/final", "operators/final_operator"};
  for (const auto& info : model::country_metrics()) paths.push_back("by_country/" + std::string(info.name));
  for (const auto& info : model::global_metrics()) paths.push_back("global/" + std::string(info.name));
  for (const std::string& path : paths) {
    INFO(path);
    const std::vector<std::string> chunks = stored_chunks(file_a.open_dataset(path));
    CHECK(!chunks.empty());
    CHECK(chunks == stored_chunks(file_b.open_dataset(path)));
  }

  // And the whole files: only the creation time (in created_utc and history) may differ.
  const std::string bytes_a = read_text(first);
  const std::string bytes_b = read_text(second);
  REQUIRE(bytes_a.size() == bytes_b.size());
  std::size_t differing = 0;
  for (std::size_t i = 0; i < bytes_a.size(); ++i) differing += bytes_a[i] != bytes_b[i] ? 1 : 0;
  CHECK(differing <= 2 * std::string("2025-01-01T00:00:00Z").size());
}

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
