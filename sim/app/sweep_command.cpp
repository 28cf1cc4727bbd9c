#include "sim/app/sweep_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <ostream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "sim/app/cli.hpp"
#include "sim/app/command_support.hpp"
#include "sim/app/output_file.hpp"
#include "sim/app/sweep_mpi.hpp"
#include "sim/core/error.hpp"
#include "sim/io/h5.hpp"
#include "sim/io/sweep_results.hpp"
#include "sim/run/runner.hpp"
#include "sim/sweep/shard.hpp"
#include "sim/sweep/sweep_runner.hpp"
#include "sim/sweep/sweep_spec.hpp"

namespace scamsim::app {

namespace fs = std::filesystem;

namespace {

/// The bar of a sweep: runs done of all, failures, and an ETA that follows steps, which advance smoothly even
/// when runs finish in bursts.
class SweepProgress {
 public:
  SweepProgress(std::ostream& err, bool enabled, std::int64_t runs_before, std::int64_t total_runs,
                std::int64_t steps_to_do)
      : bar_(err, enabled, 100), done_(runs_before), total_(total_runs), steps_to_do_(steps_to_do) {}

  void step() {
    ++steps_;
    draw();
  }
  void finished(bool failed) {
    ++done_;
    if (failed) ++failed_;
    draw();
  }
  void finish() { bar_.finish(); }

 private:
  void draw() {
    const double fraction =
        static_cast<double>(steps_.load()) / static_cast<double>(std::max<std::int64_t>(1, steps_to_do_));
    bar_.draw(fraction, false, [&](std::optional<double> eta) {
      return fmt::format("runs {}/{}{}  ETA {} ", done_.load(), total_,
                         failed_ > 0 ? fmt::format(", {} failed", failed_.load()) : "", eta ? duration(*eta) : "?");
    });
  }

