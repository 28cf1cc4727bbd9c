#!/usr/bin/env bash
# Command-line behaviour of ABC-SMC calibration and of scenarios over its posterior (docs/CALIBRATION.md):
# `calibrate --method abc-smc` writes a posterior file and a progress line per generation; a run killed after a
# generation resumes with --resume to the datasets an uninterrupted one writes; a resume from another
# calibration, or with nothing to resume, is refused by name; `summary` prints the posterior beside its prior;
# `run --posterior` writes a draw dimension that h5py, xarray and analysis/ read; `compare --posterior` gives the
# share of worlds by sign; an unfinished posterior is refused by `run`.
# Usage: posterior_cli_test.sh SCAMSIM SOURCE_DIR WORK_DIR CASE
set -euo pipefail
# shellcheck source=tests/app/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
scamsim=$1
src=$2
work=$3
case_name=$4
fresh_work_dir "$work"
calibration="$src/tests/scenarios/calibration/quiet_escapes_abc.toml"
quiet="$src/tests/scenarios/quiet.toml"
same="$src/tests/app/same_datasets.py"

case "$case_name" in
  calibrate_and_summary)
    "$scamsim" calibrate "$calibration" --method abc-smc -o post.h5 --threads 2 > out.txt 2> err.txt
    [[ $(grep -c "^calibrate: generation [0-9]: tolerance" err.txt) -eq 4 ]] || fail "not a line per generation: $(cat err.txt)"
    grep -q "ESS" err.txt || fail "the progress lines lack the ESS: $(cat err.txt)"
    grep -q "90% credible interval" out.txt || fail "no credible interval: $(cat out.txt)"
    grep -q "prior: log_uniform on \[0.05, 5\]" out.txt || fail "the prior is not shown: $(cat out.txt)"
    "$scamsim" summary post.h5 > summary.txt
    diff <(sed '$d' out.txt) summary.txt || fail "summary does not print what calibrate printed"
    /usr/bin/python3 - <<'PY' || fail "the posterior file does not read as documented"
import h5py, numpy as np, xarray as xr
with h5py.File("post.h5", "r") as f:
    kind = f.attrs["file_kind"]
    assert (kind.decode() if isinstance(kind, bytes) else kind) == "posterior" and f.attrs["complete"] == 1
    g = f["generations/particles"]
    assert g.shape == (4, 60, 1), g.shape
    w = f["posterior/weights"][()]
    assert abs(w.sum() - 1) < 1e-12
    assert np.array_equal(f["posterior/particles"][()], g[3])
    tol = f["tolerance"][()]
    assert np.isinf(tol[0]) and all(tol[1:] > 0) and all(np.diff(tol[1:]) < 0), tol
    # The median of the posterior is near the truth, 0.5 (the record is its expected count).
    x = f["posterior/particles"][()][:, 0]
    order = np.argsort(x)
    median = x[order][np.searchsorted(np.cumsum(w[order]), 0.5)]
    assert 0.4 < median < 0.6, median
