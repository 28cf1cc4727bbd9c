#!/usr/bin/env bash
# The bash completion the build writes (sim/completion/scamsim) is valid bash and completes: the commands after
# `scamsim`, every command that `scamsim --help` lists among them (so none can be left out), a command's flags,
# the top-level flags, and falls back to file names where a file is expected.
# Usage: completion_test.sh SCAMSIM COMPLETION_FILE
set -euo pipefail
# shellcheck source=tests/app/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../app/lib.sh"
scamsim=$1
completion=$2

bash -n "$completion" || fail "$completion is not valid bash"
if command -v shellcheck > /dev/null; then
  shellcheck --shell=bash "$completion" || fail "shellcheck finds problems in $completion"
fi
cmp <("$scamsim" --bash-completion) "$completion" || fail "$completion differs from scamsim --bash-completion"

# shellcheck source=/dev/null
source "$completion"
[[ $(complete -p scamsim) == "complete -o default -F _scamsim scamsim" ]] ||
  fail "scamsim is not completed by _scamsim with file names as fallback: $(complete -p scamsim)"

# `completes WORD...`: the completions of the last word after `scamsim WORD...`, one line, space-separated.
completes() {
  COMP_WORDS=(scamsim "$@")
  COMP_CWORD=$#
  COMPREPLY=()
  _scamsim
  echo "${COMPREPLY[*]}"
}
expect() {
  local expected=$1
  shift
  local got
  got=$(completes "$@")
  [[ $got == "$expected" ]] || fail "scamsim $* <TAB>: expected '$expected', got '$got'"
}

expect "summary sweep serve" s           # three commands start with s, in --help's order
expect "sweep" sw
expect "run" ru
expect "--threads" run --thr
expect "--resume" sweep scenario.toml --res # flags after a positional too
expect "--output --outcomes" compare a.toml b.toml --out
expect "--version" --vers
expect "" run scen                      # a file is expected: bash's default (file names) takes over
expect "" sweep --set ""                # idem for a flag's value

# Every command --help lists is offered after `scamsim`.
offered=" $(completes "") "
listed=$("$scamsim" --help | sed -n '/^Subcommands:/,$p' | awk 'NR > 1 && NF {print $1}')
[[ -n $listed ]] || fail "scamsim --help lists no command"
for command in $listed; do
  [[ $offered == *" $command "* ]] || fail "'$command' (in scamsim --help) is not completed: $offered"
done
# And every flag of each command's --help is offered after it.
for command in $listed; do
  flags=" $(completes "$command" -) "
  for flag in $("$scamsim" "$command" --help | grep -oE '^  (-[a-zA-Z],)?--[a-z-]+' | tr ',' ' '); do
    [[ $flags == *" $flag "* ]] || fail "'scamsim $command $flag' (in its --help) is not completed: $flags"
  done
done
echo "ok: the bash completion completes $(wc -w <<< "$listed") commands and their flags"
