#!/bin/sh
# test_slurm.sh CAREREACH: a tile plan's job scripts on a real Slurm (docs/cli/tile.md#running-the-tiles).
# Starts a single-node Slurm of its own in a temporary folder — Debian 12's slurm-wlm (Slurm 22.05): slurmctld and
# slurmd on 127.0.0.1, on free ports, as the current user (root in CI), with AuthType=auth/none and CredType=cred/none
# so no munge daemon and key are needed — waits until the node is idle, then:
#   1. submits the plan's slurm.sbatch (one job array, the largest tile's --mem and --time) and waits for it: every
#      array task ended COMPLETED with exit 0, and every tile's run folder holds run.json;
#   2. removes the run folders and submits with submit_slurm.sh --max-array-size 1 (one array per tile, each with
#      the offset of its tile and its size class's --mem and --time, computed by hand in make_plan.sh): the same;
#   3. breaks one tile's scenario and submits slurm.sbatch again: that task fails with carereach's exit code 3.
# The daemons are stopped on every exit (trap). Exit 77 (skipped, with the reason) when Slurm is not installed
# (scripts/install-deps.sh --tests installs it; CI runs this test).
# The plan is the hand-made one of make_plan.sh: its tiles are ordinary small scenarios, not [tile] scenarios.
set -u
carereach=$1
here=$(cd "$(dirname "$0")" && pwd)

for tool in slurmctld slurmd sbatch squeue sinfo scontrol scancel; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: $tool is not installed (Debian: apt-get install slurm-wlm; scripts/install-deps.sh --tests)"
    exit 77
  fi
done

