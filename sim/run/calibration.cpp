#include "sim/run/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include <limits>
#include <optional>

#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <toml++/toml.h>

#include "sim/core/text.hpp"
#include "sim/core/version.hpp"
#include "sim/model/simulation.hpp"
#include "sim/run/nelder_mead.hpp"
#include "sim/run/outcome_reader.hpp"
#include "sim/run/runner.hpp"
#include "sim/scenario/key_paths.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/parameters.hpp"

namespace scamsim::run {

namespace fs = std::filesystem;
using scenario::Diagnostics;
using scenario::for_each_table;
using scenario::Need;
using scenario::node_at;
using scenario::parameter_entry;
using scenario::parse_input_file;
using scenario::TableReader;

namespace {

/// A proposal's run seed: a mix (splitmix64) of the calibration's seed and the proposal's stream, non-negative.
std::int64_t abc_run_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ull * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<std::int64_t>(z >> 1);
}

std::string number_text(double v) { return fmt::format("{:.17g}", v); }

/// Overrides that set the run's size and the parameters' values.
std::vector<std::string> overrides_for(const CalibrationSpec& spec, const std::vector<double>& values) {
  std::vector<std::string> out = spec.overrides;
  out.push_back(fmt::format("run.scale={}", number_text(spec.scale)));
  out.push_back(fmt::format("run.replicates={}", spec.replicates));
  for (std::size_t k = 0; k < values.size(); ++k) {
    out.push_back(parameter_override(spec.parameters[k].key, values[k], spec.parameters[k].integer));
  }
  return out;
}

double from_unit(const FreeParameter& p, double u) {
  u = std::clamp(u, 0.0, 1.0);
  // Clamped again: exp(log(max)) can round past max, which the scenario would refuse.
  return std::clamp(
      p.log_scale ? std::exp(std::log(p.min) + u * (std::log(p.max) - std::log(p.min))) : p.min + u * (p.max - p.min),
      p.min, p.max);
}

double to_unit(const FreeParameter& p, double v) {
  v = std::clamp(v, p.min, p.max);
  return p.log_scale ? (std::log(v) - std::log(p.min)) / (std::log(p.max) - std::log(p.min))
                     : (v - p.min) / (p.max - p.min);
}

/// Each target's outcome, its mean over the replicates' records (summed in replicate order), at scale 1: people
/// and dollars scale with the world.
std::vector<double> simulated_figures(const CalibrationSpec& spec, std::span<const model::RunRecord> records) {
  std::vector<double> figures;
  for (const auto& target : spec.targets) {
    double sum = 0;
    for (const auto& record : records) sum += evaluate(target.outcome, record, spec.dt_days);
    figures.push_back(at_full_scale(target.outcome, sum / static_cast<double>(records.size()), spec.scale));
  }
  return figures;
}

std::vector<TargetFit> evaluate_targets(const CalibrationSpec& spec, const std::vector<double>& values, int threads) {
  const auto s = calibration_scenario(spec, overrides_for(spec, values));
  RunOptions options;
  options.threads = threads;
  const RunResult result = run_replicates(s, options);
  const std::vector<double> simulated = simulated_figures(spec, result.replicates);
  std::vector<TargetFit> fit;
  for (std::size_t t = 0; t < spec.targets.size(); ++t) {
    const Target& target = spec.targets[t];
    fit.push_back(TargetFit{target.outcome.name, target.figure(), target.value, simulated[t], target.tolerance,
                            target.z(simulated[t])});
  }
  return fit;
}

double objective(const std::vector<TargetFit>& fit) {
  double sum = 0;
  for (const auto& f : fit) sum += f.z * f.z;
  return sum;
}

}  // namespace

double Target::z(double simulated) const {
  // The distance from a figure, in units of tolerance x that figure.
  const auto from = [&](double figure) { return (simulated - figure) / (tolerance * std::abs(figure)); };
  switch (shape) {
    case TargetShape::value:
      return from(value);
    case TargetShape::range:
      return simulated < low ? from(low) : simulated > high ? from(high) : 0;
    case TargetShape::at_least:
      return simulated < value ? from(value) : 0;
    case TargetShape::at_most:
      return simulated > value ? from(value) : 0;
  }
  return 0;
}

