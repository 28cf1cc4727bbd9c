#!/usr/bin/env bash
# The golden-file test of one command (tests/golden/README.md): runs SCAMSIM on the golden inputs in this
# folder and checks the result's digest against the checked-in golden file.
#   golden_test.sh SCAMSIM run|sweep|compare [THREADS]      (ctest runs it; exit 0 = identical)
#   golden_test.sh SCAMSIM run|sweep|compare THREADS write  (scripts/update-golden runs it)
set -euo pipefail
scamsim=$(realpath "$1")
kind=$2
threads=${3:-2}
mode=${4:-check}
here=$(cd "$(dirname "$0")" && pwd)
python=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$here"  # the inputs are named relative to here, as they are recorded in the files
case "$kind" in
  run) "$scamsim" run run.toml -o "$work/out.h5" --threads "$threads" -q ;;
  sweep) "$scamsim" sweep sweep.toml -o "$work/out.h5" --threads "$threads" -q ;;
  compare) "$scamsim" compare run.toml policy.toml -o "$work/out.h5" --replicates 2 --threads "$threads" -q >/dev/null ;;
  *) echo "golden_test.sh: unknown kind '$kind' (run, sweep or compare)" >&2; exit 2 ;;
esac
"$python" "$here/digest.py" "$mode" "$work/out.h5" "$here/$kind.golden.json"
