#include "sim/app/validate_command.hpp"

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "sim/app/cli.hpp"
#include "sim/core/error.hpp"
#include "sim/scenario/describe.hpp"
#include "sim/scenario/loader.hpp"

namespace scamsim::app {

namespace {

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

}  // namespace

Command add_validate_command(CLI::App& app) {
  auto o = std::make_shared<ValidateOptions>();
  CLI::App* command = app.add_subcommand(
      "validate", "Load a scenario, check it, and print the resolved world (exit 1 and every error if invalid)");
  command->add_option("scenario", o->scenario, "Scenario file (TOML)")->required();
  add_set_option(*command, o->overrides);
  command->add_flag("--print-toml", o->print_toml,
                    "Print the resolved scenario (after base and --set) as TOML instead of the summary");
  command->add_flag("-q,--quiet", o->quiet, "Print nothing when the scenario is valid");
  return {command, [o](std::ostream& out, std::ostream& /*err*/) { return validate(*o, out); }};
}

}  // namespace scamsim::app