  ProgressBar bar_;
  std::atomic<std::int64_t> done_;
  std::atomic<std::int64_t> failed_{0};
  std::atomic<std::int64_t> steps_{0};
  std::int64_t total_;
  std::int64_t steps_to_do_;
};

int print_run(const sweep::SweepSpec& spec, const sweep::SweepPlan& plan, std::int64_t n, std::ostream& out) {
  const auto runs = static_cast<std::int64_t>(plan.runs.size());
  if (n >= runs) {
    throw SetupError(fmt::format("--print-run {}: the sweep has {} runs, numbered 0 to {}", n, runs, runs - 1));
  }
  const sweep::RunPlan& run = plan.runs[static_cast<std::size_t>(n)];
  const scenario::Scenario s = sweep::run_scenario(spec, run);
  std::string own;
  for (const std::string& o : sweep::run_overrides(spec, run)) own += " --set " + o;
  out << fmt::format("# Run {} of sweep '{}' ({}): point {}, replicate {}, seed {}.\n", n, spec.name, spec.file,
                     run.point, run.replicate, run.seed);
  out << fmt::format("# The sweep's base scenario with{}.\n", own);
  out << "# `scamsim run THIS.toml -o run.h5` repeats the run: its outcomes and series equal row " << n
      << " of the sweep file.\n\n";
  out << s.resolved_toml << '\n';
  return exit_ok;
}

// --merge: the shard files joined into the output, which is then the file one process writes (docs/SWEEPS.md,
// section 10). Every shard is checked before anything is written, and the output appears whole or not at all.
int merge_command(const SweepCommandOptions& o, const sweep::SweepSpec& spec, const sweep::SweepPlan& plan,
                  std::ostream& out) {
  OutputFile output(o.output, "-o/--output: name the sweep file to write, e.g. -o sweep.h5");
  std::vector<std::string> inputs = spec.base.files;
  inputs.push_back(o.file);
  output.refuse_input(inputs, "the sweep file or its scenario");
  output.refuse_input(o.merge, "a shard to merge");
  output.refuse_overwrite(o.force);
  output.prepare({});
  // The shards' runs gathered into an in-progress file of the whole sweep, beside the output and never at its
  // .partial (which may hold another sweep into the same output), then finished as one process finishes.
  const std::string merging_prefix = fmt::format("{}.merge.tmp-", output.path().filename().string());
  remove_stale_temporaries(output.path().parent_path(), merging_prefix);
  const fs::path merging = output.path().parent_path() / fmt::format("{}{}", merging_prefix, ::getpid());
  const std::vector<fs::path> shards(o.merge.begin(), o.merge.end());
  try {
    io::merge_shards(shards, merging, spec, plan, o.command_line);
    io::finish_sweep(merging, output.temporary(), spec, plan, o.command_line);
  } catch (const io::h5::Error& e) {
    std::error_code ignored;
    fs::remove(merging, ignored);
    throw SetupError(fmt::format("-o/--output: cannot write '{}': {}", o.output, e.what()));
  } catch (...) {
    std::error_code ignored;
    fs::remove(merging, ignored);
    throw;
  }
  fs::remove(merging);
  output.refuse_appeared(o.force);
  output.publish();
  if (!o.quiet) {
    out << fmt::format("scamsim: merged {} shards ({} runs) into {}\n", shards.size(), plan.runs.size(), o.output);
  }
  return exit_ok;
}

}  // namespace

Command add_sweep_command(CLI::App& app, const std::string& command_line) {
  auto o = std::make_shared<SweepCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "sweep", "Run a sweep file's design (grid, Latin hypercube, Saltelli, Morris) and write one HDF5 file");
  command->add_option("sweep", o->file, "Sweep file (TOML), see docs/SWEEPS.md")->required();
  command->add_option("-o,--output", o->output,
                      "Sweep file to write (HDF5); while it runs, finished runs are kept in OUTPUT.partial");
  add_set_option(*command, o->overrides);
  command->add_option("--threads", o->threads, "Threads (default 0: all cores)")->check(thread_count());
  command->add_flag("--resume", o->resume,
                    "Go on with the unfinished sweep in OUTPUT.partial (after a crash, a kill or Ctrl-C)");
  command->add_flag("--force", o->force,
                    "Overwrite the output if it exists, and start over any unfinished sweep (without --resume)");
  command->add_flag("--check", o->check, "Only load and check the sweep file; print its number of runs");
  command
      ->add_option("--print-run", o->print_run,
                   "Print run N's resolved scenario (TOML): scamsim run on it repeats the run")
      ->check(whole_number(0, std::numeric_limits<std::int64_t>::max(), "a run number, 0 or more", "NONNEGATIVE"))
      ->type_name("N");
  command
      ->add_option_function<std::string>(
          "--shard",
          [o](const std::string& text) {
            sweep::Shard parsed;
            (void)sweep::parse_shard(text, parsed);
            o->shard = parsed;
          },
          "Run only shard I of N (runs r with r mod N = I; I from 0, as SLURM_ARRAY_TASK_ID of --array=0-(N-1)) "
          "into OUTPUT, a shard file: --merge joins the N of them")
      ->check(CLI::Validator(
          [](std::string& text) {
            sweep::Shard parsed;
            return sweep::parse_shard(text, parsed);
          },
          "", "I/N"))
      ->type_name("I/N");
  command
      ->add_option(
          "--merge", o->merge,
          "Join the shard files of --shard 0/N to N-1/N into OUTPUT, the file one process writes; runs nothing")
      ->type_name("SHARD");
  command->add_flag("-q,--quiet", o->quiet, "No progress bar and no closing line");
  return {command, [o, &command_line](std::ostream& out, std::ostream& err) {
            // -o is required unless the sweep is only checked or one run printed, which CLI11 cannot say.
            if (o->output.empty() && !o->check && o->print_run < 0) {
              err << "scamsim: sweep: -o/--output is required (unless --check or --print-run)\n";
              err << "Run 'scamsim sweep --help' for usage.\n";
              return static_cast<int>(exit_usage_error);
            }
            // A merge runs nothing, so there is no shard of it to run and nothing to resume.
            if (!o->merge.empty() && (o->shard || o->resume)) {
              err << fmt::format("scamsim: sweep: --merge runs nothing, so it takes no {}\n",
                                 o->shard ? "--shard" : "--resume");
              err << "Run 'scamsim sweep --help' for usage.\n";
              return static_cast<int>(exit_usage_error);
            }
            o->command_line = command_line;
            return sweep_command(*o, out, err);
          }};
}

