#include "sim/sweep/sweep_spec.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "sim/core/text.hpp"
#include "sim/run/outcome_reader.hpp"
#include "sim/scenario/key_paths.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/parameters.hpp"

namespace scamsim::sweep {

namespace fs = std::filesystem;
using scenario::Diagnostics;
using scenario::location_of;
using scenario::Need;
using scenario::TableReader;

const char* design_name(DesignKind kind) {
  switch (kind) {
    case DesignKind::grid:
      return "grid";
    case DesignKind::lhs:
      return "lhs";
    case DesignKind::saltelli:
      return "saltelli";
    case DesignKind::morris:
      return "morris";
  }
  return "?";
}

namespace {

/// a * b, or the largest int64 if that overflows (or either is negative): sizes saturate rather than wrap into
/// negative counts, and load_sweep refuses anything above max_sweep_runs.
std::int64_t saturating_product(std::int64_t a, std::int64_t b) {
  std::int64_t product = 0;
  if (a < 0 || b < 0 || __builtin_mul_overflow(a, b, &product)) return std::numeric_limits<std::int64_t>::max();
  return product;
}

}  // namespace

std::int64_t SweepSpec::design_points() const {
  const auto k = static_cast<std::int64_t>(parameters.size());
  switch (design) {
    case DesignKind::grid: {
      std::int64_t product = 1;
      for (const SweepParameter& p : parameters) {
        product = saturating_product(product, static_cast<std::int64_t>(grid_values(p.range).size()));
      }
      return product;
    }
    case DesignKind::lhs:
      return points;
    case DesignKind::saltelli:
      return saturating_product(base_points, k + 2);
    case DesignKind::morris:
      return saturating_product(trajectories, k + 1);
  }
  return 0;
}

std::int64_t SweepSpec::runs() const { return saturating_product(design_points(), replicates); }

std::string value_text(const SweepSpec& spec, const SweepParameter& parameter, double value) {
  switch (parameter.type) {
    case ValueType::integer:
      // Beyond int64 llround has no answer: write the number as it is, for the scenario to refuse as too large.
      if (!(std::abs(value) < 9.2e18)) break;
      return fmt::format("{}", std::llround(value));
    case ValueType::date:
      return spec.base.run.start_date.plus_days(static_cast<int>(std::llround(value))).to_string();
    case ValueType::real:
      break;
  }
  // fmt's shortest form reads back to the same double, and TOML reads "1e+22" too.
  return fmt::format("{}", value);
}

namespace {

// Keys the sweep sets itself, or that would give runs different time axes.
struct ReservedKey {
  std::string_view key;
  std::string_view why;
};
constexpr ReservedKey reserved_keys[] = {
    {"run.seed", "the sweep sets each run's seed (from its own seed)"},
    {"run.replicates", "each run of a sweep is one replicate; set `replicates` in the sweep file"},
    {"run.start_date", "every run of a sweep shares one time axis"},
    {"run.years", "every run of a sweep shares one time axis"},
    {"run.dt_days", "every run of a sweep shares one time axis"},
};

bool is_identifier(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  if (!std::isalpha(static_cast<unsigned char>(name[0])) && name[0] != '_') return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; });
}

std::optional<Distribution> find_distribution(const std::string& name) {
  if (name == "uniform") return Distribution::uniform;
  if (name == "log_uniform") return Distribution::log_uniform;
  if (name == "integer") return Distribution::integer;
  if (name == "levels") return Distribution::levels;
  return std::nullopt;
}

std::optional<DesignKind> find_design(const std::string& name) {
  for (const DesignKind kind : {DesignKind::grid, DesignKind::lhs, DesignKind::saltelli, DesignKind::morris}) {
    if (name == design_name(kind)) return kind;
  }
  return std::nullopt;
}

/// What a key's values are, from the resolved scenario and the parameter table.
ValueType value_type_of(const std::string& key, const toml::table& resolved) {
  const toml::node* node = scenario::node_at(resolved, key);
  if (node && node->is_date()) return ValueType::date;
  if (key.ends_with(".date")) return ValueType::date;  // an event's date, in any file or none yet
  if (const auto* info = scenario::parameter_entry(key, resolved)) {
    if (info->kind == scenario::ValueKind::integer) return ValueType::integer;
    if (info->kind == scenario::ValueKind::date) return ValueType::date;
    return ValueType::real;
  }
  if (node && node->is_integer()) return ValueType::integer;
  return ValueType::real;
}

