#include "sim/app/compare_command.hpp"

#include <array>
#include <chrono>
#include <memory>
#include <ostream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "sim/app/cli.hpp"
#include "sim/app/command_support.hpp"
#include "sim/app/compare_summary.hpp"
#include "sim/app/output_file.hpp"
#include "sim/app/posterior_draws.hpp"
#include "sim/core/error.hpp"
#include "sim/io/compare_results.hpp"
#include "sim/io/h5.hpp"
#include "sim/io/sweep_results.hpp"
#include "sim/run/compare.hpp"
#include "sim/run/outcome_reader.hpp"
#include "sim/run/runner.hpp"
#include "sim/scenario/loader.hpp"

namespace scamsim::app {

Command add_compare_command(CLI::App& app, const std::string& command_line) {
  auto o = std::make_shared<CompareCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "compare",
      "Run two scenarios (baseline A, policy B) as pairs on common random numbers and report each headline "
      "outcome's difference B - A with a paired confidence interval (docs/SWEEPS.md)");
  command->add_option("a", o->scenario_a, "Baseline scenario file (TOML)")->required();
  command->add_option("b", o->scenario_b, "Policy scenario file (TOML)")->required();
  command->add_option("-o,--output", o->output, "Comparison file to write (HDF5), e.g. cmp.h5")->required();
  add_set_option(*command, o->overrides);
  command->add_option("--replicates", o->replicates, "Pairs (default 10)")
      ->check(scenario_range("run.replicates", "POSITIVE"));
  command->add_option("--seed", o->seed, "Seed of both sides (default: A's run.seed)")
      ->check(scenario_range("run.seed", "NONNEGATIVE"));
  command->add_option("--outcomes", o->outcomes_file,
                      "Outcomes file ([[outcome]] tables, as in sweep files) instead of the headline outcomes");
  command->add_option("--confidence", o->confidence, "Level of the intervals (default 0.95)");
  command->add_option("--posterior", o->posterior,
                      "Pair A and B in each of --draws plausible worlds drawn from a posterior file (calibrate "
                      "--method abc-smc): both sides of a world take its draw's values; reports the share of worlds "
                      "by the sign of B - A and its interval over them (docs/CALIBRATION.md)");
  command->add_option("--draws", o->draws, "Draws from the posterior (default 20)");
  command->add_option("--per-million", o->per_million,
                      "With --posterior: an outcome in USD; every outcome's B - A is also given per world per "
                      "million USD of that outcome's B - A (what a budget buys)");
  command->add_option("--threads", o->threads, "Threads (default 0: all cores)")->check(thread_count());
  command->add_flag("--force", o->force, "Overwrite the comparison file if it exists");
  command->add_flag("-q,--quiet", o->quiet, "No progress bar and no closing line");
  return {command, [o, &command_line](std::ostream& out, std::ostream& err) {
            o->command_line = command_line;
            return compare_command(*o, out, err);
          }};
}

