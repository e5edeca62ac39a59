#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# diagnose_bench.sh [FAILURES] [ROUNDS]: `scalable diagnose --json` on a run
# with FAILURES failure records (default 1,000,000) and the tasks.jsonl and
# scenarios.jsonl that go with them (diagnose_gen), side by side with the
# tutorial's own analysis of the same failures.jsonl in Python (a Counter
# over json.loads(line)["failure_class"]), and diagnose on a run holding
# that failures.jsonl alone. Wall time and peak RSS of each,
# best of ROUNDS (default 3), files in the page cache. Goal for diagnose:
# under 2 s and 500 MiB.
#
#   bench/diagnose_bench.sh              # from the source tree, build in _build
#   BUILD=_b8 bench/diagnose_bench.sh 200000 5
set -euo pipefail
failures=${1:-1000000}
rounds=${2:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${BUILD:-$here/_build}" && pwd)
scalable=$build/orchestrator/scalable
gen=$build/bench/diagnose_gen
for bin in "$scalable" "$gen"; do
	[ -x "$bin" ] || { echo "diagnose_bench: no $bin (build first; BUILD=dir)" >&2; exit 2; }
done
command -v python3 >/dev/null || { echo "diagnose_bench: no python3" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/diagnose-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
run=$work/run-20260101T000000Z-energy-0badcafe

# measure LABEL COMMAND...: wall seconds and peak RSS (MiB) of COMMAND, by
# /usr/bin/time where it exists, else by polling /proc/PID/status (VmHWM).
measure() {
	local out=$work/measure start end pid hwm=0 kb
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%e %M' -o "$out" "$@" >/dev/null
		awk '{ printf "%.2f %.1f\n", $1, $2 / 1024 }' "$out"
		return
	fi
	start=$(date +%s.%N)
	"$@" >/dev/null &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
		[ "${kb:-0}" -gt "$hwm" ] && hwm=$kb
		sleep 0.01
	done
	wait "$pid"
	end=$(date +%s.%N)
	awk -v s="$start" -v e="$end" -v k="$hwm" 'BEGIN { printf "%.2f %.1f\n", e - s, k / 1024 }'
}

# best LABEL COMMAND...: the fastest of ROUNDS runs, with its peak RSS.
best() {
	local label=$1 line fastest="" rss=""
	shift
	for _ in $(seq "$rounds"); do
		line=$(measure "$@")
		if [ -z "$fastest" ] || awk -v a="${line% *}" -v b="$fastest" 'BEGIN { exit !(a < b) }'; then
			fastest=${line% *}
			rss=${line#* }
		fi
	done
	printf '%-58s %8s %12s\n' "$label" "$fastest" "$rss"
}

counter='import json, sys
from collections import Counter
print(Counter(json.loads(line)["failure_class"] for line in open(sys.argv[1])))'

"$gen" "$run" "$failures"
only=$work/run-20260101T000000Z-energy-00000001  # the same failures, and nothing else
mkdir "$only"
cp "$run/run.json" "$only/"
ln -s "$run/failures.jsonl" "$only/failures.jsonl"
cat "$run"/*.jsonl >/dev/null  # both read from the page cache
size() { du -m "$1" | cut -f1; }
echo "run: $failures failure records; failures.jsonl $(size "$run/failures.jsonl") MiB," \
     "tasks.jsonl $(size "$run/tasks.jsonl") MiB, scenarios.jsonl" \
     "$(size "$run/scenarios.jsonl") MiB; $(nproc) CPUs"
printf '%-58s %8s %12s\n' "what" "wall s" "max RSS MiB"
best "scalable diagnose --json (failures, tasks, scenarios)" "$scalable" diagnose --json "$run"
best "scalable diagnose --json (failures.jsonl alone)" "$scalable" diagnose --json "$only"
best "python3 Counter over failure_class (failures.jsonl)" python3 -c "$counter" \
	"$run/failures.jsonl"
echo "diagnose:  $("$scalable" diagnose --json "$run" | python3 -c 'import json, sys
print(json.load(sys.stdin)["summary"]["failures_by_class"])')"
echo "python3:   $(python3 -c "$counter" "$run/failures.jsonl")"
