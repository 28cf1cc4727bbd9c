#include <fcntl.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <span>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "sim/io/h5.hpp"
#include "tests/support/error_message.hpp"
#include "tests/support/temp_dir.hpp"

namespace h5 = scamsim::io::h5;
namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

// Every test writes in a fresh folder of its own, removed at the end.
struct TempDir : scamsim::test::TempDir {
  TempDir() : scamsim::test::TempDir("scamsim-test-h5") {}
};

// The message of the h5::Error that `action` throws; fails the test if it throws nothing.
template <class Action>
std::string error_message(Action action) {
  return scamsim::test::error_message<h5::Error>(action);
}

// Everything written to the stderr file descriptor while `action` runs, which is where HDF5 prints.
template <class Action>
std::string captured_stderr(const fs::path& capture, Action action) {
  std::fflush(stderr);
  const int saved = ::dup(STDERR_FILENO);
  const int target = ::open(capture.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  REQUIRE(saved >= 0);
  REQUIRE(target >= 0);
  ::dup2(target, STDERR_FILENO);
  ::close(target);
  action();
  std::fflush(stderr);
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  std::ifstream in(capture);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Objects still open in any HDF5 file: zero whenever everything was closed exactly as it should be.
ssize_t open_hdf5_objects() { return H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL); }

enum class EventKind : std::uint8_t { report = 0, arrest = 1, rescue = 2 };

struct Event {
  std::int32_t step;
  std::int32_t country;
  EventKind kind;
  double loss;
  friend bool operator==(const Event&, const Event&) = default;
};

h5::CompoundType event_type() {
  const h5::Handle kinds = h5::enum_type({{"report", 0}, {"arrest", 1}, {"rescue", 2}});
  h5::CompoundType type(sizeof(Event));
  type.add("step", offsetof(Event, step), h5::TypeTraits<std::int32_t>::native())
      .add("country", offsetof(Event, country), h5::TypeTraits<std::int32_t>::native())
      .add("kind", offsetof(Event, kind), kinds.get())
      .add("loss", offsetof(Event, loss), h5::TypeTraits<double>::native());
  return type;
}

std::string scale_name(hid_t scale) {
  std::string name(64, '\0');
  const ssize_t length = H5DSget_scale_name(scale, name.data(), name.size());
  REQUIRE(length >= 0);
  name.resize(static_cast<std::size_t>(length));
  return name;
}

}  // namespace

TEST_CASE("Datasets of every element type read back what was written", "[unit][io]") {
  const TempDir dir;
  const fs::path path = dir.file("types.h5");
  const std::vector<double> doubles{0.5, -1.25, 3e300, 0.0, 1.0 / 3.0, -0.0};
  const std::vector<std::int64_t> int64s{INT64_MIN, -1, 0, 1, INT64_MAX, 1LL << 40};
  const std::vector<std::int32_t> int32s{INT32_MIN, -7, 0, 7, INT32_MAX, 12345};
  const std::vector<std::uint8_t> bytes{0, 1, 127, 128, 254, 255};
  const std::vector<std::string> names{"Cambodia", "", "Côte d’Ivoire", "Lao PDR"};
  {
    h5::File file = h5::File::create(path);
    file.create_dataset<double>("numbers/doubles", {2, 3}).write<double>(doubles);
    file.create_dataset<std::int64_t>("numbers/int64s", {6}, {.chunk = {4}, .deflate = 4, .shuffle = true})
        .write<std::int64_t>(int64s);
    file.create_dataset<std::int32_t>("numbers/int32s", {3, 2}).write<std::int32_t>(int32s);
    file.create_dataset<std::uint8_t>("numbers/bytes", {6}).write<std::uint8_t>(bytes);
    file.create_dataset<std::string>("text/variable", {4}).write<std::string>(names);
    file.create_dataset<std::string>("text/fixed", {4}, {.string_size = 16}).write<std::string>(names);
    file.close();
  }
  const h5::File file = h5::File::open_read_only(path);
  CHECK(file.open_dataset("numbers/doubles").shape() == h5::Shape{2, 3});
  CHECK(file.open_dataset("numbers/doubles").read<double>() == doubles);
  CHECK(file.open_dataset("numbers/int64s").read<std::int64_t>() == int64s);
  CHECK(file.open_dataset("numbers/int32s").shape() == h5::Shape{3, 2});
  CHECK(file.open_dataset("numbers/int32s").read<std::int32_t>() == int32s);
  CHECK(file.open_dataset("numbers/bytes").read<std::uint8_t>() == bytes);
  CHECK(file.open_dataset("text/variable").read<std::string>() == names);
  // "Côte d’Ivoire" is exactly 16 bytes of UTF-8: it fills its fixed slot with no terminator.
  REQUIRE(names[2].size() == 16);
  CHECK(file.open_dataset("text/fixed").read<std::string>() == names);
}

