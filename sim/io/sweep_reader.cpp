// read_sweep: reads a sweep file (finished or in progress) back (layout in sweep_layout.hpp).
#include <fmt/format.h>

#include "sim/io/file_support.hpp"
#include "sim/io/h5.hpp"
#include "sim/io/open_file.hpp"
#include "sim/io/sweep_layout.hpp"
#include "sim/io/sweep_results.hpp"

namespace scamsim::io {

namespace fs = std::filesystem;
using namespace detail;  // the helpers every scamsim file shares
using namespace sweep_layout;

SweepResults read_sweep(const fs::path& path) {
  const h5::File file = open_scamsim_file(path, FileKind::sweep);
  SweepResults out;
  try {
    out.schema_version = attribute<std::int64_t>(file, path, "schema_version");
    out.name = attribute<std::string>(file, path, "sweep_name");
    out.description = file.has_attribute("description") ? file.attribute<std::string>("description") : "";
    out.design = attribute<std::string>(file, path, "design");
    out.scamsim_version = attribute<std::string>(file, path, "scamsim_version");
    out.git_commit = attribute<std::string>(file, path, "git_commit");
    out.created_utc = attribute<std::string>(file, path, "created_utc");
    out.sweep_toml = attribute<std::string>(file, path, "sweep_toml");
    out.base_scenario_toml = attribute<std::string>(file, path, "base_scenario_toml");
    out.seed = attribute<std::int64_t>(file, path, "seed");
    out.replicates = attribute<std::int64_t>(file, path, "replicates");
    out.points = attribute<std::int64_t>(file, path, "points");
    out.runs = attribute<std::int64_t>(file, path, "runs");
    out.complete = file.has_attribute("complete") && file.attribute<std::int64_t>("complete") != 0;
    out.dt_days = attribute<std::int64_t>(file, path, "dt_days");
    out.scale = read_run_scale(file, path, "run_scale", out.base_scenario_toml);
    const auto start = Date::parse(attribute<std::string>(file, path, "start_date"));
    if (!start) refuse(path, "start_date is not a YYYY-MM-DD date");
    out.start_date = *start;
    if (out.runs != out.points * out.replicates || out.runs < 0) {
      refuse(path, fmt::format("{} runs is not {} points x {} replicates", out.runs, out.points, out.replicates));
    }
    const auto runs = static_cast<std::size_t>(out.runs);
    out.parameters = required_dataset(file, path, parameter_path).read<std::string>();
    out.parameter_units = file.exists(parameter_units_path)
                              ? file.open_dataset(parameter_units_path).read<std::string>()
                              : std::vector<std::string>(out.parameters.size());
    out.outcomes = required_dataset(file, path, outcome_path).read<std::string>();
    out.values = required_dataset(file, path, values_path).read<double>();
    out.point = required_dataset(file, path, point_path).read<std::int64_t>();
    out.replicate = required_dataset(file, path, replicate_path).read<std::int64_t>();
    out.seeds = required_dataset(file, path, seed_path).read<std::int64_t>();
    out.status = read_status(required_dataset(file, path, status_path));
    out.messages = required_dataset(file, path, message_path).read<std::string>();
    if (out.values.size() != runs * out.parameters.size() || out.point.size() != runs || out.status.size() != runs ||
        out.messages.size() != runs || out.replicate.size() != runs || out.seeds.size() != runs) {
      refuse(path, "the /design datasets do not have one row per run");
    }
    out.outcome_values.assign(runs * out.outcomes.size(), 0);
    for (std::size_t o = 0; o < out.outcomes.size(); ++o) {
      const h5::Dataset d = required_dataset(file, path, fmt::format("{}/{}", outcomes_group, out.outcomes[o]));
      const std::vector<double> column = d.read<double>();
      if (column.size() != runs)
        refuse(path, fmt::format("'/outcomes/{}' does not have one row per run", out.outcomes[o]));
      for (std::size_t r = 0; r < runs; ++r) out.outcome_values[r * out.outcomes.size() + o] = column[r];
      out.outcome_units.push_back(units_in_words(d));
      out.outcome_definitions.push_back(d.has_attribute("definition") ? d.attribute<std::string>("definition") : "");
    }
    if (file.exists(by_country_group)) {
      // The group's own coordinates (schema 3 on) are not kept series.
      const h5::Group group = file.open_group(by_country_group);
      for (const std::string& name : group.member_names()) {
        if (!group.open_dataset(name).is_scale()) out.kept_series.push_back(name);
      }
    }
    if (file.exists(sensitivity_group)) {
      const h5::Group group = file.open_group(sensitivity_group);
      sweep::Sensitivity s;
      s.method = group.attribute<std::string>("method");
      out.confidence = group.attribute<double>("confidence");
      out.bootstrap = group.attribute<std::int64_t>("bootstrap");
      const std::vector<std::string> names =
          s.method == "sobol"
              ? std::vector<std::string>{"first", "first_low", "first_high", "total", "total_low", "total_high"}
              : std::vector<std::string>{"mu", "mu_star", "sigma", "mu_star_low", "mu_star_high"};
      for (const std::string& name : names) {
        if (!group.exists(name)) refuse(path, fmt::format("'/sensitivity/{}' is missing", name));
        std::vector<double> values = group.open_dataset(name).read<double>();
        if (values.size() != out.outcomes.size() * out.parameters.size()) {
          refuse(path, fmt::format("'/sensitivity/{}' is not outcomes x parameters", name));
        }
        s.tables.emplace_back(name, std::move(values));
      }
      if (group.exists("used")) s.used = group.open_dataset("used").read<std::int64_t>();
      out.sensitivity = std::move(s);
    }
  } catch (const h5::Error& e) {
    refuse(path, fmt::format("sweep file is truncated or corrupt ({})", e.what()));
  }
  return out;
}

}  // namespace scamsim::io
