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
#include <cmath>
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
  CHECK(meta.scale == expected.scale);
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
  // CF time bounds: each step from 00:00 of its first day to 00:00 after its last (stocks are at the end).
  CHECK(time.attribute<std::string>("bounds") == "time_bnds");
  CHECK(file.open_dataset("time_bnds").read<std::int64_t>() == std::vector<std::int64_t>{0, 7, 7, 14, 14, 21, 21, 28});
  CHECK(file.attribute<std::string>("Conventions") == "CF-1.10");
  CHECK(country.read<std::string>() == sample_meta().country_ids);
  CHECK(replicate.read<std::int64_t>() == std::vector<std::int64_t>{0, 1});
  CHECK(file.open_dataset("country_name").read<std::string>() == sample_meta().country_names);
  CHECK(file.open_dataset("latitude_deg").attribute<std::string>("units") == "degrees_north");
  for (const h5::Dataset* scale : {&time, &country, &replicate}) CHECK(H5DSis_scale(scale->id()) > 0);
  CHECK(H5DSis_attached(file.open_dataset("country_name").id(), country.id(), 0) > 0);

  // Each series group has its own copies of the coordinates (so that xarray labels it), and its series are
  // attached to them.
  for (const std::string group : {"by_country", "global"}) {
    INFO(group);
    CHECK(file.open_dataset(group + "/time").read<std::int64_t>() == time.read<std::int64_t>());
    CHECK(file.open_dataset(group + "/time").attribute<std::string>("units") == "days since 2025-03-01");
    CHECK(file.open_dataset(group + "/replicate").read<std::int64_t>() == replicate.read<std::int64_t>());
    CHECK(file.open_dataset(group + "/time").is_scale());
    CHECK(file.open_dataset(group + "/replicate").is_scale());
  }
  CHECK(file.open_dataset("by_country/country").read<std::string>() == sample_meta().country_ids);
  CHECK(file.open_dataset("by_country/country").is_scale());
  CHECK_FALSE(file.exists("global/country"));

  const auto check_series = [&](const std::string& name, const model::MetricInfo& info, bool by_country) {
    INFO(name);
    const std::string group = by_country ? "by_country/" : "global/";
    const h5::Dataset d = file.open_dataset(name);
    CHECK_FALSE(d.is_scale());
    CHECK(d.shape() == (by_country ? h5::Shape{replicates, steps, countries} : h5::Shape{replicates, steps}));
    CHECK(d.type_class() == (is_real(info.kind) ? H5T_FLOAT : H5T_INTEGER));
    // CF units UDUNITS parses (counts, dollars and shares "1"), with scamsim's words beside them.
    CHECK(d.attribute<std::string>("scamsim_units") == info.units);
    CHECK(d.attribute<std::string>("units") == (std::string_view(info.units).ends_with("/year") ? "year-1" : "1"));
    // Never written (an interrupted run) reads as the fill value, not as 0.
    if (is_real(info.kind)) {
      CHECK(std::isnan(d.attribute<double>("_FillValue")));
    } else {
      CHECK(d.attribute<std::int64_t>("_FillValue") == h5::nc_fill_int64);
    }
    CHECK(d.attribute<std::string>("description") == info.description);
    CHECK(d.attribute<std::string>("long_name") == info.name);
    CHECK(H5DSis_attached(d.id(), file.open_dataset(group + "replicate").id(), 0) > 0);
    CHECK(H5DSis_attached(d.id(), file.open_dataset(group + "time").id(), 1) > 0);
    if (by_country) CHECK(H5DSis_attached(d.id(), file.open_dataset(group + "country").id(), 2) > 0);
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
  // The metrics and the group's coordinates, nothing else.
  CHECK(file.open_group("by_country").member_names().size() == model::country_metric_count + 3);
  CHECK(file.open_group("global").member_names().size() == model::global_metric_count + 2);

  // The tables have their own row scales, and transient types that netCDF-C skips (a named compound or enum
  // type makes R's ncdf4 refuse the whole file), with no named types left at the root.
  const h5::Dataset events = file.open_dataset("events");
  CHECK(events.size() == 4);
  CHECK(H5DSis_attached(events.id(), file.open_dataset("event").id(), 0) > 0);
  CHECK(file.open_dataset("event").read<std::int64_t>() == std::vector<std::int64_t>{0, 1, 2, 3});
  const h5::Handle event_type(H5Dget_type(events.id()));
  CHECK(H5Tcommitted(event_type.get()) == 0);
  for (const char* type : {"event_kind", "event_record", "scenario_event_kind", "scenario_event_record",
                           "operators/operator_state", "operators/operator_record"}) {
    CHECK_FALSE(file.exists(type));
  }
  CHECK(H5Tcommitted(h5::Handle(H5Dget_type(file.open_dataset("operators/final").id())).get()) == 0);
  const h5::Dataset operators = file.open_dataset("operators/final");
  CHECK(operators.size() == 3);
  CHECK(H5DSis_attached(operators.id(), file.open_dataset("operators/final_operator").id(), 0) > 0);
  const h5::Dataset scenario_events = file.open_dataset("scenario_event");
  CHECK(scenario_events.size() == sample_meta().scenario_events.size());
  const h5::Handle scenario_event_type(H5Dget_type(scenario_events.id()));
  CHECK(H5Tcommitted(scenario_event_type.get()) == 0);

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

TEST_CASE("A replicate an interrupted run never wrote reads as the fill value, not as zeros", "[unit][io]") {
  const TempDir dir;
  const fs::path path = dir.file("run.h5");
  {
    io::ResultsWriter writer(path, sample_meta());
    writer.write_replicate(0, sample_record(0));
  }  // destroyed unfinished, as an interrupted run leaves it
  const h5::File file = h5::File::open_read_only(path);
  const auto is_fill = [](std::int64_t v) { return v == h5::nc_fill_int64; };
  const std::vector<std::int64_t> held = file.open_dataset("by_country/workers_held").read<std::int64_t>();
  const auto per_replicate = static_cast<std::ptrdiff_t>(steps * countries);
  REQUIRE(held.size() == static_cast<std::size_t>(replicates * steps * countries));
  CHECK(std::none_of(held.begin(), held.begin() + per_replicate, is_fill));
  CHECK(std::all_of(held.begin() + per_replicate, held.begin() + 2 * per_replicate, is_fill));
  const std::vector<double> risk = file.open_dataset("global/held_concentration_hhi").read<double>();
  CHECK(std::all_of(risk.begin() + steps, risk.begin() + 2 * steps, [](double v) { return std::isnan(v); }));
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
