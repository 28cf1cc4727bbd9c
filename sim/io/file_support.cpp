#include "sim/io/file_support.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <vector>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "sim/core/error.hpp"
#include "sim/core/version.hpp"
#include "sim/io/results.hpp"

namespace scamsim::io::detail {

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                     utc.tm_hour, utc.tm_min, utc.tm_sec);
}

void write_identity(h5::Object& root, FileKind kind) {
  root.set_attribute("source", fmt::format("scamsim {} (commit {})", version(), git_commit()));
  root.set_attribute("scamsim_version", version());
  root.set_attribute("git_commit", git_commit());
  root.set_attribute("schema_version", results_schema_version);
  root.set_attribute("file_kind", file_kind_name(kind));
  // The CF conventions the file follows (docs/OUTPUT.md section 3.7): units UDUNITS can parse, time bounds,
  // fill values where a value can be missing, long_name everywhere.
  root.set_attribute("Conventions", "CF-1.10");
}

void refuse(const std::filesystem::path& path, const std::string& message) {
  Diagnostic d;
  d.where.file = path.string();
  d.message = message;
  throw SetupError(d);
}

h5::Dataset required_dataset(const h5::File& file, const std::filesystem::path& path, const std::string& name) {
  if (!file.exists(name)) refuse(path, fmt::format("the dataset '/{}' is missing", name));
  return file.open_dataset(name);
}

double read_run_scale(const h5::File& file, const std::filesystem::path& path, const std::string& attribute,
                      const std::string& scenario_toml) {
  double scale = 1;
  if (file.has_attribute(attribute)) {
    scale = file.attribute<double>(attribute);
  } else {
    // Older files: the resolved scenario holds every value, run.scale included.
    toml::table doc;
    try {
      doc = toml::parse(scenario_toml);
    } catch (const toml::parse_error&) {
      refuse(path, fmt::format("'{}' is missing and the recorded scenario is not TOML", attribute));
    }
    scale = doc["run"]["scale"].value<double>().value_or(1.0);
  }
  if (!(scale > 0) || !std::isfinite(scale)) refuse(path, fmt::format("{} is {}: must be above 0", attribute, scale));
  return scale;
}

h5::Dataset write_draws(h5::Group& root, std::span<const std::string> parameters, std::span<const double> values,
                        std::span<const std::int64_t> particles, const std::string& values_long_name) {
  std::vector<std::int64_t> numbers(particles.size());
  for (std::size_t d = 0; d < numbers.size(); ++d) numbers[d] = static_cast<std::int64_t>(d);
  h5::Dataset draw = write_scale<std::int64_t>(root, draw_path, numbers);
  draw.set_attribute("long_name", "draw from the posterior: a plausible set of the calibrated parameters");
  h5::Dataset parameter = write_scale<std::string>(root, draw_parameter_path, parameters);
  parameter.set_attribute("long_name", "parameter drawn from the posterior: its key path in the scenario");
  h5::Dataset drawn = root.create_dataset<double>(draw_values_path, {particles.size(), parameters.size()});
  drawn.write<double>(values);
  drawn.set_attribute("long_name", values_long_name);
  attach(drawn, {{&draw, "draw"}, {&parameter, "parameter"}});
  h5::Dataset particle = root.create_dataset<std::int64_t>(draw_particle_path, {particles.size()});
  particle.write<std::int64_t>(particles);
  particle.set_attribute("long_name", "the particle of the posterior's final population each draw is");
  attach(particle, {{&draw, "draw"}});
  return draw;
}

void attach(h5::Dataset& d, std::span<const std::pair<const h5::Dataset*, const char*>> scales) {
  unsigned dim = 0;
  for (const auto& [scale, label] : scales) {
    d.attach_scale(*scale, dim);
    d.set_label(dim, label);
    ++dim;
  }
}

void attach(h5::Dataset& d, std::initializer_list<std::pair<const h5::Dataset*, const char*>> scales) {
  attach(d, std::span(scales.begin(), scales.size()));
}

bool stored_as_integer(model::MetricKind kind) { return kind != model::MetricKind::real; }

std::string cell_methods(std::string_view units) { return units.ends_with("/step") ? "time: sum" : "time: point"; }

std::string cf_units(std::string_view words) { return words.ends_with("/year") ? "year-1" : "1"; }

void set_units(h5::Object& dataset, std::string_view words) {
  dataset.set_attribute("units", cf_units(words));
  dataset.set_attribute("scamsim_units", words);
}

std::string units_in_words(const h5::Dataset& dataset) {
  for (const char* name : {"scamsim_units", "units"}) {
    if (dataset.has_attribute(name)) return dataset.attribute<std::string>(name);
  }
  return "";
}

h5::Dataset create_metric_series(h5::Group& group, const model::MetricInfo& info, const h5::Shape& shape,
                                 const h5::DatasetOptions& options, SeriesScale scale) {
  const std::string name(info.name);
  // A replicate or run never written (an interrupted run, a sweep run not done) must not read as zeros.
  h5::DatasetOptions filled = options;
  filled.missing_is_fill = true;
  const bool integers = stored_as_integer(info.kind) && scale == SeriesScale::simulated;
  h5::Dataset series = integers ? group.create_dataset<std::int64_t>(name, shape, filled)
                                : group.create_dataset<double>(name, shape, filled);
  series.set_attribute("long_name", info.name);
  set_units(series, info.units);
  series.set_attribute("description", info.description);
  series.set_attribute("cell_methods", cell_methods(info.units));
  return series;
}

void sync_to_disk(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw h5::Error(fmt::format("cannot open '{}' to sync it: {}", path.string(), std::strerror(errno)));
  // fdatasync: the file's size and layout were settled when it was created, only its bytes change.
  const int rc = ::fdatasync(fd);
  const int error = errno;
  ::close(fd);
  if (rc != 0) throw h5::Error(fmt::format("cannot sync '{}' to disk: {}", path.string(), std::strerror(error)));
}

void sync_folder(const std::filesystem::path& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // best effort: some file systems do not open folders
  (void)::fsync(fd);
  ::close(fd);
}

}  // namespace scamsim::io::detail
