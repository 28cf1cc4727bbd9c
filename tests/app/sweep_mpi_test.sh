#!/usr/bin/env bash
# `scamsim sweep` under mpirun (docs/CLUSTER.md): the file is the one a
# single process writes, bit for bit; a sweep stopped (one process or MPI)
# and resumed under MPI equals one that never stopped; a failed run is
# recorded; errors are reported once and every rank exits non-zero.
# Usage: sweep_mpi_test.sh SCAMSIM SOURCE_DIR WORK_DIR CASE MPIEXEC
set -euo pipefail
# shellcheck source=tests/app/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
scamsim=$1
src=$2
work=$3
case_name=$4
mpiexec=$5
fresh_work_dir "$work"
sweeps="$src/tests/scenarios/sweeps"
python=/usr/bin/python3

# Root in containers needs --allow-run-as-root; --oversubscribe lets 3 ranks share fewer cores; the shared-memory
# transport's single-copy mechanism (CMA) needs ptrace rights that containers often lack, and copying through
# the shared buffer instead is as fast for these small messages.
export OMPI_MCA_btl_vader_single_copy_mechanism=none
# Under AddressSanitizer, Open MPI's components leak what MPI_Init allocates and are unloaded by MPI_Finalize,
# so no suppression can name them: leaks are looked for in the one-process tests only.
mpirun_=("$mpiexec" --allow-run-as-root --oversubscribe)
if [[ -n ${ASAN_OPTIONS:-} ]]; then mpirun_=(env "ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0" "${mpirun_[@]}"); fi
mpi() {
  local ranks=$1
  shift
  "${mpirun_[@]}" -np "$ranks" "$@"
}

# Two sweep files hold the same results (the root attributes differ: dates, command lines).
same_sweep() {
  for group in /design /outcomes /run /parameter /outcome /by_country /time /country /sensitivity; do
    if [[ $group == /by_country || $group == /time || $group == /country || $group == /sensitivity ]]; then
      h5ls "$1/$group" > /dev/null 2>&1 || continue
    fi
    h5diff -q "$1" "$2" "$group" "$group" || fail "$group differs between $1 and $2"
  done
}

# Waits (up to 20 s: three ranks start slowly) for a sweep's in-progress file, then a little longer.
wait_for_partial() { wait_for_file "$1" "${2:-0.2}" 400; }

# Runs a command that must fail with exit code $1 and a message matching $2 on stderr, printed once.
expect_failure_once() {
  local rc_expected=$1 pattern=$2
  shift 2
  expect_exit "$rc_expected" "$@"
  local n
  n=$(grep -c -- "$pattern" err.txt || true)
  [[ $n -eq 1 ]] || fail "message '$pattern' printed $n times: $(cat err.txt)"
}