TEST_CASE("Attributes of every kind read back from files, groups and datasets", "[unit][io]") {
  const TempDir dir;
  const fs::path path = dir.file("attributes.h5");
  const std::vector<std::int64_t> seeds{1, 2, 1LL << 50};
  const std::vector<double> weights{0.25, 0.75};
  const std::vector<std::string> countries{"KH", "Côte d’Ivoire", ""};
  {
    h5::File file = h5::File::create(path);
    file.set_attribute("title", "scam compound simulation");
    file.set_attribute("empty", "");
    file.set_attribute("seeds", seeds);
    file.set_attribute("countries", countries);
    h5::Group group = file.create_group("global");
    group.set_attribute("replicates", std::int64_t{16});
    h5::Dataset dataset = group.create_dataset<double>("victims", {2});
    dataset.set_attribute("units", "people");
    dataset.set_attribute("scale", 1.5);
    dataset.set_attribute("weights", weights);
    dataset.set_attribute("scale", 2.5);                    // replacing keeps one attribute
    dataset.set_attribute("description", "Côte d’Ivoire");  // replacing with another type
    dataset.set_attribute("description", "people trafficked into compounds");
    file.close();
  }
  const h5::File file = h5::File::open_read_only(path);
  CHECK(file.attribute<std::string>("title") == "scam compound simulation");
  CHECK(file.attribute<std::string>("empty").empty());
  CHECK(file.attribute_values<std::int64_t>("seeds") == seeds);
  CHECK(file.attribute_values<std::string>("countries") == countries);
  CHECK(file.attribute_names() == std::vector<std::string>{"countries", "empty", "seeds", "title"});
  CHECK(file.open_group("global").attribute<std::int64_t>("replicates") == 16);

  const h5::Dataset dataset = file.open_dataset("/global/victims");
  CHECK(dataset.has_attribute("units"));
  CHECK_FALSE(dataset.has_attribute("unit"));
  CHECK(dataset.attribute<std::string>("units") == "people");
  CHECK(dataset.attribute<double>("scale") == 2.5);
  CHECK(dataset.attribute_values<double>("weights") == weights);
  CHECK(dataset.attribute<std::string>("description") == "people trafficked into compounds");
  CHECK(dataset.attribute_names() == std::vector<std::string>{"description", "scale", "units", "weights"});

  CHECK_THAT(error_message([&] { (void)dataset.attribute<double>("weights"); }),
             Contains("attribute 'weights'") && Contains("2 values"));
  CHECK_THAT(error_message([&] { (void)dataset.attribute<std::int64_t>("scale"); }),
             Contains("attribute 'scale' of '/global/victims'") && Contains("64-bit floats"));
  CHECK_THAT(error_message([&] { (void)dataset.attribute<std::string>("missing"); }),
             Contains("attribute 'missing'") && Contains("attributes.h5"));
}

