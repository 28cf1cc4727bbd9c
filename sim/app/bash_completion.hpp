#pragma once
// The bash completion of the scamsim command line, written from the CLI11 definition of its commands and flags
// (cli.cpp and each <name>_command.cpp), so that it cannot drift from them: a new flag completes as soon as it is
// declared. The build writes it to a file that `cmake --install` puts where bash-completion finds it
// (share/bash-completion/completions/scamsim); `scamsim --bash-completion` prints it. Internal to the app module.

#include <string>

namespace CLI {
class App;
}  // namespace CLI

namespace scamsim::app {

/// A bash script defining the completion of `app`: its commands after `scamsim`, each command's flags after the
/// command (and the top-level flags before one) once a word starts with '-', and file names everywhere else.
std::string bash_completion(const CLI::App& app);

}  // namespace scamsim::app
