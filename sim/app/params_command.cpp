#include "sim/app/params_command.hpp"

#include <memory>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "sim/app/cli.hpp"
#include "sim/scenario/parameters.hpp"

namespace scamsim::app {

Command add_params_command(CLI::App& app) {
  auto format = std::make_shared<std::string>("text");
  CLI::App* command = app.add_subcommand("params",
                                         "Print the parameter table: every key, default, unit, range, "
                                         "meaning and source");
  command->add_option("--format", *format, "text, csv or markdown")->check(CLI::IsMember({"text", "csv", "markdown"}));
  return {command, [format](std::ostream& out, std::ostream& /*err*/) {
            const auto table = *format == "csv"        ? scenario::TableFormat::csv
                               : *format == "markdown" ? scenario::TableFormat::markdown
                                                       : scenario::TableFormat::text;
            out << scenario::format_parameter_table(table);
            return exit_ok;
          }};
}

}  // namespace scamsim::app
