#!/usr/bin/env bash
# `scamsim export FILE --csv FOLDER` (docs/OUTPUT.md, "CSV export"): the tables of a run, a sweep and a comparison
# file hold what the file holds (read with pandas.read_csv and checked against h5py by check_csv_export.py); bad
# input gives an error naming the file or the flag and exit 1, and no table, folder or temporary is left behind.
# Usage: export_cli_test.sh SCAMSIM SOURCE_DIR WORK_DIR CASE
set -euo pipefail
# shellcheck source=tests/app/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
scamsim=$1
src=$2
work=$3
case_name=$4
fresh_work_dir "$work"
check="/usr/bin/python3 $(dirname "${BASH_SOURCE[0]}")/check_csv_export.py"
tiny="$src/tests/scenarios/tiny.toml"

# Fails if a temporary folder (.NAME.tmp-PID) or a half-written table is left in the current folder.
nothing_left() {
  # shellcheck disable=SC2010 # dot folders are what is looked for
  if ls -a | grep -q '\.tmp-\|\.old-'; then fail "a temporary folder was left behind: $(ls -a)"; fi
}

case "$case_name" in
  run_tables)
    "$scamsim" run "$tiny" -o run.h5 -q --replicates 2 --set run.years=1
    "$scamsim" export run.h5 --csv tables > out.txt || fail "export failed: $(cat out.txt)"
    grep -q "wrote 5 tables of the run file run.h5 into tables: series_by_country.csv" out.txt ||
      fail "closing line: $(cat out.txt)"
    for table in series_by_country series_global metrics countries about; do
      [[ -s tables/$table.csv ]] || fail "no $table.csv: $(ls tables)"
    done
    [[ $(head -1 tables/series_by_country.csv) == "replicate,date,step,country,metric,value" ]] ||
      fail "header: $(head -1 tables/series_by_country.csv)"
    grep -q "^run_scale," tables/about.csv || fail "about.csv does not give the scale: $(cat tables/about.csv)"
    $check run run.h5 tables
    nothing_left
    # -q prints nothing; an existing empty folder is filled.
    mkdir empty
    "$scamsim" export run.h5 --csv empty -q > out.txt
    [[ ! -s out.txt && -s empty/series_global.csv ]] || fail "-q into an empty folder: $(cat out.txt) $(ls empty)"
    ;;
  sweep_tables)
    "$scamsim" sweep "$src/tests/scenarios/sweeps/tiny_grid.toml" -o grid.h5 -q
    "$scamsim" export grid.h5 --csv tables -q
    header=$(head -1 tables/runs.csv)
    [[ $header == "run,point,replicate,seed,status,countries.alpha.host.aftercare_budget_usd_per_year,"* ]] ||
      fail "runs.csv header: $header"
    [[ $header == *",message" ]] || fail "runs.csv has no message column: $header"
    grep -q "^rerecruited_alpha,outcome,people," tables/columns.csv || fail "columns.csv: $(cat tables/columns.csv)"
    $check sweep grid.h5 tables
    # A failed run: its outcomes are empty cells and its message is quoted where it needs to be.
    "$scamsim" sweep "$src/tests/scenarios/sweeps/tiny_failing.toml" -o failing.h5 -q 2> /dev/null
    "$scamsim" export failing.h5 --csv failing -q
    $check sweep failing.h5 failing
    grep -q ",failed," failing/runs.csv || fail "no failed run in runs.csv: $(cat failing/runs.csv)"
    nothing_left
    ;;
  compare_tables)
    "$scamsim" compare "$src/tests/golden/run.toml" "$src/tests/golden/policy.toml" -o cmp.h5 --replicates 2 -q
    "$scamsim" export cmp.h5 --csv tables -q
    [[ $(head -1 tables/pairs.csv) == "pair,outcome,a,b,difference" ]] || fail "pairs.csv: $(head -1 tables/pairs.csv)"
    $check compare cmp.h5 tables
    nothing_left
    ;;
  bad_input_named)
    "$scamsim" run "$tiny" -o run.h5 -q --replicates 1 --set run.years=1
    # The file: missing, not HDF5, another program's HDF5, a folder.
    expect_failure 1 "missing.h5.*no such results file" "$scamsim" export missing.h5 --csv t
    echo "replicate,value" > text.h5
    expect_failure 1 "text.h5.*not an HDF5 file" "$scamsim" export text.h5 --csv t
    /usr/bin/python3 -c 'import h5py; h5py.File("other.h5", "w").create_dataset("x", data=[1])'
    expect_failure 1 "other.h5.*not a scamsim" "$scamsim" export other.h5 --csv t
    mkdir folder.h5
    expect_failure 1 "folder.h5.*is a directory" "$scamsim" export folder.h5 --csv t
    [[ ! -e t ]] || fail "a folder was made for a bad input"
    # The folder: its parent missing, a file, one holding files (untouched without --force), holding the input.
    expect_failure 1 "--csv: the folder '.*/no/such' that would hold 'no/such/t' does not exist" \
      "$scamsim" export run.h5 --csv no/such/t
    echo "keep" > file.txt
    expect_failure 1 "--csv: 'file.txt' is a file; name a folder" "$scamsim" export run.h5 --csv file.txt
    [[ $(cat file.txt) == keep ]] || fail "the file was changed"
    mkdir full && echo "mine" > full/notes.txt
    expect_failure 1 "--csv: the folder 'full' exists and holds files; add --force to replace it" \
      "$scamsim" export run.h5 --csv full
    [[ $(cat full/notes.txt) == mine && $(find full -type f | wc -l) -eq 1 ]] || fail "the folder was touched"
    "$scamsim" export run.h5 --csv full --force -q
    [[ ! -e full/notes.txt && -s full/series_by_country.csv ]] || fail "--force did not replace it: $(ls full)"
    mkdir inside && cp run.h5 inside/
    expect_failure 1 "--csv: 'inside' holds the input 'inside/run.h5'" "$scamsim" export inside/run.h5 --csv inside \
      --force
    [[ -s inside/run.h5 ]] || fail "the input was deleted"
    # The command line: --csv is required.
    expect_failure 2 "--csv is required" "$scamsim" export run.h5
    nothing_left
    ;;
  unwritable_or_full_leaves_nothing)
    "$scamsim" run "$tiny" -o run.h5 -q --replicates 2 --set run.years=1
    # Root passes permission checks: a read-only and a tiny tmpfs in a private mount namespace (as
    # output_cli_test.sh does); without one, only permissions, for a user other than root.
    if ! unshare -rm true 2> /dev/null; then
      if [[ $(id -u) -eq 0 ]]; then skip "running as root without unshare: no way to make a folder root cannot write"; fi
      mkdir ro && chmod 555 ro
      expect_failure 1 "--csv: cannot write in the folder '.*ro': Permission denied" "$scamsim" export run.h5 --csv ro/t
      chmod 755 ro
      exit 0
    fi
    mkdir ro small
    expect_failure 1 "--csv: cannot write in the folder '.*ro': Read-only file system" \
      unshare -rm sh -c "mount -t tmpfs -o ro,size=1m tmpfs ro && exec \"$scamsim\" export run.h5 --csv ro/t"
    # 64 KiB of disk: the series table does not fit. The error names the table; nothing is left on that disk.
    expect_failure 1 "--csv: cannot write '.*small/\.t\.tmp-[0-9]+/series_by_country.csv': No space left on device" \
      unshare -rm sh -c "mount -t tmpfs -o size=64k tmpfs small && \"$scamsim\" export run.h5 --csv small/t;
        rc=\$?; ls -A small > small-left.txt; exit \$rc"
    [[ ! -s small-left.txt ]] || fail "the full disk was left holding: $(cat small-left.txt)"
    nothing_left
    ;;
  *)
    fail "unknown case $case_name"
    ;;
esac
echo "ok: $case_name"
