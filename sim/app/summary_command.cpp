#include "sim/app/summary_command.hpp"

#include <memory>
#include <ostream>

#include <CLI/CLI.hpp>

#include "sim/app/cli.hpp"
#include "sim/app/compare_summary.hpp"
#include "sim/app/posterior_summary.hpp"
#include "sim/app/run_summary.hpp"
#include "sim/app/sweep_summary.hpp"
#include "sim/io/compare_results.hpp"
#include "sim/io/open_file.hpp"
#include "sim/io/posterior_file.hpp"
#include "sim/io/results.hpp"
#include "sim/io/sweep_results.hpp"

namespace scamsim::app {

Command add_summary_command(CLI::App& app) {
  auto file = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand(
      "summary",
      "Print the headline outcomes of a results file per country, a sweep file's outcomes and indices, "
      "a comparison file's differences, or a posterior file's parameters and fit");
  command
      ->add_option("results", *file,
                   "Results file (HDF5) written by scamsim run, sweep, compare or calibrate --method abc-smc")
      ->required();
  return {command, [file](std::ostream& out, std::ostream& /*err*/) { return summary_command(*file, out); }};
}

int summary_command(const std::string& path, std::ostream& out) {
  // Sweep and comparison files say what they are; anything else goes to the results reader, whose errors
  // name the problem.
  const std::string kind = io::file_kind(path);
  if (kind == "sweep") {
    out << summarize_sweep(io::read_sweep(path));
    return exit_ok;
  }
  if (kind == "posterior") {
    out << summarize_posterior(io::read_posterior(path));
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
