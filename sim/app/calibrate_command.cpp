#include "sim/app/calibrate_command.hpp"

#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>
#include <stdexcept>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "sim/app/calibrate_mpi.hpp"
#include "sim/app/cli.hpp"
#include "sim/app/command_support.hpp"
#include "sim/app/mpi_launch.hpp"
#include "sim/app/output_file.hpp"
#include "sim/app/posterior_summary.hpp"
#include "sim/core/error.hpp"
#include "sim/io/file_support.hpp"
#include "sim/io/h5.hpp"
#include "sim/io/posterior_file.hpp"
#include "sim/run/calibration.hpp"

namespace scamsim::app {

namespace fs = std::filesystem;

namespace {

int calibrate_point(const CalibrateOptions& o, const run::CalibrationSpec& spec, std::ostream& out, std::ostream& err) {
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

/// One generation's progress line.
std::string generation_line(const run::AbcState& state, double seconds) {
  const run::AbcGeneration& g = state.generations.back();
  return fmt::format(
      "calibrate: generation {}: tolerance {:.4g}, {} accepted of {} proposals ({:.1f}%), ESS {:.1f}, "
      "{} so far",
      state.generations.size() - 1, g.tolerance, g.particles.size(), g.proposals, 100 * g.acceptance(), g.ess(),
      duration(seconds));
}

}  // namespace

int calibrate_posterior(const CalibrateOptions& o, const run::CalibrationSpec& spec, std::ostream& out,
                        std::ostream& err, const run::AbcSimulate& distribute, const std::string& where) {
  OutputFile output(o.output, "-o/--output: name the posterior file to write, e.g. posterior.h5");
  output.refuse_input(std::array{o.file, spec.scenario.string()}, "the calibration file or its scenario");
  io::Posterior posterior = io::posterior_of(spec, o.command_line);
  run::AbcState resume;
  if (o.resume) {
    std::error_code ec;
    if (!fs::exists(output.path(), ec)) {
      throw SetupError(
          fmt::format("--resume: there is no posterior file '{}' to go on from; leave out --resume to "
                      "start one",
                      o.output));
    }
    const io::Posterior saved = io::read_posterior(output.path());
    if (const auto why = io::calibration_difference(saved, posterior)) {
      throw SetupError(
          fmt::format("--resume: '{}' was made by another calibration: {}. Start a new posterior file "
                      "(another -o), or give the calibration file it was made from ('{}')",
                      o.output, *why, saved.calibration_file));
    }
    resume = saved.state;
  } else {
    output.refuse_overwrite(o.force);
  }
  output.prepare({});

  const StopOnSignals signals;
  const bool show = !o.quiet;
  const auto started = std::chrono::steady_clock::now();
  const auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  std::size_t reported = resume.generations.size();
  if (show && !resume.generations.empty()) {
    err << fmt::format("calibrate: going on from {} generation{} in {}\n", resume.generations.size(),
                       resume.generations.size() == 1 ? "" : "s", o.output);
  }
  // After each generation the whole file is written under the temporary name and renamed into place: a kill at
  // any moment leaves the last finished generation at the output, never a damaged file.
  const auto checkpoint = [&](const run::AbcState& state) {
    posterior.state = state;
    try {
      io::write_posterior(output.temporary(), posterior);
    } catch (const io::h5::Error& e) {
      throw SetupError(fmt::format("-o/--output: cannot write '{}': {}", o.output, e.what()));
    }
    fs::rename(output.temporary(), output.path());
    io::detail::sync_folder(output.path().parent_path());
    if (show && state.generations.size() > reported) {
      err << generation_line(state, seconds()) << "\n" << std::flush;
      reported = state.generations.size();
    }
  };
  try {
    posterior.state = run::calibrate_abc(spec, spec.abc, o.threads, checkpoint, resume, signals.flag(), distribute);
  } catch (const run::Interrupted&) {
    err << fmt::format("scamsim: interrupted by signal {}; {}\n", signals.signal(),
                       reported > 0 ? fmt::format("'{}' holds the {} finished generation{}: go on with --resume",
                                                  o.output, reported, reported == 1 ? "" : "s")
                                    : std::string("no generation was finished, nothing written"));
    return signals.exit_code();
  } catch (const std::invalid_argument& e) {
    throw SetupError(fmt::format("--resume: '{}': {}", o.output, e.what()));
  }
  if (posterior.state.generations.empty()) {
    throw SetupError(
        fmt::format("{}: no generation could be filled: {} of the prior's proposals failed to run or were "
                    "refused by the scenario",
                    o.file, spec.abc.population));
  }
  out << summarize_posterior(posterior) << fmt::format("wrote {} in {} ({})\n", o.output, duration(seconds()), where);
  return exit_ok;
}

Command add_calibrate_command(CLI::App& app, const std::string& command_line) {
  auto o = std::make_shared<CalibrateOptions>();
  CLI::App* command = app.add_subcommand(
      "calibrate",
      "Fit a calibration file's free parameters to its targets: to one point, written as a scenario (--method "
      "point), or to a posterior, written as a posterior file (--method abc-smc)");
  command->add_option("calibration", o->file, "Calibration file (TOML)")->required();
  command->add_option("-o,--output", o->output,
                      "Fitted scenario to write (TOML; point), or posterior file (HDF5; abc-smc)");
  command
      ->add_option("--method", o->method,
                   "point: Nelder-Mead to the best-fitting values (default); abc-smc: approximate Bayesian "
                   "computation by sequential Monte Carlo, to a posterior (docs/CALIBRATION.md)")
      ->check(CLI::IsMember({"point", "abc-smc"}));
  add_set_option(*command, o->overrides);
  command->add_option("--threads", o->threads, "Threads (default 0: all cores)")->check(thread_count());
  command->add_flag("--resume", o->resume,
                    "abc-smc: go on from the posterior file at -o after its last finished generation");
  command->add_flag("--force", o->force, "Overwrite the output if it exists");
  command->add_flag("--check", o->check, "Only load and check the calibration file");
  command->add_flag("-q,--quiet", o->quiet, "No progress lines");
  return {command, [o, &command_line](std::ostream& out, std::ostream& err) {
            o->command_line = command_line;
            return calibrate_command(*o, out, err);
          }};
}

int calibrate_command(const CalibrateOptions& o, std::ostream& out, std::ostream& err) {
  if (o.method != "point" && o.method != "abc-smc") {
    throw SetupError(fmt::format("--method: '{}' is not a method: point or abc-smc", o.method));
  }
  if (o.resume && o.method != "abc-smc") throw SetupError("--resume: only --method abc-smc resumes");
  if (o.resume && o.force) throw SetupError("--resume and --force: --force would start over; give one of them");
  // Under mpirun or srun with several ranks, ABC-SMC spreads each batch over them (calibrate_mpi.hpp); the point fit
  // is one sequence of evaluations, which ranks cannot share.
  if (!o.check && mpi_launch().ranks > 1) {
    if (o.method == "abc-smc") return mpi_calibrate_command(o, out, err);
    const MpiLaunch launch = mpi_launch();
    throw SetupError(
        fmt::format("--method point runs as one process, but this is one of {} ({}): run it without "
                    "mpirun or srun, or use --method abc-smc, which spreads over ranks",
                    launch.ranks, launch.launcher));
  }
  const run::CalibrationSpec spec = run::load_calibration(o.file, o.overrides);
  if (o.check) {
    out << fmt::format("{}: {} parameters, {} targets, {} replicates at scale {:g}; valid.\n", o.file,
                       spec.parameters.size(), spec.targets.size(), spec.replicates, spec.scale);
    return exit_ok;
  }
  if (o.method == "point") return calibrate_point(o, spec, out, err);
  return calibrate_posterior(o, spec, out, err, {}, fmt::format("{} threads", run::effective_threads(o.threads)));
}

}  // namespace scamsim::app
