#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# follow_local.sh [N...]: the real `scalable run` on the local target
# (concurrency 2) for N tasks of `true` (default 1,000, 4,000 and 20,000),
# side by side with the floor, a plain bash fork-exec loop two at a time
# (`/bin/true & /bin/true & wait`), and with GNU parallel -j2 running the
# same N × /bin/true (when installed), and with a loop starting a fresh
# `bash -c true` per task (the least any design that starts a bash per task
# can cost). For each: wall time, ms per task and
# CPU per task (user+sys of the process and every child it reaped, by
# /usr/bin/time); then scalable's wall time over the floor's and over
# parallel's. The variants run interleaved, ROUNDS times (default 1), so
# that their ratios hold on a noisy machine; the table keeps each one's
# best wall.
#
#   bench/follow_local.sh                   # from the source tree, build in _build
#   BUILD=_b ROUNDS=2 bench/follow_local.sh 1000 2000
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${BUILD:-$here/_build}" && pwd)
scalable=$build/orchestrator/scalable
rounds=${ROUNDS:-1}
sizes=("$@")
(( ${#sizes[@]} )) || sizes=(1000 4000 20000)
[ -x "$scalable" ] || { echo "follow_local: no $scalable (build first; BUILD=dir)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "follow_local: needs /usr/bin/time (GNU time)" >&2; exit 2; }
parallel=$(command -v parallel || true)
# cols: the three column headings of a variant.
cols() { printf ' %8s %8s %8s' wall_s ms/task cpu_ms/t; }
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
# shells N: N × a fresh `bash -c true`, two at a time: what any design
# that starts one bash per task (as Slurm does per array task) costs at least.
shells() {
	local i
	for ((i = 0; i < $1; i += 2)); do
		bash -c true & bash -c true & wait
	done
}
export -f floor shells

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
		# now, not before the next round's run: creating files among many
		# just deleted costs ext4 more (its recently-deleted inode check)
		rm -rf "$dir"
		measure "$work/floor-$n" bash -c "floor $n"
		measure "$work/shells-$n" bash -c "shells $n"
		[ -z "$parallel" ] ||
			measure "$work/parallel-$n" bash -c "seq $n | $parallel --will-cite -j2 /bin/true"
	done
done

# best FILE: the line of the smallest wall time.
best() { sort -n "$1" | head -1; }

echo "local target, concurrency 2, N × true; $(nproc) CPUs; best of $rounds round(s)"
printf '%6s | %-26s | %-26s | %-26s | %-26s | %-17s\n' "" "scalable run" \
	"bash fork-exec loop" "GNU parallel -j2" "loop of bash -c true" "scalable wall per"
printf '%6s |%s |%s |%s |%s | %8s %8s\n' N "$(cols)" "$(cols)" "$(cols)" "$(cols)" floor parallel
for n in "${sizes[@]}"; do
	read -r sw sc < <(best "$work/scalable-$n")
	read -r fw fc < <(best "$work/floor-$n")
	read -r bw bc < <(best "$work/shells-$n")
	pw=0 pc=0
	[ -n "$parallel" ] && read -r pw pc < <(best "$work/parallel-$n")
	awk -v n="$n" -v sw="$sw" -v sc="$sc" -v fw="$fw" -v fc="$fc" -v pw="$pw" -v pc="$pc" \
		-v bw="$bw" -v bc="$bc" '
	function cell(w, c) {
		if (w <= 0) return sprintf(" %8s %8s %8s", "-", "-", "-")
		return sprintf(" %8.2f %8.3f %8.3f", w, 1000 * w / n, 1000 * c / n)
	}
	BEGIN {
		printf "%6d |%s |%s |%s |%s | %7.2fx %7s\n", n, cell(sw, sc), cell(fw, fc),
			cell(pw, pc), cell(bw, bc),
			sw / fw, (pw > 0 ? sprintf("%.2fx", sw / pw) : "-") }'
done
[ -n "$parallel" ] || echo "(GNU parallel is not installed: apt-get install parallel)"
