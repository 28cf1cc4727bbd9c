#include "sim/app/bash_completion.hpp"

#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <CLI/CLI.hpp>

#include "sim/core/version.hpp"

namespace scamsim::app {

namespace {

/// The flags of `command` as typed ("-o --output --set ... --help"), in the order declared; positionals have none.
std::string flags_of(const CLI::App& command) {
  std::string flags;
  for (const CLI::Option* option : command.get_options()) {
    for (const std::string& name : option->get_snames()) flags += fmt::format("{}-{}", flags.empty() ? "" : " ", name);
    for (const std::string& name : option->get_lnames()) flags += fmt::format("{}--{}", flags.empty() ? "" : " ", name);
  }
  return flags;
}

}  // namespace

std::string bash_completion(const CLI::App& app) {
  std::vector<std::string> names;
  std::string cases;
  for (const CLI::App* command : app.get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(command->get_name());
    cases += fmt::format("    {}) words=\"{}\" ;;\n", command->get_name(), flags_of(*command));
  }
  return fmt::format(
      R"(# bash completion for scamsim {version}, written by `scamsim --bash-completion` from its command-line
# definition. Installed as share/bash-completion/completions/scamsim, which bash-completion loads when `scamsim` is
# first completed; or: source <(scamsim --bash-completion)
_scamsim() {{
  local cur=${{COMP_WORDS[COMP_CWORD]}} command="" word words
  # The command is the first word after `scamsim` that names one.
  for word in "${{COMP_WORDS[@]:1:COMP_CWORD-1}}"; do
    case $word in
      {alternatives}) command=$word && break ;;
    esac
  done
  case $command in
{cases}    *) if [[ $cur == -* ]]; then words="{top_flags}"; else words="{names}"; fi ;;
  esac
  # Flags once a word starts with '-', commands before one; file names otherwise (complete -o default).
  COMPREPLY=()
  if [[ -z $command || $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
  fi
}}
complete -o default -F _scamsim scamsim
)",
      fmt::arg("version", version()), fmt::arg("alternatives", fmt::join(names, " | ")), fmt::arg("cases", cases),
      fmt::arg("names", fmt::join(names, " ")), fmt::arg("top_flags", flags_of(app)));
}

}  // namespace scamsim::app
