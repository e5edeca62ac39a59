#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The plugin's added time per step, end to end on the private cluster
# (tests/cluster/), side by side with the same jobs without it. Alternates
# rounds (A B A B ...) because this machine is noisy: compare the columns of
# one run, not absolute times across runs; with the plugin also with its
# memory sampler (sample=1s: a sampler forked and stopped per step). Then the
# in-process figure from step_recorder_bench. Usage (root): bench/plugin_overhead.sh [TASKS] [ROUNDS]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${SCALABLE_BUILD_DIR:-$top/_build}
tasks=${1:-100}
rounds=${2:-3}
cluster=$top/tests/cluster/cluster
plugin=$build/spank/.libs/spank_scalable.so
user=${SCALABLE_TEST_USER:-scalable-test}
"$cluster" status >/dev/null 2>&1 || "$cluster" start --plugin "$plugin" >/dev/null
eval "$("$cluster" env)"

# makespan MODE: seconds from submission until the last of $tasks array tasks
# is gone; MODE "without" empties plugstack.conf, "with" loads the plugin and
# gives the jobs a run directory, "sampled" does too with sample=1s.
makespan() {
	local mode=$1 run_dir export=ALL
	if [[ $mode == with || $mode == sampled ]]; then
		if [[ $mode == sampled ]]; then
			"$cluster" plugstack "$plugin" sample=1s >/dev/null
		else
			"$cluster" plugstack "$plugin" >/dev/null
		fi
		run_dir=$(mktemp -d "$SCALABLE_CLUSTER_SCRATCH/bench.XXXXXX")
		chown "$user:" "$run_dir"
		export=ALL,SCALABLE_RUN_DIR=$run_dir
	else
		"$cluster" plugstack >/dev/null
	fi
	local start job
	start=$(date +%s.%N)
	job=$(runuser -u "$user" -- env SLURM_CONF="$SLURM_CONF" sbatch --parsable \
		--array=0-$((tasks - 1)) --chdir="$SCALABLE_CLUSTER_SCRATCH" \
		--output=/dev/null --error=/dev/null --export="$export" --wrap true)
	while [[ -n $(squeue -h -j "$job" -o %i) ]]; do sleep 0.2; done
	awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN {printf "%.2f", a - b}'
}

declare -a with without sampled
for ((r = 0; r < rounds; r++)); do
	without+=("$(makespan without)")
	with+=("$(makespan with)")
	sampled+=("$(makespan sampled)")
done
"$cluster" plugstack "$plugin" >/dev/null

mean() { printf '%s\n' "$@" | awk '{s+=$1} END {printf "%.2f", s/NR}'; }
m_without=$(mean "${without[@]}")
m_with=$(mean "${with[@]}")
m_sampled=$(mean "${sampled[@]}")
echo "end to end: $tasks-task array of 'true', $rounds alternating rounds, makespan in seconds"
printf '  %-34s %s  (mean %s)\n' "without the plugin" "${without[*]}" "$m_without"
printf '  %-34s %s  (mean %s)\n' "with the plugin, recorded" "${with[*]}" "$m_with"
printf '  %-34s %s  (mean %s)\n' "with the plugin, sample=1s" "${sampled[*]}" "$m_sampled"
awk -v a="$m_with" -v b="$m_without" 'BEGIN {printf "  ratio with / without: %.3f\n", a / b}'
awk -v a="$m_sampled" -v b="$m_with" 'BEGIN {printf "  ratio sample=1s / with: %.3f\n", a / b}'
echo
"$build/bench/step_recorder_bench" 2000
