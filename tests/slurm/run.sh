#!/usr/bin/env bash
# A real Slurm test: a single-node cluster on this machine runs a 4-task array of
# `caseload run … --shard auto` and a merge queued with --dependency=afterok (the shipped
# examples/slurm/ scripts), then the merged summary.json and weekly.csv must be byte-identical
# to a one-machine run. Needs root (CI runs as root on a fresh Debian machine). Installs
# Debian's slurm-wlm and munge with apt-get when they are missing; everything else (config,
# state, logs) lives in a temporary folder, and the daemons it starts are stopped on exit.
#
#   tests/slurm/run.sh                 # SLURM_TEST_TIMEOUT=600 (seconds) bounds the wait
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
timeout_s=${SLURM_TEST_TIMEOUT:-600}
replicas=64
scenario=$repo/scenarios/avon_somerset_2024.toml
t0=$(date +%s)
say() { echo "slurm test [$(( $(date +%s) - t0 ))s]: $*"; }

if [ "$(id -u)" -ne 0 ]; then
    echo "slurm test: needs root (to install and start slurm and munge)" >&2
    exit 1
fi

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
    say "installing slurm-wlm and munge"
    # A mirror's hiccup on a fresh machine should not fail CI: three tries, 15 s apart.
    for attempt in 1 2 3; do
        if apt-get update -qq &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null; then
            break
        fi
        if [ "$attempt" -eq 3 ]; then
            echo "slurm test: apt-get could not install slurm-wlm and munge (3 tries)" >&2
            exit 1
        fi
        say "apt-get failed (try $attempt of 3); retrying in 15 s"
        sleep 15
    done
fi

cargo build --release --quiet
work=$(mktemp -d /tmp/caseload-slurm.XXXXXX)
chmod 755 "$work"
cp target/release/caseload "$work/caseload"
mkdir -p "$work/state" "$work/spool" "$work/log" "$work/run"

pids=()
cleanup() {
    local rc=$?
    if [ -n "${SLURM_CONF:-}" ]; then
        scancel --quiet --user=root >/dev/null 2>&1 || true
    fi
    for f in "$work/run/slurmd.pid" "$work/run/slurmctld.pid"; do
        if [ -s "$f" ]; then kill "$(cat "$f")" 2>/dev/null || true; fi
    done
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    sleep 1
    if [ $rc -ne 0 ]; then
        echo "slurm test: FAILED; logs in $work/log and $work/logs" >&2
        tail -n 20 "$work"/log/*.log "$work"/logs/*.out 2>/dev/null >&2 || true
    else
        rm -rf "$work"
    fi
    exit $rc
}
trap cleanup EXIT INT TERM

# munge: a key, and the daemon (reused when one is already running).
if [ ! -s /etc/munge/munge.key ]; then
    mungekey --create --keyfile=/etc/munge/munge.key 2>/dev/null ||
        dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
fi
chown munge:munge /etc/munge/munge.key
chmod 400 /etc/munge/munge.key
mkdir -p /run/munge /var/log/munge /var/lib/munge
chown munge:munge /run/munge /var/log/munge /var/lib/munge
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    say "starting munged"
    rm -f /run/munge/munged.pid
    runuser -u munge -- /usr/sbin/munged
    for _ in $(seq 50); do [ -s /run/munge/munged.pid ] && break; sleep 0.1; done
    pids+=("$(cat /run/munge/munged.pid)")
fi
munge -n | unmunge >/dev/null

host=$(hostname -s)
mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 * 9 / 10 ))
export SLURM_CONF=$work/slurm.conf
cat >"$SLURM_CONF" <<CONF
ClusterName=caseload-test
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/pgid
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
ReturnToService=2
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/run/slurmctld.pid
SlurmdPidFile=$work/run/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
NodeName=$host CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF

say "starting slurmctld and slurmd"
slurmctld -c -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 120); do
    state=$(sinfo -h -N -o %T 2>/dev/null | head -n1 || true)
    [ "$state" = idle ] && break
    sleep 0.5
done
if [ "$state" != idle ]; then
    echo "slurm test: the node did not become idle (state: ${state:-none})" >&2
    exit 1
fi
say "node $host idle"

# The shipped recipe: a 4-task array and a merge after it. One generation stamp for the
# cluster's outputs and the one-machine run (SOURCE_DATE_EPOCH, passed to the jobs by
# sbatch's --export=ALL), so a minute turning between them cannot make the bytes differ.
export SOURCE_DATE_EPOCH=$(date +%s)
cd "$work"
ids=$(CASELOAD="$work/caseload" SCENARIO="$scenario" REPLICAS=$replicas PARTS="$work/parts" \
    OUT="$work/merged" SHARDS=4 "$repo/examples/slurm/submit.sh")
read -r array merge <<<"$ids"
say "submitted array $array and merge $merge (afterok)"
deadline=$(( $(date +%s) + timeout_s ))
while squeue -h -j "$array,$merge" 2>/dev/null | grep -q .; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
        echo "slurm test: jobs still queued or running after ${timeout_s}s" >&2
        squeue >&2 || true
        exit 1
    fi
    sleep 1
done
merge_state=$(scontrol -o show job "$merge" | tr ' ' '\n' | sed -n 's/^JobState=//p')
if [ "$merge_state" != COMPLETED ]; then
    echo "slurm test: merge job $merge ended $merge_state" >&2
    exit 1
fi
say "array and merge completed"

"$work/caseload" run "$scenario" -n $replicas --quiet --out "$work/single" >/dev/null
if ! grep -q '"generated"' "$work/merged/summary.json"; then
    echo "slurm test: the merged summary.json has no generation stamp" >&2
    exit 1
fi
for f in summary.json weekly.csv backlog_fan.svg capacity.svg backlog_fan.png capacity.png; do
    if ! cmp -s "$work/single/$f" "$work/merged/$f"; then
        echo "slurm test: merged $f differs from the one-machine run" >&2
        exit 1
    fi
done
say "PASS: 4 shards on Slurm merged byte-identical to one machine (summary.json, weekly.csv, charts)"
