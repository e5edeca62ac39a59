#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Memory samples on the local target (issue 15), in TAP: a task that grows
# in steps past 80 % and 90 % of its 100M to an OOM, and one that holds at
# 85 % and succeeds. The events have their `sample` lines before the end;
# the followed run warns once of the task at 90 %; diagnose says how long
# the killed one ran at 90 % or more and names the other at risk with the
# memory to ask for; the report counts both per component.
scalable=${SCALABLE_BIN:?set by make check (build-aux/unit-tests.am)}
. "$(dirname "$0")/tap_checks.sh"
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
n=0
if ! command -v python3 >/dev/null 2>&1 || [ ! -r /proc/self/statm ]; then
	echo "1..0 # SKIP needs python3 and /proc"
	exit 0
fi
echo "1..15"

# py FILE EXPRESSION: the expression on the JSON document in FILE (as d)
py() {
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

cat >scalable.yaml <<'YAML'
version: 1
project: pressure
targets:
  local: {provider: local, local: {concurrency: 3}}
components:
  model: {command: "sh ./task.sh {{ n }}", memory: 100M}
scenarios:
  range: {name: n, start: 0, stop: 2}
retry:
  oom: {max_attempts: 1}
YAML
# The task's process group is python alone (exec): grow(p) takes it to p %
# of 100M in 1M steps; each hold spans several of the executor's readings
# (every 250 ms). Scenario 0 holds at 85 % and 95 %, then grows past its
# limit and waits to be killed; 1 holds at 85 % and exits 0; 2 does nothing.
cat >task.sh <<'SH'
[ "$1" = 2 ] && exit 0
exec python3 - "$1" <<'PY'
import sys, time
keep = []
def rss():
    return int(open('/proc/self/statm').read().split()[1]) * 4096
def grow(percent):
    while rss() < percent * (100 << 20) // 100:
        keep.append(b'x' * (1 << 20))
grow(85); time.sleep(1.5)
if sys.argv[1] == '0':
    grow(95); time.sleep(1.5)
    grow(150); time.sleep(60)  # killed at the next reading
PY
SH
export SCALABLE_RUNS_DIR="$work/runs"
check "the run fails (one OOM)" 1 "$scalable" run --target local
cp out run.out
holds "the killed task is an oom" run.out "oom"
holds "the followed run warns of the task at 90 %" run.out "warning model-0 (attempt 1) reached"
n=$((n + 1))
if [ "$(grep -c 'warning model-' run.out)" = 1 ]; then echo "ok $n - one warning: the other stayed below 90 %"; else echo "not ok $n - warnings:"; sed 's/^/# /' run.out; fi
run=$(ls -d runs/run-*)
events=$(find "$run/events" -name '*.jsonl')
n=$((n + 1))
if python3 - $events <<'PY'
import json, sys
thresholds = {}
for path in sys.argv[1:]:
    lines = [json.loads(l) for l in open(path) if l.strip()]
    kinds = [l["event"] for l in lines]
    assert kinds[0] == "start" and kinds[-1] == "end", kinds
    samples = [l for l in lines if l["event"] == "sample"]
    thresholds[lines[0]["task_id"]] = [s["threshold"] for s in samples]
    for s in samples:
        assert s["limit_bytes"] == 100 << 20 and s["percent"] >= 80, s
assert thresholds[0][:2] == ["80", "90"], thresholds
assert thresholds[1] == ["80"], thresholds
assert thresholds[2] == [], thresholds
PY
then echo "ok $n - samples: 80 then 90 for the OOM, 80 alone at 85 %, none below"; else echo "not ok $n - the samples"; fi
check "diagnose --json" 0 "$scalable" diagnose --json
cp out dx.json
equals "one attempt killed after samples" "$(py dx.json 'd["memory"]["killed_count"]')" 1
equals "the killed one is scenario 0" "$(py dx.json 'd["memory"]["killed"][0]["scenario"]')" 0
equals "its time above 90 % is known" "$(py dx.json 'd["memory"]["killed"][0]["above_90_s"] > 0')" True
equals "scenario 1 is at risk" "$(py dx.json '[r["scenario"] for r in d["memory"]["at_risk"]]')" "[1]"
equals "with more memory to ask for" "$(py dx.json 'd["memory"]["at_risk"][0]["suggested_memory_bytes"] > 100 << 20')" True
check "diagnose" 0 "$scalable" diagnose
holds "the text names it at risk" out "at risk  model-1: succeeded at"
check "report --json" 0 "$scalable" report --json -o report.json
n=$((n + 1))
if [ "$(py report.json '[(c["memory"]["tasks_above_80"], c["memory"]["tasks_above_90"]) for c in d["components"]]')" = "[(2, 1)]" ]; then
	echo "ok $n - the report counts 2 tasks above 80 %, 1 above 90 %"
else
	echo "not ok $n - the report's counts"
fi
exit 0
