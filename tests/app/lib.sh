# shellcheck shell=bash
# Shared functions of the command-line tests (tests/app/*_test.sh). Sourced, never run: each script keeps its
# own `set -euo pipefail`, set before sourcing this file; nothing here turns it off for longer than one command.

# Ends the test as failed, with the reason.
fail() { echo "FAIL: $*" >&2; exit 1; }

# Ends the test as skipped (ctest's SKIP_RETURN_CODE 77), with the reason.
skip() { echo "SKIP: $*"; exit 77; }

# Makes $1 an empty folder and enters it.
fresh_work_dir() {
  rm -rf "$1"
  mkdir -p "$1"
  cd "$1" || fail "cannot enter $1"
}

# Fails if a temporary output file (.NAME.tmp-PID) is left in the current folder.
# shellcheck disable=SC2010 # any name at all, dot files included, is what is looked for
no_temporaries() { if ls -a | grep -q '\.tmp-'; then fail "a temporary file was left behind: $(ls -a)"; fi; }

# `expect_exit RC CMD...`: runs CMD with stdout in out.txt and stderr in err.txt; it must exit RC.
expect_exit() {
  local rc_expected=$1
  shift
  local rc=0
  "$@" > out.txt 2> err.txt || rc=$?
  [[ $rc -eq $rc_expected ]] || fail "expected exit $rc_expected, got $rc from: $* ($(cat err.txt))"
}

# `expect_failure RC PATTERN CMD...`: CMD must exit RC with a message matching the extended regex PATTERN on stderr.
expect_failure() {
  local rc_expected=$1 pattern=$2
  shift 2
  expect_exit "$rc_expected" "$@"
  grep -Eq -- "$pattern" err.txt || fail "'$*': stderr lacks /$pattern/: $(cat err.txt)"
}

# Waits (up to 60 s) until process $1 catches SIGINT, i.e. the command has loaded its input and started: a
# signal sent earlier would kill it by default and prove nothing.
wait_until_catching() {
  local mask
  for _ in $(seq 600); do
    mask=$(awk '/^SigCgt:/ {print $2}' "/proc/$1/status" 2> /dev/null || true)
    [[ -n $mask ]] && (((16#$mask >> 1) & 1)) && return 0
    sleep 0.1
  done
  fail "the run did not start within 60 s"
}

# Waits for background process $1; sets rc to its exit status and ms to the milliseconds since $2 (in ns).
# shellcheck disable=SC2034 # rc and ms are for the caller
wait_timed() {
  rc=0
  wait "$1" || rc=$?
  ms=$((($(date +%s%N) - $2) / 1000000))
}

# `wait_for_file FILE [SETTLE_S] [TRIES]`: waits (TRIES x 0.05 s, default 200: 10 s) for FILE to appear, then
# SETTLE_S longer (default 0.2), so that a signal sent next lands while the work is under way, whatever the load.
wait_for_file() {
  for _ in $(seq "${3:-200}"); do
    [[ -e "$1" ]] && break
    sleep 0.05
  done
  sleep "${2:-0.2}"
}