std::string units_of(const std::string& key, ValueType type, const toml::table& resolved, Date start) {
  if (type == ValueType::date) return fmt::format("days since {}", start.to_string());
  if (const auto* info = scenario::parameter_entry(key, resolved)) return std::string(info->unit);
  return "";
}

class SweepLoader {
 public:
  SweepLoader(const fs::path& file, std::span<const std::string> overrides)
      : file_(file), name_(file.lexically_normal().string()), command_line_(overrides.begin(), overrides.end()) {}

  SweepSpec load() {
    const std::optional<toml::table> doc = scenario::parse_input_file(file_, name_, diagnostics_);
    if (!doc) throw SetupError(diagnostics_.sorted());
    spec_.file = name_;
    {
      std::ostringstream text;
      text << toml::toml_formatter(*doc);
      spec_.sweep_toml = std::move(text).str();
    }
    TableReader root(*doc, {}, name_, diagnostics_);
    read_root(root);
    const toml::table* design = root.table("design", Need::required);
    const toml::array* parameters = root.array("parameter", Need::required);
    const toml::array* outcomes = root.array("outcome", Need::required);
    const std::vector<std::string> keep = root.strings("keep_series");
    root.report_unknown_keys();
    if (!diagnostics_.empty() || spec_.scenario.empty()) throw SetupError(diagnostics_.sorted());

    // The base as every run starts from it: its own errors are the user's too.
    try {
      spec_.base = scenario::load_scenario(spec_.scenario, spec_.overrides);
    } catch (const SetupError&) {
      refuse_if_sweep_file(root);
      throw;
    }
    resolved_ = toml::parse(spec_.base.resolved_toml);

    if (design) {
      TableReader reader(*design, "design", name_, diagnostics_);
      read_design(reader);
    }
    scenario::for_each_table(parameters, "parameter", name_, diagnostics_,
                             [&](const std::string& /*path*/, TableReader& r) { read_parameter(r); });
    if (parameters && parameters->empty()) {
      diagnostics_.error(root.where("parameter"), "parameter", "a sweep varies at least one parameter");
    }
    scenario::for_each_table(outcomes, "outcome", name_, diagnostics_,
                             [&](const std::string& /*path*/, TableReader& r) { read_outcome(r); });
    if (outcomes && outcomes->empty()) {
      diagnostics_.error(root.where("outcome"), "outcome", "a sweep records at least one outcome");
    }
    read_keep_series(root, keep);
    if (diagnostics_.empty()) check_size(root, design);
    if (!diagnostics_.empty()) throw SetupError(diagnostics_.sorted());
    return std::move(spec_);
  }

 private:
  void read_root(TableReader& root) {
    const auto scenario_name = root.string("scenario", Need::required);
    if (scenario_name) {
      spec_.scenario = (file_.parent_path() / *scenario_name).lexically_normal();
      if (const std::string bad = first_control_character(*scenario_name); !bad.empty()) {
        // A NUL would silently cut the path short; other control characters make a name no one can type.
        diagnostics_.error(root.where("scenario"), "scenario",
                           fmt::format("a file name cannot hold control characters (it holds {})", bad));
        spec_.scenario.clear();
      } else if (const std::string problem = scenario_file_problem(spec_.scenario); !problem.empty()) {
        diagnostics_.error(root.where("scenario"), "scenario",
                           fmt::format("the scenario file '{}' {}", spec_.scenario.string(), problem));
      }
    }
    spec_.name = root.name("name").value_or(file_.stem().string());
    spec_.description = root.text("description").value_or("");
    spec_.replicates = root.integer("replicates").value_or(1);
    if (spec_.replicates < 1 || spec_.replicates > 100000) {
      diagnostics_.error(root.where("replicates"), "replicates", "must be between 1 and 100000");
    }
    const std::int64_t seed = root.integer("seed").value_or(1);
    if (seed < 0) diagnostics_.error(root.where("seed"), "seed", "must be 0 or more");
    spec_.seed = static_cast<std::uint64_t>(std::max<std::int64_t>(seed, 0));
    spec_.common_random_numbers = root.boolean("common_random_numbers").value_or(true);
    spec_.overrides = root.strings("set");
    spec_.overrides.insert(spec_.overrides.end(), command_line_.begin(), command_line_.end());
  }

  // Why the file a sweep names as its scenario cannot be one, or empty: checked without opening it, so that
  // a missing file or a folder is named here, at the sweep's line.
  static std::string scenario_file_problem(const fs::path& path) {
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (!fs::exists(status)) return "does not exist";
    if (fs::is_directory(status)) return "is a directory; name a scenario file in it";
    if (!fs::is_regular_file(status)) return "is not a regular file";
    return {};
  }