ds = xr.open_dataset("post.h5", engine="h5netcdf", group="generations")
assert ds.particles.dims == ("generation", "particle", "parameter"), ds.particles.dims
PY
    no_temporaries
    ;;
  resume_is_uninterrupted)
    "$scamsim" calibrate "$calibration" --method abc-smc -o whole.h5 --threads 2 -q > /dev/null
    # Stopped by a signal once the file holds a generation, then resumed: the same datasets.
    "$scamsim" calibrate "$calibration" --method abc-smc -o part.h5 --threads 1 > /dev/null 2> err.txt &
    pid=$!
    wait_for_file part.h5 0
    kill -INT "$pid"
    rc=0
    wait "$pid" || rc=$?
    if [[ $rc -eq 0 ]]; then
      echo "note: the calibration finished before the signal; the resume below has nothing left to do"
    else
      [[ $rc -eq 130 ]] || fail "an interrupted calibration exits 130, not $rc: $(cat err.txt)"
      grep -q "go on with --resume" err.txt || fail "the interruption does not say how to go on: $(cat err.txt)"
    fi
    /usr/bin/python3 -c "import h5py; f = h5py.File('part.h5'); print('generations kept:', f['generation'].shape[0])"
    "$scamsim" calibrate "$calibration" --method abc-smc -o part.h5 --resume --threads 2 > /dev/null 2> err.txt
    grep -q "going on from" err.txt || [[ $rc -eq 0 ]] || fail "the resume does not say where it goes on from"
    /usr/bin/python3 "$same" whole.h5 part.h5 || fail "a resumed calibration differs from an uninterrupted one"
    no_temporaries
    ;;
  resume_refusals)
    expect_failure 1 "no posterior file 'none.h5' to go on from" \
      "$scamsim" calibrate "$calibration" --method abc-smc -o none.h5 --resume
    "$scamsim" calibrate "$calibration" --method abc-smc -o post.h5 -q > /dev/null
    # Another record: the same file with another target value.
    sed 's/^value = 275/value = 300/' "$calibration" > other.toml
    sed -i "s|\"../quiet.toml\"|\"$quiet\"|" other.toml
    cp post.h5 before.h5
    expect_failure 1 "made by another calibration: its target 1 is 'escapes in the year', 275" \
      "$scamsim" calibrate other.toml --method abc-smc -o post.h5 --resume
    cmp post.h5 before.h5 || fail "a refused resume changed the file"
    # Other ABC settings: named.
    sed "s|\"../quiet.toml\"|\"$quiet\"|; s/^seed = 11/seed = 12/" "$calibration" > reseeded.toml
    expect_failure 1 "seed = 11 \(now 12\)" "$scamsim" calibrate reseeded.toml --method abc-smc -o post.h5 --resume
    cmp post.h5 before.h5 || fail "a refused resume changed the file"
    expect_failure 1 "exists" "$scamsim" calibrate "$calibration" --method abc-smc -o post.h5
    expect_failure 1 "only --method abc-smc resumes" "$scamsim" calibrate "$calibration" -o x.toml --resume
    # A scenario without the posterior's parameters: the shipped posterior calibrates Myanmar's raid capacity,
    # and the quiet world has no Myanmar.
    expect_failure 1 "crackdown_posterior.h5' calibrates countries.myanmar.enforcement_capacity_raids_per_year.*cannot take" \
      "$scamsim" run "$quiet" --posterior "$src/scenarios/calibration/crackdown_posterior.h5" --draws 2 -o over.h5
    [[ ! -e over.h5 ]] || fail "a refused run wrote its output"
    expect_failure 1 "--draws" "$scamsim" run "$quiet" --posterior post.h5 --draws 0 -o over.h5
    # Not a posterior file.
    "$scamsim" run "$quiet" -o run.h5 -q
    expect_failure 1 "run.h5.*a scamsim run file, not a posterior file" \
      "$scamsim" run "$quiet" --posterior run.h5 -o over.h5
    [[ ! -e over.h5 ]] || fail "a refused run wrote its output"
    no_temporaries
    ;;
  run_over_posterior)
    "$scamsim" calibrate "$calibration" --method abc-smc -o post.h5 -q > /dev/null
    "$scamsim" run "$quiet" --posterior post.h5 --draws 5 --replicates 2 -o over.h5 -q
    "$scamsim" summary over.h5 > summary.txt
    grep -q "5 draws from the posterior post.h5 x 2 replicates" summary.txt || fail "no draws in: $(cat summary.txt)"
    /usr/bin/python3 - "$src/analysis" <<'PY' || fail "the run over the posterior does not read as documented"
import sys
import h5py, numpy as np, xarray as xr
sys.path.insert(0, sys.argv[1])
from scamsim_analysis.run_reader import read_run
with h5py.File("over.h5", "r") as f:
    assert f.attrs["draws"] == 5 and f.attrs["schema_version"] == 4
    assert f["by_country/escapes"].shape[:2] == (5, 2), f["by_country/escapes"].shape
    values = f["draw_values"][()]
    assert values.shape == (5, 1) and np.all((values > 0.05) & (values < 5)), values
    post = h5py.File("post.h5", "r")
    particles = post["posterior/particles"][()][:, 0]
    assert np.allclose(values[:, 0], particles[f["draw_particle"][()]])
    escapes = f["by_country/escapes"][()].sum(axis=(2, 3))
    # Replicate r of every draw shares its random streams: the draw with the highest hazard escapes most.
    assert escapes[np.argmax(values[:, 0]), 0] >= escapes[np.argmin(values[:, 0]), 0]