TEST_CASE("Hyperslab writes assemble the expected array", "[unit][io]") {
  const TempDir dir;
  h5::File file = h5::File::create(dir.file("blocks.h5"));
  // [replicate, time, country], written one replicate-and-time row at a time, as the engine does.
  h5::Dataset dataset = file.create_dataset<std::int32_t>("by_country/victims", {2, 3, 4},
                                                          {.chunk = {1, 3, 4}, .deflate = 6, .shuffle = true});
  for (hsize_t replicate = 0; replicate < 2; ++replicate) {
    for (hsize_t time = 0; time < 3; ++time) {
      std::vector<std::int32_t> row;
      for (hsize_t country = 0; country < 4; ++country) {
        row.push_back(static_cast<std::int32_t>(100 * replicate + 10 * time + country));
      }
      dataset.write_block<std::int32_t>({replicate, time, 0}, {1, 1, 4}, row);
    }
  }
  // One column block, overwriting country 3 across all times of replicate 1.
  dataset.write_block<std::int32_t>({1, 0, 3}, {1, 3, 1}, std::vector<std::int32_t>{-1, -2, -3});

  std::vector<std::int32_t> expected;
  for (int replicate = 0; replicate < 2; ++replicate) {
    for (int time = 0; time < 3; ++time) {
      for (int country = 0; country < 4; ++country) expected.push_back(100 * replicate + 10 * time + country);
    }
  }
  expected[12 + 3] = -1;
  expected[12 + 4 + 3] = -2;
  expected[12 + 8 + 3] = -3;
  CHECK(dataset.read<std::int32_t>() == expected);

  const std::vector<std::int32_t> four{1, 2, 3, 4};
  CHECK_THAT(error_message([&] {
               dataset.write_block<std::int32_t>({2, 0, 0}, {1, 1, 4}, four);
             }),
             Contains("write '/by_country/victims'") && Contains("blocks.h5"));
  CHECK_THAT(error_message([&] {
               dataset.write_block<std::int32_t>({0, 0}, {1, 4}, four);
             }),
             Contains("need 3 extents"));
  CHECK_THAT(error_message([&] {
               dataset.write_block<std::int32_t>({0, 0, 0}, {1, 1, 3}, four);
             }),
             Contains("4 values given for a block of 3"));
  CHECK_THAT(error_message([&] { dataset.write<std::int32_t>(four); }), Contains("4 values given for 24"));
}

