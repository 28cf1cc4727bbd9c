#include <hdf5.h>
#include <hdf5_hl.h>
#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/io/h5.hpp"
#include "sim/io/scenario_events_table.hpp"
#include "sim/scenario/spec.hpp"
#include "tests/support/temp_dir.hpp"

namespace h5 = scamsim::io::h5;
namespace io = scamsim::io;
using scamsim::Date;

namespace {

Date day(const char* text) { return *Date::parse(text); }

std::vector<io::ScenarioEventRow> sample_rows() {
  return {{.date = day("2025-03-10"),
           .kind = "crackdown",
           .target = "alpha",
           .id = "raids",
           .fields = "capacity_factor=3; duration_days=30",
           .headline = "Crackdown (more raids) in Alpha"},
          {.date = day("2025-03-20"),
           .kind = "intelligence_sharing",
           .target = "alpha+béta",
           .fields = "level=0.5",
           .headline = "Intelligence sharing: Alpha and Béta"},
          {.date = day("2026-01-01"), .kind = "ai_capability", .fields = "uplift=1.5"}};
}

// What an older or newer build could have written: the table's layout with an enum of other kinds.
struct ForeignRecord {
  const char* date;
  std::int64_t day;
  std::uint8_t kind;
  const char* target;
  const char* id;
  const char* fields;
  const char* headline;
};

}  // namespace

TEST_CASE("The scenario events table reads back every row it wrote", "[unit][io]") {
  const scamsim::test::TempDir dir("scamsim-test-events-table");
  const auto path = dir.file("events.h5");
  const Date start = day("2025-03-01");
  {
    h5::File file = h5::File::create(path);
    io::write_scenario_events(file, sample_rows(), start);
    file.close();
  }
  const h5::File file = h5::File::open_read_only(path);
  CHECK(io::read_scenario_events(file, 2, start) == sample_rows());

  // The table is its own dimension scale, and its type is transient, so that netCDF-C skips it (a named
  // compound or enum type makes R's ncdf4 refuse the whole file).
  const h5::Dataset table = file.open_dataset("scenario_event");
  CHECK(H5DSis_scale(table.id()) > 0);
  const h5::Handle record(H5Dget_type(table.id()));
  CHECK(H5Tcommitted(record.get()) == 0);
  CHECK_FALSE(file.exists("scenario_event_kind"));
  CHECK_FALSE(file.exists("scenario_event_record"));

  // The kind enum names every kind of the one list, coded by position.
  const int kind_index = H5Tget_member_index(record.get(), "kind");
  REQUIRE(kind_index >= 0);
  const h5::Handle kind(H5Tget_member_type(record.get(), static_cast<unsigned>(kind_index)));
  REQUIRE(H5Tget_class(kind.get()) == H5T_ENUM);
  const auto names = scamsim::scenario::event_kind_names();
  CHECK(H5Tget_nmembers(kind.get()) == static_cast<int>(names.size()));
  for (std::size_t k = 0; k < names.size(); ++k) {
    const auto value = static_cast<std::uint8_t>(k);
    std::string name(64, '\0');
    REQUIRE(H5Tenum_nameof(kind.get(), &value, name.data(), name.size()) >= 0);
    CHECK(name.c_str() == names[k]);
  }

  // day counts from the start: 2025-03-10 is 9 days after 2025-03-01.
  const h5::Handle memory(H5Tcreate(H5T_COMPOUND, sizeof(std::int64_t)));
  H5Tinsert(memory.get(), "day", 0, H5T_NATIVE_INT64);
  std::vector<std::int64_t> days(3);
  REQUIRE(H5Dread(table.id(), memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, days.data()) >= 0);
  CHECK(days == std::vector<std::int64_t>{9, 19, 306});
}

TEST_CASE("An empty scenario events table writes and reads", "[unit][io]") {
  const scamsim::test::TempDir dir("scamsim-test-events-table");
  const auto path = dir.file("empty.h5");
  {
    h5::File file = h5::File::create(path);
    io::write_scenario_events(file, {}, day("2025-01-01"));
  }
  const h5::File file = h5::File::open_read_only(path);
  CHECK(file.open_dataset("scenario_event").size() == 0);
  CHECK(io::read_scenario_events(file, 2, day("2025-01-01")).empty());
}

TEST_CASE("A scenario event of a kind this build does not have is refused on writing", "[unit][io]") {
  const scamsim::test::TempDir dir("scamsim-test-events-table");
  h5::File file = h5::File::create(dir.file("bad.h5"));
  std::vector<io::ScenarioEventRow> rows = sample_rows();
  rows[1].kind = "intelligence_shared";
  CHECK_THROWS_WITH(io::write_scenario_events(file, rows, day("2025-03-01")),
                    Catch::Contains("no event kind has that name"));
}

TEST_CASE("Schema 1 files' 'date kind target' labels read into rows", "[unit][io]") {
  const scamsim::test::TempDir dir("scamsim-test-events-table");
  const auto path = dir.file("v1.h5");
  const std::vector<std::string> labels = {"2025-10-14 sanctions_network prince_group",
                                           "2025-11-01 intelligence_sharing cambodia+laos", "2026-01-01 ai_capability"};
  {
    h5::File file = h5::File::create(path);
    h5::Dataset d = file.create_dataset<std::string>("scenario_event", {labels.size()});
    d.write<std::string>(labels);
  }
  const h5::File file = h5::File::open_read_only(path);
  const auto rows = io::read_scenario_events(file, 1, day("2025-01-01"));
  REQUIRE(rows.size() == 3);
  CHECK(rows[0] ==
        io::ScenarioEventRow{.date = day("2025-10-14"), .kind = "sanctions_network", .target = "prince_group"});
  CHECK(rows[1].target == "cambodia+laos");
  CHECK(rows[2].kind == "ai_capability");
  CHECK(rows[2].target.empty());
  CHECK(rows[2].fields.empty());
}

TEST_CASE("A scenario events table with kinds this build does not know reads them by name", "[unit][io]") {
  const scamsim::test::TempDir dir("scamsim-test-events-table");
  const auto path = dir.file("future.h5");
  {
    h5::File file = h5::File::create(path);
    const h5::Handle kinds = h5::enum_type({{"crackdown", 4}, {"orbital_strike", 200}});
    const h5::Handle text = h5::string_type();
    h5::CompoundType type(sizeof(ForeignRecord));
    type.add("date", offsetof(ForeignRecord, date), text.get())
        .add("day", offsetof(ForeignRecord, day), H5T_NATIVE_INT64)
        .add("kind", offsetof(ForeignRecord, kind), kinds.get())
        .add("target", offsetof(ForeignRecord, target), text.get())
        .add("id", offsetof(ForeignRecord, id), text.get())
        .add("fields", offsetof(ForeignRecord, fields), text.get())
        .add("headline", offsetof(ForeignRecord, headline), text.get());
    h5::Dataset d = file.create_dataset("scenario_event", type.id(), {1});
    const std::vector<ForeignRecord> rows = {{"2025-01-02", 1, 200, "", "", "yield=9", "Orbital strike"}};
    d.write_records<ForeignRecord>(rows, type);
  }
  const h5::File file = h5::File::open_read_only(path);
  const auto rows = io::read_scenario_events(file, 2, day("2025-01-01"));
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].kind == "orbital_strike");
  CHECK(rows[0].fields == "yield=9");

  // A day that disagrees with its date is damage, and says so.
  CHECK_THROWS_WITH(io::read_scenario_events(file, 2, day("2024-12-01")), Catch::Contains("is not the date"));
}
