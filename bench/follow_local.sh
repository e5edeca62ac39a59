#!/bin/bash
# follow_local.sh [N...]: the real `scalable run` on the local target
# (concurrency 2) for N tasks of `true` (default 1,000, 4,000 and 8,000),
# side by side with the floor: the same N through a plain bash fork-exec
# loop, two at a time (`/bin/true & /bin/true & wait`). For each: wall time, ms per
# task, CPU (user+sys of the process and every child it reaped, by
# /usr/bin/time) and CPU per task; then scalable's CPU per task above the
# floor's (about what the orchestrator itself spends per task) and the wall
# ratio. The variants run interleaved, ROUNDS times (default 1), so that
# their ratios hold on a noisy machine; the table keeps each one's best wall.
#
#   bench/follow_local.sh                   # from the source tree, build in _build
#   BUILD=_b ROUNDS=2 bench/follow_local.sh 1000 2000
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${BUILD:-$here/_build}" && pwd)
scalable=$build/orchestrator/scalable
rounds=${ROUNDS:-1}
sizes=("$@")
(( ${#sizes[@]} )) || sizes=(1000 4000 8000)
[ -x "$scalable" ] || { echo "follow_local: no $scalable (build first; BUILD=dir)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "follow_local: needs /usr/bin/time (GNU time)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/follow-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# sweep DIR N: an N-task sweep of `true`, two at a time, on the local target.
sweep() {
	mkdir -p "$1"
	cat >"$1/scalable.yaml" <<YAML
version: 1
project: follow
targets:
  local: {provider: local, local: {concurrency: 2}}
components:
  work: {command: "true", memory: 50M}
scenarios:
  range: {name: n, start: 0, stop: $(($2 - 1))}
YAML
}

# floor N: N × `true` forked and waited for by bash, two at a time.
floor() {
	local i
	for ((i = 0; i < $1; i += 2)); do
		/bin/true & /bin/true & wait
	done
}
export -f floor

# measure OUT COMMAND...: appends "wall cpu" (seconds) of COMMAND to OUT.
measure() {
	local out=$1
	shift
	/usr/bin/time -f '%e %U %S' -o "$work/time" "$@" >"$work/cmd.out" 2>&1 || {
		echo "follow_local: $* failed:" >&2
		tail -5 "$work/cmd.out" >&2
		exit 1
	}
	awk '{ printf "%s %.3f\n", $1, $2 + $3 }' "$work/time" >>"$out"
}

for ((round = 1; round <= rounds; round++)); do
	for n in "${sizes[@]}"; do
		dir=$work/run-$n
		rm -rf "$dir"
		sweep "$dir" "$n"
		(cd "$dir" && SCALABLE_RUNS_DIR="$dir/runs" measure "$work/scalable-$n" \
			"$scalable" run --target local --no-cache)
		grep -q "completed: $n tasks, $n succeeded" "$work/cmd.out" ||
			{ echo "follow_local: the $n-task run did not succeed:" >&2; tail -3 "$work/cmd.out" >&2; exit 1; }
		measure "$work/floor-$n" bash -c "floor $n"
	done
done

# best FILE: the line of the smallest wall time.
best() { sort -n "$1" | head -1; }

echo "local target, concurrency 2, N × true; $(nproc) CPUs; best of $rounds round(s)"
printf '%6s | %-37s | %-37s | %11s %7s\n' "" "scalable run" "bash fork-exec loop (floor)" "CPU/task" "wall"
printf '%6s | %8s %8s %8s %9s | %8s %8s %8s %9s | %11s %7s\n' N wall_s ms/task cpu_s \
	cpu_ms/task wall_s ms/task cpu_s cpu_ms/task "over floor" ratio
for n in "${sizes[@]}"; do
	read -r sw sc < <(best "$work/scalable-$n")
	read -r fw fc < <(best "$work/floor-$n")
	awk -v n="$n" -v sw="$sw" -v sc="$sc" -v fw="$fw" -v fc="$fc" 'BEGIN {
		printf "%6d | %8.2f %8.2f %8.2f %9.2f | %8.2f %8.2f %8.2f %9.2f | %8.2f ms %6.1fx\n",
			n, sw, 1000 * sw / n, sc, 1000 * sc / n, fw, 1000 * fw / n, fc, 1000 * fc / n,
			1000 * (sc - fc) / n, (fw > 0 ? sw / fw : 0) }'
done
