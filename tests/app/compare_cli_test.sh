#!/usr/bin/env bash
# Command-line behaviour of `scamsim compare` that only a real process shows:
# the table it prints equals `scamsim summary` of the file it wrote, atomic
# output, refusal to overwrite, errors that name the file at fault, and
# interruption by a signal.
# Usage: compare_cli_test.sh SCAMSIM SOURCE_DIR WORK_DIR CASE
set -euo pipefail
# shellcheck source=tests/app/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
scamsim=$1
src=$2
work=$3
case_name=$4
fresh_work_dir "$work"
tiny="$src/tests/scenarios/tiny.toml"

# The policy: tiny with a little more aftercare in alpha.
cat > policy.toml <<TOML
base = "$tiny"
name = "tiny_more_aftercare"

[countries.alpha.host]
aftercare_budget_usd_per_year = 1_200_000
TOML

case "$case_name" in
  end_to_end)
    "$scamsim" compare "$tiny" policy.toml -o cmp.h5 --replicates 4 --set run.years=1 --threads 2 -q > out.txt
    grep -q "scamsim compare: tiny (A) vs tiny_more_aftercare (B)" out.txt || fail "no title: $(cat out.txt)"
    grep -q "95% CI paired" out.txt || fail "no interval column: $(cat out.txt)"
    grep -q "^  rerecruited " out.txt || fail "no rerecruited row: $(cat out.txt)"
    "$scamsim" summary cmp.h5 > summary.txt
    diff out.txt summary.txt || fail "scamsim summary does not print what scamsim compare printed"
    h5ls -r cmp.h5 > layout.txt
    for path in /outcomes/held_end /difference/rerecruited /summary/ci_low /summary/unpaired_high /pair /side; do
      grep -q "^$path " layout.txt || fail "$path missing from the file: $(cat layout.txt)"
    done
    # xarray reads it without custom code, as run and sweep files.
    /usr/bin/python3 - <<'PY' || fail "xarray cannot read the file"
import xarray as xr
root = xr.open_dataset("cmp.h5", engine="h5netcdf")
out = xr.open_dataset("cmp.h5", engine="h5netcdf", group="outcomes")      # labelled: pair, side (schema 3)
summary = xr.open_dataset("cmp.h5", engine="h5netcdf", group="summary")   # labelled: outcome
assert out.held_end.shape == (4, 2), out.held_end.shape
d = (out.held_end.sel(side="b") - out.held_end.sel(side="a")).mean().item()
assert abs(d - summary.mean_difference.sel(outcome="held_end").item()) < 1e-9
assert summary.ci_low.sel(outcome="held_end") <= d <= summary.ci_high.sel(outcome="held_end")
assert root.attrs["file_kind"] == "compare" and root.attrs["replicates"] == 4
PY
    h5dump -a /file_kind cmp.h5 | grep -q '"compare"' || fail "file_kind is not compare"
    # The same scenario on both sides: every difference is exactly 0.
    "$scamsim" compare "$tiny" "$tiny" -o same.h5 --replicates 3 --set run.years=1 -q > /dev/null
    h5dump -d /difference/held_end -y -w 0 same.h5 | grep -Eq '^ *0, 0, 0 *$' ||
      fail "identical scenarios differ: $(h5dump -d /difference/held_end same.h5)"
    no_temporaries
    ;;
  refuses_overwrite)
    echo "precious" > existing.h5
    set +e
    "$scamsim" compare "$tiny" policy.toml -o existing.h5 --replicates 2 --set run.years=1 -q > /dev/null 2> err.txt
    rc=$?
    set -e
    [[ $rc -eq 1 ]] || fail "expected exit 1, got $rc"
    grep -q -- "--force" err.txt || fail "message does not mention --force: $(cat err.txt)"
    [[ "$(cat existing.h5)" == "precious" ]] || fail "existing file was changed"
    "$scamsim" compare "$tiny" policy.toml -o existing.h5 --replicates 2 --set run.years=1 -q --force > /dev/null ||
      fail "--force did not overwrite"
    "$scamsim" summary existing.h5 > /dev/null || fail "overwritten file is not a comparison"
    no_temporaries
    ;;
  bad_scenario_names_file)
    printf 'base = "%s"\n[pressure]\nhalf_life_dayz = 90\n' "$tiny" > bad_policy.toml
    set +e
    "$scamsim" compare "$tiny" bad_policy.toml -o cmp.h5 --replicates 2 -q > /dev/null 2> err.txt
    rc=$?
    set -e
    [[ $rc -eq 1 ]] || fail "expected exit 1, got $rc"
    grep -q "bad_policy.toml:3" err.txt || fail "message does not locate the error: $(cat err.txt)"
    grep -q "half_life_days" err.txt || fail "no suggestion: $(cat err.txt)"
    [[ ! -e cmp.h5 ]] || fail "an output was written"
    set +e
    "$scamsim" compare "$tiny" no_such.toml -o cmp.h5 -q > /dev/null 2> err.txt
    rc=$?
    set -e
    [[ $rc -eq 1 ]] || fail "expected exit 1 for a missing file, got $rc"
    grep -q "no_such.toml" err.txt || fail "message does not name the missing file: $(cat err.txt)"
    no_temporaries
    ;;
  mismatched_run_lengths)
    printf 'base = "%s"\n[run]\nyears = 1\n' "$tiny" > shorter.toml
    set +e
    "$scamsim" compare "$tiny" shorter.toml -o cmp.h5 --replicates 2 -q > /dev/null 2> err.txt
    rc=$?
    set -e
    [[ $rc -eq 1 ]] || fail "expected exit 1, got $rc"
    grep -q "tiny.toml and shorter.toml cannot be compared" err.txt || fail "message does not name both: $(cat err.txt)"
    grep -q "same days" err.txt || fail "message does not say why: $(cat err.txt)"
    [[ ! -e cmp.h5 ]] || fail "an output was written"
    ;;
  interrupted_leaves_nothing)
    echo "old results" > target.h5
    "$scamsim" compare "$src/scenarios/baseline.toml" "$src/scenarios/baseline.toml" -o target.h5 --force -q \
      --threads 1 > /dev/null 2> err.txt &
    pid=$!
    sleep 0.7
    kill -INT $pid
    set +e
    wait $pid
    rc=$?
    set -e
    [[ $rc -eq 130 ]] || fail "expected exit 130 after SIGINT, got $rc: $(cat err.txt)"
    [[ "$(cat target.h5)" == "old results" ]] || fail "the old file was touched"
    grep -q "interrupted" err.txt || fail "no message on interruption"
    no_temporaries
    ;;
  *)
    fail "unknown case $case_name"
    ;;
esac
echo "ok: $case_name"
