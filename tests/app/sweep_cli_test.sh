#!/usr/bin/env bash
# Command-line behaviour of `scamsim sweep` that only real processes show: a
# small sweep end to end; a sweep killed with kill -9 (or stopped with
# Ctrl-C) and resumed gives the file of one that never stopped; a run
# printed with --print-run and run alone equals its row; foreign and other
# sweeps' files are refused; a failed run is recorded and the sweep goes on.
# Usage: sweep_cli_test.sh SCAMSIM SOURCE_DIR WORK_DIR CASE
set -euo pipefail
# shellcheck source=tests/app/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
scamsim=$1
src=$2
work=$3
case_name=$4
fresh_work_dir "$work"
sweeps="$src/tests/scenarios/sweeps"
python=/usr/bin/python3

# Two sweep files with kept series hold the same results (the root attributes differ: dates, command lines).
same_sweep() {
  for group in /design /outcomes /run /parameter /outcome /by_country /time /country; do
    h5diff -q "$1" "$2" "$group" "$group" || fail "$group differs between $1 and $2"
  done
}

# Waits (up to 10 s) for a sweep's in-progress file to appear, then a little longer, so that a signal
# sent next lands while runs are being recorded, whatever the machine's load.
wait_for_partial() { wait_for_file "$1" "${2:-0.2}" 200; }

# The cases that stop a sweep while it runs need one that runs for seconds: tiny_lhs at 15 times its scale
# (2 s on one thread; at its own scale it ends in half a second, before the signal).
slow=(--set run.scale=15)

case "$case_name" in
  end_to_end)
    "$scamsim" sweep "$sweeps/tiny_grid.toml" -o grid.h5 -q
    [[ -f grid.h5 && ! -e grid.h5.partial ]] || fail "no output, or the in-progress file was left: $(ls -a)"
    no_temporaries
    "$scamsim" summary grid.h5 > summary.txt
    grep -q "6 done, 0 failed, 0 pending" summary.txt || fail "summary: $(cat summary.txt)"
    grep -q "rerecruited_alpha" summary.txt || fail "summary lacks an outcome: $(cat summary.txt)"
    h5dump -H grid.h5 > /dev/null || fail "h5dump cannot read the file"
    "$python" - grid.h5 <<'EOF'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    assert f.attrs["file_kind"] == b"sweep", f.attrs["file_kind"]
    assert f.attrs["design"] == b"grid"
    assert f.attrs["runs"] == 6 and f.attrs["points"] == 3 and f.attrs["replicates"] == 2
    assert f["design/values"].shape == (6, 1)
    assert list(f["design/values"][:, 0]) == [0, 0, 5e6, 5e6, 1e7, 1e7]
    status = f["design/status"]  # integer codes with CF flags, which every netCDF reader maps (schema 3)
    assert list(status.attrs["flag_values"]) == [0, 1, 2] and status.attrs["flag_meanings"] == b"pending done failed"
    assert (f["design/status"][:] == 1).all()
    assert f["by_country/rerecruited"].shape == (6, 365, 3)
    assert f["outcomes/rerecruited_alpha"].attrs["scamsim_units"] == b"people"  # CF units beside: UDUNITS' "1"
    assert f["outcomes/rerecruited_alpha"].attrs["units"] == b"1"
    assert f.attrs["counts_at_scale"] == 1.0
    assert f["parameter"].asstr()[0] == "countries.alpha.host.aftercare_budget_usd_per_year"
