#include "sim/app/cli.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "sim/app/bench_command.hpp"
#include "sim/app/compare_command.hpp"
#include "sim/app/run_command.hpp"
#include "sim/app/sweep_command.hpp"
#include "sim/core/error.hpp"
#include "sim/core/version.hpp"
#include "sim/scenario/describe.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/parameters.hpp"

namespace scamsim::app {

namespace {

std::string version_line() { return fmt::format("scamsim {} (commit {})", version(), git_commit()); }

struct ValidateOptions {
  std::string scenario;
  std::vector<std::string> overrides;
  bool print_toml = false;
  bool quiet = false;
};

int validate(const ValidateOptions& o, std::ostream& out) {
  if (o.scenario.empty()) throw SetupError("the scenario file name is empty");
  const scenario::Scenario s = scenario::load_scenario(o.scenario, o.overrides);
  if (o.print_toml) {
    out << s.resolved_toml << '\n';
  } else if (!o.quiet) {
    out << scenario::describe(s);
    out << fmt::format("\n{} is valid.\n", o.scenario);
  }
  return exit_ok;
}

// CLI11's own range checks print "Value 0 not in range 0.000000 to 1797693134862315..." (a 300-digit number)
// and clamp a too-large number silently; these say in words what is allowed. `name` is what --help shows after
// the type, as CLI11's own checks did ("INT:POSITIVE").

/// A whole number from `min` to `max`, said as `allowed` when it is not.
CLI::Validator whole_number(std::int64_t min, std::int64_t max, const std::string& allowed, const std::string& name) {
  return CLI::Validator(
      [=](std::string& input) -> std::string {
        std::int64_t value = 0;
        const char* end = input.data() + input.size();
        const auto [stop, error] = std::from_chars(input.data(), end, value);
        if (error == std::errc() && stop == end && value >= min && value <= max) return {};
        return fmt::format("must be {}; got '{}'", allowed, input);
      },
      "", name);
}

/// A number above 0.
CLI::Validator positive_number() {
  return CLI::Validator(
      [](std::string& input) -> std::string {
        double value = 0;
        const char* end = input.data() + input.size();
        const auto [stop, error] = std::from_chars(input.data(), end, value);
        if (error == std::errc() && stop == end && std::isfinite(value) && value > 0) return {};
        return fmt::format("must be a number above 0; got '{}'", input);
      },
      "", "POSITIVE");
}

/// --threads: 0 for all cores, or a count.
CLI::Validator thread_count() {
  return whole_number(0, std::numeric_limits<int>::max(), "a whole number of threads, or 0 for all cores",
                      "NONNEGATIVE");
}

/// A value that becomes a scenario's run.<key>: its range is the parameter table's, so the flag and the scenario
/// file accept the same values and an error names the flag the user typed, not a --set they never did.
CLI::Validator run_setting(std::string_view key, const std::string& name) {
  const scenario::ParameterInfo* info = scenario::find_parameter(key);
  const auto min = static_cast<std::int64_t>(info->range.min);
  const auto max = static_cast<std::int64_t>(info->range.max);
  return whole_number(min, max, fmt::format("a whole number from {} to {}", min, max), name);
}

void add_set_option(CLI::App& command, std::vector<std::string>& overrides) {
  command
      .add_option("--set", overrides,
                  "Override a scenario value, e.g. --set run.scale=0.05 --set pressure.half_life_days=90 "
                  "--set events.oct_sanctions.date=2025-11-01 (repeatable, applied in order)")
      ->type_name("KEY.PATH=VALUE")
      ->take_last();
}

}  // namespace

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{
      "scamsim: agent-based simulation of scam compounds in Southeast Asia and their displacement by "
      "enforcement.\nDocs: docs/MODEL.md (the model), docs/SCENARIOS.md (scenario files).",
      "scamsim"};
  app.require_subcommand(0, 1);
  bool show_version = false;
  app.add_flag("--version", show_version, "Print the version and the git commit, then exit");

  ValidateOptions validate_options;
  CLI::App* validate_cmd = app.add_subcommand(
      "validate", "Load a scenario, check it, and print the resolved world (exit 1 and every error if invalid)");
  validate_cmd->add_option("scenario", validate_options.scenario, "Scenario file (TOML)")->required();
  add_set_option(*validate_cmd, validate_options.overrides);
  validate_cmd->add_flag("--print-toml", validate_options.print_toml,
                         "Print the resolved scenario (after base and --set) as TOML instead of the summary");
  validate_cmd->add_flag("-q,--quiet", validate_options.quiet, "Print nothing when the scenario is valid");

