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
  if (o.replicates < 2) throw SetupError("--replicates: a confidence interval needs at least 2 pairs");
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

  output.prepare({});  // the pairs' outcomes only: little memory, a small file

  const StopOnSignals signals;
  StepProgress bar(err, show_progress(o.quiet));
  const run::RunOptions options = replicate_options(o.threads, signals, bar);
  const auto start = std::chrono::steady_clock::now();
  run::PairedRuns runs;
  try {
    runs = run::run_pairs(a, b, outcomes, options);
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
  results.pairs = a.run.replicates;
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