std::string Target::figure() const {
  switch (shape) {
    case TargetShape::value:
      return fmt::format("{:.6g}", value);
    case TargetShape::range:
      return fmt::format("{:.6g} to {:.6g}", low, high);
    case TargetShape::at_least:
      return fmt::format("at least {:.6g}", value);
    case TargetShape::at_most:
      return fmt::format("at most {:.6g}", value);
  }
  return {};
}

CalibrationSpec load_calibration(const fs::path& file, std::span<const std::string> overrides) {
  Diagnostics diagnostics;
  const std::string name = file.lexically_normal().string();
  const std::optional<toml::table> doc = parse_input_file(file, name, diagnostics);
  if (!doc) throw SetupError(diagnostics.sorted());
  CalibrationSpec spec;
  spec.file = name;
  TableReader root(*doc, {}, name, diagnostics);
  const auto scenario_name = root.string("scenario", Need::required);
  if (scenario_name) spec.scenario = (file.parent_path() / *scenario_name).lexically_normal();
  if (const std::string bad = scenario_name ? first_control_character(*scenario_name) : std::string(); !bad.empty()) {
    // A NUL would silently cut the path short; other control characters make a name no one can type.
    diagnostics.error(root.where("scenario"), "scenario",
                      fmt::format("a file name cannot hold control characters (it holds {})", bad));
    throw SetupError(diagnostics.sorted());
  }
  spec.replicates = root.integer("replicates").value_or(3);
  spec.scale = root.number("scale").value_or(1.0);
  spec.max_evaluations = root.integer("max_evaluations").value_or(80);
  if (spec.replicates < 1 || spec.replicates > 1000) {
    diagnostics.error(root.where("replicates"), "replicates", "must be between 1 and 1000");
  }
  if (!(spec.scale > 0 && spec.scale <= 100)) diagnostics.error(root.where("scale"), "scale", "must be in (0, 100]");
  if (spec.max_evaluations < 1) diagnostics.error(root.where("max_evaluations"), "max_evaluations", "must be >= 1");
  spec.overrides = root.strings("set");
  spec.overrides.insert(spec.overrides.end(), overrides.begin(), overrides.end());
  const toml::array* parameters = root.array("parameter", Need::required);
  const toml::array* targets = root.array("target", Need::required);
  const toml::table* abc = root.table("abc");
  root.report_unknown_keys();
  std::optional<TableReader> abc_reader;  // kept: its settings are checked once the parameters are counted
  std::int64_t abc_seed = 0;
  if (abc) {
    TableReader& a = abc_reader.emplace(*abc, "abc", name, diagnostics);
    const auto whole = [&](std::string_view key, int fallback) {
      const std::int64_t v = a.integer(key).value_or(fallback);
      return static_cast<int>(std::clamp<std::int64_t>(v, -1, 1'000'000'000));
    };
    spec.abc.population = whole("population", spec.abc.population);
    spec.abc.max_generations = whole("max_generations", spec.abc.max_generations);
    spec.abc.batch = whole("batch", spec.abc.batch);
    spec.abc.quantile = a.number("quantile").value_or(spec.abc.quantile);
    spec.abc.min_acceptance = a.number("min_acceptance").value_or(spec.abc.min_acceptance);
    spec.abc.min_tolerance_drop = a.number("min_tolerance_drop").value_or(spec.abc.min_tolerance_drop);
    spec.abc.target_tolerance = a.number("target_tolerance").value_or(spec.abc.target_tolerance);
    spec.abc.kernel_scale = a.number("kernel_scale").value_or(spec.abc.kernel_scale);
    spec.abc.max_proposals = a.integer("max_proposals").value_or(spec.abc.max_proposals);
    abc_seed = a.integer("seed").value_or(static_cast<std::int64_t>(spec.abc.seed));
    spec.abc.seed = static_cast<std::uint64_t>(std::max<std::int64_t>(abc_seed, 0));
    a.report_unknown_keys();
  }
  if (!diagnostics.empty() || !scenario_name) throw SetupError(diagnostics.sorted());

  // The scenario as it will be run: its errors are the user's too. Its documents are read once, here.
  spec.scenario_toml = scenario::load_scenario(spec.scenario).resolved_toml;
  const auto s = calibration_scenario(spec, spec.overrides);
  spec.dt_days = static_cast<double>(s.run.dt_days);
  const toml::table resolved = toml::parse(s.resolved_toml);

  for_each_table(parameters, "parameter", name, diagnostics, [&](const std::string& /*path*/, TableReader& r) {
    FreeParameter p;
    p.key = r.string("key", Need::required).value_or("");
    p.min = r.number("min", Need::required).value_or(0);
    p.max = r.number("max", Need::required).value_or(0);
    // Written in the file, never taken from the scenario: a scenario's value of a fitted parameter is
    // usually the last fit's output, so starting there would make the fit depend on what ran before it
    // (issue 13).
    const std::optional<double> start = r.number("start", Need::required);
    p.start = start.value_or(0);
    const std::string scale = r.string("scale").value_or("linear");
    const std::optional<std::string> prior_name = r.string("prior");
    const std::optional<double> mean = r.number("mean");
    const std::optional<double> sd = r.number("sd");
    r.report_unknown_keys();
    if (scale != "linear" && scale != "log") {
      diagnostics.error(r.where("scale"), r.key_path("scale"), "expected \"linear\" or \"log\"");
    }
    p.log_scale = scale == "log";
    // The prior lives on the parameter's range: uniform there, or uniform in the log with a log scale, unless
    // the file names another (docs/CALIBRATION.md, "Priors").
    p.prior.kind = p.log_scale ? PriorKind::log_uniform : PriorKind::uniform;
    if (prior_name) {
      if (const auto kind = prior_kind_named(*prior_name)) {
        p.prior.kind = *kind;
      } else {
        diagnostics.error(r.where("prior"), r.key_path("prior"),
                          fmt::format("'{}' is not a prior: uniform, log_uniform, normal or log_normal", *prior_name));
      }
    }
    const bool normal_kind = p.prior.kind == PriorKind::normal || p.prior.kind == PriorKind::log_normal;
    if (normal_kind && (!mean || !sd)) {
      diagnostics.error(r.where(mean ? "sd" : "mean"), r.key_path(mean ? "sd" : "mean"),
                        fmt::format("a {} prior needs its mean and sd{}", prior_kind_name(p.prior.kind),
                                    p.prior.kind == PriorKind::log_normal ? " (of the log of the value)" : ""));
    }
    if (!normal_kind && (mean || sd)) {
      diagnostics.error(r.where(mean ? "mean" : "sd"), r.key_path(mean ? "mean" : "sd"),
                        fmt::format("a {} prior has no mean or sd: set prior = \"normal\" or \"log_normal\"",
                                    prior_kind_name(p.prior.kind)));
    }
    p.prior.min = p.min;
    p.prior.max = p.max;
    p.prior.mean = mean.value_or(0);
    p.prior.sd = sd.value_or(1);
    if (p.min < p.max && (!normal_kind || (mean && sd))) {
      if (const auto why = p.prior.problem()) {
        diagnostics.error(r.where(prior_name ? "prior" : "min"), r.key_path(prior_name ? "prior" : "min"), *why);
      }
    }
    if (const auto* info = parameter_entry(p.key, resolved)) p.integer = info->kind == scenario::ValueKind::integer;
    if (p.key.starts_with("events.")) {
      // The fitted file replaces the event by its id (fitted_scenario_toml): one without can't be fitted.
      const toml::node* event = node_at(resolved, p.key.substr(0, p.key.find('.', 7)));
      if (event && event->is_table() && !(*event->as_table())["id"].is_string()) {
        diagnostics.error(r.where("key"), r.key_path("key"),
                          fmt::format("{} names an event with no id; give it an id to fit its fields", p.key));
      }
    }
    if (!(p.min < p.max)) diagnostics.error(r.where("max"), r.key_path("max"), "must be greater than min");
    if (p.log_scale && !(p.min > 0)) diagnostics.error(r.where("min"), r.key_path("min"), "a log scale needs min > 0");
    if (start && p.min < p.max && !(p.min <= p.start && p.start <= p.max)) {
      diagnostics.error(r.where("start"), r.key_path("start"),
                        fmt::format("must lie within [min, max] = [{}, {}]", p.min, p.max));
    }
    if (!p.key.empty() && p.min < p.max) {
      // The key must be a number the scenario accepts, across its whole range.
      for (const double v : {p.min, p.max}) {
        std::vector<std::string> probe = spec.overrides;
        probe.push_back(fmt::format("{}={}", p.key, number_text(v)));
        try {
          (void)calibration_scenario(spec, probe);
        } catch (const SetupError& e) {
          diagnostics.error(r.where("key"), r.key_path("key"),
                            fmt::format("the scenario refuses {} = {}: {}", p.key, v, e.diagnostics().front().message));
          break;
        }
      }
    }
    spec.parameters.push_back(p);
  });

  for_each_table(targets, "target", name, diagnostics, [&](const std::string& /*path*/, TableReader& r) {
    Target t;
    t.outcome = read_outcome(r, s);
    // One of: value; low and high; at_least; at_most (docs/CALIBRATION.md, "Targets").
    const std::optional<double> value = r.number("value");
    const std::optional<double> low = r.number("low");
    const std::optional<double> high = r.number("high");
    const std::optional<double> at_least = r.number("at_least");
    const std::optional<double> at_most = r.number("at_most");
    t.tolerance = r.number("tolerance", Need::required).value_or(0);
    t.source = r.string("source", Need::required).value_or("");
    const int forms = (value ? 1 : 0) + ((low || high) ? 1 : 0) + (at_least ? 1 : 0) + (at_most ? 1 : 0);
    const auto relative = [&](std::string_view key, double v) {
      if (v == 0) diagnostics.error(r.where(key), r.key_path(key), "must not be 0 (misses are relative to it)");
    };
    if (forms == 0) {
      diagnostics.error(r.where("source"), r.key_path("value"),
                        "the figure is missing: give value, or low and high, or at_least, or at_most");
    } else if (forms > 1) {
      const std::string_view second = at_most ? "at_most" : at_least ? "at_least" : "low";
      diagnostics.error(r.where(second), r.key_path(second),
                        "give one of value, low and high, at_least or at_most: a source states its figure one way");
    } else if (value) {
      t.shape = TargetShape::value;
      t.value = *value;
      relative("value", *value);
    } else if (low || high) {
      t.shape = TargetShape::range;
      if (!low || !high) {
        diagnostics.error(r.where(low ? "low" : "high"), r.key_path(low ? "high" : "low"),
                          "a range needs both low and high");
      } else {
        t.low = *low;
        t.high = *high;
        if (!(t.low < t.high)) {
          diagnostics.error(r.where("high"), r.key_path("high"),
                            fmt::format("must be above low ({:g}); got {:g}", t.low, t.high));
        }
        relative("low", t.low);
        relative("high", t.high);
      }
    } else {
      t.shape = at_least ? TargetShape::at_least : TargetShape::at_most;
      t.value = at_least ? *at_least : *at_most;
      relative(at_least ? "at_least" : "at_most", t.value);
    }
    if (!(t.tolerance > 0)) diagnostics.error(r.where("tolerance"), r.key_path("tolerance"), "must be > 0");
    r.report_unknown_keys();
    spec.targets.push_back(t);
  });
  if (abc_reader) {
    if (abc_seed < 0) diagnostics.error(abc_reader->where("seed"), "abc.seed", "must be 0 or more");
    for (const auto& [key, why] : spec.abc.problems(spec.parameters.size())) {
      diagnostics.error(abc_reader->where(key), "abc." + key, why);
    }
  }
  if (!diagnostics.empty()) throw SetupError(diagnostics.sorted());
  return spec;
}

std::string parameter_override(const std::string& key, double value, bool integer) {
  return integer ? fmt::format("{}={}", key, std::llround(value)) : fmt::format("{}={}", key, number_text(value));
}

scenario::Scenario calibration_scenario(const CalibrationSpec& spec, std::span<const std::string> overrides) {
  return spec.scenario_toml.empty() ? scenario::load_scenario(spec.scenario, overrides)
                                    : scenario::load_scenario_text(spec.scenario_toml, spec.scenario, overrides);
}

double abc_distance(const CalibrationSpec& spec, std::span<const double> simulated) {
  double sum = 0;
  for (std::size_t t = 0; t < spec.targets.size(); ++t) {
    const double z = spec.targets[t].z(simulated[t]);
    sum += z * z;
  }
  return std::sqrt(sum);
}

AbcBatchResult simulate_proposals(const CalibrationSpec& spec, std::uint64_t seed, std::span<const AbcProposal> batch,
                                  int threads) {
  AbcBatchResult made;
  made.distances.assign(batch.size(), std::numeric_limits<double>::quiet_NaN());
  made.statistics.resize(batch.size());
  tbb::task_arena arena(effective_threads(threads));
  arena.execute([&] {
    tbb::parallel_for(
        std::size_t{0}, batch.size(),
        [&](std::size_t b) {
          const AbcProposal& proposal = batch[b];
          // The values as the runs take them (whole numbers rounded), and the proposal's own random numbers:
          // a seed from the calibration's, the generation and the proposal's number.
          std::vector<double> values = proposal.values;
          for (std::size_t k = 0; k < values.size(); ++k) {
            if (spec.parameters[k].integer) values[k] = std::round(values[k]);
          }
          std::vector<std::string> overrides = overrides_for(spec, values);
          const std::uint64_t stream =
              (static_cast<std::uint64_t>(proposal.generation) << 40) ^ static_cast<std::uint64_t>(proposal.index);
          overrides.push_back(fmt::format("run.seed={}", abc_run_seed(seed, stream)));
          try {
            // The replicates one after another on this task: run_replicates would claim the threads the
            // batch's other proposals run on.
            const auto s = calibration_scenario(spec, overrides);
            std::vector<model::RunRecord> records;
            for (std::int64_t r = 0; r < spec.replicates; ++r) {
              model::Simulation sim(s, static_cast<std::uint32_t>(r));
              sim.run_to_end();
              records.push_back(sim.take_record());
            }
            made.statistics[b] = simulated_figures(spec, records);
            made.distances[b] = abc_distance(spec, made.statistics[b]);
          } catch (const SetupError&) {
            // Values the scenario refuses together (each was tried alone when the file was loaded): a failed
            // run, never accepted.
          }
        },
        tbb::simple_partitioner());
  });
  return made;
}

AbcState calibrate_abc(const CalibrationSpec& spec, const AbcSettings& settings, int threads,
                       const AbcAfterGeneration& after_generation, AbcState resume, const std::atomic<bool>* stop,
                       const AbcSimulate& distribute) {
  std::vector<Prior> priors;
  for (const FreeParameter& p : spec.parameters) priors.push_back(p.prior);
  const AbcSimulate simulate = [&](std::span<const AbcProposal> batch) {
    if (stop != nullptr && stop->load()) throw Interrupted();
    return distribute ? distribute(batch) : simulate_proposals(spec, settings.seed, batch, threads);
  };
  return run_abc_smc(settings, priors, simulate, after_generation, std::move(resume));
}

CalibrationResult calibrate(const CalibrationSpec& spec, int threads, const CalibrationProgress& progress) {
  std::vector<double> start(spec.parameters.size());
  for (std::size_t k = 0; k < start.size(); ++k) start[k] = to_unit(spec.parameters[k], spec.parameters[k].start);
  // The values as the runs take them: a whole-number parameter is rounded here, so that what is evaluated, printed
  // and written to the fitted file is the same number (the table once showed 365.57 for a run of 366).
  auto values_of = [&](const std::vector<double>& unit) {
    std::vector<double> values(unit.size());
    for (std::size_t k = 0; k < unit.size(); ++k) {
      const double v = from_unit(spec.parameters[k], unit[k]);
      values[k] = spec.parameters[k].integer ? static_cast<double>(std::llround(v)) : v;
    }
    return values;
  };
  double best = INFINITY;
  int evaluations = 0;
  const auto f = [&](const std::vector<double>& unit) {
    // Outside the bounds the value is clamped; the distance out is added so
    // the simplex is drawn back in rather than wandering on a plateau.
    double outside = 0;
    for (const double u : unit) outside += std::pow(std::max({0.0, -u, u - 1}), 2);
    const double value = objective(evaluate_targets(spec, values_of(unit), threads)) + 1e3 * outside;
    best = std::min(best, value);
    if (progress) progress(++evaluations, best);
    return value;
  };
  CalibrationResult result;
  result.start_fit = evaluate_targets(spec, values_of(start), threads);
  result.start_objective = objective(result.start_fit);
  const Minimum m = nelder_mead(f, start, 0.2, static_cast<int>(spec.max_evaluations), 1e-6);
  std::vector<double> unit = m.x;
  for (double& u : unit) u = std::clamp(u, 0.0, 1.0);
  result.fitted = values_of(unit);
  result.fit = evaluate_targets(spec, result.fitted, threads);
  result.objective = objective(result.fit);
  result.evaluations = m.evaluations;
  return result;
}

std::string format_fit(const CalibrationSpec& spec, const CalibrationResult& result) {
  std::string out;
  out += fmt::format("{:<44} {:>16} {:>16} {:>16} {:>9} {:>7}\n", "target", "value", "at start", "fitted", "tolerance",
                     "z");
  for (std::size_t i = 0; i < result.fit.size(); ++i) {
    const auto& f = result.fit[i];
    out += fmt::format("{:<44} {:>16} {:>16.6g} {:>16.6g} {:>8.0f}% {:>7.2f}{}\n", f.name.substr(0, 44), f.figure,
                       result.start_fit[i].simulated, f.simulated, f.tolerance * 100, f.z,
                       std::abs(f.z) <= 1 ? "" : "  outside tolerance");
  }
  out += fmt::format("\n{:<44} {:>16} {:>16}\n", "parameter", "start", "fitted");
  for (std::size_t k = 0; k < spec.parameters.size(); ++k) {
    out +=
        fmt::format("{:<44} {:>16.6g} {:>16.6g}\n", spec.parameters[k].key, spec.parameters[k].start, result.fitted[k]);
  }
  out += fmt::format("\nobjective (sum of z^2): {:.4g} at start, {:.4g} fitted, after {} evaluations\n",
                     result.start_objective, result.objective, result.evaluations);
  return out;
}

namespace {

/// Sets the number at `key` (dots nest tables) in `table`, whole if the parameter is.
void set_number(toml::table& table, std::string_view key, double value, bool integer) {
  toml::table* at = &table;
  for (std::size_t dot = key.find('.'); dot != std::string_view::npos; dot = key.find('.')) {
    auto [it, inserted] = at->insert(std::string(key.substr(0, dot)), toml::table{});
    at = it->second.as_table();
    key = key.substr(dot + 1);
  }
  if (integer) {
    at->insert_or_assign(std::string(key), static_cast<std::int64_t>(std::llround(value)));
  } else {
    at->insert_or_assign(std::string(key), value);
  }
}

}  // namespace

std::string fitted_scenario_toml(const CalibrationSpec& spec, const CalibrationResult& result, const fs::path& output,
                                 const std::string& command_line) {
  std::string out;
  out += fmt::format("# Fitted by scamsim {} (commit {}) from {}:\n#   {}\n#\n", version(), git_commit(), spec.file,
                     command_line);
  std::istringstream table(format_fit(spec, result));
  for (std::string line; std::getline(table, line);) out += "# " + line + "\n";
  out += fmt::format("#\n# Replicates {}, scale {}; targets compare counts and dollars at scale 1.\n\n",
                     spec.replicates, spec.scale);
  const fs::path base = fs::proximate(fs::absolute(spec.scenario), fs::absolute(output).parent_path());
  toml::table doc;
  doc.insert("base", base.generic_string());
  // A value inside an array cannot be written as a table: scenario files replace an array whole (an event by its
  // id), so the fitted file carries a copy of what it replaces, with the fitted value set in it.
  const toml::table resolved = toml::parse(calibration_scenario(spec, spec.overrides).resolved_toml);
  toml::array events;  // copies of the fitted events, which replace the scenario's by id
  for (std::size_t k = 0; k < spec.parameters.size(); ++k) {
    const std::string& key = spec.parameters[k].key;
    const double value = result.fitted[k];
    const bool integer = spec.parameters[k].integer;
    const std::string array = key.substr(0, key.find('.'));
    if (!resolved[array].is_array()) {
      set_number(doc, key, value, integer);
      continue;
    }
    // The element (events by id or position, operations by position) and the field within it.
    const auto second = key.find('.', array.size() + 1);
    const std::string element = key.substr(0, second);
    const std::string field = key.substr(second + 1);
    if (array == "events") {
      const auto& event = *node_at(resolved, element)->as_table();
      const std::string id = *event["id"].value<std::string>();  // load_calibration refuses an event with none
      auto copy = std::find_if(events.begin(), events.end(),
                               [&](const toml::node& e) { return (*e.as_table())["id"].value<std::string>() == id; });
      if (copy == events.end()) {
        events.push_back(event);
        copy = std::prev(events.end());
      }
      set_number(*copy->as_table(), field, value, integer);
    } else {
      if (!doc.contains(array)) doc.insert(array, *resolved[array].as_array());
      // The copy is this function's own document: writing through node_at's view of it is safe.
      set_number(*const_cast<toml::node*>(node_at(doc, element))->as_table(), field, value, integer);
    }
  }
  if (!events.empty()) doc.insert("events", std::move(events));
  std::ostringstream text;
  text << toml::toml_formatter(doc);
  return out + text.str() + "\n";
}

}  // namespace scamsim::run