  // A sweep file named as the scenario fails the scenario's schema with "missing required key": say what it is.
  void refuse_if_sweep_file(TableReader& root) {
    Diagnostics ignored;
    const auto doc = scenario::parse_input_file(spec_.scenario, spec_.scenario.string(), ignored);
    if (!doc || !doc->contains("scenario") || !(doc->contains("design") || doc->contains("parameter"))) return;
    diagnostics_.error(root.where("scenario"), "scenario",
                       fmt::format("'{}' is a sweep file, not a scenario: name the scenario file the sweep varies "
                                   "(the one that sweep file names)",
                                   spec_.scenario.string()));
    throw SetupError(diagnostics_.sorted());
  }

  void read_design(TableReader& r) {
    const std::string kind = r.string("kind", Need::required).value_or("");
    const auto design = find_design(kind);
    if (!design) {
      if (r.raw().contains("kind") && r.raw().get("kind")->is_string()) {
        static const std::vector<std::string> kinds = {"grid", "lhs", "saltelli", "morris"};
        std::string message =
            kind.empty() ? std::string("the design kind is empty") : fmt::format("unknown design kind '{}'", kind);
        if (const std::string guess = closest_match(kind, kinds); !guess.empty() && !kind.empty()) {
          message += fmt::format("; did you mean '{}'?", guess);
        } else {
          message += "; expected \"grid\", \"lhs\", \"saltelli\" or \"morris\"";
        }
        diagnostics_.error(r.where("kind"), r.key_path("kind"), std::move(message));
      }
      r.accept("points");
      r.accept("base_points");
      r.accept("trajectories");
      r.accept("levels");
      r.accept("bootstrap");
      r.accept("confidence");
      r.report_unknown_keys();
      return;
    }
    spec_.design = *design;
    design_known_ = true;
    // A key of another design is a mistake worth naming, not something to ignore.
    const auto only_for = [&](std::string_view key, std::initializer_list<DesignKind> kinds) {
      if (!r.raw().contains(key) || std::find(kinds.begin(), kinds.end(), *design) != kinds.end()) return true;
      r.accept(key);
      std::string names;
      for (const DesignKind k : kinds) names += (names.empty() ? "" : " or ") + std::string(design_name(k));
      diagnostics_.error(r.where(key), r.key_path(key),
                         fmt::format("only a {} design has {}; this design is {}", names, key, kind));
      return false;
    };
    if (only_for("points", {DesignKind::lhs})) {
      spec_.points = r.integer("points", *design == DesignKind::lhs ? Need::required : Need::optional).value_or(0);
      if (*design == DesignKind::lhs && r.raw().contains("points") && spec_.points < 1) {
        diagnostics_.error(r.where("points"), r.key_path("points"), "must be 1 or more");
      }
    }
    if (only_for("base_points", {DesignKind::saltelli})) {
      spec_.base_points =
          r.integer("base_points", *design == DesignKind::saltelli ? Need::required : Need::optional).value_or(0);
      if (*design == DesignKind::saltelli && r.raw().contains("base_points") && spec_.base_points < 2) {
        diagnostics_.error(r.where("base_points"), r.key_path("base_points"),
                           "must be 2 or more (a power of two: 64, 128, 256, ... balances the design best)");
      }
    }
    if (only_for("trajectories", {DesignKind::morris})) {
      spec_.trajectories =
          r.integer("trajectories", *design == DesignKind::morris ? Need::required : Need::optional).value_or(0);
      if (*design == DesignKind::morris && r.raw().contains("trajectories") && spec_.trajectories < 2) {
        diagnostics_.error(r.where("trajectories"), r.key_path("trajectories"),
                           "must be 2 or more (sigma needs two elementary effects per parameter)");
      }
    }
    if (only_for("levels", {DesignKind::morris})) {
      spec_.morris_levels = r.integer("levels").value_or(4);
      if (spec_.morris_levels < 2 || spec_.morris_levels > 1000) {
        diagnostics_.error(r.where("levels"), r.key_path("levels"), "must be between 2 and 1000 (even is best)");
      }
    }
    if (only_for("bootstrap", {DesignKind::saltelli, DesignKind::morris})) {
      spec_.bootstrap = r.integer("bootstrap").value_or(1000);
      if (spec_.bootstrap < 0 || spec_.bootstrap > 100000) {
        diagnostics_.error(r.where("bootstrap"), r.key_path("bootstrap"), "must be between 0 and 100000");
      }
    }
    if (only_for("confidence", {DesignKind::saltelli, DesignKind::morris})) {
      spec_.confidence = r.number("confidence").value_or(0.95);
      if (!(spec_.confidence > 0 && spec_.confidence < 1)) {
        diagnostics_.error(r.where("confidence"), r.key_path("confidence"), "must be in (0, 1), e.g. 0.95");
      }
    }
    r.report_unknown_keys();
  }