case "$case_name" in
  same_as_one_process)
    for sweep in tiny_grid tiny_lhs tiny_morris; do
      "$scamsim" sweep "$sweeps/$sweep.toml" -o one.$sweep.h5 -q --threads 2
      mpi 3 "$scamsim" sweep "$sweeps/$sweep.toml" -o mpi.$sweep.h5 --threads 1 > out.txt 2> err.txt ||
        fail "mpirun sweep $sweep failed: $(cat err.txt)"
      [[ -f mpi.$sweep.h5 && ! -e mpi.$sweep.h5.partial ]] || fail "no output, or the in-progress file was left"
      same_sweep one.$sweep.h5 mpi.$sweep.h5
      [[ $(grep -c "runs (" out.txt) -eq 1 ]] || fail "the closing line is not printed once: $(cat out.txt)"
      grep -q "on 3 ranks x 1 threads" out.txt || fail "the closing line does not name the ranks: $(cat out.txt)"
    done
    "$scamsim" summary mpi.tiny_morris.h5 | grep -q "mu\*" || fail "no Morris indices in the MPI sweep's summary"
    # --check and --print-run: rank 0 alone prints.
    mpi 3 "$scamsim" sweep "$sweeps/tiny_grid.toml" --check > out.txt 2> err.txt || fail "--check: $(cat err.txt)"
    [[ $(grep -c "valid" out.txt) -eq 1 ]] || fail "--check printed $(grep -c valid out.txt) times"
    mpi 3 "$scamsim" sweep "$sweeps/tiny_lhs.toml" --print-run 5 > run5.toml 2> err.txt || fail "--print-run"
    "$scamsim" sweep "$sweeps/tiny_lhs.toml" --print-run 5 > run5.one.toml
    cmp run5.toml run5.one.toml || fail "--print-run under mpirun differs from one process"
    ;;
  resume_from_one_process)
    slow=(--set run.scale=40)  # runs long enough that the signal lands while they are in flight
    "$scamsim" sweep "$sweeps/tiny_lhs.toml" "${slow[@]}" -o whole.h5 -q --threads 2
    # A one-process sweep stopped midway, resumed under MPI.
    "$scamsim" sweep "$sweeps/tiny_lhs.toml" "${slow[@]}" -o stopped.h5 -q --threads 1 2> err.txt &
    pid=$!
    wait_for_partial stopped.h5.partial 0.3
    kill -INT $pid
    set +e
    wait $pid
    rc=$?
    set -e
    [[ $rc -eq 130 || $rc -eq 0 ]] || fail "expected exit 130 after SIGINT, got $rc: $(cat err.txt)"
    if [[ $rc -eq 130 ]]; then
      [[ -e stopped.h5.partial && ! -e stopped.h5 ]] || fail "the finished runs were not kept: $(ls -a)"
      "$scamsim" summary stopped.h5.partial | grep "pending" || fail "the in-progress file does not read"
      # Without --resume the unfinished sweep is refused, once.
      expect_failure_once 1 "add --resume" mpi 3 "$scamsim" sweep "$sweeps/tiny_lhs.toml" "${slow[@]}" -o stopped.h5 -q
      mpi 3 "$scamsim" sweep "$sweeps/tiny_lhs.toml" "${slow[@]}" -o stopped.h5 --resume --threads 1 > out.txt 2> err.txt ||
        fail "resume under mpirun failed: $(cat err.txt)"
      grep -q "resuming" err.txt || fail "no word of resuming: $(cat err.txt)"
    fi
    same_sweep whole.h5 stopped.h5
    ;;
  resume_after_mpi_stop)
    # Longer runs than the file's (scale 40, a few seconds in all), so that the signal lands while runs are
    # in flight.
    slow=(--set run.scale=40)
    "$scamsim" sweep "$sweeps/tiny_lhs.toml" -o whole.h5 -q --threads 2 "${slow[@]}"
    # An MPI sweep stopped as a batch system stops a job: SIGTERM to mpirun, which passes it to every rank.
    # Not through mpi(): in the background a function runs in a subshell, and $! would be the subshell's.
    # mpirun SIGKILLs its ranks 1 s after passing on a SIGTERM (odls_base_sigkill_timeout); a loaded machine can
    # take longer to finish the step, close the file and print how to resume, so give them the 10 s docs/CLUSTER.md
    # recommends.
    "${mpirun_[@]}" --mca odls_base_sigkill_timeout 10 -np 3 "$scamsim" sweep "$sweeps/tiny_lhs.toml" -o stopped.h5 \
      -q --threads 1 "${slow[@]}" \
      > out.txt 2> err.txt &
    pid=$!
    wait_for_partial stopped.h5.partial 1
    kill -TERM $pid
    set +e
    wait $pid
    rc=$?
    set -e
    # mpirun may return before its ranks have closed their files: wait until the in-progress file is free.
    for _ in $(seq 100); do
      [[ -e stopped.h5 ]] && break
      "$scamsim" summary stopped.h5.partial > summary.txt 2> /dev/null && break
      sleep 0.1
    done
    if [[ -e stopped.h5.partial ]]; then
      [[ $rc -ne 0 ]] || fail "mpirun exited 0 although the sweep was stopped: $(cat err.txt)"
      [[ $(grep -c -- "--resume" err.txt) -eq 1 ]] || fail "the message on how to go on is not printed once: $(cat err.txt)"
      "$scamsim" summary stopped.h5.partial | grep "pending" || fail "the in-progress file does not read"
      mpi 3 "$scamsim" sweep "$sweeps/tiny_lhs.toml" -o stopped.h5 --resume --threads 1 -q "${slow[@]}" 2> err.txt ||
        fail "resume under mpirun failed: $(cat err.txt)"
    fi
    [[ -f stopped.h5 && ! -e stopped.h5.partial ]] || fail "resume did not finish the file: $(ls -a)"
    same_sweep whole.h5 stopped.h5
    no_temporaries
    ;;
  failed_run_recorded)
    "$scamsim" sweep "$sweeps/tiny_failing.toml" -o one.h5 -q
    mpi 3 "$scamsim" sweep "$sweeps/tiny_failing.toml" -o failing.h5 -q --threads 1 2> err.txt ||
      fail "exit $? with a failed run: $(cat err.txt)"
    [[ $(grep -c "1 of 4 runs failed" err.txt) -eq 1 ]] || fail "the failed run is not reported once: $(cat err.txt)"
    "$python" - failing.h5 <<'EOF'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    assert list(f["design/status"][:]) == [1, 2, 1, 1], f["design/status"][:]
    assert "no nationality" in f["design/message"].asstr()[1]
    assert np.isnan(f["outcomes/held_end"][1])
