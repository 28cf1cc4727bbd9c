#!/usr/bin/env bash
# `scamsim calibrate --method abc-smc` under mpirun (docs/CALIBRATION.md, "Running it"): the posterior file is the
# one a single process writes, bit for bit; a calibration begun on one process goes on under MPI to the same file;
# the point fit refuses to run as several ranks.
# Usage: calibrate_mpi_test.sh SCAMSIM SOURCE_DIR WORK_DIR CASE MPIEXEC
set -euo pipefail
# shellcheck source=tests/app/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
scamsim=$1
src=$2
work=$3
case_name=$4
mpiexec=$5
fresh_work_dir "$work"
calibration="$src/tests/scenarios/calibration/quiet_escapes_abc.toml"
quiet="$src/tests/scenarios/quiet.toml"
same="$src/tests/app/same_datasets.py"

# As in sweep_mpi_test.sh: root in containers, ranks sharing cores, no CMA, no leak checks of Open MPI itself.
export OMPI_MCA_btl_vader_single_copy_mechanism=none
mpirun_=("$mpiexec" --allow-run-as-root --oversubscribe)
if [[ -n ${ASAN_OPTIONS:-} ]]; then mpirun_=(env "ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0" "${mpirun_[@]}"); fi
mpi() {
  local ranks=$1
  shift
  "${mpirun_[@]}" -np "$ranks" "$@"
}

case "$case_name" in
  same_as_one_process)
    "$scamsim" calibrate "$calibration" --method abc-smc -o one.h5 --threads 1 -q > /dev/null
    mpi 3 "$scamsim" calibrate "$calibration" --method abc-smc -o three.h5 --threads 1 > out.txt 2> err.txt ||
      fail "the calibration under mpirun failed: $(cat err.txt)"
    grep -q "3 ranks x 1 threads" out.txt || fail "the closing line does not give the ranks: $(tail -2 out.txt)"
    [[ $(grep -c "^calibrate: generation" err.txt) -eq 4 ]] || fail "not one progress line per generation: $(cat err.txt)"
    /usr/bin/python3 "$same" one.h5 three.h5 || fail "a calibration over 3 ranks differs from one on one process"
    no_temporaries
    ;;
  resume_under_mpi)
    "$scamsim" calibrate "$calibration" --method abc-smc -o whole.h5 --threads 2 -q > /dev/null
    # Two generations on one process, then the rest under MPI: the file allows more generations than it made.
    sed "s|\"../quiet.toml\"|\"$quiet\"|; s/^max_generations = 4/max_generations = 2/" "$calibration" > two.toml
    "$scamsim" calibrate two.toml --method abc-smc -o part.h5 --threads 2 -q > /dev/null
    mpi 2 "$scamsim" calibrate "$calibration" --method abc-smc -o part.h5 --resume --threads 1 > /dev/null 2> err.txt ||
      fail "the resume under mpirun failed: $(cat err.txt)"
    grep -q "going on from 2 generations" err.txt || fail "the resume does not say where it goes on from: $(cat err.txt)"
    /usr/bin/python3 "$same" whole.h5 part.h5 || fail "a calibration resumed under MPI differs from one that never stopped"
    ;;
  bad_input_under_mpi)
    expect_failure 1 "--method point runs as one process" mpi 2 "$scamsim" calibrate "$calibration" -o fit.toml
    [[ ! -e fit.toml ]] || fail "a refused point fit wrote its output"
    sed 's/^population = 60/population = 1/' "$calibration" > bad.toml
    sed -i "s|\"../quiet.toml\"|\"$quiet\"|" bad.toml
    expect_failure 1 "abc.population" mpi 2 "$scamsim" calibrate bad.toml --method abc-smc -o post.h5
    [[ ! -e post.h5 ]] || fail "a refused calibration wrote its output"
    no_temporaries
    ;;
  *)
    fail "unknown case $case_name"
    ;;
esac
