#include "sim/app/run_command.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <ostream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "sim/app/cli.hpp"
#include "sim/app/command_support.hpp"
#include "sim/app/output_file.hpp"
#include "sim/app/posterior_draws.hpp"
#include "sim/core/error.hpp"
#include "sim/io/h5.hpp"
#include "sim/io/open_file.hpp"
#include "sim/io/results.hpp"
#include "sim/io/run_file.hpp"
#include "sim/run/runner.hpp"
#include "sim/scenario/loader.hpp"

namespace scamsim::app {

Command add_run_command(CLI::App& app, const std::string& command_line) {
  auto o = std::make_shared<RunCommandOptions>();
  CLI::App* command = app.add_subcommand("run", "Run a scenario's replicates and write the results (HDF5)");
  command->add_option("scenario", o->scenario, "Scenario file (TOML)")->required();
  command->add_option("-o,--output", o->output, "Results file to write (HDF5), e.g. baseline.h5")->required();
  add_set_option(*command, o->overrides);
  command->add_option("--seed", o->seed, "Seed of the run (default: the scenario's run.seed)")
      ->check(scenario_range("run.seed", "NONNEGATIVE"));
  command->add_option("--replicates", o->replicates, "Replicates (default: the scenario's run.replicates)")
      ->check(scenario_range("run.replicates", "POSITIVE"));
  command->add_option("--threads", o->threads, "Threads (default 0: all cores)")->check(thread_count());
  command
      ->add_option("--engine", o->engine,
                   "How each step finds the workers with something to do: calendar (default), or scan, which looks "
                   "at every worker every day; the same results bit for bit, scan kept as the reference to check "
                   "the calendar against (docs/MODEL.md section 3)")
      ->check(CLI::IsMember({"calendar", "scan"}));
  command->add_option("--posterior", o->posterior,
                      "Run over a posterior (a file of calibrate --method abc-smc): each of --draws draws of its "
                      "parameters, with the scenario's replicates each (docs/CALIBRATION.md)");
  command->add_option("--draws", o->draws, "Draws from the posterior (default 20)");
  command->add_flag("--force", o->force, "Overwrite the results file if it exists");
  command->add_flag("-q,--quiet", o->quiet, "No progress bar and no closing line");
  return {command, [o, &command_line](std::ostream& out, std::ostream& err) {
            o->command_line = command_line;
            return run_command(*o, out, err);
          }};
}

int run_command(const RunCommandOptions& o, std::ostream& out, std::ostream& err) {
  if (o.scenario.empty()) throw SetupError("the scenario file name is empty");
  OutputFile output(o.output, "-o/--output: the output file name is empty");
  output.refuse_input(std::array{o.scenario}, "the scenario");
  output.refuse_overwrite(o.force);
  if (o.threads < 0) throw SetupError("--threads: must be 0 (all cores) or more");

  std::vector<std::string> overrides = o.overrides;
  if (o.seed >= 0) overrides.push_back(fmt::format("run.seed={}", o.seed));
  if (o.replicates >= 0) overrides.push_back(fmt::format("run.replicates={}", o.replicates));
  const scenario::Scenario s = scenario::load_scenario(o.scenario, overrides);
  output.refuse_input(s.files, "a file the scenario is based on");
  std::optional<PosteriorDraws> draws;
  if (!o.posterior.empty()) {
    output.refuse_input(std::array{o.posterior}, "the posterior file");
    draws = draw_from_posterior(o.posterior, o.scenario, overrides, o.draws);
    scenario::Scenario all = s;  // what the machine needs: every run of every draw
    all.run.replicates = s.run.replicates * static_cast<std::int64_t>(draws->size());
    output.prepare(run_needs(all, o.threads));
  } else {
    output.prepare(run_needs(s, o.threads));
  }

  const StopOnSignals signals;
  StepProgress bar(err, show_progress(o.quiet));
  run::RunOptions options = replicate_options(o.threads, signals, bar);
  const auto engine = model::engine_named(o.engine);
  if (!engine || *engine == model::Engine::checked) {
    throw SetupError(fmt::format("--engine: '{}' is not an engine: calendar or scan", o.engine));
  }
  options.engine = *engine;

  // Each replicate is written as soon as it and those before it are done (docs/OUTPUT.md 3.6).
  run::RunResult result;
  try {
    if (draws) {
      io::RunMetadata meta = io::RunMetadata::from_scenario(s, o.command_line);
      meta.draws = static_cast<std::int64_t>(draws->size());
      meta.draw_parameters = draws->parameters;
      meta.draw_values = draws->values;
      meta.draw_particle = draws->particles;
      meta.posterior_file = o.posterior;
      result = io::run_draws_into_file(draws->scenarios, meta, options, output.temporary());
    } else {
      result = io::run_into_file(s, options, output.temporary(), o.command_line);
    }
  } catch (const run::Interrupted&) {
    bar.finish();
    return signals.report_nothing_written(err);
  } catch (const io::h5::Error& e) {
    bar.finish();
    throw SetupError(fmt::format("-o/--output: cannot write '{}': {}", o.output, e.what()));
  }
  bar.finish();
  if (signals.requested()) return signals.report_nothing_written(err);
  output.refuse_appeared(o.force);
  output.publish();

  if (!o.quiet) {
    out << fmt::format(
        "scamsim: {}{} replicate{} x {} steps in {:.2f} s ({:.0f} M worker-steps/s, {} threads); wrote {}\n",
        draws ? fmt::format("{} draws x ", draws->size()) : std::string(), s.run.replicates,
        s.run.replicates == 1 ? "" : "s", s.run.steps(), result.seconds,
        result.worker_steps / std::max(result.seconds, 1e-9) / 1e6, run::effective_threads(o.threads), o.output);
  }
  return exit_ok;
}

}  // namespace scamsim::app
