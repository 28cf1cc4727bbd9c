#!/usr/bin/env bash
# `scamsim sweep --shard I/N` and `--merge` (docs/SWEEPS.md section 10): N shards run apart and merged give the
# file of one process, every dataset bit for bit; merge refuses, naming the file (or the missing index), shards
# of other sweeps or splits, duplicates, unfinished or damaged shards, and writes nothing then; bad --shard
# values name the flag; a shard stopped by SIGTERM resumes like a sweep.
# Usage: sweep_shard_test.sh SCAMSIM SOURCE_DIR WORK_DIR CASE
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

# Every dataset of two files is the same, bit for bit (the root attributes differ: dates, command lines).
same_datasets() { "$python" "$src/tests/app/same_datasets.py" "$1" "$2" > /dev/null || fail "$1 and $2 differ"; }

# `shards SWEEP N PREFIX [ARGS...]`: runs the N shards of a sweep into PREFIX.I.h5.
shards() {
  local sweep=$1 n=$2 prefix=$3
  shift 3
  for ((i = 0; i < n; i++)); do
    "$scamsim" sweep "$sweeps/$sweep.toml" --shard "$i/$n" -o "$prefix.$i.h5" --threads 1 "$@" > out.txt 2> err.txt ||
      fail "shard $i/$n of $sweep: $(cat err.txt)"
  done
}

# The output was not written and nothing was left behind.
wrote_nothing() {
  [[ ! -e $1 ]] || fail "a refused merge wrote $1"
  no_temporaries
  # shellcheck disable=SC2010 # any name at all, dot files included, is what is looked for
  if ls -a | grep -q '\.merge\.'; then fail "a merge's in-progress file was left: $(ls -a)"; fi
}

case "$case_name" in
  merge_same_as_one_process)
    # Grid, Latin hypercube and Morris (whose /sensitivity the merge computes as one process does), 3 shards.
    for sweep in tiny_grid tiny_lhs tiny_morris; do
      "$scamsim" sweep "$sweeps/$sweep.toml" -o one.$sweep.h5 -q --threads 2
      shards "$sweep" 3 shard.$sweep
      grep -q "^scamsim: shard 2/3: .* runs (.* this time) .* wrote shard.$sweep.2.h5" out.txt ||
        fail "the shard's closing line: $(cat out.txt)"
      [[ ! -e shard.$sweep.2.h5.partial ]] || fail "the shard's in-progress file was left"
      # Named in any order.
      "$scamsim" sweep "$sweeps/$sweep.toml" --merge shard.$sweep.2.h5 shard.$sweep.0.h5 shard.$sweep.1.h5 \
        -o merged.$sweep.h5 > out.txt 2> err.txt || fail "merge of $sweep: $(cat err.txt)"
      grep -q "merged 3 shards" out.txt || fail "the merge's closing line: $(cat out.txt)"
      same_datasets one.$sweep.h5 merged.$sweep.h5
      no_temporaries
    done
    "$scamsim" summary merged.tiny_morris.h5 | grep -q "mu\*" || fail "no Morris indices in the merged file's summary"
    # More shards than some have runs for, and one shard: still the same file.
    shards tiny_grid 7 seven
    "$scamsim" sweep "$sweeps/tiny_grid.toml" --merge seven.*.h5 -o seven.h5 -q
    same_datasets one.tiny_grid.h5 seven.h5
    shards tiny_grid 1 alone
    "$scamsim" sweep "$sweeps/tiny_grid.toml" --merge alone.0.h5 -o alone.h5 -q
    same_datasets one.tiny_grid.h5 alone.h5
    # The merged output is not overwritten without --force.
    expect_failure 1 "merged.tiny_grid.h5.*exists" \
      "$scamsim" sweep "$sweeps/tiny_grid.toml" --merge shard.tiny_grid.{0,1,2}.h5 -o merged.tiny_grid.h5
    "$scamsim" sweep "$sweeps/tiny_grid.toml" --merge shard.tiny_grid.{0,1,2}.h5 -o merged.tiny_grid.h5 -q --force
    same_datasets one.tiny_grid.h5 merged.tiny_grid.h5
    ;;
  merge_refusals)
    shards tiny_grid 3 grid
    shards tiny_lhs 3 lhs
    shards tiny_grid 2 two
    shards tiny_grid 3 scaled --set run.scale=0.03
    grid=("$scamsim" sweep "$sweeps/tiny_grid.toml" -o out.h5)
    # A missing shard: its index is named.
    expect_failure 1 "shard 1 of 0 to 2 is missing" "${grid[@]}" --merge grid.0.h5 grid.2.h5
    wrote_nothing out.h5
    # A shard given twice, by the same name or another.
    expect_failure 1 "grid.1.h5: error: is shard 1/3, and so is 'grid.1.h5'" "${grid[@]}" --merge grid.{0,1,1,2}.h5
    wrote_nothing out.h5
    cp grid.2.h5 copy.h5
    expect_failure 1 "copy.h5: error: is shard 2/3, and so is 'grid.2.h5'" "${grid[@]}" --merge grid.{0,1,2}.h5 copy.h5
    wrote_nothing out.h5
    # Shards of another sweep file, of another --set, of another split.
    expect_failure 1 "lhs.1.h5: error: was written for a different sweep file" "${grid[@]}" --merge grid.0.h5 lhs.1.h5 grid.2.h5
    wrote_nothing out.h5
    expect_failure 1 "scaled.1.h5: error: was written with a different base scenario" \
      "${grid[@]}" --merge grid.0.h5 scaled.1.h5 grid.2.h5
    wrote_nothing out.h5
    expect_failure 1 "two.1.h5: error: is shard 1/2 of a split into 2, but 'grid.0.h5' is shard 0/3" \
      "${grid[@]}" --merge grid.0.h5 two.1.h5 grid.2.h5
    wrote_nothing out.h5
    # A shard with a run not finished (its status set back to pending), one with a damaged run.
    cp grid.1.h5 unfinished.h5
    cp grid.1.h5 damaged.h5
    "$python" - <<'PY'
