#!/usr/bin/env bash
# A sweep on a real single-node Slurm cluster (Debian's slurm-wlm and munge), started here,
# as root:
#
#   Tests/Slurm/slurm_test.sh [path/to/folio]      (make slurm-test installs what it needs)
#
# It starts munged (on a socket in a temporary folder), slurmctld and slurmd bound to
# 127.0.0.1 only (NoInAddrAny and NoCtldInAddrAny, and the test checks the kernel's table of listening sockets),
# with a configuration in that folder, submits examples/slurm/shard.sbatch as a job
# array of 4 tasks sharing one cache folder and examples/slurm/render.sbatch depending on it,
# shows squeue while they run and the job-completion records after, and checks that every
# task completed and that the rendered report is identical to a local build's. Everything it
# started is stopped on exit, also on failure. Prints `slurm: N passed, N failed`.
set -euo pipefail

folio=$(realpath "${1:-.build/debug/folio}")
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/folio-slurm-XXXXXX)
chmod 755 "$work"
passed=0 failed=0
check() {  # check NAME COMMAND...
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok: $name"; else failed=$((failed + 1)); echo "FAILED: $name"; fi
}
cleanup() {
  for pid in "$work"/slurmd.pid "$work"/slurmctld.pid "$work"/munge/run/munged.pid; do
    [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null || true
  done
  sleep 1
  for pid in "$work"/slurmd.pid "$work"/slurmctld.pid "$work"/munge/run/munged.pid; do
    [ -f "$pid" ] && kill -9 "$(cat "$pid")" 2>/dev/null || true
  done
  if [ "$failed" -ne 0 ] || [ "${1:-}" = failed ]; then
    for log in "$work"/*.log "$work"/project/folio-*.out; do [ -f "$log" ] && { echo "--- $log"; tail -20 "$log"; }; done
  fi
  rm -rf "$work"
}
trap 'status=$?; cleanup $([ $status -ne 0 ] && echo failed); exit $status' EXIT

# munge: a key of our own, its socket in the temporary folder.
mkdir -p "$work/munge/run" "$work/munge/log" "$work/munge/lib"
mungekey --create --keyfile="$work/munge/munge.key" 2>/dev/null || dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chown -R munge:munge "$work/munge"
chmod 700 "$work/munge/log" "$work/munge/lib"
chmod 400 "$work/munge/munge.key"
runuser -u munge -- munged --socket="$work/munge/run/munge.socket" --key-file="$work/munge/munge.key" \
  --log-file="$work/munge/log/munged.log" --pid-file="$work/munge/run/munged.pid" --seed-file="$work/munge/lib/munged.seed"

export SLURM_CONF="$work/slurm.conf"
host=$(hostname -s)  # slurmctld and slurmd find themselves in the configuration by this name
cat > "$SLURM_CONF" <<CONF
ClusterName=folio
SlurmctldHost=$host(127.0.0.1)
MailProg=/bin/true
SlurmctldPort=16817
SlurmdPort=16818
CommunicationParameters=NoInAddrAny,NoCtldInAddrAny
AuthType=auth/munge
AuthInfo=socket=$work/munge/run/munge.socket
SlurmUser=root
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobCompType=jobcomp/filetxt
JobCompLoc=$work/jobcomp.log
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
mkdir -p "$work/state" "$work/spool"
slurmctld -D -i -f "$SLURM_CONF" > /dev/null 2>&1 &
slurmd -D -f "$SLURM_CONF" > /dev/null 2>&1 &
for _ in $(seq 1 60); do
  state=$(sinfo -h -N -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.5
done
check "the cluster's node is idle (slurmctld and slurmd up)" [ "${state:-}" = idle ]
# Listening sockets on the two ports (hex 41B1, 41B2), by local address: only 127.0.0.1.
listeners=$(awk '$4 == "0A" && ($2 ~ /:41B1$/ || $2 ~ /:41B2$/) { print $2 }' /proc/net/tcp /proc/net/tcp6 | sort -u | tr '\n' ' ')
check "slurmctld and slurmd listen on 127.0.0.1 only ($listeners)" [ "$listeners" = "0100007F:41B1 0100007F:41B2 " ]

# A small sweep (examples/sweep/sweep.md): 6 runs of 2 seeds, trained by 4 array tasks into one shared cache.
project="$work/project"
mkdir -p "$project/notebooks"
cp "$root/examples/sweep/sweep.md" "$project/notebooks/sweep.md"
(cd "$project" && "$folio" build notebooks -o local-output --cache-dir local-cache > local.log 2>&1)
check "a local build of the notebook" [ -f "$project/local-output/sweep.html" ]

export FOLIO="$folio" NOTEBOOKS=notebooks FOLIO_CACHE="$project/shared-cache" FOLIO_OUTPUT=output CI=true
array=$(cd "$project" && sbatch --parsable --array=1-4 --chdir="$project" "$root/examples/slurm/shard.sbatch")
render=$(cd "$project" && sbatch --parsable --dependency="afterok:$array" --chdir="$project" "$root/examples/slurm/render.sbatch")
echo "submitted array job $array (4 shards) and render job $render"
seen_tasks=0
for _ in $(seq 1 600); do
  # -r lists every array task on a line of its own, pending ones too (1_1, 1_2, …, not
  # 1_[1-4]): on a fast machine the shards can run and finish between two polls.
  queue=$(squeue -h -r -o "%i %j %T" 2>/dev/null || true)
  [ -z "$queue" ] && break
  if [ "$seen_tasks" -eq 0 ] && echo "$queue" | grep -q "^${array}_[0-9]"; then
    echo "squeue while the shards run:"; squeue -o "%.14i %.13j %.9T %.10M %R"; seen_tasks=1
  fi
  sleep 0.2
done
check "squeue showed the array's tasks" [ "$seen_tasks" -eq 1 ]
echo "job completion records (jobcomp/filetxt; sacct needs slurmdbd and a database, not started here):"
grep -o "JobId=[0-9]* .*Name=[^ ]* JobState=[^ ]*" "$work/jobcomp.log" | sed -E 's/UserId=[^ ]* GroupId=[^ ]* //; s/^/  /'
completed=$(grep -c "JobState=COMPLETED" "$work/jobcomp.log" || true)
check "all 4 array tasks and the render job completed" [ "$completed" -eq 5 ]
for task in 1 2 3 4; do
  check "array task $task ran shard $task/4" grep -q "shard $task/4 trained" "$project/folio-shard-${array}_${task}.out"
done
check "the render trained nothing (every run came from the shards)" grep -q "(0 run(s) trained; 1 of 1 claim(s) hold)" "$project/folio-render-$render.out"
check "the report rendered on the cluster is identical to the local one" cmp -s "$project/output/sweep.html" "$project/local-output/sweep.html"
strip() { sed -E 's/"seconds" : [0-9.e+-]+//' "$1"; }
check "its results equal the local build's, wall times aside" diff -q <(strip "$project/output/sweep.json") <(strip "$project/local-output/sweep.json")
echo "slurm: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
