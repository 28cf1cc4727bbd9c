#!/usr/bin/env bash
# scamsim sweeps under a real Slurm (docs/CLUSTER.md section 4): a one-node
# cluster started by this test (munged, slurmctld and slurmd on this machine,
# from Debian's slurm-wlm and munge, with a slurm.conf written here and
# every daemon stopped on exit), then the job script of docs/CLUSTER.md under
# `srun --mpi=pmix` and under `mpirun`, a job array of --shard tasks and a
# merge job after it, and a job cancelled with scancel and submitted again
# (--resume): every file equals the one-process sweep, bit for bit, and the
# cancelled job's log says it was interrupted by signal 15.
#
# Skips (exit 77) only when the cluster cannot start here: the daemons are
# not installed, not root, or they do not come up (their logs are printed).
# Proctrack linuxproc, task/none and no cgroups let them start in a container.
# Usage: slurm_test.sh SCAMSIM SOURCE_DIR WORK_DIR
set -euo pipefail
# shellcheck source=tests/app/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../app/lib.sh"
scamsim=$(realpath "$1")
src=$(realpath "$2")
work=$3
fresh_work_dir "$work"
work=$(pwd)
python=/usr/bin/python3
sweeps="$src/tests/scenarios/sweeps"

for tool in munged slurmctld slurmd sbatch srun squeue scontrol scancel sinfo; do
  command -v "$tool" > /dev/null || [[ -x /usr/sbin/$tool ]] ||
    skip "no $tool: install slurm-wlm and munge (scripts/install-deps) to run the Slurm test"
done
[[ $(id -u) -eq 0 ]] || skip "the test's slurmd runs jobs as root, so it must run as root"
export PATH=$PATH:/usr/sbin

# ---------------------------------------------------------------- the cluster
cluster=$work/cluster
mkdir -p "$cluster/state" "$cluster/spool" "$cluster/munge" jobs
chmod 711 "$cluster/munge"
pids=()
stop_cluster() {
  local pid
  scancel --quiet --partition=test 2> /dev/null || true
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2> /dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2> /dev/null || true
  done
}
trap stop_cluster EXIT