import h5py, numpy as np
with h5py.File("unfinished.h5", "r+") as f:
    s = f["design/status"]; s[1] = 0
with h5py.File("damaged.h5", "r+") as f:
    o = f["outcomes/rerecruited_alpha"]; o[4] = o[4] + 1.0
PY
    expect_failure 1 "unfinished.h5: error: is unfinished: 1 of the 2 runs of shard 1/3 have not run" \
      "${grid[@]}" --merge grid.0.h5 unfinished.h5 grid.2.h5
    wrote_nothing out.h5
    expect_failure 1 "damaged.h5: error: 1 finished runs do not match their checksum \(damaged; run 4 first\)" \
      "${grid[@]}" --merge grid.0.h5 damaged.h5 grid.2.h5
    wrote_nothing out.h5
    # Not a shard: a whole sweep, finished or in progress; not HDF5; missing.
    "$scamsim" sweep "$sweeps/tiny_grid.toml" -o whole.h5 -q
    expect_failure 1 "whole.h5: error: is a finished sweep file" "${grid[@]}" --merge grid.0.h5 whole.h5 grid.2.h5
    cp grid.0.h5 notshard.h5
    "$python" -c 'import h5py; f = h5py.File("notshard.h5", "r+"); del f.attrs["shard_index"], f.attrs["shard_count"]'
    expect_failure 1 "notshard.h5: error: is not a shard file" "${grid[@]}" --merge notshard.h5 grid.1.h5 grid.2.h5
    echo "not hdf5" > text.h5
    expect_failure 1 "text.h5" "${grid[@]}" --merge grid.0.h5 text.h5 grid.2.h5
    expect_failure 1 "nothere.h5" "${grid[@]}" --merge grid.0.h5 nothere.h5 grid.2.h5
    wrote_nothing out.h5
    # The output may not be one of the shards.
    expect_failure 1 "grid.2.h5" "$scamsim" sweep "$sweeps/tiny_grid.toml" --merge grid.{0,1,2}.h5 -o grid.2.h5 --force
    "$scamsim" sweep "$sweeps/tiny_grid.toml" --merge grid.{0,1,2}.h5 -o out.h5 -q
    same_datasets whole.h5 out.h5
    ;;
  bad_flags)
    for bad in 0/0 3/2 2/2 x 1/ /2 -1/2 1/-2 1.5/2 "1 /2" 1/2x; do
      expect_failure 2 "--shard" "$scamsim" sweep "$sweeps/tiny_grid.toml" -o out.h5 --shard "$bad"
      [[ ! -e out.h5 && ! -e out.h5.partial ]] || fail "--shard $bad wrote a file"
    done
    grep -q "I/N" err.txt || fail "the message does not say what --shard takes: $(cat err.txt)"
    expect_failure 2 "--merge" "$scamsim" sweep "$sweeps/tiny_grid.toml" -o out.h5 --shard 0/2 --merge a.h5
    expect_failure 2 "--merge" "$scamsim" sweep "$sweeps/tiny_grid.toml" -o out.h5 --resume --merge a.h5
    # --check and --print-run ignore --shard: they run nothing.
    "$scamsim" sweep "$sweeps/tiny_grid.toml" --check --shard 1/2 | grep -q "valid" || fail "--check with --shard"
    no_temporaries
    ;;
  shard_resumes)
    # A shard stopped as a batch system stops a job, resumed with the same command plus --resume; the shard of
    # another split or the whole sweep is refused on its in-progress file. At 15 times tiny_lhs's scale, so that
    # the shard runs for seconds (at its own scale it ends before the signal).
    slow=(--set run.scale=15)
    "$scamsim" sweep "$sweeps/tiny_lhs.toml" "${slow[@]}" -o whole.h5 -q --threads 2
    "$scamsim" sweep "$sweeps/tiny_lhs.toml" "${slow[@]}" --shard 0/2 -o s.0.h5 -q --threads 1 2> err.txt &
    pid=$!
    wait_for_file s.0.h5.partial 0.3 200
    kill -TERM $pid
    set +e
    wait $pid
    rc=$?
    set -e
    [[ $rc -eq 143 ]] || fail "expected exit 143 after SIGTERM, got $rc: $(cat err.txt)"
    grep -q "^scamsim: shard 0/2: stopped by signal 15; [0-9]* of 16 runs are saved in s.0.h5.partial" err.txt ||
      fail "no closing line naming the shard: $(cat err.txt)"
    [[ -e s.0.h5.partial && ! -e s.0.h5 ]] || fail "the finished runs were not kept: $(ls -a)"
    expect_failure 1 "s.0.h5.partial: error: holds shard 0/2 of this sweep, not shard 1/2" \
      "$scamsim" sweep "$sweeps/tiny_lhs.toml" "${slow[@]}" --shard 1/2 -o s.0.h5 --resume
    expect_failure 1 "s.0.h5.partial: error: holds shard 0/2 of this sweep, not the whole sweep" \
      "$scamsim" sweep "$sweeps/tiny_lhs.toml" "${slow[@]}" -o s.0.h5 --resume
    "$scamsim" sweep "$sweeps/tiny_lhs.toml" "${slow[@]}" --shard 0/2 -o s.0.h5 --resume --threads 2 > out.txt 2> err.txt ||
      fail "resume: $(cat err.txt)"
    grep -q "resuming s.0.h5.partial" err.txt || fail "not resumed: $(cat err.txt)"
    "$scamsim" sweep "$sweeps/tiny_lhs.toml" "${slow[@]}" --shard 1/2 -o s.1.h5 -q --threads 2
    "$scamsim" sweep "$sweeps/tiny_lhs.toml" "${slow[@]}" --merge s.0.h5 s.1.h5 -o merged.h5 -q
    same_datasets whole.h5 merged.h5
    no_temporaries
    ;;
  *)
    fail "unknown case $case_name"
    ;;
esac
echo "PASS: $case_name"
