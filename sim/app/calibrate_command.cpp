#include "sim/app/calibrate_command.hpp"

#include <array>
#include <fstream>
#include <memory>
#include <ostream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "sim/app/cli.hpp"
#include "sim/app/command_support.hpp"
#include "sim/app/output_file.hpp"
#include "sim/core/error.hpp"
#include "sim/run/calibration.hpp"

namespace scamsim::app {

Command add_calibrate_command(CLI::App& app, const std::string& command_line) {
  auto o = std::make_shared<CalibrateOptions>();
  CLI::App* command = app.add_subcommand(
      "calibrate", "Fit a calibration file's free parameters to its targets and write them as a scenario");
  command->add_option("calibration", o->file, "Calibration file (TOML)")->required();
  command->add_option("-o,--output", o->output, "Fitted scenario to write (TOML)");
  add_set_option(*command, o->overrides);
  command->add_option("--threads", o->threads, "Threads (default 0: all cores)")->check(thread_count());
  command->add_flag("--force", o->force, "Overwrite the output if it exists");
  command->add_flag("--check", o->check, "Only load and check the calibration file");
  command->add_flag("-q,--quiet", o->quiet, "No progress line");
  return {command, [o, &command_line](std::ostream& out, std::ostream& err) {
            o->command_line = command_line;
            return calibrate_command(*o, out, err);
          }};
}

int calibrate_command(const CalibrateOptions& o, std::ostream& out, std::ostream& err) {
  const run::CalibrationSpec spec = run::load_calibration(o.file, o.overrides);
  if (o.check) {
    out << fmt::format("{}: {} parameters, {} targets, {} replicates at scale {:g}; valid.\n", o.file,
                       spec.parameters.size(), spec.targets.size(), spec.replicates, spec.scale);
    return exit_ok;
  }
  OutputFile output(o.output, "-o/--output: name the file to write the fitted scenario to");
  output.refuse_input(std::array{o.file, spec.scenario.string()}, "the calibration file or its scenario");
  output.refuse_overwrite(o.force);
  output.prepare({});
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

}  // namespace scamsim::app
