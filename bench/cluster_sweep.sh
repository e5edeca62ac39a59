#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What a big sweep of short tasks costs the scheduler, side by side in one
# run on the private cluster: N scenarios of `sleep S` (default 10,000 x
# sleep 1) as the test user,
#   floor     one bare `sbatch --array` per MaxArraySize chunk (submitted
#             again after 5 s while slurmctld refuses it), then squeue every
#             5 s until the queue is empty (what a careful user does by hand,
#             with no records, retries or diagnosis);
#   scalable  `scalable run` of the same sweep;
#   pack:K    `scalable run` with `pack: K` (default 50) on the component.
# For each: wall time, slurmctld RPCs (`sdiag -r` before, `sdiag` after: all
# of them, the test user's, and the three largest message types) and the
# CPU of the submitting side (the orchestrator, or the floor's loop).
# Run as root (the sweeps run as the cluster's test user); starts the
# cluster if it is not running and stops it after. The cluster's MaxJobCount
# (10,000) counts finished jobs for MinJobAge (120 s): the sweeps go in one
# after another, each waiting until slurmctld has forgotten the one before.
#   bench/cluster_sweep.sh [N] [SLEEP_S] [PACK]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${SCALABLE_BUILD_DIR:-$top/_build}
cluster=$top/tests/cluster/cluster
user=${SCALABLE_TEST_USER:-scalable-test}
n=${1:-10000} sleep_s=${2:-1} pack=${3:-50}

. "$top/bench/cluster_session.sh"
max_array=$(scontrol show config | awk '$1 == "MaxArraySize" { print $3 }')
as_user() { runuser -u "$user" -- env SLURM_CONF="$SLURM_CONF" PATH="$PATH" "$@"; }

# quiet: waits until slurmctld holds no job of the test user (finished
# ones leave after MinJobAge), so a sweep is not refused for the last one's.
quiet() {
	while [[ -n $(squeue -h -u "$user" -t all -o %i 2>/dev/null | head -1) ]]; do sleep 5; done
}

# rpcs FILE: "total user top-three" from sdiag's output in FILE.
rpcs() {
	awk -v u="$user" '
		/by message type/ { t = 1; next } /by user/ { t = 0; us = 1; next }
		/Pending RPC/ { us = 0 }
		t && /count:/ { split($0, a, "count:"); c = a[2] + 0; total += c
			if (n < 3) { top = top sprintf("%s%s %d", n ? ", " : "", $1, c); n++ } }
		us && $1 == u { split($0, a, "count:"); mine = a[2] + 0 }
		END { printf "%d %d %s\n", total, mine, top }' "$1"
}

# floor DIR: the bare sbatch loop and squeue polling; its CPU to DIR/cpu.
floor() {
	local dir=$1
	cat >"$dir/floor.sh" <<EOF
for ((first = 0; first < $n; first += $max_array)); do
	last=\$((first + $max_array - 1)); ((last < $n)) || last=$((n - 1))
	# refused while slurmctld holds MaxJobCount jobs: try again, as scalable does
	until sbatch --parsable -p low --array=0-\$((last - first)) --output=/dev/null \\
		--chdir="$dir" --wrap 'sleep $sleep_s' >/dev/null 2>&1; do sleep 5; done
done
while [[ -n \$(squeue -h -u "$user" -o %i | head -1) ]]; do sleep 5; done
EOF
	as_user /usr/bin/time -f '%U %S' -o "$dir/cpu" bash "$dir/floor.sh"
}

# sweep DIR [PACK]: scalable run of the sweep; its CPU to DIR/cpu.
sweep() {
	local dir=$1 packing=${2:+, pack: $2}
	cat >"$dir/scalable.yaml" <<YAML
version: 1
project: bench
targets:
  hpc: {provider: slurm, partition: low, poll_interval: 5s}
components:
  work: {command: sleep $sleep_s$packing}
scenarios:
  range: {name: n, start: 0, stop: $((n - 1))}
YAML
	chown -R "$user:" "$dir"
	(cd "$dir" && as_user env SCALABLE_RUNS_DIR="$dir/runs" /usr/bin/time -f '%U %S' \
		-o "$dir/cpu" "$build/orchestrator/scalable" run --target hpc >"$dir/run.out" 2>&1) ||
		{ echo "scalable run failed:" >&2; tail -3 "$dir/run.out" >&2; }
}

printf '%d x sleep %s on %s (MaxArraySize %s)\n' "$n" "$sleep_s" "$SCALABLE_CLUSTER_NODE" "$max_array"
printf '%-10s %8s %8s %10s %10s  %s\n' what wall_s cpu_s rpcs user_rpcs "largest RPC types"
for what in floor scalable "pack:$pack"; do
	quiet
	dir=$(mktemp -d "$SCALABLE_CLUSTER_SCRATCH/sweep.XXXXXX")
	chmod 755 "$dir"
	chown "$user:" "$dir"
	sdiag -r >/dev/null
	start=$(date +%s.%N)
	case $what in
	floor) floor "$dir" ;;
	scalable) sweep "$dir" ;;
	*) sweep "$dir" "$pack" ;;
	esac
	wall=$(echo "$(date +%s.%N) - $start" | bc)
	sdiag >"$dir/sdiag"
	read -r total mine top < <(rpcs "$dir/sdiag")
	read -r u s <"$dir/cpu"
	printf '%-10s %8.1f %8.2f %10d %10d  %s\n' "$what" "$wall" "$(echo "$u + $s" | bc)" \
		"$total" "$mine" "$top"
	rm -rf "$dir"
done
