#include "sim/app/cli.hpp"

#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "sim/app/bash_completion.hpp"
#include "sim/app/bench_command.hpp"
#include "sim/app/calibrate_command.hpp"
#include "sim/app/command.hpp"
#include "sim/app/compare_command.hpp"
#include "sim/app/export_command.hpp"
#include "sim/app/params_command.hpp"
#include "sim/app/run_command.hpp"
#include "sim/app/summary_command.hpp"
#include "sim/app/sweep_command.hpp"
#include "sim/app/validate_command.hpp"
#include "sim/core/error.hpp"
#include "sim/core/version.hpp"

namespace scamsim::app {

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err, std::span<const AddCommand> more) {
  CLI::App app{
      "scamsim: agent-based simulation of scam compounds in Southeast Asia and their displacement by "
      "enforcement.\nDocs: docs/MODEL.md (the model), docs/SCENARIOS.md (scenario files).",
      "scamsim"};
  app.require_subcommand(0, 1);
  bool show_version = false;
  app.add_flag("--version", show_version, "Print the version and the git commit, then exit");
  bool show_completion = false;
  app.add_flag("--bash-completion", show_completion,
               "Print the bash completion of scamsim's commands and flags, then exit: source <(scamsim "
               "--bash-completion); installed, bash-completion loads it itself");

  // The command line as typed, which the files a command writes record.
  std::string command_line;
  for (int i = 0; i < argc; ++i) command_line += (i > 0 ? " " : "") + std::string(argv[i]);

  // Each command owns its options (its file's add_*_command); this is the list, in the order --help shows.
  std::vector<Command> commands = {
      add_validate_command(app),
      add_run_command(app, command_line),
      add_summary_command(app),
      add_sweep_command(app, command_line),
      add_compare_command(app, command_line),
      add_export_command(app),
      add_calibrate_command(app, command_line),
      add_bench_command(app),
      add_params_command(app),
  };
  for (const AddCommand add : more) commands.push_back(add(app));

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
      out << fmt::format("scamsim {} (commit {})\n", version(), git_commit());
      return exit_ok;
    }
    if (show_completion) {
      out << bash_completion(app);
      return exit_ok;
    }
    for (const Command& command : commands) {
      if (*command.options) return command.run(out, err);
    }
    // No command is a wrong command line, not a request for help: scripts must not take it for success.
    err << app.help() << "scamsim: name a command, e.g. scamsim run SCENARIO -o OUT.h5\n";
    return exit_usage_error;
  } catch (const std::exception&) {
    return report_failure(std::current_exception(), err);
  }
}

int report_failure(const std::exception_ptr& error, std::ostream& err) {
  try {
    std::rethrow_exception(error);
  } catch (const SetupError& e) {
    for (const auto& d : e.diagnostics()) err << d.format() << '\n';
    const std::size_t n = e.diagnostics().size();
    err << fmt::format("{} error{} found.\n", n, n == 1 ? "" : "s") << std::flush;
    return exit_input_error;
  } catch (const std::exception& e) {
    err << "scamsim: internal error: " << e.what() << "\nPlease report this with the command that caused it.\n"
        << std::flush;
    return exit_internal_error;
  }
}

int main(int argc, char** argv, std::span<const AddCommand> more) {
  return run(argc, argv, std::cout, std::cerr, more);
}

}  // namespace scamsim::app