  RunCommandOptions run_options;
  CLI::App* run_cmd = app.add_subcommand("run", "Run a scenario's replicates and write the results (HDF5)");
  run_cmd->add_option("scenario", run_options.scenario, "Scenario file (TOML)")->required();
  run_cmd->add_option("-o,--output", run_options.output, "Results file to write (HDF5), e.g. baseline.h5")->required();
  add_set_option(*run_cmd, run_options.overrides);
  run_cmd->add_option("--seed", run_options.seed, "Seed of the run (default: the scenario's run.seed)")
      ->check(run_setting("run.seed", "NONNEGATIVE"));
  run_cmd->add_option("--replicates", run_options.replicates, "Replicates (default: the scenario's run.replicates)")
      ->check(run_setting("run.replicates", "POSITIVE"));
  run_cmd->add_option("--threads", run_options.threads, "Threads (default 0: all cores)")->check(thread_count());
  run_cmd->add_flag("--force", run_options.force, "Overwrite the results file if it exists");
  run_cmd->add_flag("-q,--quiet", run_options.quiet, "No progress bar and no closing line");

  std::string summary_file;
  CLI::App* summary_cmd = app.add_subcommand(
      "summary",
      "Print the headline outcomes of a results file per country, a sweep file's outcomes and indices, "
      "or a comparison file's differences");
  summary_cmd->add_option("results", summary_file, "Results file (HDF5) written by scamsim run, sweep or compare")
      ->required();

  SweepCommandOptions sweep_options;
  CLI::App* sweep_cmd = app.add_subcommand(
      "sweep", "Run a sweep file's design (grid, Latin hypercube, Saltelli, Morris) and write one HDF5 file");
  sweep_cmd->add_option("sweep", sweep_options.file, "Sweep file (TOML), see docs/SWEEPS.md")->required();
  sweep_cmd->add_option("-o,--output", sweep_options.output,
                        "Sweep file to write (HDF5); while it runs, finished runs are kept in OUTPUT.partial");
  add_set_option(*sweep_cmd, sweep_options.overrides);
  sweep_cmd->add_option("--threads", sweep_options.threads, "Threads (default 0: all cores)")->check(thread_count());
  sweep_cmd->add_flag("--resume", sweep_options.resume,
                      "Go on with the unfinished sweep in OUTPUT.partial (after a crash, a kill or Ctrl-C)");
  sweep_cmd->add_flag("--force", sweep_options.force,
                      "Overwrite the output if it exists, and start over any unfinished sweep (without --resume)");
  sweep_cmd->add_flag("--check", sweep_options.check, "Only load and check the sweep file; print its number of runs");
  sweep_cmd
      ->add_option("--print-run", sweep_options.print_run,
                   "Print run N's resolved scenario (TOML): scamsim run on it repeats the run")
      ->check(whole_number(0, std::numeric_limits<std::int64_t>::max(), "a run number, 0 or more", "NONNEGATIVE"))
      ->type_name("N");
  sweep_cmd->add_flag("-q,--quiet", sweep_options.quiet, "No progress bar and no closing line");

  CompareCommandOptions compare_options;
  CLI::App* compare_cmd = app.add_subcommand(
      "compare",
      "Run two scenarios (baseline A, policy B) as pairs on common random numbers and report each headline "
      "outcome's difference B - A with a paired confidence interval (docs/SWEEPS.md)");
  compare_cmd->add_option("a", compare_options.scenario_a, "Baseline scenario file (TOML)")->required();
  compare_cmd->add_option("b", compare_options.scenario_b, "Policy scenario file (TOML)")->required();
  compare_cmd->add_option("-o,--output", compare_options.output, "Comparison file to write (HDF5), e.g. cmp.h5")
      ->required();
  add_set_option(*compare_cmd, compare_options.overrides);
  compare_cmd->add_option("--replicates", compare_options.replicates, "Pairs (default 10)")
      ->check(run_setting("run.replicates", "POSITIVE"));
  compare_cmd->add_option("--seed", compare_options.seed, "Seed of both sides (default: A's run.seed)")
      ->check(run_setting("run.seed", "NONNEGATIVE"));
  compare_cmd->add_option("--outcomes", compare_options.outcomes_file,
                          "Outcomes file ([[outcome]] tables, as in sweep files) instead of the headline outcomes");
  compare_cmd->add_option("--confidence", compare_options.confidence, "Level of the intervals (default 0.95)");
  compare_cmd->add_option("--threads", compare_options.threads, "Threads (default 0: all cores)")
      ->check(thread_count());
  compare_cmd->add_flag("--force", compare_options.force, "Overwrite the comparison file if it exists");
  compare_cmd->add_flag("-q,--quiet", compare_options.quiet, "No progress bar and no closing line");

