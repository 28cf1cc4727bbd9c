#include "sim/io/posterior_file.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/core/error.hpp"
#include "sim/io/file_support.hpp"
#include "sim/io/h5.hpp"
#include "sim/io/open_file.hpp"
#include "sim/io/results.hpp"

namespace scamsim::io {

namespace fs = std::filesystem;
using namespace detail;

namespace {

// ---------------------------------------------------------------- the layout
//
// docs/CALIBRATION.md ("The posterior file") is the user-facing description. G = generations, N = particles
// (the population), P = parameters, T = targets. The coordinates are dimension scales at the root.

constexpr const char* parameter_path = "parameter";
constexpr const char* target_path = "target";
constexpr const char* generation_path = "generation";
constexpr const char* particle_path = "particle";
constexpr const char* generations_group = "generations";  // generations/<name>: (generation, particle, ...)
constexpr const char* posterior_group = "posterior";      // posterior/<name>: (particle, ...), the final population

/// The stop rules as the file names them.
constexpr std::pair<run::AbcStop, const char*> stop_names[] = {
    {run::AbcStop::running, "running"},
    {run::AbcStop::max_generations, "max_generations"},
    {run::AbcStop::tolerance_reached, "tolerance_reached"},
    {run::AbcStop::tolerance_flat, "tolerance_flat"},
    {run::AbcStop::acceptance_low, "acceptance_low"},
};

template <class T>
T attribute(const h5::Object& object, const fs::path& path, const std::string& name) {
  if (!object.has_attribute(name)) refuse(path, fmt::format("missing attribute '{}'", name));
  return object.attribute<T>(name);
}

hsize_t extent(std::size_t n) { return static_cast<hsize_t>(n); }

/// A dataset along the given scales, described.
template <class T>
h5::Dataset along(h5::Group& root, const std::string& path, std::span<const T> values, const h5::Shape& shape,
                  std::initializer_list<std::pair<const h5::Dataset*, const char*>> scales,
                  const std::string& long_name) {
  h5::Dataset d = root.create_dataset<T>(path, shape);
  if (!values.empty()) d.write<T>(values);
  d.set_attribute("long_name", long_name);
  attach(d, scales);
  return d;
}

constexpr std::pair<run::TargetShape, const char*> shape_names[] = {
    {run::TargetShape::value, "value"},
    {run::TargetShape::range, "range"},
    {run::TargetShape::at_least, "at_least"},
    {run::TargetShape::at_most, "at_most"},
};

}  // namespace

double PosteriorTarget::z(double simulated) const {
  run::Target t;
  t.shape = shape;
  t.value = value;
  t.low = low;
  t.high = high;
  t.tolerance = tolerance;
  return t.z(simulated);
}

const run::AbcGeneration& Posterior::final_population() const {
  if (state.generations.empty()) throw std::logic_error("the posterior has no finished generation");
  return state.generations.back();
}

Posterior posterior_of(const run::CalibrationSpec& spec, const std::string& command_line) {
  Posterior p;
  p.calibration_file = spec.file;
  const scenario::Scenario s = run::calibration_scenario(spec, spec.overrides);
  p.scenario_name = s.name;
  p.scenario_toml = s.resolved_toml;
  p.command_line = command_line;
  p.replicates = spec.replicates;
  p.scale = spec.scale;
  for (const auto& parameter : spec.parameters) {
    p.parameter_keys.push_back(parameter.key);
    p.parameter_integer.push_back(parameter.integer);
  }
  for (const auto& t : spec.targets) {
    p.targets.push_back({t.outcome.name, t.figure(), t.tolerance, t.source, t.shape, t.value, t.low, t.high});
  }
  return p;
}

std::optional<std::string> calibration_difference(const Posterior& saved, const Posterior& now) {
  if (saved.parameter_keys != now.parameter_keys) {
    return fmt::format("it calibrates the parameters {} (now {})", fmt::join(saved.parameter_keys, ", "),
                       fmt::join(now.parameter_keys, ", "));
  }
  if (saved.targets.size() != now.targets.size()) {
    return fmt::format("it has {} targets (now {})", saved.targets.size(), now.targets.size());
  }
  for (std::size_t t = 0; t < now.targets.size(); ++t) {
    const auto& a = saved.targets[t];
    const auto& b = now.targets[t];
    if (a.name != b.name || a.figure != b.figure || a.tolerance != b.tolerance) {
      return fmt::format("its target {} is '{}', {} within {:g} (now '{}', {} within {:g})", t + 1, a.name, a.figure,
                         a.tolerance, b.name, b.figure, b.tolerance);
    }
  }
  if (saved.replicates != now.replicates) {
    return fmt::format("with {} replicates per proposal (now {})", saved.replicates, now.replicates);
  }
  if (saved.scale != now.scale) return fmt::format("at run.scale {:g} (now {:g})", saved.scale, now.scale);
  if (saved.scenario_toml != now.scenario_toml) {
    return fmt::format(
        "from another scenario: '{}' as it was then differs from '{}' now (its file, a file it is "
        "based on, the calibration's set or --set changed)",
        saved.scenario_name, now.scenario_name);
  }
  return std::nullopt;
}

void write_posterior(const fs::path& path, const Posterior& p) {
  const run::AbcState& state = p.state;
  const std::size_t P = p.parameter_keys.size();
  const std::size_t T = p.targets.size();
  const std::size_t G = state.generations.size();
  const std::size_t N = static_cast<std::size_t>(state.settings.population);
  for (const auto& g : state.generations) {
    if (g.particles.size() != N || g.weights.size() != N || g.distances.size() != N) {
      throw h5::Error(fmt::format("cannot write posterior file '{}': a generation of {} particles, not {}",
                                  path.string(), g.particles.size(), N));
    }
  }
  h5::File file = h5::File::create(path);
  file.set_attribute("title", fmt::format("scamsim posterior: {} calibrated by ABC-SMC", p.scenario_name));
  write_identity(file, FileKind::posterior);
  const std::string created = utc_now();
  file.set_attribute("created_utc", created);
  file.set_attribute("history", fmt::format("{} {}", created, p.command_line));
  file.set_attribute("command_line", p.command_line);
  file.set_attribute("calibration_file", p.calibration_file);
  file.set_attribute("scenario_name", p.scenario_name);
  file.set_attribute("scenario_toml", p.scenario_toml);
  file.set_attribute("replicates", p.replicates);
  file.set_attribute("run_scale", p.scale);
  std::string stop = "running";
  for (const auto& [rule, name] : stop_names) {
    if (rule == state.stop) stop = name;
  }
  file.set_attribute("complete", std::int64_t{state.stop == run::AbcStop::running ? 0 : 1});
  file.set_attribute("stop_rule", stop);
  file.set_attribute("stop_reason", std::string(run::abc_stop_text(state.stop)));
  const run::AbcSettings& s = state.settings;
  file.set_attribute("abc_population", std::int64_t{s.population});
  file.set_attribute("abc_max_generations", std::int64_t{s.max_generations});
  file.set_attribute("abc_quantile", s.quantile);
  file.set_attribute("abc_min_acceptance", s.min_acceptance);
  file.set_attribute("abc_min_tolerance_drop", s.min_tolerance_drop);
  file.set_attribute("abc_target_tolerance", s.target_tolerance);
  file.set_attribute("abc_batch", std::int64_t{s.batch});
  file.set_attribute("abc_kernel_scale", s.kernel_scale);
  file.set_attribute("abc_seed", static_cast<std::int64_t>(s.seed));
  file.set_attribute("abc_max_proposals", s.max_proposals);

  h5::Dataset parameter = write_scale<std::string>(file, parameter_path, p.parameter_keys);
  parameter.set_attribute("long_name", "calibrated parameter: its key path in the scenario");
  std::vector<std::string> targets;
  for (const auto& t : p.targets) targets.push_back(t.name);
  h5::Dataset target = write_scale<std::string>(file, target_path, targets);
  target.set_attribute("long_name", "calibration target, as the calibration file names it");
  std::vector<std::int64_t> numbers(G);
  for (std::size_t g = 0; g < G; ++g) numbers[g] = static_cast<std::int64_t>(g);
  h5::Dataset generation = write_scale<std::int64_t>(file, generation_path, numbers);
  generation.set_attribute("long_name", "ABC-SMC generation; 0 is drawn from the prior");
  numbers.resize(N);
  for (std::size_t k = 0; k < N; ++k) numbers[k] = static_cast<std::int64_t>(k);
  h5::Dataset particle = write_scale<std::int64_t>(file, particle_path, numbers);
  particle.set_attribute("long_name", "particle of a generation's population, in the order it was accepted");

  // The priors, along parameter.
  std::vector<std::string> kinds, described;
  std::vector<double> mins, maxs, means, sds;
  std::vector<std::int64_t> integer;
  for (std::size_t j = 0; j < P; ++j) {
    const run::Prior& prior = state.priors.at(j);
    kinds.emplace_back(run::prior_kind_name(prior.kind));
    described.push_back(prior.describe());
    mins.push_back(prior.min);
    maxs.push_back(prior.max);
    means.push_back(prior.mean);
    sds.push_back(prior.sd);
    integer.push_back(p.parameter_integer.at(j) ? 1 : 0);
  }
  const std::initializer_list<std::pair<const h5::Dataset*, const char*>> by_parameter = {{&parameter, "parameter"}};
  along<std::string>(file, "prior", described, {P}, by_parameter, "the prior, as a sentence");
  along<std::string>(file, "prior_kind", kinds, {P}, by_parameter,
                     "the prior's kind: uniform, log_uniform, normal or log_normal");
  along<double>(file, "prior_min", mins, {P}, by_parameter, "the prior's lower bound");
  along<double>(file, "prior_max", maxs, {P}, by_parameter, "the prior's upper bound");
  along<double>(file, "prior_mean", means, {P}, by_parameter,
                "the normal kinds' mean (of the value, or of its natural log for log_normal); unused otherwise");
  along<double>(file, "prior_sd", sds, {P}, by_parameter,
                "the normal kinds' standard deviation (of the value, or of its natural log); unused otherwise");
  along<std::int64_t>(file, "parameter_integer", integer, {P}, by_parameter,
                      "1 for a whole-number parameter, whose values are rounded when run");

  // The targets, along target.
  std::vector<std::string> figures, sources, shapes;
  std::vector<double> tolerances, values, lows, highs;
  for (const auto& t : p.targets) {
    figures.push_back(t.figure);
    sources.push_back(t.source);
    tolerances.push_back(t.tolerance);
    for (const auto& [shape, name] : shape_names) {
      if (shape == t.shape) shapes.emplace_back(name);
    }
    values.push_back(t.value);
    lows.push_back(t.low);
    highs.push_back(t.high);
  }
  const std::initializer_list<std::pair<const h5::Dataset*, const char*>> by_target = {{&target, "target"}};
  along<std::string>(file, "target_figure", figures, {T}, by_target, "the figure as its source states it");
  along<double>(file, "target_tolerance", tolerances, {T}, by_target,
                "the miss that counts as one standard error, as a share of the figure");
  along<std::string>(file, "target_source", sources, {T}, by_target, "where the figure comes from");
  along<std::string>(file, "target_shape", shapes, {T}, by_target,
                     "how the source states it: value, range, at_least or at_most");
  along<double>(file, "target_value", values, {T}, by_target, "the figure (value) or the bound (at_least, at_most)");
  along<double>(file, "target_low", lows, {T}, by_target, "a range's low end (0 for other shapes)");
  along<double>(file, "target_high", highs, {T}, by_target, "a range's high end (0 for other shapes)");

  // Per generation.
  std::vector<double> tolerance, ess, acceptance;
  std::vector<std::int64_t> proposals, simulated;
  std::vector<double> particles, weights, distances, statistics;
  for (const auto& g : state.generations) {
    tolerance.push_back(g.tolerance);
    ess.push_back(g.ess());
    acceptance.push_back(g.acceptance());
    proposals.push_back(g.proposals);
    simulated.push_back(g.simulated);
    for (std::size_t k = 0; k < N; ++k) {
      particles.insert(particles.end(), g.particles[k].begin(), g.particles[k].end());
      weights.push_back(g.weights[k]);
      distances.push_back(g.distances[k]);
      const auto& row = k < g.statistics.size() ? g.statistics[k] : std::vector<double>{};
      for (std::size_t t = 0; t < T; ++t) {
        statistics.push_back(t < row.size() ? row[t] : std::numeric_limits<double>::quiet_NaN());
      }
    }
  }
  const std::initializer_list<std::pair<const h5::Dataset*, const char*>> by_generation = {{&generation, "generation"}};
  along<double>(file, "tolerance", tolerance, {G}, by_generation,
                "distances at or below it were accepted (infinity for the prior's generation)");
  along<double>(file, "ess", ess, {G}, by_generation, "effective sample size of the weights, 1 / sum w^2");
  along<double>(file, "acceptance", acceptance, {G}, by_generation, "particles over proposals made");
  along<std::int64_t>(file, "proposals", proposals, {G}, by_generation,
                      "proposals made, those outside the prior's bounds included");
  along<std::int64_t>(file, "simulated", simulated, {G}, by_generation, "proposals simulated");

  h5::Group generations = file.create_group(generations_group);
  along<double>(generations, "particles", particles, {G, N, P},
                {{&generation, "generation"}, {&particle, "particle"}, {&parameter, "parameter"}},
                "parameter values of each particle");
  along<double>(generations, "weights", weights, {G, N}, {{&generation, "generation"}, {&particle, "particle"}},
                "importance weights, normalised to sum 1 in each generation");
  along<double>(generations, "distances", distances, {G, N}, {{&generation, "generation"}, {&particle, "particle"}},
                "distance to the record, sqrt(sum of z^2) over the targets");
  along<double>(generations, "statistics", statistics, {G, N, T},
                {{&generation, "generation"}, {&particle, "particle"}, {&target, "target"}},
                "each target's simulated figure (mean over the replicates, at scale 1)");

  if (G > 0) {
    const std::size_t last = G - 1;
    h5::Group posterior = file.create_group(posterior_group);
    posterior.set_attribute("generation", static_cast<std::int64_t>(last));
    posterior.set_attribute("tolerance", state.generations[last].tolerance);
    const auto slice = [&](const std::vector<double>& all, std::size_t per) {
      return std::vector<double>(all.begin() + static_cast<std::ptrdiff_t>(last * N * per),
                                 all.begin() + static_cast<std::ptrdiff_t>((last + 1) * N * per));
    };
    along<double>(posterior, "particles", slice(particles, P), {N, P},
                  {{&particle, "particle"}, {&parameter, "parameter"}}, "the final population: parameter values");
    along<double>(posterior, "weights", slice(weights, 1), {N}, {{&particle, "particle"}},
                  "the final population's importance weights, summing to 1");
    along<double>(posterior, "distances", slice(distances, 1), {N}, {{&particle, "particle"}},
                  "the final population's distances to the record");
    along<double>(posterior, "statistics", slice(statistics, T), {N, T}, {{&particle, "particle"}, {&target, "target"}},
                  "the final population's simulated figures, per target");
  }
  file.flush();
  file.close();
  sync_to_disk(path);
}

Posterior read_posterior(const fs::path& path) {
  const h5::File file = open_scamsim_file(path, FileKind::posterior);
  Posterior p;
  try {
    p.schema_version = attribute<std::int64_t>(file, path, "schema_version");
    p.scamsim_version = attribute<std::string>(file, path, "scamsim_version");
    p.created_utc = attribute<std::string>(file, path, "created_utc");
    p.command_line = attribute<std::string>(file, path, "command_line");
    p.calibration_file = attribute<std::string>(file, path, "calibration_file");
    p.scenario_name = attribute<std::string>(file, path, "scenario_name");
    p.scenario_toml = attribute<std::string>(file, path, "scenario_toml");
    p.replicates = attribute<std::int64_t>(file, path, "replicates");
    p.scale = attribute<double>(file, path, "run_scale");
    const std::string stop = attribute<std::string>(file, path, "stop_rule");
    bool known = false;
    for (const auto& [rule, name] : stop_names) {
      if (stop == name) {
        p.state.stop = rule;
        known = true;
      }
    }
    if (!known) refuse(path, fmt::format("stop_rule '{}' is not one scamsim writes", stop));
    run::AbcSettings& s = p.state.settings;
    s.population = static_cast<int>(attribute<std::int64_t>(file, path, "abc_population"));
    s.max_generations = static_cast<int>(attribute<std::int64_t>(file, path, "abc_max_generations"));
    s.quantile = attribute<double>(file, path, "abc_quantile");
    s.min_acceptance = attribute<double>(file, path, "abc_min_acceptance");
    s.min_tolerance_drop = attribute<double>(file, path, "abc_min_tolerance_drop");
    s.target_tolerance = attribute<double>(file, path, "abc_target_tolerance");
    s.batch = static_cast<int>(attribute<std::int64_t>(file, path, "abc_batch"));
    s.kernel_scale = attribute<double>(file, path, "abc_kernel_scale");
    s.seed = static_cast<std::uint64_t>(attribute<std::int64_t>(file, path, "abc_seed"));
    s.max_proposals = attribute<std::int64_t>(file, path, "abc_max_proposals");
    if (s.population < 1) refuse(path, "abc_population is below 1");

    p.parameter_keys = required_dataset(file, path, parameter_path).read<std::string>();
    const std::size_t P = p.parameter_keys.size();
    const auto column = [&](const std::string& name, std::size_t n) {
      h5::Dataset d = required_dataset(file, path, name);
      if (d.shape() != h5::Shape{extent(n)}) refuse(path, fmt::format("'/{}' does not have {} values", name, n));
      return d;
    };
    const auto kinds = column("prior_kind", P).read<std::string>();
    const auto mins = column("prior_min", P).read<double>();
    const auto maxs = column("prior_max", P).read<double>();
    const auto means = column("prior_mean", P).read<double>();
    const auto sds = column("prior_sd", P).read<double>();
    const auto integer = column("parameter_integer", P).read<std::int64_t>();
    for (std::size_t j = 0; j < P; ++j) {
      const auto kind = run::prior_kind_named(kinds[j]);
      if (!kind) refuse(path, fmt::format("prior_kind '{}' of {} is not a prior", kinds[j], p.parameter_keys[j]));
      p.state.priors.push_back(run::Prior{*kind, mins[j], maxs[j], means[j], sds[j]});
      if (const auto why = p.state.priors.back().problem()) {
        refuse(path, fmt::format("the prior of {}: {}", p.parameter_keys[j], *why));
      }
      p.parameter_integer.push_back(integer[j] != 0);
    }

    const auto names = required_dataset(file, path, target_path).read<std::string>();
    const std::size_t T = names.size();
    const auto figures = column("target_figure", T).read<std::string>();
    const auto tolerances = column("target_tolerance", T).read<double>();
    const auto sources = column("target_source", T).read<std::string>();
    const auto shapes = column("target_shape", T).read<std::string>();
    const auto values = column("target_value", T).read<double>();
    const auto lows = column("target_low", T).read<double>();
    const auto highs = column("target_high", T).read<double>();
    for (std::size_t t = 0; t < T; ++t) {
      PosteriorTarget target{names[t], figures[t], tolerances[t], sources[t]};
      bool shape_known = false;
      for (const auto& [shape, name] : shape_names) {
        if (shapes[t] == name) {
          target.shape = shape;
          shape_known = true;
        }
      }
      if (!shape_known) refuse(path, fmt::format("target_shape '{}' of '{}' is not a shape", shapes[t], names[t]));
      target.value = values[t];
      target.low = lows[t];
      target.high = highs[t];
      p.targets.push_back(std::move(target));
    }

    const std::size_t G = required_dataset(file, path, generation_path).shape().at(0);
    const std::size_t N = column(particle_path, static_cast<std::size_t>(s.population)).shape().at(0);
    const auto tolerance = column("tolerance", G).read<double>();
    const auto proposals = column("proposals", G).read<std::int64_t>();
    const auto simulated = column("simulated", G).read<std::int64_t>();
    const auto block = [&](const std::string& name, const h5::Shape& shape) {
      const h5::Dataset d = required_dataset(file, path, name);
      if (d.shape() != shape) refuse(path, fmt::format("'/{}' does not have the shape of its coordinates", name));
      return d.read<double>();
    };
    const auto particles = block("generations/particles", {extent(G), extent(N), extent(P)});
    const auto weights = block("generations/weights", {extent(G), extent(N)});
    const auto distances = block("generations/distances", {extent(G), extent(N)});
    const auto statistics = block("generations/statistics", {extent(G), extent(N), extent(T)});
    for (std::size_t g = 0; g < G; ++g) {
      run::AbcGeneration generation;
      generation.tolerance = tolerance[g];
      generation.proposals = proposals[g];
      generation.simulated = simulated[g];
      for (std::size_t k = 0; k < N; ++k) {
        const std::size_t row = g * N + k;
        generation.particles.emplace_back(particles.begin() + static_cast<std::ptrdiff_t>(row * P),
                                          particles.begin() + static_cast<std::ptrdiff_t>((row + 1) * P));
        generation.weights.push_back(weights[row]);
        generation.distances.push_back(distances[row]);
        generation.statistics.emplace_back(statistics.begin() + static_cast<std::ptrdiff_t>(row * T),
                                           statistics.begin() + static_cast<std::ptrdiff_t>((row + 1) * T));
      }
      for (const double w : generation.weights) {
        if (!(w >= 0) || !std::isfinite(w)) refuse(path, fmt::format("generation {} has a weight of {}", g, w));
      }
      p.state.generations.push_back(std::move(generation));
    }
  } catch (const h5::Error& e) {
    refuse(path, fmt::format("posterior file is truncated or corrupt ({})", e.what()));
  }
  return p;
}

}  // namespace scamsim::io