  // A bound or level: a date for a date parameter (days since the base's start), else a number.
  std::optional<double> bound(TableReader& r, std::string_view key, ValueType type) {
    if (type != ValueType::date) return r.number(key, Need::required);
    const auto date = r.date(key, Need::required);
    if (!date) return std::nullopt;
    return static_cast<double>(date->days_after(spec_.base.run.start_date));
  }

  std::vector<double> levels(TableReader& r, ValueType type) {
    std::vector<double> out;
    const toml::array* items = r.array("levels");
    if (!items) return out;
    const std::string path = r.key_path("levels");
    for (const toml::node& item : *items) {
      if (type != ValueType::date) {
        if (const auto v = scenario::node_number(item, path, diagnostics_)) out.push_back(*v);
        continue;
      }
      std::optional<Date> date;
      if (const auto* d = item.as_date()) date = Date::from_ymd((**d).year, (**d).month, (**d).day);
      if (const auto* s = item.as_string()) date = Date::parse(**s);
      if (!date) {
        diagnostics_.error(location_of(item.source(), name_), path,
                           fmt::format("expected dates (YYYY-MM-DD), got {}", scenario::describe_node(item)));
        continue;
      }
      out.push_back(static_cast<double>(date->days_after(spec_.base.run.start_date)));
    }
    if (items->empty()) diagnostics_.error(r.where("levels"), path, "lists no value");
    return out;
  }

  void read_parameter(TableReader& r) {
    SweepParameter p;
    p.range.key = r.string("key", Need::required).value_or("");
    const std::string& key = p.range.key;
    p.type = value_type_of(key, resolved_);
    p.units = units_of(key, p.type, resolved_, spec_.base.run.start_date);
    const bool has_levels = r.raw().contains("levels");
    const std::string distribution = r.string("distribution").value_or(has_levels ? "levels" : "uniform");
    const auto d = find_distribution(distribution);
    if (!d) {
      diagnostics_.error(r.where("distribution"), r.key_path("distribution"),
                         "expected \"uniform\", \"log_uniform\", \"integer\" or \"levels\"");
    }
    p.range.distribution = d.value_or(Distribution::uniform);
    const bool listed = p.range.distribution == Distribution::levels;
    if (listed) {
      p.range.levels = levels(r, p.type);
      for (const char* key_of_range : {"min", "max", "grid_levels"}) {
        if (!r.raw().contains(key_of_range)) continue;
        r.accept(key_of_range);
        diagnostics_.error(r.where(key_of_range), r.key_path(key_of_range),
                           fmt::format("a parameter with listed levels has no {}", key_of_range));
      }
    } else {
      p.range.min = bound(r, "min", p.type).value_or(0);
      p.range.max = bound(r, "max", p.type).value_or(0);
      if (has_levels) {
        r.accept("levels");
        diagnostics_.error(r.where("levels"), r.key_path("levels"),
                           fmt::format("levels are for distribution = \"levels\", not \"{}\"", distribution));
      }
      const bool grid = design_known_ && spec_.design == DesignKind::grid;
      if (r.raw().contains("grid_levels") && design_known_ && !grid) {
        r.accept("grid_levels");
        diagnostics_.error(
            r.where("grid_levels"), r.key_path("grid_levels"),
            fmt::format("only a grid design has grid_levels; this design is {}", design_name(spec_.design)));
      } else {
        const Need need = grid && p.range.distribution != Distribution::integer ? Need::required : Need::optional;
        const std::int64_t g = r.integer("grid_levels", need).value_or(0);
        if (r.raw().contains("grid_levels") && (g < 2 || g > 100000)) {
          diagnostics_.error(r.where("grid_levels"), r.key_path("grid_levels"), "must be between 2 and 100000");
        }
        p.range.grid_levels = static_cast<std::int32_t>(std::clamp<std::int64_t>(g, 0, 100000));
      }
    }
    r.report_unknown_keys();
    if (key.empty()) {
      // A missing key was reported above; an empty one would drop the parameter silently (or leave a design of
      // no parameters, which the design code rejects as an internal error).
      if (r.raw().contains("key")) {
        diagnostics_.error(r.where("key"), r.key_path("key"),
                           "is empty: name the scenario value to sweep, e.g. \"pressure.half_life_days\"");
      }
      return;
    }
    check_key(r, p);
    if (check_values(r, p)) probe(r, p);
    spec_.parameters.push_back(std::move(p));
  }

