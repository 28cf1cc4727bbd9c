#!/usr/bin/env bash
# The calendar engine against the reference scan (docs/MODEL.md section 3): one shipped scenario, at the scale
# the file gives (1:1 for every shipped scenario), run with each engine; every dataset must be the same bit
# for bit. The replicates are the file's, capped at 2 to keep CI short; the unit test
# "The calendar engine gives the scan's record bit for bit..." covers 2 replicates of every scenario at 5%.
# Usage: engine_reference_test.sh SCAMSIM SOURCE_DIR WORK_DIR SCENARIO
set -euo pipefail
# shellcheck source=tests/app/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
scamsim=$1
src=$2
work=$3
scenario=$4
fresh_work_dir "$work"

replicates=$(awk -F= '/^\[run\]/{r=1;next} /^\[/{r=0} r && $1 ~ /^replicates *$/ {gsub(/[^0-9]/,"",$2); print $2; exit}' "$scenario")
[[ -n "$replicates" && "$replicates" -lt 2 ]] || replicates=2
"$scamsim" run "$scenario" -o calendar.h5 -q --replicates "$replicates" ||
  fail "the calendar engine did not run $scenario"
"$scamsim" run "$scenario" -o scan.h5 -q --replicates "$replicates" --engine scan ||
  fail "the scan engine did not run $scenario"
/usr/bin/python3 "$src/tests/app/same_datasets.py" calendar.h5 scan.h5 || fail "the engines differ on $scenario"

# A bad engine is refused by name, before any work.
expect_failure 2 "--engine" "$scamsim" run "$scenario" -o bad.h5 --engine heap
[[ ! -e bad.h5 ]] || fail "a refused --engine left a file"
echo "ok: $(basename "$scenario") ($replicates replicates), both engines the same"
