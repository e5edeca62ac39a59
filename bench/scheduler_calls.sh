#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# How often scalable calls Slurm: the same sweep of `sleep 3` tasks (WORK_S) at
# several sizes (default 100 and 1000) on the private cluster, through shims
# first on PATH that count every sbatch, squeue, sacct, scontrol and scancel
# before running the real one. Expected: sbatch calls == chunks
# (max_array_size 300 here, so 1000 tasks make 4 chunks), and squeue/sacct
# calls per minute set by the poll interval, not by the number of tasks.
# Run as root (the orchestrator runs as the cluster's test user); starts the
# cluster if it is not running (and then stops it).
#   bench/scheduler_calls.sh [SIZE...]      POLL=5s WORK_S=3 by default
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${SCALABLE_BUILD_DIR:-$top/_build}
cluster=$top/tests/cluster/cluster
user=${SCALABLE_TEST_USER:-scalable-test}
poll=${POLL:-5s}
work_s=${WORK_S:-3}
sizes=("$@")
(( ${#sizes[@]} )) || sizes=(100 1000)

. "$top/bench/cluster_session.sh"

# shims DIR: a counting shim for each Slurm command, logging to DIR/calls.log.
shims() {
	local dir=$1 cmd real
	mkdir -p "$dir/bin"
	for cmd in sbatch squeue sacct scontrol scancel; do
		real=$(command -v "$cmd")
		printf '#!/bin/sh\necho "%s $(date +%%s)" >> "%s/calls.log"\nexec %s "$@"\n' \
			"$cmd" "$dir" "$real" > "$dir/bin/$cmd"
		chmod 755 "$dir/bin/$cmd"
	done
}

# sweep DIR N: the config of an N-task sweep.
sweep() {
	cat > "$1/scalable.yaml" <<YAML
version: 1
project: calls
targets:
  hpc: {provider: slurm, partition: low, max_array_size: 300, poll_interval: $poll}
components:
  work: {command: sleep $work_s, memory: 50M}
scenarios:
  range: {name: n, start: 0, stop: $(($2 - 1))}
YAML
}

printf '%7s %7s %7s %7s %7s %9s %9s %10s %12s %12s\n' tasks chunks sbatch squeue sacct scontrol scancel wall_s squeue/min sacct/min
for n in "${sizes[@]}"; do
	dir=$(mktemp -d "$SCALABLE_CLUSTER_SCRATCH/calls.XXXXXX")
	shims "$dir"
	sweep "$dir" "$n"
	touch "$dir/calls.log"
	chown -R "$user:" "$dir"
	start=$(date +%s.%N)
	(cd "$dir" && runuser -u "$user" -- env SLURM_CONF="$SLURM_CONF" PATH="$dir/bin:$PATH" \
		SCALABLE_RUNS_DIR="$dir/runs" "$build/orchestrator/scalable" run --target hpc \
		>"$dir/run.out" 2>&1) || { echo "the $n-task run failed:"; tail "$dir/run.out"; }
	wall=$(echo "$(date +%s.%N) - $start" | bc)
	count() { grep -c "^$1 " "$dir/calls.log" || true; }
	chunks=$(jq '[.groups[].chunks | length] | add' "$dir"/runs/run-*/plan.json)
	printf '%7d %7d %7d %7d %7d %9d %9d %10.1f %12.1f %12.1f\n' "$n" "$chunks" "$(count sbatch)" \
		"$(count squeue)" "$(count sacct)" "$(count scontrol)" "$(count scancel)" "$wall" \
		"$(echo "$(count squeue) * 60 / $wall" | bc -l)" "$(echo "$(count sacct) * 60 / $wall" | bc -l)"
	rm -rf "$dir"
done