  void check_key(TableReader& r, const SweepParameter& p) {
    const std::string& key = p.range.key;
    for (const ReservedKey& reserved : reserved_keys) {
      if (key == reserved.key) {
        diagnostics_.error(r.where("key"), r.key_path("key"), fmt::format("cannot sweep {}: {}", key, reserved.why));
      }
    }
    const bool twice = std::any_of(spec_.parameters.begin(), spec_.parameters.end(),
                                   [&](const SweepParameter& other) { return other.range.key == key; });
    if (twice) diagnostics_.error(r.where("key"), r.key_path("key"), fmt::format("{} is swept twice", key));
  }

  // Bounds and levels that make sense for the design and the value's type; true if they do.
  bool check_values(TableReader& r, const SweepParameter& p) {
    const std::size_t before = diagnostics_.size();
    const ParameterRange& range = p.range;
    if (range.distribution == Distribution::levels) {
      if (p.type != ValueType::real) {
        for (const double v : range.levels) {
          if (v != std::floor(v)) {
            diagnostics_.error(r.where("levels"), r.key_path("levels"),
                               fmt::format("{} takes whole numbers; {} is not one", range.key, v));
            break;
          }
        }
      }
      for (std::size_t i = 0; i < range.levels.size(); ++i) {
        if (std::find(range.levels.begin(), range.levels.begin() + static_cast<std::ptrdiff_t>(i), range.levels[i]) !=
            range.levels.begin() + static_cast<std::ptrdiff_t>(i)) {
          diagnostics_.error(r.where("levels"), r.key_path("levels"),
                             fmt::format("{} is listed twice", value_text(spec_, p, range.levels[i])));
          break;
        }
      }
    } else if (r.raw().contains("min") && r.raw().contains("max")) {
      if (!(range.min < range.max)) {
        diagnostics_.error(r.where("max"), r.key_path("max"), "must be greater than min");
      }
      if (range.distribution == Distribution::log_uniform && p.type == ValueType::date) {
        diagnostics_.error(r.where("distribution"), r.key_path("distribution"), "a date cannot be log-uniform");
      } else if (range.distribution == Distribution::log_uniform && !(range.min > 0)) {
        diagnostics_.error(r.where("min"), r.key_path("min"), "a log-uniform range needs min > 0");
      }
      if (range.distribution == Distribution::integer &&
          (range.min != std::floor(range.min) || range.max != std::floor(range.max))) {
        diagnostics_.error(r.where("min"), r.key_path("min"), "an integer range needs whole-number min and max");
      }
    }
    if (diagnostics_.size() != before) return false;
    try {
      check_range(range);
      if (design_known_ && spec_.design == DesignKind::grid) (void)grid_values(range);
    } catch (const std::invalid_argument& e) {
      diagnostics_.error(r.where(), r.key_path("key"), e.what());
      return false;
    }
    return true;
  }

  // The base scenario must accept the parameter at its extremes (every level, for listed levels), so a
  // misspelt key or an impossible bound fails here, at the sweep file's line, not in every run.
  void probe(TableReader& r, const SweepParameter& p) {
    const ParameterRange& range = p.range;
    std::vector<std::pair<double, std::string_view>> values;  // value, the key it came from
    if (range.distribution == Distribution::levels) {
      for (const double v : range.levels) values.emplace_back(v, "levels");
    } else {
      values.emplace_back(range.min, "min");
      values.emplace_back(range.max, "max");
    }
    const bool known_key = scenario::node_at(resolved_, range.key) || scenario::parameter_entry(range.key, resolved_);
    for (const auto& [value, from] : values) {
      std::vector<std::string> probe = spec_.overrides;
      probe.push_back(fmt::format("{}={}", range.key, value_text(spec_, p, value)));
      try {
        (void)scenario::load_scenario(spec_.scenario, probe);
      } catch (const SetupError& e) {
        const std::string_view at = known_key ? from : std::string_view("key");
        diagnostics_.error(r.where(at), r.key_path(at),
                           fmt::format("the scenario refuses {} = {}: {}", range.key, value_text(spec_, p, value),
                                       e.diagnostics().empty() ? e.what() : e.diagnostics().front().message));
        return;
      }
    }
  }

