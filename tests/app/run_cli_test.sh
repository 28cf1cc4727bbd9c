#!/usr/bin/env bash
# Command-line behaviour of `scamsim run` that only a real process shows:
# atomic output, refusal to overwrite, interruption by a signal, and results
# that do not depend on the number of threads.
# Usage: run_cli_test.sh SCAMSIM SOURCE_DIR WORK_DIR CASE
set -euo pipefail
scamsim=$1
src=$2
work=$3
case_name=$4
mkdir -p "$work"
cd "$work"
tiny="$src/tests/scenarios/tiny.toml"
fail() { echo "FAIL: $*" >&2; exit 1; }

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
    # A run long enough to be interrupted: the baseline for five years.
    "$scamsim" run "$src/scenarios/baseline.toml" -o target.h5 --force -q --threads 1 2> err.txt &
    pid=$!
    sleep 0.7
    kill -INT $pid
    set +e
    wait $pid
    rc=$?
    set -e
    [[ $rc -eq 130 ]] || fail "expected exit 130 after SIGINT, got $rc: $(cat err.txt)"
    [[ "$(cat target.h5)" == "old results" ]] || fail "the old file was touched"
    if ls -a | grep -q '\.tmp-'; then fail "a temporary file was left behind: $(ls -a)"; fi
    grep -q "interrupted" err.txt || fail "no message on interruption"
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