# slurm.conf cannot hold a path with a space; the plan folder has one.
work=$(mktemp -d "${TMPDIR:-/tmp}/carereach-slurm-test.XXXXXX")
ctld_pid=""
slurmd_pid=""
jobs_submitted=""
cleanup() {
  status=$?
  if [ -n "$jobs_submitted" ]; then scancel $jobs_submitted 2>/dev/null; fi
  for pid in $slurmd_pid $ctld_pid; do kill "$pid" 2>/dev/null; done
  for pid in $slurmd_pid $ctld_pid; do
    n=0
    while kill -0 "$pid" 2>/dev/null && [ "$n" -lt 50 ]; do sleep 0.2; n=$((n + 1)); done
    kill -9 "$pid" 2>/dev/null
  done
  if [ "$status" -ne 0 ] && [ "$status" -ne 77 ]; then
    echo "--- slurmctld.log"; tail -n 30 "$work/slurm/slurmctld.log" 2>/dev/null
    echo "--- slurmd.log"; tail -n 30 "$work/slurm/slurmd.log" 2>/dev/null
    for f in "$work"/tile\ plan/logs/*; do [ -f "$f" ] && { echo "--- $f"; tail -n 20 "$f"; }; done
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() { echo "FAIL: $*" >&2; exit 1; }

# --- the Slurm of this test
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ctld_port=$(free_port)
slurmd_port=$(free_port)
while [ "$slurmd_port" = "$ctld_port" ]; do slurmd_port=$(free_port); done
user=$(id -un)
host=$(hostname -s)
cpus=$(nproc)
mem_mb=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
s="$work/slurm"
mkdir -p "$s/state" "$s/spool"
cat >"$s/slurm.conf" <<CONF
ClusterName=carereachtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/none
CredType=cred/none
SlurmUser=$user
SlurmdUser=$user
StateSaveLocation=$s/state
SlurmdSpoolDir=$s/spool
SlurmctldPidFile=$s/slurmctld.pid
SlurmdPidFile=$s/slurmd.pid
SlurmctldLogFile=$s/slurmctld.log
SlurmdLogFile=$s/slurmd.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/builtin
ReturnToService=2
MinJobAge=600
NodeName=carereach-test NodeHostname=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=carereach Nodes=carereach-test Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$s/slurm.conf"
# Variables of an enclosing Slurm job would leak into sbatch.
for v in $(env | sed -n 's/^\(SLURM_[A-Z_]*\)=.*/\1/p'); do [ "$v" = SLURM_CONF ] || unset "$v"; done

slurmctld -D -i -f "$SLURM_CONF" >"$s/slurmctld.out" 2>&1 &
ctld_pid=$!
slurmd -D -N carereach-test -f "$SLURM_CONF" >"$s/slurmd.out" 2>&1 &
slurmd_pid=$!
n=0
until [ "$(sinfo -h -n carereach-test -o %T 2>/dev/null)" = idle ]; do
  n=$((n + 1))
  if [ "$n" -gt 60 ] || ! kill -0 "$ctld_pid" 2>/dev/null || ! kill -0 "$slurmd_pid" 2>/dev/null; then
    cat "$s/slurmctld.out" "$s/slurmd.out"
    if [ "$(id -u)" -ne 0 ]; then
      echo "SKIP: Slurm did not start as $user (not root): slurmd runs jobs as their user and needs root"
      exit 77
    fi
    fail "the Slurm node did not become idle within 30 s (state: $(sinfo -h -n carereach-test -o %T 2>&1))"
  fi
  sleep 0.5
done
echo "Slurm $(sinfo -V 2>/dev/null | cut -d' ' -f2): node carereach-test idle ($cpus CPUs, $mem_mb MB), auth/none"

# --- the plan
plan="$work/tile plan"
sh "$here/make_plan.sh" "$plan" || fail "make_plan.sh"
"$carereach" jobs "$plan" --carereach "$carereach" || fail "carereach jobs"

# wait_jobs ID...: until none of the jobs is pending or running (at most 120 s)
wait_jobs() {
  n=0
  while [ -n "$(squeue -h -j "$(echo "$*" | tr ' ' ',')" -o %i 2>/dev/null)" ]; do
    n=$((n + 1))
    [ "$n" -le 240 ] || { squeue; fail "jobs $* still queued or running after 120 s"; }
    sleep 0.5
  done
}
# check_tasks JOB COUNT: the job's array has COUNT tasks, all COMPLETED with exit 0
check_tasks() {
  info=$(scontrol -o show job "$1") || fail "scontrol show job $1"
  tasks=$(printf '%s\n' "$info" | grep -c 'ArrayTaskId=')
  [ "$tasks" -eq "$2" ] || fail "job $1 has $tasks array task(s), not $2"
  bad=$(printf '%s\n' "$info" | grep -v 'JobState=COMPLETED .*ExitCode=0:0' | grep -v '^$' || true)
  [ -z "$bad" ] || fail "job $1: a task did not complete with exit 0: $bad"
}
check_runs() {
  for id in north south-1 big_3; do
    out=$(awk -F '\t' -v id="$id" '$2 == id { print $4 }' "$plan/tiles.txt")
    [ -f "$plan/$out/run.json" ] || fail "tile $id: no run.json in $plan/$out"
    [ "$(cat "$plan/logs/$id.status")" = 0 ] || fail "tile $id: exit $(cat "$plan/logs/$id.status")"
  done
}

# 1. slurm.sbatch as one array
job=$(sbatch --parsable "$plan/slurm.sbatch") || fail "sbatch slurm.sbatch"
jobs_submitted=$job
wait_jobs "$job"
check_tasks "$job" 3
scontrol -o show job "$job" | grep -q 'MinMemoryNode=706M' || fail "slurm.sbatch: not --mem=706M: $(scontrol -o show job "$job")"
scontrol -o show job "$job" | grep -q 'TimeLimit=00:12:00' || fail "slurm.sbatch: not --time=00:12:00"
check_runs
for f in "$plan"/logs/slurm-"$job"_0.out "$plan"/logs/slurm-"$job"_1.out "$plan"/logs/slurm-"$job"_2.out; do
  [ -f "$f" ] || fail "no Slurm log $f"
done
grep -q 'tile big_3 (index 0): exit 0' "$plan/logs/slurm-${job}_0.out" || fail "task 0 did not run tile big_3"
echo "slurm.sbatch: job $job, 3 tasks completed, 3 run folders"

# 2. submit_slurm.sh: one array per tile (--max-array-size 1), each with its size class's limits
rm -rf "$plan/out" "$plan"/logs/*.status
lines=$("$plan/submit_slurm.sh" --max-array-size 1) || fail "submit_slurm.sh"
echo "$lines"
[ "$(printf '%s\n' "$lines" | wc -l)" -eq 3 ] || fail "submit_slurm.sh submitted $(printf '%s\n' "$lines" | wc -l) arrays, not 3"
ids=$(printf '%s\n' "$lines" | sed -n 's/.*: job \([0-9]*\)$/\1/p' | tr '\n' ' ')
jobs_submitted="$jobs_submitted $ids"
wait_jobs $ids
set -- $ids
check_tasks "$1" 1
check_tasks "$2" 1
check_tasks "$3" 1
expect() { # JOB MEM TIME TILE
  info=$(scontrol -o show job "$1")
  printf '%s\n' "$info" | grep -q "MinMemoryNode=$2" || fail "job $1: not --mem=$2: $info"
  printf '%s\n' "$info" | grep -q "TimeLimit=$3" || fail "job $1: not --time=$3: $info"
  grep -q "tile $4 (index [0-9]): exit 0" "$plan/logs/slurm-${1}_0.out" || fail "job $1 did not run tile $4"
}
expect "$1" 706M 00:12:00 big_3
expect "$2" 706M 00:12:00 south-1
expect "$3" 316M 00:06:00 north
check_runs
echo "submit_slurm.sh: jobs $ids, one tile each with its size class's limits"

# 3. a broken tile: its array task fails with carereach's exit code (3, the scenario), the others complete
printf 'not toml = = 1\n' >>"$plan/tiles/north/scenario.toml"
job=$(sbatch --parsable "$plan/slurm.sbatch") || fail "sbatch slurm.sbatch"
jobs_submitted="$jobs_submitted $job"
wait_jobs "$job"
info=$(scontrol -o show job "$job")
printf '%s\n' "$info" | grep -q 'ArrayTaskId=2 .*JobState=FAILED .*ExitCode=3:0' || fail "the broken tile's task did not fail with exit 3: $info"
[ "$(printf '%s\n' "$info" | grep -c 'JobState=COMPLETED .*ExitCode=0:0')" -eq 2 ] || fail "the other tasks did not complete: $info"
[ "$(cat "$plan/logs/north.status")" = 3 ] || fail "logs/north.status is not 3"
echo "slurm.sbatch with tile north broken: its task failed with exit 3, the other two completed"
echo "PASS"