EOF
    # The shipped sweeps' quick trials check.
    for file in "$src"/scenarios/sweeps/*.toml; do
      "$scamsim" sweep "$file" --check --set run.scale=0.02 --set run.years=1.05 > /dev/null ||
        fail "$(basename "$file") does not check with its trial settings"
    done
    ;;
  resume_after_kill)
    "$scamsim" sweep "$sweeps/tiny_lhs.toml" "${slow[@]}" -o whole.h5 -q --threads 2
    # Killed (no chance to clean up) while it runs, then resumed, maybe more than once.
    "$scamsim" sweep "$sweeps/tiny_lhs.toml" "${slow[@]}" -o killed.h5 -q --threads 1 &
    pid=$!
    wait_for_partial killed.h5.partial 0.3
    { kill -9 $pid && wait $pid; } 2> /dev/null || true
    [[ ! -e killed.h5 ]] || fail "the output appeared although the sweep was killed"
    if [[ -e killed.h5.partial ]]; then
      "$scamsim" summary killed.h5.partial | grep "runs " || fail "the in-progress file does not read"
    fi
    "$scamsim" sweep "$sweeps/tiny_lhs.toml" "${slow[@]}" -o killed.h5 -q --threads 1 --resume &
    pid=$!
    sleep 0.3
    { kill -9 $pid && wait $pid; } 2> /dev/null || true
    "$scamsim" sweep "$sweeps/tiny_lhs.toml" "${slow[@]}" -o killed.h5 --threads 2 --resume > out.txt 2> err.txt ||
      fail "resume failed: $(cat err.txt)"
    [[ -f killed.h5 && ! -e killed.h5.partial ]] || fail "resume did not finish the file: $(ls -a)"
    same_sweep whole.h5 killed.h5
    no_temporaries
    ;;
  interrupted_then_resumed)
    "$scamsim" sweep "$sweeps/tiny_lhs.toml" "${slow[@]}" -o whole.h5 -q --threads 2
    echo "old" > stopped.h5
    "$scamsim" sweep "$sweeps/tiny_lhs.toml" "${slow[@]}" -o stopped.h5 --force -q --threads 1 2> err.txt &
    pid=$!
    wait_for_partial stopped.h5.partial 0.3
    kill -INT $pid
    set +e
    wait $pid
    rc=$?
    set -e
    [[ $rc -eq 130 ]] || fail "expected exit 130 after SIGINT, got $rc: $(cat err.txt)"
    grep -q -- "--resume" err.txt || fail "the message does not say how to go on: $(cat err.txt)"
    [[ "$(cat stopped.h5)" == "old" ]] || fail "the old output was touched"
    [[ -e stopped.h5.partial ]] || fail "the finished runs were not kept"
    # Without --resume (or --force, to start over) an unfinished sweep is not overwritten by accident.
    rm stopped.h5
    expect_failure 1 "--resume" "$scamsim" sweep "$sweeps/tiny_lhs.toml" "${slow[@]}" -o stopped.h5 -q
    "$scamsim" sweep "$sweeps/tiny_lhs.toml" "${slow[@]}" -o stopped.h5 --resume -q
    same_sweep whole.h5 stopped.h5
    ;;
  sigterm_then_resumed)
    # As a batch system stops a job (docs/CLUSTER.md section 5): SIGTERM says at once that the sweep was
    # interrupted and where its runs are (a SIGKILL may follow), then how many runs were saved and how to go on;
    # the in-progress file holds exactly that many, and resuming it gives the file of a sweep never stopped.
    "$scamsim" sweep "$sweeps/tiny_lhs.toml" "${slow[@]}" -o whole.h5 -q --threads 2
    "$scamsim" sweep "$sweeps/tiny_lhs.toml" "${slow[@]}" -o stopped.h5 -q --threads 1 2> err.txt &
    pid=$!
    wait_for_partial stopped.h5.partial 0.3
    kill -TERM $pid
    set +e
    wait $pid
    rc=$?
    set -e
    [[ $rc -eq 143 ]] || fail "expected exit 143 after SIGTERM, got $rc: $(cat err.txt)"
    announced="scamsim: interrupted by signal 15; stopping: the runs in flight are dropped, the finished ones are"
    announced+=" kept in stopped.h5.partial"
    [[ $(grep -cxF "$announced" err.txt) -eq 1 ]] || fail "SIGTERM was not announced once: $(cat err.txt)"
    closing='^scamsim: stopped by signal 15; \([0-9]*\) of 32 runs are saved in stopped.h5.partial: add --resume'
    closing+=' to the same command to go on$'
    saved=$(sed -n "s/$closing/\1/p" err.txt)
    [[ -n $saved ]] || fail "no closing line with the runs saved: $(cat err.txt)"
    [[ $(grep -n "interrupted by signal" err.txt | cut -d: -f1) -lt $(grep -n "stopped by signal" err.txt | cut -d: -f1) ]] ||
      fail "the announcement came after the closing line: $(cat err.txt)"
    [[ -e stopped.h5.partial && ! -e stopped.h5 ]] || fail "the finished runs were not kept: $(ls -a)"
    "$python" - stopped.h5.partial "$saved" <<'EOF'
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    status = f["design/status"][:]
    recorded = int((status != 0).sum())
    assert recorded == int(sys.argv[2]), f"the file records {recorded} runs, the message said {sys.argv[2]}"
EOF
    "$scamsim" sweep "$sweeps/tiny_lhs.toml" "${slow[@]}" -o stopped.h5 --resume -q --threads 2
    same_sweep whole.h5 stopped.h5
    no_temporaries
    ;;
  print_run_repeats)
    "$scamsim" sweep "$sweeps/tiny_lhs.toml" -o lhs.h5 -q
    for n in 5 30; do
      "$scamsim" sweep "$sweeps/tiny_lhs.toml" --print-run $n > run$n.toml
      "$scamsim" run run$n.toml -o run$n.h5 -q
      "$python" - lhs.h5 run$n.h5 $n <<'EOF'
import sys, h5py, numpy as np
sweep, run, n = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r"), int(sys.argv[3])
assert run.attrs["seed"] == sweep["design/seed"][n], (run.attrs["seed"], sweep["design/seed"][n])
scale = float(sweep.attrs["base_scenario_toml"].decode().split("scale = ")[1].split()[0])
assert run.attrs["run_scale"] == scale and run.attrs["counts_at_scale"] == scale
assert sweep.attrs["counts_at_scale"] == 1.0
for metric in ("workers_held", "revenue_usd"):
    # The run file counts the simulated world; the sweep file holds the same divided by run.scale, as its outcomes.
    a, b = sweep["by_country/" + metric][n], run["by_country/" + metric][0]
    assert a.dtype == np.float64 and b.dtype == np.int64 and np.array_equal(a, b / scale), metric
held_end = run["global/workers_held"][0, -1] / scale
assert held_end == sweep["outcomes/held_end"][n], (held_end, sweep["outcomes/held_end"][n])
EOF
    done
    expect_failure 1 "the sweep has 32 runs" "$scamsim" sweep "$sweeps/tiny_lhs.toml" --print-run 32
    ;;
  foreign_refused)
    echo "not a sweep" > a.h5.partial
    expect_failure 1 "a.h5.partial: error: not an HDF5 file" "$scamsim" sweep "$sweeps/tiny_grid.toml" -o a.h5 --resume -q
    [[ "$(cat a.h5.partial)" == "not a sweep" ]] || fail "the foreign file was changed"
    "$scamsim" run "$src/tests/scenarios/tiny.toml" -o run.h5 -q --set run.years=1 --set run.scale=0.02
    cp run.h5 b.h5.partial
    expect_failure 1 "a scamsim run file, not a sweep file" "$scamsim" sweep "$sweeps/tiny_grid.toml" -o b.h5 --resume
    # Another sweep's unfinished file.
    "$scamsim" sweep "$sweeps/tiny_lhs.toml" -o c2.h5 -q --threads 1 &
    pid=$!
    wait_for_partial c2.h5.partial 0.1
    { kill -9 $pid && wait $pid; } 2> /dev/null || true
    if [[ -e c2.h5.partial ]]; then
      mv c2.h5.partial d.h5.partial
      expect_failure 1 "different sweep file" "$scamsim" sweep "$sweeps/tiny_grid.toml" -o d.h5 --resume
      expect_failure 1 "different base scenario" "$scamsim" sweep "$sweeps/tiny_lhs.toml" -o d.h5 --resume \
        --set run.scale=4
    fi
    # A truncated file.
    "$scamsim" sweep "$sweeps/tiny_grid.toml" -o e.h5 -q
    head -c 3000 e.h5 > f.h5.partial
    expect_failure 1 "truncated" "$scamsim" sweep "$sweeps/tiny_grid.toml" -o f.h5 --resume
    expect_failure 1 "e.h5' exists; add --force" "$scamsim" sweep "$sweeps/tiny_grid.toml" -o e.h5
    expect_failure 1 "does not exist" "$scamsim" sweep "$sweeps/tiny_grid.toml" -o no/such/folder/x.h5
    expect_failure 1 "did you mean 'replicates'" "$scamsim" sweep "$sweeps/bad/unknown_key_root.toml" --check
    expect_failure 2 "--no-such-flag" "$scamsim" sweep "$sweeps/tiny_grid.toml" --no-such-flag
    expect_failure 2 "-o/--output is required" "$scamsim" sweep "$sweeps/tiny_grid.toml"
    ;;
  failed_run_recorded)
    "$scamsim" sweep "$sweeps/tiny_failing.toml" -o failing.h5 -q 2> err.txt || fail "exit $? with a failed run"
    grep -q "1 of 4 runs failed" err.txt || fail "no word of the failed run: $(cat err.txt)"
    "$scamsim" summary failing.h5 > summary.txt
    grep -q "3 done, 1 failed, 0 pending" summary.txt || fail "summary: $(cat summary.txt)"
    "$python" - failing.h5 <<'EOF'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    assert list(f["design/status"][:]) == [1, 2, 1, 1], f["design/status"][:]
    messages = f["design/message"].asstr()[:]
    assert "no nationality" in messages[1], messages[1]
    assert messages[0] == ""
    held = f["outcomes/held_end"][:]
    assert np.isnan(held[1]) and not np.isnan(held[3])
EOF
    ;;
  *)
    fail "unknown case $case_name"
    ;;
esac
echo "ok: $case_name"
