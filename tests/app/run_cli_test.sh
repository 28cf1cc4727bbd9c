#!/usr/bin/env bash
# Command-line behaviour of `scamsim run` that only a real process shows:
# atomic output, refusal to overwrite, interruption by a signal, and results
# that do not depend on the number of threads.
# Usage: run_cli_test.sh SCAMSIM SOURCE_DIR WORK_DIR CASE
set -euo pipefail
# shellcheck source=tests/app/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
scamsim=$1
src=$2
work=$3
case_name=$4
mkdir -p "$work"
cd "$work"
tiny="$src/tests/scenarios/tiny.toml"

case "$case_name" in
  refuses_overwrite)
    echo "precious" > existing.h5
    set +e
    "$scamsim" run "$tiny" -o existing.h5 -q 2> err.txt
    rc=$?
    set -e
    [[ $rc -eq 1 ]] || fail "expected exit 1, got $rc"
    grep -q -- "--force" err.txt || fail "message does not mention --force: $(cat err.txt)"
    [[ "$(cat existing.h5)" == "precious" ]] || fail "existing file was changed"
    "$scamsim" run "$tiny" -o existing.h5 -q --force || fail "--force did not overwrite"
    "$scamsim" summary existing.h5 > /dev/null || fail "overwritten file is not a result"
    ;;
  interrupted_leaves_nothing)
    echo "old results" > target.h5
    # A run long enough to be interrupted: the baseline for sixty years (five take half a second).
    "$scamsim" run "$src/scenarios/baseline.toml" -o target.h5 --force -q --threads 1 --set run.years=60 2> err.txt &
    pid=$!
    wait_until_catching $pid
    sleep 0.3
    kill -INT $pid
    set +e
    wait $pid
    rc=$?
    set -e
    [[ $rc -eq 130 ]] || fail "expected exit 130 after SIGINT, got $rc: $(cat err.txt)"
    [[ "$(cat target.h5)" == "old results" ]] || fail "the old file was touched"
    no_temporaries
    grep -q "interrupted" err.txt || fail "no message on interruption"
    ;;
  many_replicates_stop_at_once)
    # 2000 replicates: on SIGINT the ones not started must not each build their world first (issue 12, item 11).
    "$scamsim" run "$src/scenarios/baseline.toml" -o target.h5 -q --threads 2 --replicates 2000 \
      --set run.years=0.2 --set run.scale=0.05 2> err.txt &
    pid=$!
    wait_until_catching $pid
    sleep 0.5
    kill -INT $pid
    wait_timed $pid "$(date +%s%N)"
    [[ $rc -eq 130 ]] || fail "expected exit 130 after SIGINT, got $rc: $(cat err.txt)"
    grep -q "interrupted by signal 2; no results written" err.txt || fail "no message on interruption: $(cat err.txt)"
    [[ $ms -lt 3000 ]] || fail "it took $ms ms to stop"
    [[ ! -e target.h5 ]] || fail "an output was written"
    no_temporaries
    ;;
  second_signal_ends_at_once)
    # A replicate that takes seconds to build its world (a 20x baseline) cannot stop cleanly before it is
    # built; a second Ctrl-C must not wait for that: the process dies of the signal at once, printing nothing.
    "$scamsim" run "$src/scenarios/baseline.toml" -o target.h5 -q --threads 1 --replicates 1 \
      --set run.scale=20 --set run.years=0.1 2> err.txt &
    pid=$!
    wait_until_catching $pid
    # The stop flag is checked before a replicate builds its world: wait until the build is under way (it takes
    # seconds), so that the first signal asks for a clean stop the build delays, and the second one finds it.
    sleep 0.5
    kill -INT $pid
    sleep 0.2
    kill -INT $pid 2> /dev/null || fail "the run ended within 0.2 s of the first signal: $(cat err.txt)"
    wait_timed $pid "$(date +%s%N)"
    [[ $rc -eq 130 ]] || fail "expected exit 130 after SIGINT, got $rc: $(cat err.txt)"
    [[ $ms -lt 1000 ]] || fail "it took $ms ms to end after the second signal"
    if grep -q "interrupted" err.txt; then fail "the run stopped cleanly rather than at once: $(cat err.txt)"; fi
    [[ ! -e target.h5 ]] || fail "an output was written"
    ;;
  threads_identical)
    "$scamsim" run "$tiny" -o one.h5 --force -q --threads 1 --replicates 2 \
      --set countries.alpha.enforcement_capacity_raids_per_year=200 --set pressure.will_base=0.6 \
      --set operations.0.workers=50000 --set operations.0.operations=40
    "$scamsim" run "$tiny" -o two.h5 --force -q --threads 2 --replicates 2 \
      --set countries.alpha.enforcement_capacity_raids_per_year=200 --set pressure.will_base=0.6 \
      --set operations.0.workers=50000 --set operations.0.operations=40
    for group in /by_country /global /events /operators; do
      h5diff one.h5 two.h5 "$group" "$group" || fail "$group differs between 1 and 2 threads"
    done
    ;;
  bad_output_folder)
    set +e
    "$scamsim" run "$tiny" -o no/such/folder/x.h5 -q 2> err.txt
    rc=$?
    set -e
    [[ $rc -eq 1 ]] || fail "expected exit 1, got $rc"
    grep -q "does not exist" err.txt || fail "unclear message: $(cat err.txt)"
    ;;
  summary_of_foreign_file)
    echo "not hdf5" > foreign.h5
    set +e
    "$scamsim" summary foreign.h5 2> err.txt
    rc=$?
    set -e
    [[ $rc -eq 1 ]] || fail "expected exit 1, got $rc"
    grep -q "foreign.h5" err.txt || fail "message does not name the file: $(cat err.txt)"
    ;;
  *)
    fail "unknown case $case_name"
    ;;
esac
echo "ok: $case_name"