# Free TCP ports, so that the test never meets another Slurm on this machine.
read -r ctld_port slurmd_port < <("$python" -c '
import socket
ss = [socket.socket() for _ in range(2)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')
node=scamsimtest
dd if=/dev/urandom of="$cluster/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$cluster/munge/munge.key"
socket=$cluster/munge/munge.socket
munged --force --foreground --socket="$socket" --key-file="$cluster/munge/munge.key" \
  --pid-file="$cluster/munge/munged.pid" --log-file="$cluster/munge/munged.log" \
  --seed-file="$cluster/munge/munged.seed" > "$cluster/munge/munged.out" 2>&1 &
pids+=($!)
export SLURM_CONF=$cluster/slurm.conf
cat > "$SLURM_CONF" << CONF
# A one-node cluster for the test: everything under $cluster, root runs the daemons and the jobs.
ClusterName=scamsimtest
SlurmctldHost=$(hostname -s)(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$cluster/state
SlurmdSpoolDir=$cluster/spool
SlurmctldPidFile=$cluster/slurmctld.pid
SlurmdPidFile=$cluster/slurmd.pid
SlurmctldLogFile=$cluster/slurmctld.log
SlurmdLogFile=$cluster/slurmd.log
# No cgroups, no systemd: what a container allows.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
# The clean stop of docs/CLUSTER.md section 5 has this long after SIGTERM.
KillWait=10
SlurmdParameters=config_overrides
NodeName=$node NodeHostname=$(hostname -s) NodeAddr=127.0.0.1 CPUs=4 RealMemory=1000 State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF
slurmctld -D -i -f "$SLURM_CONF" > "$cluster/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -N "$node" -f "$SLURM_CONF" > "$cluster/slurmd.out" 2>&1 &
pids+=($!)
up=0
for _ in $(seq 150); do
  if sinfo -h -N -o "%t" 2> /dev/null | grep -qE "^idle"; then
    up=1
    break
  fi
  sleep 0.2
done
if [[ $up -ne 1 ]]; then
  for log in munge/munged.log slurmctld.log slurmd.log slurmctld.out slurmd.out; do
    echo "--- $log"
    tail -n 15 "$cluster/$log" 2> /dev/null || true
  done
  skip "the one-node Slurm cluster did not start on this machine (logs above)"
fi
echo "Slurm is up: $(sinfo -h -o '%P %D %t %C')"

# ---------------------------------------------------------------- the jobs
# Open MPI as root in a container (docs/CLUSTER.md section 2); sbatch passes the environment on to the jobs.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
sweep=$sweeps/tiny_lhs.toml
"$scamsim" sweep "$sweep" -o one.h5 -q --threads 2

# Every dataset of two files is the same, bit for bit (the root attributes differ: dates, command lines).
same_datasets() { "$python" "$src/tests/app/same_datasets.py" "$1" "$2" || fail "$1 and $2 differ"; }

# `job NAME LAUNCH [ARGUMENT...]`: the job script of docs/CLUSTER.md section 4 for one node of three ranks of one
# thread, LAUNCH the launcher (mpirun or srun --mpi=pmix), ARGUMENTs added to scamsim sweep's; its output is
# results/NAME.h5.
job() {
  local name=$1 launch=$2
  shift 2
  cat > "jobs/$name.sbatch" << JOB
#!/bin/bash
#SBATCH --job-name=$name
#SBATCH --nodes=1
#SBATCH --ntasks-per-node=3
#SBATCH --cpus-per-task=1
#SBATCH --time=00:10:00
#SBATCH --output=jobs/%x-%j.log
cd "\$SLURM_SUBMIT_DIR"
mkdir -p results
export OMPI_MCA_odls_base_sigkill_timeout=10
$launch "$scamsim" sweep "$sweep" -o results/$name.h5 --threads "\$SLURM_CPUS_PER_TASK" --resume $*
JOB
}

# `submit_wait [SBATCH-OPTION...] SCRIPT`: submits and waits for the job's end; fails unless it succeeded (the
# logs are printed on exit).
submit_wait() { sbatch --parsable --wait "$@" > /dev/null || fail "job ${*: -1} failed"; }

# The jobs' logs, for the test's output when something fails.
show_logs() { for log in jobs/*.log; do echo "--- $log"; cat "$log"; done; }
trap 'show_logs; stop_cluster' EXIT

start=$(date +%s)
echo "== srun --mpi=pmix"
job pmix "srun --mpi=pmix"
submit_wait jobs/pmix.sbatch
same_datasets one.h5 results/pmix.h5
grep -q "on 3 ranks x 1 threads" jobs/pmix-*.log || fail "the pmix job did not run on 3 ranks: $(cat jobs/pmix-*.log)"

echo "== mpirun"
job mpirun mpirun
submit_wait jobs/mpirun.sbatch
same_datasets one.h5 results/mpirun.h5
grep -q "on 3 ranks x 1 threads" jobs/mpirun-*.log || fail "the mpirun job did not run on 3 ranks"

echo "== a job array of shards, then a merge job after it"
cat > jobs/shards.sbatch << JOB
#!/bin/bash
#SBATCH --job-name=shards
#SBATCH --array=0-2
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --output=jobs/%x-%A_%a.log
cd "\$SLURM_SUBMIT_DIR"
mkdir -p shards
"$scamsim" sweep "$sweep" --shard "\$SLURM_ARRAY_TASK_ID/3" -o "shards/tiny_lhs.\$SLURM_ARRAY_TASK_ID.h5" \\
  --threads "\$SLURM_CPUS_PER_TASK" --resume
JOB
cat > jobs/merge.sbatch << JOB
#!/bin/bash
#SBATCH --job-name=merge
#SBATCH --ntasks=1
#SBATCH --output=jobs/%x-%j.log
cd "\$SLURM_SUBMIT_DIR"
"$scamsim" sweep "$sweep" --merge shards/tiny_lhs.*.h5 -o results/merged.h5
JOB
array=$(sbatch --parsable jobs/shards.sbatch)
submit_wait "--dependency=afterok:$array" jobs/merge.sbatch
same_datasets one.h5 results/merged.h5
[[ $(grep -l "^scamsim: shard [0-2]/3: " jobs/shards-*.log | wc -l) -eq 3 ]] || fail "not every shard task finished"

# `cancel_and_resubmit NAME LAUNCH`: the job script under LAUNCH, cancelled with scancel while it runs, then
# submitted again: the second job resumes, and the file equals the one-process sweep.
# Runs about fifteen times as long as the others (four years at 15 times tiny_lhs's scale: a few seconds), so that the
# job is cancelled while it runs.
longer=(--set run.years=4 --set run.scale=15)
"$scamsim" sweep "$sweep" -o one.longer.h5 -q --threads 2 "${longer[@]}"
cancel_and_resubmit() {
  local name=$1 launch=$2 id
  job "$name" "$launch" "${longer[@]}"
  id=$(sbatch --parsable "jobs/$name.sbatch")
  wait_for_file "results/$name.h5.partial" 1 1200
  scancel "$id"
  for _ in $(seq 600); do
    squeue -h -j "$id" 2> /dev/null | grep -q . || break
    sleep 0.1
  done
  cancelled_log=jobs/$name-$id.log
  grep -q "CANCELLED" "$cancelled_log" || fail "job $name was not cancelled: $(cat "$cancelled_log")"
  [[ -e results/$name.h5.partial && ! -e results/$name.h5 ]] || fail "the cancelled job finished the sweep"
  submit_wait "jobs/$name.sbatch"
  grep -q "resuming results/$name.h5.partial: [1-9][0-9]* of 32 runs done" jobs/"$name"-*.log ||
    fail "the second job did not resume the runs of the first"
  same_datasets one.longer.h5 "results/$name.h5"
}

echo "== scancel under srun --mpi=pmix, then the same job again"
cancel_and_resubmit cancelled_srun "srun --mpi=pmix"
# slurmstepd writes the ranks' output to the log until they exit: both lines of docs/CLUSTER.md section 5 are there.
grep -q "^scamsim: interrupted by signal 15; stopping: the runs in flight are dropped, the finished ones are kept in \
results/cancelled_srun.h5.partial" "$cancelled_log" ||
  fail "the cancelled job's log does not say it was interrupted by signal 15: $(cat "$cancelled_log")"
grep -q "^scamsim: stopped by signal 15; [0-9]* of 32 runs are saved in results/cancelled_srun.h5.partial" \
  "$cancelled_log" || fail "the cancelled job's log does not say how many runs were saved: $(cat "$cancelled_log")"

echo "== scancel under mpirun, then the same job again"
# Slurm signals mpirun too, which exits at once: what the ranks print after it is lost (docs/CLUSTER.md section 5),
# so only the runs are checked here.
cancel_and_resubmit cancelled_mpirun mpirun

trap stop_cluster EXIT
echo "PASS: Slurm jobs in $(($(date +%s) - start)) s"
