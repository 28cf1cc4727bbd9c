#include "sim/app/run_command.hpp"

#include <filesystem>
#include <fstream>
#include <ostream>

#include <fmt/format.h>

#include "sim/app/cli.hpp"
#include "sim/app/command_support.hpp"
#include "sim/app/compare_summary.hpp"
#include "sim/app/run_summary.hpp"
#include "sim/app/sweep_summary.hpp"
#include "sim/core/error.hpp"
#include "sim/io/compare_results.hpp"
#include "sim/io/h5.hpp"
#include "sim/io/open_file.hpp"
#include "sim/io/results.hpp"
#include "sim/io/run_file.hpp"
#include "sim/io/sweep_results.hpp"
#include "sim/run/calibration.hpp"
#include "sim/run/runner.hpp"
#include "sim/scenario/loader.hpp"

namespace scamsim::app {

int run_command(const RunCommandOptions& o, std::ostream& out, std::ostream& err) {
  if (o.scenario.empty()) throw SetupError("the scenario file name is empty");
  OutputFile output(o.output, "-o/--output: the output file name is empty");
  output.refuse_overwrite(o.force);
  if (o.threads < 0) throw SetupError("--threads: must be 0 (all cores) or more");

  std::vector<std::string> overrides = o.overrides;
  if (o.seed >= 0) overrides.push_back(fmt::format("run.seed={}", o.seed));
  if (o.replicates >= 0) overrides.push_back(fmt::format("run.replicates={}", o.replicates));
  const scenario::Scenario s = scenario::load_scenario(o.scenario, overrides);

  const StopOnSignals signals;
  StepProgress bar(err, show_progress(o.quiet));
  const run::RunOptions options = replicate_options(o.threads, signals, bar);

  // Each replicate is written as soon as it and those before it are done (docs/OUTPUT.md 3.6).
  run::RunResult result;
  try {
    result = io::run_into_file(s, options, output.temporary(), o.command_line);
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
        "scamsim: {} replicate{} x {} steps in {:.2f} s ({:.0f} M worker-steps/s, {} threads); wrote {}\n",
        s.run.replicates, s.run.replicates == 1 ? "" : "s", s.run.steps(), result.seconds,
        result.worker_steps / std::max(result.seconds, 1e-9) / 1e6, run::effective_threads(o.threads), o.output);
  }
  return exit_ok;
}

int calibrate_command(const CalibrateOptions& o, std::ostream& out, std::ostream& err) {
  const run::CalibrationSpec spec = run::load_calibration(o.file, o.overrides);
  if (o.check) {
    out << fmt::format("{}: {} parameters, {} targets, {} replicates at scale {:g}; valid.\n", o.file,
                       spec.parameters.size(), spec.targets.size(), spec.replicates, spec.scale);
    return exit_ok;
  }
  OutputFile output(o.output, "-o/--output: name the file to write the fitted scenario to");
  output.refuse_overwrite(o.force);
  const bool show = show_progress(o.quiet);
  const auto result = run::calibrate(spec, o.threads, [&](int evaluations, double best) {
    if (show)
      err << fmt::format("\rcalibrate: {} of at most {} evaluations, best objective {:.4g}   ", evaluations,
                         spec.max_evaluations, best)
          << std::flush;
  });
  if (show) err << "\n";
  {
    std::ofstream file(output.temporary());
    file << run::fitted_scenario_toml(spec, result, output.path(), o.command_line);
    if (!file) throw SetupError(fmt::format("-o/--output: cannot write '{}'", o.output));
  }
  output.publish();
  out << run::format_fit(spec, result) << fmt::format("wrote {}\n", o.output);
  return exit_ok;
}

int summary_command(const std::string& path, std::ostream& out) {
  // Sweep and comparison files say what they are; anything else goes to the results reader, whose errors
  // name the problem.
  const std::string kind = io::file_kind(path);
  if (kind == "sweep") {
    out << summarize_sweep(io::read_sweep(path));
    return exit_ok;
  }
  if (kind == "compare") {
    out << summarize_compare(io::read_compare(path));
    return exit_ok;
  }
  out << summarize_run(io::read_results(path));
  return exit_ok;
}

}  // namespace scamsim::app
