#pragma once
// What the result-file tests share (test_results.cpp, test_results_refusals.cpp): a sample run's metadata and
// records with known values, and comparisons of what reads back.

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

namespace scamsim::test::results_checks {

namespace fs = std::filesystem;
namespace h5 = scamsim::io::h5;
namespace io = scamsim::io;
namespace model = scamsim::model;
using Catch::Matchers::Contains;
using scamsim::test::read_text;

// Every test writes in a fresh folder of its own, removed at the end.
struct TempDir : scamsim::test::TempDir {
  TempDir() : scamsim::test::TempDir("scamsim-test-results") {}
};

inline constexpr std::int64_t replicates = 2;
inline constexpr std::int64_t steps = 4;
inline constexpr std::int64_t countries = 3;

inline io::RunMetadata sample_meta() {
  io::RunMetadata meta;
  meta.scenario_name = "sample";
  meta.resolved_toml = "name = \"sample\"\n[run]\nseed = 7\n";
  meta.command_line = "scamsim run sample.toml --out 'out dir/x.h5'";
  meta.seed = 7;
  meta.replicates = replicates;
  meta.start_date = *scamsim::Date::parse("2025-03-01");
  meta.dt_days = 7;
  meta.steps = steps;
  meta.scale = 0.25;  // not the scenario text's (which has none, so 1): the attribute must be what is read
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

inline bool is_real(model::MetricKind kind) { return kind == model::MetricKind::real; }

// Distinct values everywhere, so a value in the wrong place shows; reals get a fraction.
inline double country_value(std::size_t metric, std::int64_t replicate, std::int64_t step, std::int64_t country) {
  const double whole =
      static_cast<double>(replicate * 1'000'000 + static_cast<std::int64_t>(metric) * 1000 + step * 10 + country);
  return is_real(model::country_metrics()[metric].kind) ? whole + 0.25 : whole;
}
inline double global_value(std::size_t metric, std::int64_t replicate, std::int64_t step) {
  const double whole = static_cast<double>(replicate * 1'000'000 + static_cast<std::int64_t>(metric) * 1000 + step);
  return is_real(model::global_metrics()[metric].kind) ? whole + 0.5 : whole;
}

inline model::RunRecord sample_record(std::int64_t replicate) {
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

inline void write_sample(const fs::path& path) {
  io::ResultsWriter writer(path, sample_meta());
  for (std::int64_t r = 0; r < replicates; ++r) writer.write_replicate(r, sample_record(r));
  writer.finish();
}

// The message of the SetupError that `action` throws; fails the test if it throws nothing.
template <class Action>
inline std::string setup_error(Action action) {
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
inline std::string h5_error(Action action) {
  return scamsim::test::error_message<h5::Error>(action);
}

inline bool same_event(const model::EventRecord& a, const model::EventRecord& b) {
  return a.step == b.step && a.kind == b.kind && a.country == b.country && a.network == b.network &&
         a.operator_id == b.operator_id && a.count == b.count && a.amount_usd == b.amount_usd;
}

inline bool same_operator(const model::OperatorRecord& a, const model::OperatorRecord& b) {
  return a.operator_id == b.operator_id && a.network == b.network && a.country == b.country && a.site == b.site &&
         a.state == b.state && a.workers == b.workers && a.target_workers == b.target_workers &&
         a.capital_usd == b.capital_usd && a.protection == b.protection && a.tech == b.tech &&
         a.perceived_risk == b.perceived_risk;
}

// Every stored (compressed) chunk of a dataset, in chunk order: the bytes on disk, not their decoding.
inline std::vector<std::string> stored_chunks(const h5::Dataset& dataset) {
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

}  // namespace scamsim::test::results_checks