  void read_outcome(TableReader& r) {
    run::OutcomeSpec o = run::read_outcome(r, spec_.base);
    r.report_unknown_keys();
    if (!o.name.empty() && !is_identifier(o.name)) {
      diagnostics_.error(r.where("name"), r.key_path("name"),
                         fmt::format("'{}' is not a name of letters, digits and _ (at most 64, not starting with a "
                                     "digit): it names a dataset of the output",
                                     o.name));
    }
    const bool twice = std::any_of(spec_.outcomes.begin(), spec_.outcomes.end(),
                                   [&](const run::OutcomeSpec& other) { return other.name == o.name; });
    if (twice) diagnostics_.error(r.where("name"), r.key_path("name"), fmt::format("'{}' is named twice", o.name));
    spec_.outcomes.push_back(std::move(o));
  }

  void read_keep_series(TableReader& root, const std::vector<std::string>& keep) {
    for (const std::string& name : keep) {
      const auto metric = run::find_country_metric(name);
      if (!metric) {
        diagnostics_.error(root.where("keep_series"), "keep_series",
                           fmt::format("no per-country metric named '{}' (see docs/OUTPUT.md)", name));
      } else if (std::find(spec_.keep_series.begin(), spec_.keep_series.end(), *metric) != spec_.keep_series.end()) {
        diagnostics_.error(root.where("keep_series"), "keep_series", fmt::format("'{}' is listed twice", name));
      } else {
        spec_.keep_series.push_back(*metric);
      }
    }
  }

  void check_size(TableReader& root, const toml::table* design) {
    std::int64_t points = 0;
    try {
      points = spec_.design_points();
    } catch (const std::invalid_argument& e) {
      diagnostics_.error(root.where("design"), "design", e.what());
      return;
    }
    const auto k = static_cast<std::int64_t>(spec_.parameters.size());
    const TableReader reader =
        design ? TableReader(*design, "design", name_, diagnostics_) : TableReader(root.raw(), {}, name_, diagnostics_);
    SourceLocation where = reader.where();
    if (spec_.design == DesignKind::saltelli && 2 * k > sobol_max_dimensions) {
      diagnostics_.error(where, "design",
                         fmt::format("a saltelli design takes at most {} parameters", sobol_max_dimensions / 2));
    }
    // The size in words, from the key that sets it, so that the error names that key's line.
    constexpr auto most = std::numeric_limits<std::int64_t>::max();
    const auto count = [&](std::int64_t n, std::string_view what) {
      return n == most ? fmt::format("more {} than an int64 can count", what) : fmt::format("{} {}", n, what);
    };
    const std::string k_parameters = fmt::format("{} parameter{}", k, k == 1 ? "" : "s");
    std::string size = count(points, "points");
    std::string key = "design";
    const auto sized_by = [&](const char* name, std::int64_t value, std::string_view plus) {
      where = reader.where(name);
      key = reader.key_path(name);
      size = fmt::format("{} = {} gives {} x ({} + {}) = {}", name, value, value, k_parameters, plus, size);
    };
    if (spec_.design == DesignKind::grid) size = "the grid's levels give " + size;
    if (spec_.design == DesignKind::saltelli) sized_by("base_points", spec_.base_points, "2");
    if (spec_.design == DesignKind::morris) sized_by("trajectories", spec_.trajectories, "1");
    const std::int64_t runs = saturating_product(points, spec_.replicates);
    if (points < 1) {
      diagnostics_.error(where, key, "the design has no points");
    } else if (runs > max_sweep_runs) {
      diagnostics_.error(
          where, key,
          fmt::format("design too large: {}, x {} replicate{} = {}; a sweep has at most {} runs", size,
                      spec_.replicates, spec_.replicates == 1 ? "" : "s", count(runs, "runs"), max_sweep_runs));
    }
  }

  fs::path file_;
  std::string name_;
  std::vector<std::string> command_line_;
  Diagnostics diagnostics_;
  SweepSpec spec_;
  toml::table resolved_;
  bool design_known_ = false;
};

}  // namespace

SweepSpec load_sweep(const fs::path& file, std::span<const std::string> overrides) {
  return SweepLoader(file, overrides).load();
}

}  // namespace scamsim::sweep