TEST_CASE("Appending to an extendable dataset grows its first dimension", "[unit][io]") {
  const TempDir dir;
  const fs::path path = dir.file("append.h5");
  {
    h5::File file = h5::File::create(path);
    h5::Dataset series = file.create_dataset<double>("series", {0, 3}, {.chunk = {8, 3}, .extendable = true});
    CHECK(series.shape() == h5::Shape{0, 3});
    series.append<double>(std::vector<double>{1, 2, 3, 4, 5, 6});
    series.append<double>(std::vector<double>{});
    series.append<double>(std::vector<double>{7, 8, 9});
    CHECK(series.shape() == h5::Shape{3, 3});

    h5::Dataset labels = file.create_dataset<std::string>("labels", {0}, {.chunk = {16}, .extendable = true});
    labels.append<std::string>(std::vector<std::string>{"a", "bb"});
    labels.append<std::string>(std::vector<std::string>{"ccc"});

    CHECK_THAT(error_message([&] {
                 series.append<double>(std::vector<double>{1, 2});
               }),
               Contains("append to '/series'") && Contains("not whole rows of 3"));
    h5::Dataset fixed = file.create_dataset<double>("fixed", {2}, {.chunk = {2}});
    CHECK_THAT(error_message([&] { fixed.append<double>(std::vector<double>{1}); }), Contains("not extendable"));
    CHECK_THAT(error_message([&] { (void)file.create_dataset<double>("contiguous", {0}, {.extendable = true}); }),
               Contains("create dataset '/contiguous'") && Contains("need a chunk shape"));
    file.close();
  }
  h5::File file = h5::File::open_read_write(path);
  h5::Dataset series = file.open_dataset("series");
  series.append<double>(std::vector<double>{10, 11, 12});
  CHECK(series.read<double>() == std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  CHECK(file.open_dataset("labels").read<std::string>() == std::vector<std::string>{"a", "bb", "ccc"});
}

TEST_CASE("A dataset written with a dimension scale reads back with the scale attached", "[unit][io]") {
  const TempDir dir;
  const fs::path path = dir.file("scales.h5");
  {
    h5::File file = h5::File::create(path);
    h5::Dataset time = file.create_dataset<std::int64_t>("coords/time", {3});
    time.write<std::int64_t>(std::vector<std::int64_t>{0, 7, 14});
    time.make_scale("time");
    h5::Dataset country = file.create_dataset<std::string>("coords/country", {2});
    country.write<std::string>(std::vector<std::string>{"KH", "MM"});
    country.make_scale("country");

    h5::Dataset victims = file.create_dataset<double>("global/victims", {3, 2});
    victims.write<double>(std::vector<double>{1, 2, 3, 4, 5, 6});
    victims.attach_scale(time, 0);
    victims.attach_scale(country, 1);
    victims.set_label(0, "time");
    victims.set_label(1, "country");
    CHECK_THAT(error_message([&] { victims.attach_scale(time, 2); }),
               Contains("attach a dimension scale to '/global/victims'") && Contains("no dimension 2"));
    file.close();
  }
  const h5::File file = h5::File::open_read_only(path);
  const h5::Dataset victims = file.open_dataset("global/victims");
  const h5::Dataset time = file.open_dataset("coords/time");
  const h5::Dataset country = file.open_dataset("coords/country");
  CHECK(H5DSis_scale(time.id()) > 0);
  CHECK(H5DSis_scale(victims.id()) == 0);
  CHECK(H5DSis_attached(victims.id(), time.id(), 0) > 0);
  CHECK(H5DSis_attached(victims.id(), country.id(), 1) > 0);
  CHECK(H5DSis_attached(victims.id(), time.id(), 1) == 0);
  CHECK(scale_name(time.id()) == "time");
  CHECK(scale_name(country.id()) == "country");
  CHECK(country.read<std::string>() == std::vector<std::string>{"KH", "MM"});

  std::string label(16, '\0');
  const ssize_t length = H5DSget_label(victims.id(), 1, label.data(), label.size());
  REQUIRE(length >= 0);
  label.resize(static_cast<std::size_t>(length));
  CHECK(label == "country");
}

TEST_CASE("A compound table with an enum member reads back what was appended", "[unit][io]") {
  const TempDir dir;
  const fs::path path = dir.file("events.h5");
  const h5::CompoundType type = event_type();
  const std::vector<Event> first{{0, 1, EventKind::report, 10.5}, {3, 0, EventKind::arrest, 0.0}};
  const std::vector<Event> second{{7, 2, EventKind::rescue, -2.25}};
  {
    h5::File file = h5::File::create(path);
    h5::Dataset events =
        file.create_dataset("events", type.id(), {0}, {.chunk = {1024}, .deflate = 4, .extendable = true});
    events.append_records<Event>(first, type);
    events.append_records<Event>(second, type);
    CHECK(events.size() == 3);
    h5::Dataset fixed = file.create_dataset("fixed_events", type.id(), {2});
    fixed.write_records<Event>(first, type);
    file.close();
  }
  const h5::File file = h5::File::open_read_only(path);
  const h5::Dataset events = file.open_dataset("events");
  CHECK(events.read_records<Event>(type) == std::vector<Event>{first[0], first[1], second[0]});
  CHECK(file.open_dataset("fixed_events").read_records<Event>(type) == first);

  // The kind is stored as an HDF5 enum, so readers see names, not codes.
  const h5::Handle stored(H5Dget_type(events.id()));
  const int kind_index = H5Tget_member_index(stored.get(), "kind");
  REQUIRE(kind_index >= 0);
  const h5::Handle kind(H5Tget_member_type(stored.get(), static_cast<unsigned>(kind_index)));
  CHECK(H5Tget_class(kind.get()) == H5T_ENUM);
  const std::uint8_t arrest = 1;
  std::string name(16, '\0');
  REQUIRE(H5Tenum_nameof(kind.get(), &arrest, name.data(), name.size()) >= 0);
  CHECK(name.c_str() == std::string("arrest"));

  // A record type whose members don't match the stored ones is refused, not half-filled.
  h5::CompoundType renamed(sizeof(Event));
  renamed.add("time", offsetof(Event, step), h5::TypeTraits<std::int32_t>::native())
      .add("country", offsetof(Event, country), h5::TypeTraits<std::int32_t>::native())
      .add("kind", offsetof(Event, kind), H5T_NATIVE_UINT8)
      .add("loss", offsetof(Event, loss), h5::TypeTraits<double>::native());
  CHECK_THAT(error_message([&] { (void)events.read_records<Event>(renamed); }),
             Contains("read '/events'") && Contains("compound"));
}

TEST_CASE("Opening a missing file, group or dataset throws an error naming it", "[unit][io]") {
  const TempDir dir;
  const fs::path missing = dir.file("missing.h5");
  CHECK_THAT(error_message([&] { (void)h5::File::open_read_only(missing); }),
             Contains("open for reading") && Contains(missing.string()) && Contains("no such file or directory"));
  CHECK_THAT(error_message([&] { (void)h5::File::open_read_write(missing); }), Contains(missing.string()));

  const fs::path path = dir.file("present.h5");
  h5::File file = h5::File::create(path);
  file.create_group("coords");
  CHECK_THAT(error_message([&] { (void)h5::File::create_exclusive(path); }),
             Contains("create new") && Contains(path.string()));
  CHECK_THAT(error_message([&] { (void)file.open_dataset("coords/nope"); }),
             Contains("open dataset '/coords/nope'") && Contains(path.string()) && Contains("doesn't exist"));
  const h5::Group coords = file.open_group("/coords");
  CHECK_THAT(error_message([&] { (void)coords.open_dataset("time"); }),
             Contains("'/coords/time'") && Contains(path.string()));
  CHECK_THAT(error_message([&] { (void)file.open_group("nowhere/deeper"); }), Contains("open group '/nowhere/deeper'"));
  CHECK_THAT(error_message([&] { (void)file.create_group("coords"); }), Contains("create group '/coords'"));
}

TEST_CASE("A failing call prints nothing to stderr, on any thread", "[unit][io]") {
  const TempDir dir;
  const fs::path missing = dir.file("missing.h5");
  // HDF5's print switch belongs to each thread, so a fresh thread is the real test.
  bool threw = false;
  const std::string printed = captured_stderr(dir.file("stderr.txt"), [&] {
    std::fputs("control\n", stderr);
    std::thread([&] {
      try {
        (void)h5::File::open_read_only(missing);
      } catch (const h5::Error&) {
        threw = true;
      }
    }).join();
  });
  CHECK(threw);
  CHECK(printed == "control\n");
}

TEST_CASE("Reading or writing a dataset with the wrong element type throws", "[unit][io]") {
  const TempDir dir;
  h5::File file = h5::File::create(dir.file("types.h5"));
  h5::Dataset doubles = file.create_dataset<double>("doubles", {2});
  doubles.write<double>(std::vector<double>{1.5, 2.5});
  CHECK_THAT(error_message([&] { (void)doubles.read<std::int32_t>(); }),
             Contains("read '/doubles'") && Contains("64-bit floats, not 32-bit signed integers"));
  CHECK_THAT(error_message([&] { (void)doubles.read<std::string>(); }), Contains("not strings"));
  CHECK_THAT(error_message([&] {
               doubles.write<std::int64_t>(std::vector<std::int64_t>{1, 2});
             }),
             Contains("write '/doubles'"));

  h5::Dataset bytes = file.create_dataset<std::uint8_t>("bytes", {1});
  CHECK_THAT(error_message([&] { (void)bytes.read<std::int32_t>(); }), Contains("8-bit unsigned integers"));

  h5::Dataset names = file.create_dataset<std::string>("names", {1}, {.string_size = 4});
  CHECK_THAT(error_message([&] { (void)names.read<double>(); }), Contains("it holds strings"));
  CHECK_THAT(error_message([&] { names.write<std::string>(std::vector<std::string>{"Myanmar"}); }),
             Contains("longer than its fixed size of 4 bytes"));
}

TEST_CASE("Groups are created with their parents, found and listed by name", "[unit][io]") {
  const TempDir dir;
  h5::File file = h5::File::create(dir.file("groups.h5"));
  const h5::Group deep = file.create_group("by_country/extra/deep");
  CHECK(deep.path() == "/by_country/extra/deep");
  CHECK(fs::path(deep.file_name()).filename() == "groups.h5");
  file.create_group("coords");
  (void)file.create_dataset<double>("coords/time", {1});

  CHECK(file.exists("by_country"));
  CHECK(file.exists("/by_country/extra/deep"));
  CHECK(file.exists("by_country//extra/"));
  CHECK(file.open_group("by_country").exists("extra/deep"));
  CHECK(file.exists("coords/time"));
  CHECK_FALSE(file.exists("global"));
  CHECK_FALSE(file.exists("global/victims/by_age"));
  CHECK_FALSE(file.exists("coords/time/below_a_dataset"));
  CHECK(file.member_names() == std::vector<std::string>{"by_country", "coords"});
  CHECK(file.open_group("coords").member_names() == std::vector<std::string>{"time"});
}

TEST_CASE("Moving handles never closes an identifier twice", "[unit][io]") {
  REQUIRE(open_hdf5_objects() == 0);
  hid_t moved_id = H5I_INVALID_HID;
  hid_t bystander_id = H5I_INVALID_HID;
  h5::Handle bystander;
  {
    h5::Handle first(H5Screate(H5S_SCALAR));
    moved_id = first.get();
    h5::Handle second(std::move(first));
    CHECK_FALSE(first.valid());  // moved from
    h5::Handle third;
    third = std::move(second);
    third.close();
    CHECK_FALSE(third.valid());
    third.close();  // closing an empty handle does nothing
    CHECK(H5Iis_valid(moved_id) == 0);
    bystander = h5::Handle(H5Screate(H5S_SCALAR));
    bystander_id = bystander.get();
  }  // three empty handles go out of scope: nothing more may be closed
  CHECK(H5Iis_valid(bystander_id) > 0);
  bystander = h5::Handle();
  CHECK(H5Iis_valid(bystander_id) == 0);

  const TempDir dir;
  const fs::path path = dir.file("moved.h5");
  {
    h5::File file = h5::File::create(path);
    h5::Dataset dataset = file.create_dataset<double>("x", {2});
    dataset.write<double>(std::vector<double>{1, 2});
    h5::File moved = std::move(file);
    CHECK_FALSE(file.valid());  // moved from
    CHECK(moved.path() == "/");
    h5::Dataset kept = std::move(dataset);
    kept = h5::Dataset();
    moved.close();
    CHECK_FALSE(moved.valid());
    CHECK(open_hdf5_objects() == 0);
  }
  const h5::File file = h5::File::open_read_only(path);
  CHECK(file.open_dataset("x").read<double>() == std::vector<double>{1, 2});
}

TEST_CASE("Named types, hard links and packed records serve netCDF readers", "[unit][io]") {
  const TempDir dir;
  const fs::path path = dir.file("named.h5");
  const h5::CompoundType memory = event_type();
  const std::vector<Event> rows{{0, 1, EventKind::report, 10.5}, {3, 0, EventKind::arrest, 0.0}};
  {
    h5::File file = h5::File::create(path);
    const h5::Handle kinds =
        file.commit_type("kind_type", h5::enum_type({{"report", 0}, {"arrest", 1}, {"rescue", 2}}).get());
    CHECK(H5Tcommitted(kinds.get()) > 0);
    const h5::Handle packed = memory.packed();
    CHECK(H5Tget_size(packed.get()) == 4 + 4 + 1 + 8);  // no padding between or after members
    CHECK(H5Tget_size(memory.id()) == sizeof(Event));
    const h5::Handle stored = file.commit_type("tables/event_type", packed.get());
    h5::Dataset table = file.create_dataset("tables/events", stored.get(), {2});
    table.write_records<Event>(rows, memory);  // HDF5 converts the padded struct to the packed layout
    CHECK(table.type_class() == H5T_COMPOUND);
    CHECK(file.create_dataset<double>("x", {1}).type_class() == H5T_FLOAT);
    CHECK(file.create_dataset<std::int64_t>("n", {1}).type_class() == H5T_INTEGER);
    file.create_hard_link("tables/events", "also/events");
    CHECK_THAT(error_message([&] { file.create_hard_link("nowhere", "link"); }), Contains("link '/link'"));
    CHECK_THAT(error_message([&] { (void)file.commit_type("kind_type", kinds.get()); }),
               Contains("store named datatype '/kind_type'"));
    file.close();
  }
  const h5::File file = h5::File::open_read_only(path);
  CHECK(file.open_dataset("tables/events").read_records<Event>(memory) == rows);
  CHECK(file.open_dataset("also/events").read_records<Event>(memory) == rows);
  const h5::Handle type(H5Dget_type(file.open_dataset("tables/events").id()));
  CHECK(H5Tcommitted(type.get()) > 0);
}

TEST_CASE("Attributes longer than an object header message can hold are stored", "[unit][io]") {
  const TempDir dir;
  const fs::path path = dir.file("long.h5");
  const std::string text(200'000, 'x');
  const std::vector<double> many(20'000, 0.5);
  {
    h5::File file = h5::File::create(path);
    file.set_attribute("text", text);
    h5::Dataset dataset = file.create_dataset<double>("x", {1});
    dataset.set_attribute("many", std::span<const double>(many));
    file.close();
  }
  const h5::File file = h5::File::open_read_only(path);
  CHECK(file.attribute<std::string>("text") == text);
  CHECK(file.open_dataset("x").attribute_values<double>("many") == many);
}

TEST_CASE("Groups list members in creation order and objects carry no times, so rewrites are identical", "[unit][io]") {
  const TempDir dir;
  const auto write = [&](const fs::path& path) {
    h5::File file = h5::File::create(path);
    h5::Group group = file.create_group("group");
    (void)group.commit_type("zeta", h5::enum_type({{"a", 0}}).get());
    group.create_dataset<double>("alpha", {2}, {.chunk = {2}, .deflate = 4}).write<double>(std::vector<double>{1, 2});
    file.set_attribute("note", "same");
    file.close();
  };
  const fs::path first = dir.file("first.h5");
  const fs::path second = dir.file("second.h5");
  write(first);
  // Object times have a resolution of one second; without this wait the check below proves nothing.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  write(second);

  std::ifstream in_first(first, std::ios::binary);
  std::ifstream in_second(second, std::ios::binary);
  const std::string bytes_first{std::istreambuf_iterator<char>(in_first), std::istreambuf_iterator<char>()};
  const std::string bytes_second{std::istreambuf_iterator<char>(in_second), std::istreambuf_iterator<char>()};
  CHECK(bytes_first == bytes_second);

  const h5::File file = h5::File::open_read_only(first);
  for (const char* name : {"/", "group"}) {
    const h5::Group group = file.open_group(name);
    const h5::Handle creation(H5Gget_create_plist(group.id()));
    unsigned order = 0;
    REQUIRE(H5Pget_link_creation_order(creation.get(), &order) >= 0);
    CHECK(order == (H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED));
  }
  std::vector<std::string> in_creation_order;
  REQUIRE(H5Literate(
              file.open_group("group").id(), H5_INDEX_CRT_ORDER, H5_ITER_INC, nullptr,
              [](hid_t, const char* name, const H5L_info_t*, void* out) -> herr_t {
                static_cast<std::vector<std::string>*>(out)->emplace_back(name);
                return 0;
              },
              &in_creation_order) >= 0);
  CHECK(in_creation_order == std::vector<std::string>{"zeta", "alpha"});
  CHECK(file.open_group("group").member_names() == std::vector<std::string>{"alpha", "zeta"});
}