  CalibrateOptions calibrate_options;
  CLI::App* calibrate_cmd = app.add_subcommand(
      "calibrate", "Fit a calibration file's free parameters to its targets and write them as a scenario");
  calibrate_cmd->add_option("calibration", calibrate_options.file, "Calibration file (TOML)")->required();
  calibrate_cmd->add_option("-o,--output", calibrate_options.output, "Fitted scenario to write (TOML)");
  add_set_option(*calibrate_cmd, calibrate_options.overrides);
  calibrate_cmd->add_option("--threads", calibrate_options.threads, "Threads (default 0: all cores)")
      ->check(thread_count());
  calibrate_cmd->add_flag("--force", calibrate_options.force, "Overwrite the output if it exists");
  calibrate_cmd->add_flag("--check", calibrate_options.check, "Only load and check the calibration file");
  calibrate_cmd->add_flag("-q,--quiet", calibrate_options.quiet, "No progress line");

  BenchOptions bench_options;
  CLI::App* bench_cmd = app.add_subcommand(
      "bench", "Time the engine on the baseline at 1:1 and 10x scale, 1 thread and all cores (figures, not a test)");
  bench_cmd->add_option("scenario", bench_options.scenario, "Scenario file (default: scenarios/baseline.toml)");
  bench_cmd->add_option("--scales", bench_options.scales, "Scales to time (default: 1 10)")->check(positive_number());
  bench_cmd->add_option("--years", bench_options.years, "Simulated years (default 5)")->check(positive_number());
  bench_cmd->add_option("--threads", bench_options.threads, "Threads of the parallel runs (default 0: all cores)")
      ->check(thread_count());
  add_set_option(*bench_cmd, bench_options.overrides);

  std::string params_format = "text";
  CLI::App* params_cmd = app.add_subcommand("params",
                                            "Print the parameter table: every key, default, unit, range, "
                                            "meaning and source");
  params_cmd->add_option("--format", params_format, "text, csv or markdown")
      ->check(CLI::IsMember({"text", "csv", "markdown"}));

  // CLI11 wants to print; route its messages to our streams.
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    out << app.help();
    return exit_ok;
  } catch (const CLI::CallForAllHelp& e) {
    out << app.help("", CLI::AppFormatMode::All);
    return exit_ok;
  } catch (const CLI::ParseError& e) {
    // Help on a subcommand arrives as CallForHelp thrown from it; anything else is a usage error.
    err << "scamsim: " << e.what() << "\n";
    err << "Run 'scamsim --help' for usage.\n";
    return exit_usage_error;
  }

  try {
    if (show_version) {
      out << version_line() << '\n';
      return exit_ok;
    }
    if (*validate_cmd) return validate(validate_options, out);
    if (*run_cmd) {
      for (int i = 0; i < argc; ++i) run_options.command_line += (i > 0 ? " " : "") + std::string(argv[i]);
      return run_command(run_options, out, err);
    }
    if (*summary_cmd) return summary_command(summary_file, out);
    if (*sweep_cmd) {
      // -o is required unless the sweep is only checked or one run printed, which CLI11 cannot say.
      if (sweep_options.output.empty() && !sweep_options.check && sweep_options.print_run < 0) {
        err << "scamsim: sweep: -o/--output is required (unless --check or --print-run)\n";
        err << "Run 'scamsim sweep --help' for usage.\n";
        return exit_usage_error;
      }
      for (int i = 0; i < argc; ++i) sweep_options.command_line += (i > 0 ? " " : "") + std::string(argv[i]);
      return sweep_command(sweep_options, out, err);
    }
    if (*compare_cmd) {
      for (int i = 0; i < argc; ++i) compare_options.command_line += (i > 0 ? " " : "") + std::string(argv[i]);
      return compare_command(compare_options, out, err);
    }
    if (*calibrate_cmd) {
      for (int i = 0; i < argc; ++i) calibrate_options.command_line += (i > 0 ? " " : "") + std::string(argv[i]);
      return calibrate_command(calibrate_options, out, err);
    }
    if (*bench_cmd) return bench_command(bench_options, out);
    if (*params_cmd) {
      const auto format = params_format == "csv"        ? scenario::TableFormat::csv
                          : params_format == "markdown" ? scenario::TableFormat::markdown
                                                        : scenario::TableFormat::text;
      out << scenario::format_parameter_table(format);
      return exit_ok;
    }
    // No command is a wrong command line, not a request for help: scripts must not take it for success.
    err << app.help() << "scamsim: name a command, e.g. scamsim run SCENARIO -o OUT.h5\n";
    return exit_usage_error;
  } catch (const SetupError& e) {
    for (const auto& d : e.diagnostics()) err << d.format() << '\n';
    const std::size_t n = e.diagnostics().size();
    err << fmt::format("{} error{} found.\n", n, n == 1 ? "" : "s");
    return exit_input_error;
  } catch (const std::exception& e) {
    err << "scamsim: internal error: " << e.what() << "\nPlease report this with the command that caused it.\n";
    return exit_internal_error;
  }
}

int main(int argc, char** argv) { return run(argc, argv, std::cout, std::cerr); }

}  // namespace scamsim::app