int sweep_command(const SweepCommandOptions& o, std::ostream& out, std::ostream& err) {
  // Under mpirun or srun with several ranks, rank 0 runs the command below with the MPI scheduler; the others run
  // runs.
  if (mpi_launch().ranks > 1) return mpi_sweep_command(o, out, err);
  return sweep_command(o, out, err, sweep::run_sweep, fmt::format("{} threads", run::effective_threads(o.threads)));
}

int sweep_command(const SweepCommandOptions& o, std::ostream& out, std::ostream& err, const SweepScheduler& schedule,
                  const std::string& resources) {
  if (o.file.empty()) throw SetupError("the sweep file name is empty");
  if (o.threads < 0) throw SetupError("--threads: must be 0 (all cores) or more");
  const sweep::SweepSpec spec = sweep::load_sweep(o.file, o.overrides);
  const sweep::SweepPlan plan = sweep::plan_sweep(spec);
  const auto runs = static_cast<std::int64_t>(plan.runs.size());

  if (o.check) {
    out << fmt::format(
        "{}: {} design, {} parameter{}, {} point{} x {} replicate{} = {} runs of {} steps, {} outcome{}; "
        "valid.\n",
        o.file, sweep::design_name(spec.design), spec.parameters.size(), spec.parameters.size() == 1 ? "" : "s",
        plan.points, plan.points == 1 ? "" : "s", plan.replicates, plan.replicates == 1 ? "" : "s", runs,
        spec.base.run.steps(), spec.outcomes.size(), spec.outcomes.size() == 1 ? "" : "s");
    return exit_ok;
  }
  if (o.print_run >= 0) return print_run(spec, plan, o.print_run, out);
  if (!o.merge.empty()) return merge_command(o, spec, plan, out);

  // The final file, written from the in-progress one at the end (with --shard, the in-progress file itself).
  OutputFile output(o.output, "-o/--output: name the sweep file to write, e.g. -o sweep.h5");
  const fs::path partial = io::partial_path(output.path());
  const std::string partial_name = io::partial_path(o.output).string();
  std::vector<std::string> inputs = spec.base.files;
  inputs.push_back(o.file);
  output.refuse_input(inputs, "the sweep file or its scenario");
  refuse_non_regular(partial, partial_name);
  output.refuse_overwrite(o.force);
  // Runs are written to the in-progress file as they finish (io::SweepWriter): little memory, no estimate yet.
  output.prepare({});
  remove_stale_temporaries(partial.parent_path(), fmt::format("{}.tmp-", partial.filename().string()));
  if (fs::exists(partial) && !o.resume && !o.force) {
    throw SetupError(fmt::format(
        "-o/--output: '{}' holds an unfinished sweep; add --resume to go on with it, or --force to start over",
        partial_name));
  }

  // The in-progress file: SWEEP.h5.partial beside the output, which is only written, whole, at the end.
  std::optional<io::SweepWriter> writer;
  try {
    if (o.resume && fs::exists(partial)) {
      writer.emplace(io::SweepWriter::resume(partial, spec, plan, o.shard));
      if (!writer->discarded().empty()) {
        err << fmt::format("scamsim: {} finished runs in {} do not match their checksum (damaged); they run again\n",
                           writer->discarded().size(), partial_name);
      }
      if (!o.quiet) {
        err << fmt::format("scamsim: resuming {}: {} of {} runs done, {} failed\n", partial_name, writer->done(), runs,
                           writer->failed());
      }
    } else {
      if (o.resume && !o.quiet) {
        err << fmt::format("scamsim: no unfinished sweep in {}; starting it\n", partial_name);
      }
      writer.emplace(io::SweepWriter::create(partial, spec, plan, o.command_line, o.shard));
    }
  } catch (const io::h5::Error& e) {
    throw SetupError(fmt::format("-o/--output: cannot write '{}': {}", partial_name, e.what()));
  }

  // A shard runs its own runs only; the others stay pending in its file, for the other shards.
  const std::vector<std::int64_t> todo = o.shard ? sweep::shard_runs(*o.shard, writer->pending()) : writer->pending();
  const std::int64_t own_runs = o.shard ? sweep::shard_size(*o.shard, runs) : runs;
  const std::string which = o.shard ? fmt::format("shard {}: ", sweep::shard_text(*o.shard)) : "";
  // The first signal says at once that the sweep was interrupted and where its runs are, even if the batch system
  // kills it before it can say more (docs/CLUSTER.md, section 5).
  const StopOnSignals signals(
      fmt::format("stopping: the runs in flight are dropped, the finished ones are kept in {}", partial_name));
  SweepProgress bar(err, show_progress(o.quiet), own_runs - static_cast<std::int64_t>(todo.size()), own_runs,
                    static_cast<std::int64_t>(todo.size()) * spec.base.run.steps());
  sweep::SweepRunOptions options;
  options.threads = o.threads;
  options.stop = signals.flag();
  options.on_step = [&bar] { bar.step(); };
  const auto start = std::chrono::steady_clock::now();
  try {
    schedule(spec, plan, todo, options, [&](sweep::RunOutput&& result) {
      writer->write_run(result);
      bar.finished(result.status == sweep::RunStatus::failed);
    });
  } catch (const run::Interrupted&) {
    bar.finish();
    writer->close();
    err << fmt::format(
        "scamsim: {}stopped by signal {}; {} of {} runs are saved in {}: add --resume to the same command "
        "to go on\n",
        which, signals.signal(), writer->done() + writer->failed(), own_runs, partial_name);
    return signals.exit_code();
  } catch (const io::h5::Error& e) {
    bar.finish();
    throw SetupError(fmt::format("-o/--output: cannot write '{}': {}", partial_name, e.what()));
  }
  // Every run is recorded: what is left (the final file) does not stop on a signal, so none may say it does.
  signals.stop_announcing();
  bar.finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::int64_t failed = writer->failed();
  writer->close();
  writer.reset();

  const auto say_failed = [&] {
    if (failed > 0) {
      err << fmt::format("scamsim: {}{} of {} runs failed; their errors are in /design/message (scamsim summary {})\n",
                         which, failed, own_runs, o.output);
    }
  };
  if (o.shard) {
    // A shard file is the in-progress file with this shard's runs finished: --merge reads their rows as recorded.
    fs::rename(partial, output.temporary());
    output.publish();
    say_failed();
    if (!o.quiet) {
      out << fmt::format(
          "scamsim: {}{} of the sweep's {} runs ({} this time) in {:.1f} s on {}; {} failed; wrote {}: join the {} "
          "shards with --merge\n",
          which, own_runs, runs, todo.size(), seconds, resources, failed, o.output, o.shard->count);
    }
    return exit_ok;
  }

  // The final file, from the in-progress one.
  try {
    io::finish_sweep(partial, output.temporary(), spec, plan, o.command_line);
  } catch (const io::h5::Error& e) {
    throw SetupError(fmt::format("-o/--output: cannot write '{}': {}", o.output, e.what()));
  }
  output.publish();
  fs::remove(partial);
  say_failed();

  if (!o.quiet) {
    out << fmt::format("scamsim: {} runs ({} this time) in {:.1f} s on {}; {} failed; wrote {}\n", runs, todo.size(),
                       seconds, resources, failed, o.output);
  }
  return exit_ok;
}

}  // namespace scamsim::app