EOF
    same_sweep one.h5 failing.h5
    ;;
  errors_once)
    # A problem found on rank 0 ends every rank with its exit code, the message printed once.
    "$scamsim" sweep "$sweeps/tiny_grid.toml" -o e.h5 -q
    expect_failure_once 1 "e.h5' exists; add --force" mpi 3 "$scamsim" sweep "$sweeps/tiny_grid.toml" -o e.h5
    expect_failure_once 1 "did you mean 'replicates'" mpi 3 "$scamsim" sweep "$sweeps/bad/unknown_key_root.toml" \
      -o bad.h5
    [[ ! -e bad.h5 && ! -e bad.h5.partial ]] || fail "a file was written for a bad sweep"
    echo "not a sweep" > f.h5.partial
    expect_failure_once 1 "not an HDF5 file" mpi 3 "$scamsim" sweep "$sweeps/tiny_grid.toml" -o f.h5 --resume
    ;;
  srun_environment_one_sweep)
    # srun --mpi=pmix exports no MPI size, only Slurm's step (SLURM_STEP_NUM_TASKS, SLURM_PROCID) and PMIx's rank:
    # ranks that see only those are one sweep too. mpirun starts the ranks (no Slurm here) and its size variable
    # is removed, so only the Slurm variables can tell them; each taking itself for a lone process would run the
    # whole sweep into the same file.
    "$scamsim" sweep "$sweeps/tiny_grid.toml" -o one.h5 -q --threads 2
    mpi 3 env -u OMPI_COMM_WORLD_SIZE -u PMI_SIZE SLURM_STEP_NUM_TASKS=3 SLURM_PROCID=0 \
      "$scamsim" sweep "$sweeps/tiny_grid.toml" -o srun.h5 --threads 1 > out.txt 2> err.txt ||
      fail "the sweep with srun's environment failed: $(cat err.txt)"
    [[ $(grep -c "runs (" out.txt) -eq 1 ]] || fail "the closing line is not printed once: $(cat out.txt)"
    grep -q "on 3 ranks x 1 threads" out.txt || fail "the closing line does not name the ranks: $(cat out.txt)"
    same_sweep one.h5 srun.h5
    ;;
  srun_without_pmi_refused)
    # srun without PMI (--mpi=none) starts tasks that MPI cannot connect: each finds itself alone, says so and
    # writes nothing (before, each ran the whole sweep into the same file). No mpirun: the process is alone.
    expect_exit 1 env SLURM_STEP_NUM_TASKS=2 SLURM_PROCID=0 "$scamsim" sweep "$sweeps/tiny_grid.toml" -o alone.h5
    grep -q "started as one of 2 processes by srun (SLURM_STEP_NUM_TASKS=2), but MPI sees 1 rank" err.txt ||
      fail "no message naming the launch: $(cat err.txt)"
    [[ ! -e alone.h5 && ! -e alone.h5.partial ]] || fail "a file was written: $(ls -a)"
    ;;
  sbatch_environment_one_process)
    # A batch script of a job with several tasks (SLURM_NTASKS=4) that runs scamsim itself, without srun or
    # mpirun, is one process: it must not wait for ranks that never come.
    "$scamsim" sweep "$sweeps/tiny_grid.toml" -o one.h5 -q --threads 2
    timeout 120 env SLURM_JOB_ID=7 SLURM_NTASKS=4 SLURM_PROCID=0 SLURM_LOCALID=0 \
      "$scamsim" sweep "$sweeps/tiny_grid.toml" -o batch.h5 --threads 2 > out.txt 2> err.txt ||
      fail "the sweep in a batch script's environment failed: $(cat err.txt)"
    grep -q "on 2 threads" out.txt || fail "it did not run as one process: $(cat out.txt)"
    same_sweep one.h5 batch.h5
    ;;
  scancel_stops_every_process)
    # scancel as Slurm does it: SIGTERM to every process of the job at once (mpirun and each rank), with mpirun's
    # default SIGKILL a second later. Rank 0 says at once that the sweep was interrupted and where its runs are,
    # once; the runs it recorded are whole, and resuming gives the file of a sweep never stopped.
    slow=(--set run.scale=40)
    "$scamsim" sweep "$sweeps/tiny_lhs.toml" -o whole.h5 -q --threads 2 "${slow[@]}"
    "${mpirun_[@]}" -np 3 "$scamsim" sweep "$sweeps/tiny_lhs.toml" -o stopped.h5 -q --threads 1 "${slow[@]}" \
      > out.txt 2> stop.err.txt &
    pid=$!
    wait_for_partial stopped.h5.partial 1
    # mpirun and the ranks it started (its children), in one kill.
    mapfile -t ranks < <(awk -v parent="$pid" '$4 == parent {print $1}' /proc/[0-9]*/stat 2> /dev/null || true)
    [[ ${#ranks[@]} -eq 3 ]] || fail "expected mpirun to have 3 ranks as children, found ${#ranks[@]}"
    kill -TERM "$pid" "${ranks[@]}"
    set +e
    wait $pid
    rc=$?
    set -e
    for _ in $(seq 100); do
      [[ -e stopped.h5 ]] && break
      "$scamsim" summary stopped.h5.partial > summary.txt 2> /dev/null && break
      sleep 0.1
    done
    if [[ -e stopped.h5.partial ]]; then
      [[ $rc -ne 0 ]] || fail "mpirun exited 0 although the sweep was stopped: $(cat stop.err.txt)"
      [[ $(grep -c "interrupted by signal 15; stopping: the runs in flight are dropped, the finished ones are kept \
in stopped.h5.partial" stop.err.txt) -eq 1 ]] || fail "the interruption is not announced once: $(cat stop.err.txt)"
      "$scamsim" summary stopped.h5.partial | grep "pending" || fail "the in-progress file does not read"
      mpi 3 "$scamsim" sweep "$sweeps/tiny_lhs.toml" -o stopped.h5 --resume --threads 1 -q "${slow[@]}" 2> err.txt ||
        fail "resume under mpirun failed: $(cat err.txt)"
    fi
    [[ -f stopped.h5 && ! -e stopped.h5.partial ]] || fail "resume did not finish the file: $(ls -a)"
    same_sweep whole.h5 stopped.h5
    no_temporaries
    ;;
  *)
    fail "unknown case $case_name"
    ;;
esac
echo "ok: $case_name"
