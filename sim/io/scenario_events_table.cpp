#include "sim/io/scenario_events_table.hpp"

#include <algorithm>
#include <cstddef>
#include <optional>

#include <fmt/format.h>

#include "sim/io/h5.hpp"
#include "sim/io/run_layout.hpp"
#include "sim/scenario/spec.hpp"

namespace scamsim::io {

namespace {

constexpr const char* table_path = run_layout::scenario_event_path;

// The memory layout of one row. Strings are variable length (netCDF-C 4.9.0 misreads fixed-length strings
// in compounds); HDF5 allocates them on reading, and reclaim() frees them.
struct Record {
  const char* date;
  std::int64_t day;
  std::uint8_t kind;
  const char* target;
  const char* id;
  const char* fields;
  const char* headline;
};

// Field names are the contract (docs/OUTPUT.md).
h5::CompoundType record_type(hid_t kind) {
  const h5::Handle text = h5::string_type();
  h5::CompoundType type(sizeof(Record));
  type.add("date", offsetof(Record, date), text.get())
      .add("day", offsetof(Record, day), h5::TypeTraits<std::int64_t>::native())
      .add("kind", offsetof(Record, kind), kind)
      .add("target", offsetof(Record, target), text.get())
      .add("id", offsetof(Record, id), text.get())
      .add("fields", offsetof(Record, fields), text.get())
      .add("headline", offsetof(Record, headline), text.get());
  return type;
}

// Codes are positions in the list of kinds, so they only grow as kinds are added.
h5::Handle kind_enum() {
  std::vector<std::pair<std::string, std::uint8_t>> members;
  const auto names = scenario::event_kind_names();
  for (std::size_t i = 0; i < names.size(); ++i) members.emplace_back(names[i], static_cast<std::uint8_t>(i));
  return h5::enum_type(members);
}

[[noreturn]] void fail(const h5::Dataset& table, const std::string& what) {
  throw h5::Error(fmt::format("'{}' in '{}': {}", table.path(), table.file_name(), what));
}

Date parse_date(const h5::Dataset& table, std::size_t row, std::string_view text) {
  const std::optional<Date> date = Date::parse(text);
  if (!date) fail(table, fmt::format("row {}: '{}' is not a YYYY-MM-DD date", row, text));
  return *date;
}

// Schema 1: "2025-10-14 sanctions_network prince_group", the target left out when there is none.
std::vector<ScenarioEventRow> read_labels(const h5::Dataset& table) {
  std::vector<ScenarioEventRow> rows;
  const std::vector<std::string> labels = table.read<std::string>();
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const std::string& label = labels[i];
    const std::size_t first = label.find(' ');
    if (first == std::string::npos) fail(table, fmt::format("row {}: '{}' is not 'date kind target'", i, label));
    const std::size_t second = label.find(' ', first + 1);
    ScenarioEventRow row;
    row.date = parse_date(table, i, std::string_view(label).substr(0, first));
    row.kind = label.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
    if (second != std::string::npos) row.target = label.substr(second + 1);
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string text_or_empty(const char* text) { return text ? std::string(text) : std::string(); }

}  // namespace

std::vector<ScenarioEventRow> scenario_event_rows(const scenario::Scenario& s) {
  std::vector<ScenarioEventRow> rows;
  for (const scenario::EventSpec& e : s.events) {
    rows.push_back({.date = e.date,
                    .kind = std::string(scenario::event_kind_name(e.payload)),
                    .target = scenario::event_target_text(s, e.payload),
                    .id = e.id,
                    .fields = scenario::event_fields_text(e.payload),
                    .headline = scenario::event_headline(s, e.payload)});
  }
  return rows;
}

void write_scenario_events(h5::Group& root, std::span<const ScenarioEventRow> rows, Date start) {
  const auto names = scenario::event_kind_names();
  std::vector<Record> records;
  for (const ScenarioEventRow& row : rows) {
    const auto it = std::find(names.begin(), names.end(), row.kind);
    if (it == names.end()) {
      throw h5::Error(fmt::format("cannot write scenario event '{}' of {}: no event kind has that name", row.id,
                                  row.date.to_string()));
    }
    records.push_back({.date = nullptr,  // set below, once the strings have their final addresses
                       .day = row.date.days_after(start),
                       .kind = static_cast<std::uint8_t>(it - names.begin()),
                       .target = row.target.c_str(),
                       .id = row.id.c_str(),
                       .fields = row.fields.c_str(),
                       .headline = row.headline.c_str()});
  }
  std::vector<std::string> dates;
  for (const ScenarioEventRow& row : rows) dates.push_back(row.date.to_string());
  for (std::size_t i = 0; i < records.size(); ++i) records[i].date = dates[i].c_str();

  // A transient type, not a named one, so that netCDF-C skips the table (run_layout.hpp says why).
  const h5::Handle stored = record_type(kind_enum().get()).packed();
  h5::Dataset table = root.create_dataset(table_path, stored.get(), {records.size()});
  table.write_records<Record>(records, record_type(kind_enum().get()));
  // Its own dimension scale, as the list of labels was in schema 1: netCDF readers need every dataset
  // at the root to have a named dimension.
  table.make_scale("scenario_event");
  table.set_attribute("long_name", "scenario events, in date order");
  table.set_attribute("description",
                      "One row per event of the scenario: date (YYYY-MM-DD) and day (days since start_date), kind, "
                      "target (a network id, a country id, ids joined by '+', or empty for region-wide), id (empty "
                      "if none), fields ('key=value; ...', the event's numbers as in the scenario) and headline (a "
                      "phrase for plots).");
}

std::vector<ScenarioEventRow> read_scenario_events(const h5::Group& root, std::int64_t schema_version, Date start) {
  if (!root.exists(table_path)) throw h5::Error(fmt::format("the dataset '/{}' is missing", table_path));
  const h5::Dataset table = root.open_dataset(table_path);
  if (schema_version < 2) return read_labels(table);
  if (table.type_class() != H5T_COMPOUND) fail(table, "is not a table (compound rows)");

  // The kind is read with the file's own enum, then named from it: kinds this build lacks still read.
  const h5::Handle stored(H5Dget_type(table.id()));
  const int kind_member = stored.valid() ? H5Tget_member_index(stored.get(), "kind") : -1;
  if (kind_member < 0) fail(table, "has no field 'kind'");
  const h5::Handle file_kind(H5Tget_member_type(stored.get(), static_cast<unsigned>(kind_member)));
  if (!file_kind.valid() || H5Tget_class(file_kind.get()) != H5T_ENUM || H5Tget_size(file_kind.get()) != 1) {
    fail(table, "its field 'kind' is not an enum of one byte");
  }
  const h5::Handle kind(H5Tget_native_type(file_kind.get(), H5T_DIR_ASCEND));
  const h5::CompoundType type = record_type(kind.get());
  std::vector<Record> records = table.read_records<Record>(type);

  std::vector<ScenarioEventRow> rows;
  std::optional<std::string> problem;
  for (std::size_t i = 0; i < records.size() && !problem; ++i) {
    const Record& r = records[i];
    char name[256] = {};
    if (H5Tenum_nameof(kind.get(), &r.kind, name, sizeof name) < 0) {
      problem = fmt::format("row {}: kind code {} has no name", i, r.kind);
      break;
    }
    const std::string date_text = text_or_empty(r.date);
    const std::optional<Date> date = Date::parse(date_text);
    if (!date) {
      problem = fmt::format("row {}: '{}' is not a YYYY-MM-DD date", i, date_text);
    } else if (date->days_after(start) != r.day) {
      problem = fmt::format("row {}: day {} is not the date {} (start {})", i, r.day, date_text, start.to_string());
    } else {
      rows.push_back({.date = *date,
                      .kind = name,
                      .target = text_or_empty(r.target),
                      .id = text_or_empty(r.id),
                      .fields = text_or_empty(r.fields),
                      .headline = text_or_empty(r.headline)});
    }
  }
  // The strings HDF5 allocated go back before anything can throw.
  if (!records.empty()) {
    const h5::Handle space(H5Dget_space(table.id()));
    H5Dvlen_reclaim(type.id(), space.get(), H5P_DEFAULT, records.data());
  }
  if (problem) fail(table, *problem);
  return rows;
}

}  // namespace scamsim::io