ds = xr.open_dataset("over.h5", engine="h5netcdf", group="by_country")
assert ds.escapes.dims == ("draw", "replicate", "time", "country"), ds.escapes.dims
run = read_run("over.h5")
s = run.series("escapes")
assert s.sizes["replicate"] == 10 and list(s["draw"].values) == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
assert np.array_equal(s.values.reshape(5, 2, *s.shape[1:]), h5py.File("over.h5", "r")["by_country/escapes"][()])
PY
    # The report's bands are across every run, and it says so.
    /usr/bin/python3 "$src/analysis/report" over.h5 -o report > /dev/null
    grep -q "combine two sources of uncertainty" report/index.html || fail "the report does not say what its bands are"
    grep -q "5 draws of the calibrated parameters × 2 replicates each, 10 runs in all" report/index.html ||
      fail "the report does not give the draws"
    "$scamsim" export over.h5 --csv tables -q
    head -1 tables/series_global.csv | grep -q "^draw,replicate," || fail "the CSV lacks its draw column"
    [[ $(wc -l < tables/draws.csv) -eq 6 ]] || fail "draws.csv is not a row per draw: $(cat tables/draws.csv)"
    # The same command gives the same datasets.
    "$scamsim" run "$quiet" --posterior post.h5 --draws 5 --replicates 2 -o again.h5 -q --threads 1
    /usr/bin/python3 "$same" over.h5 again.h5 || fail "a run over a posterior is not reproducible"
    no_temporaries
    ;;
  compare_over_posterior)
    "$scamsim" calibrate "$calibration" --method abc-smc -o post.h5 -q > /dev/null
    # The same scenario on both sides: in every world B - A is exactly 0.
    "$scamsim" compare "$quiet" "$quiet" --posterior post.h5 --draws 4 --replicates 2 -o same.h5 -q > out.txt
    grep -q "Over 4 plausible worlds drawn from the posterior post.h5 (2 pairs each)" out.txt ||
      fail "no worlds table: $(cat out.txt)"
    "$scamsim" summary same.h5 > summary.txt
    diff out.txt summary.txt || fail "summary does not print what compare printed"
    /usr/bin/python3 - <<'PY' || fail "the comparison over the posterior does not read as documented"
import h5py, numpy as np
with h5py.File("same.h5", "r") as f:
    assert f.attrs["draws"] == 4 and f.attrs["pairs_per_draw"] == 2
    assert list(f["pair_draw"][()]) == [0, 0, 1, 1, 2, 2, 3, 3]
    # The same scenario on both sides of every world: B - A is 0 in every world, no world above or below.
    assert np.all(f["worlds/median"][()] == 0) and np.all(f["worlds/share_b_above"][()] == 0)
    assert np.all(f["worlds/worlds"][()] == 4)
PY
    expect_failure 1 "--per-million: only with --posterior" \
      "$scamsim" compare "$quiet" "$quiet" --per-million held_end -o x.h5
    expect_failure 1 "--per-million: 'nothing' is not one of the outcomes" \
      "$scamsim" compare "$quiet" "$quiet" --posterior post.h5 --per-million nothing -o x.h5
    [[ ! -e x.h5 ]] || fail "a refused comparison wrote its output"
    no_temporaries
    ;;
  unfinished_posterior_refused)
    sed "s|\"../quiet.toml\"|\"$quiet\"|; s/^max_generations = 4/max_generations = 12/; s/^population = 60/population = 400/" \
      "$calibration" > long.toml
    # No stop rule but the generations: the run is still going when the signal comes.
    printf 'min_tolerance_drop = 0\nmin_acceptance = 0\n' >> long.toml
    "$scamsim" calibrate long.toml --method abc-smc -o post.h5 --threads 1 > /dev/null 2> err.txt &
    pid=$!
    wait_for_file post.h5 0
    kill -INT "$pid"
    wait "$pid" || true
    if /usr/bin/python3 -c "import h5py, sys; sys.exit(int(h5py.File('post.h5')['/'].attrs['complete']))"; then
      expect_failure 1 "has not finished .*resume it" "$scamsim" run "$quiet" --posterior post.h5 -o over.h5
      [[ ! -e over.h5 ]] || fail "a refused run wrote its output"
    else
      skip "the calibration finished before the signal"
    fi
    ;;
  shipped_posterior_current)
    # The shipped posterior (docs/MODEL.md section 6) is still the one its calibration file makes of the scenario
    # as it is now: a resume has nothing to do and refuses nothing. A change to the crackdown scenario, the
    # baseline or the calibration file fails this test: the posterior is then stale, and is made again with the
    # command in docs/MODEL.md section 6.
    shipped="$src/scenarios/calibration/crackdown_posterior.h5"
    cp "$shipped" copy.h5
    chmod u+w copy.h5
    (cd "$src" && "$scamsim" calibrate scenarios/calibration/crackdown_response.toml --method abc-smc \
      -o "$work/copy.h5" --resume --threads 1) > out.txt 2> err.txt ||
      fail "the shipped posterior is stale; make it again (docs/MODEL.md section 6): $(cat err.txt)"
    cmp "$shipped" copy.h5 || fail "a resume of the finished shipped posterior rewrote it"
    grep -q "stopped: the last generation allowed" out.txt || fail "the shipped posterior is not finished: $(cat out.txt)"
    grep -q "enforcement.risk_perception_spread" out.txt || fail "the summary lacks a parameter: $(cat out.txt)"
    ;;
  *)
    fail "unknown case $case_name"
    ;;
esac
