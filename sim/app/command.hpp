#pragma once
// What every command of the scamsim command line is to cli.cpp: a subcommand that owns its options, and the
// function that runs it once they are parsed. Each command's file has one `add_<name>_command(CLI::App&, ...)`
// returning this. Internal to the app module.

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace CLI {
class App;
class Validator;
}  // namespace CLI

namespace scamsim::app {

/// A subcommand and what runs it.
struct Command {
  CLI::App* options = nullptr;                                   ///< the subcommand: true once parsed
  std::function<int(std::ostream& out, std::ostream& err)> run;  ///< returns the exit code; may throw SetupError
};

/// The --set option every command that loads a scenario has.
void add_set_option(CLI::App& command, std::vector<std::string>& overrides);

/// CLI11's own range checks print "Value 0 not in range 0.000000 to 1797693134862315..." (a 300-digit number)
/// and clamp a too-large number silently; these say in words what is allowed. `name` is what --help shows after
/// the type, as CLI11's own checks did ("INT:POSITIVE").

/// A whole number from `min` to `max`, said as `allowed` when it is not.
CLI::Validator whole_number(std::int64_t min, std::int64_t max, const std::string& allowed, const std::string& name);
/// A number above 0.
CLI::Validator positive_number();
/// --threads: 0 for all cores, or a count.
CLI::Validator thread_count();
/// A value that becomes the scenario key `key` (run.seed, run.replicates): its range is the parameter table's, so
/// the flag and the scenario file accept the same values and an error names the flag the user typed, not a
/// --set they never did.
CLI::Validator scenario_range(const char* key, const std::string& name);

}  // namespace scamsim::app