int compare_command(const CompareCommandOptions& o, std::ostream& out, std::ostream& err) {
  if (o.scenario_a.empty() || o.scenario_b.empty()) throw SetupError("a scenario file name is empty");
  OutputFile output(o.output, "-o/--output: the output file name is empty");
  output.refuse_input(std::array{o.scenario_a, o.scenario_b}, "one of the scenarios being compared");
  output.refuse_input(std::array{o.outcomes_file}, "the outcomes file");
  output.refuse_overwrite(o.force);
  if (o.threads < 0) throw SetupError("--threads: must be 0 (all cores) or more");
  if (o.replicates < 2 && o.posterior.empty()) {
    throw SetupError("--replicates: a confidence interval needs at least 2 pairs");
  }
  if (!o.per_million.empty() && o.posterior.empty()) {
    throw SetupError("--per-million: only with --posterior, whose worlds it divides");
  }
  if (!(o.confidence > 0 && o.confidence < 1)) {
    throw SetupError(fmt::format("--confidence: {} is not a level in (0, 1), e.g. 0.95", o.confidence));
  }

  // Both sides get the same run.seed and replicates, so replicate r of each draws the same random streams.
  std::vector<std::string> overrides_a = o.overrides;
  overrides_a.push_back(fmt::format("run.replicates={}", o.replicates));
  if (o.seed >= 0) overrides_a.push_back(fmt::format("run.seed={}", o.seed));
  const scenario::Scenario a = scenario::load_scenario(o.scenario_a, overrides_a);
  std::vector<std::string> overrides_b = o.overrides;
  overrides_b.push_back(fmt::format("run.replicates={}", o.replicates));
  overrides_b.push_back(fmt::format("run.seed={}", a.run.seed));
  const scenario::Scenario b = scenario::load_scenario(o.scenario_b, overrides_b);
  output.refuse_input(a.files, "a file the scenarios are based on");
  output.refuse_input(b.files, "a file the scenarios are based on");
  run::check_comparable(a, o.scenario_a, b, o.scenario_b);
  const std::vector<run::OutcomeSpec> outcomes =
      o.outcomes_file.empty() ? run::headline_outcomes(a, b) : run::load_outcomes(o.outcomes_file, a);

  if (!o.per_million.empty()) {
    const auto money = std::find_if(outcomes.begin(), outcomes.end(),
                                    [&](const run::OutcomeSpec& spec) { return spec.name == o.per_million; });
    if (money == outcomes.end()) {
      std::vector<std::string> names;
      for (const auto& spec : outcomes) names.push_back(spec.name);
      throw SetupError(
          fmt::format("--per-million: '{}' is not one of the outcomes ({})", o.per_million, fmt::join(names, ", ")));
    }
    if (run::kind_of(money->series) != model::MetricKind::usd || money->share) {
      throw SetupError(
          fmt::format("--per-million: '{}' is not in USD ({})", o.per_million, run::outcome_units(*money)));
    }
  }
  // Over a posterior: both sides of world d take draw d's values (drawn with A's run.seed).
  std::optional<PosteriorDraws> worlds;
  std::vector<scenario::Scenario> worlds_b;
  if (!o.posterior.empty()) {
    output.refuse_input(std::array{o.posterior}, "the posterior file");
    worlds = draw_from_posterior(o.posterior, o.scenario_a, overrides_a, o.draws);
    for (std::size_t d = 0; d < worlds->size(); ++d) {
      std::vector<std::string> with = overrides_b;
      const auto drawn = worlds->overrides(d);
      with.insert(with.end(), drawn.begin(), drawn.end());
      worlds_b.push_back(scenario::load_scenario(o.scenario_b, with));
    }
  }

  output.prepare({});  // the pairs' outcomes only: little memory, a small file

  const StopOnSignals signals;
  StepProgress bar(err, show_progress(o.quiet));
  run::RunOptions options = replicate_options(o.threads, signals, bar);
  const auto start = std::chrono::steady_clock::now();
  run::PairedRuns runs;
  try {
    if (worlds) {
      // World by world, each world's pairs side by side; the progress bar counts the steps of all of them.
      const std::int64_t per_world = 2 * a.run.steps() * a.run.replicates;
      const std::int64_t total = per_world * static_cast<std::int64_t>(worlds->size());
      std::int64_t offset = 0;
      options.progress = [&bar, &offset, total](std::int64_t done, std::int64_t) { bar.update(offset + done, total); };
      for (std::size_t d = 0; d < worlds->size(); ++d) {
        run::PairedRuns world = run::run_pairs(worlds->scenarios[d], worlds_b[d], outcomes, options);
        runs.a.insert(runs.a.end(), world.a.begin(), world.a.end());
        runs.b.insert(runs.b.end(), world.b.begin(), world.b.end());
        offset += per_world;
      }
    } else {
      runs = run::run_pairs(a, b, outcomes, options);
    }
  } catch (const run::Interrupted&) {
    bar.finish();
    return signals.report_nothing_written(err);
  }
  bar.finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  io::CompareResults results;
  results.command_line = o.command_line;
  results.name_a = a.name;
  results.name_b = b.name;
  results.file_a = o.scenario_a;
  results.file_b = o.scenario_b;
  results.toml_a = a.resolved_toml;
  results.toml_b = b.resolved_toml;
  results.seed = a.run.seed;
  results.scale_a = a.run.scale;
  results.scale_b = b.run.scale;
  results.pairs = a.run.replicates * (worlds ? static_cast<std::int64_t>(worlds->size()) : 1);
  if (worlds) {
    results.draws = static_cast<std::int64_t>(worlds->size());
    results.pairs_per_draw = a.run.replicates;
    results.posterior_file = o.posterior;
    results.draw_parameters = worlds->parameters;
    results.draw_values = worlds->values;
    results.draw_particle = worlds->particles;
    results.per_million = o.per_million;
  }
  results.confidence = o.confidence;
  results.start_date = a.run.start_date;
  results.dt_days = a.run.dt_days;
  results.steps = a.run.steps();
  results.a = std::move(runs.a);
  results.b = std::move(runs.b);
  io::fill_outcomes(results, outcomes);
  io::stamp(results);

  try {
    io::write_compare(output.temporary(), results);
  } catch (const io::h5::Error& e) {
    throw SetupError(fmt::format("-o/--output: cannot write '{}': {}", o.output, e.what()));
  }
  if (signals.requested()) return signals.report_nothing_written(err);
  output.refuse_appeared(o.force);
  output.publish();

  // The table is the command's result, printed even with -q (which silences only the progress and this line).
  out << summarize_compare(results);
  if (!o.quiet) {
    out << fmt::format("\nscamsim: {} pairs x {} steps in {:.2f} s ({} threads); wrote {}\n", results.pairs,
                       results.steps, seconds, run::effective_threads(o.threads), o.output);
  }
  return exit_ok;
}

}  // namespace scamsim::app
