#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# diagnose and report in the details (issue 13), on a real run of the local
# target: scenario 0 exits 75 (transient) on its first attempt and 65
# (input_error) on its second; scenario 1 goes over its memory at 64M and
# again at 128M, retry.oom.memory_cap, and gives up; scenario 2 succeeds.
# The transient finding must not blame the task the input error failed; the
# OOM evidence sets each request against its own peak, says the cap was
# reached and offers a cap above every size tried; the report shows the
# configured 64M apart from the escalation to 128M. In TAP.
scalable=${SCALABLE_BIN:?set by make check (build-aux/unit-tests.am)}
. "$(dirname "$0")/tap_checks.sh"
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
n=0
if ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP python3 is needed to use memory and to read the JSON"
	exit 0
fi
echo "1..15"

cat >scalable.yaml <<'YAML'
version: 1
project: details
targets:
  local: {provider: local, local: {concurrency: 3}}
components:
  model: {command: "sh ./task.sh {{ n }}", memory: 64M}
scenarios:
  range: {name: n, start: 0, stop: 2}
retry:
  transient: {max_attempts: 4, backoff: {initial: 1s, factor: 1, max: 1s, jitter: 0}}
  oom: {max_attempts: 5, memory_factor: 2, memory_cap: 128M}
YAML
cat >task.sh <<'SH'
case "$1" in
0) [ "$SCALABLE_ATTEMPT" = 1 ] && { echo "TimeoutError: upstream did not answer" >&2; exit 75; }
   echo "bad input row" >&2; exit 65 ;;
1) python3 -c 'import time; b = bytearray(300 << 20); b[::4096] = b"x" * len(b[::4096]); time.sleep(3)' ;;
esac
echo "ok $1"
SH
export SCALABLE_RUNS_DIR="$work/runs"
check "the run fails (an input error, an OOM at the cap)" 1 "$scalable" run --target local
run_dir=$(ls -d "$work"/runs/run-*)
check "scenario 0 failed for good at attempt 2 with input_error" 0 \
	grep -q '"task_id":0,.*"attempt":2,"state":"failed".*"failure_class":"input_error"' \
	"$run_dir/tasks.jsonl"
check "scenario 1 gave up at the memory cap" 0 \
	grep -q '"failure_class":"oom".*"reason":"oom: memory cap 128M reached"' "$run_dir/failures.jsonl"
check "diagnose --json" 0 "$scalable" diagnose --json "$run_dir"
cp out diagnosis.json

# field CLASS EXPRESSION: the value of a Python expression over finding f
# (the finding of CLASS) and its evidence e.
field() {
	python3 -c 'import json, sys
d = json.load(open("diagnosis.json"))
f = [f for f in d["findings"] if f.get("failure_class") == sys.argv[1]][0]
e = f["evidence"]
print(eval(sys.argv[2]))' "$1" "$2"
}
equals "the transient finding blames no task" "$(field transient 'e["tasks_failed"]')" 0
equals "its task then failed with input_error" \
	"$(field transient 'e["failed_later_with"].get("input_error")')" 1
equals "its suggestion says so, not max_attempts" \
	"$(field transient '"then failed with input_error" in f["suggestion"] and "max_attempts" not in f["suggestion"]')" True
equals "the input error failed it" "$(field input_error 'e["tasks_failed"]')" 1
equals "the OOM requests, each with its own attempts" \
	"$(field oom '[(r["requested_bytes"] // 2**20, r["attempts"]) for r in e["by_request"]]')" \
	"[(64, 1), (128, 1)]"
equals "the cap was reached" "$(field oom '(e["tasks_at_memory_cap"], e["memory_cap_bytes"] // 2**20)')" \
	"(1, 128)"
equals "the cap suggested is above every size tried" \
	"$(field oom 'e["suggested_memory_cap_bytes"] > 128 * 2**20 and "raise retry.oom.memory_cap" in f["suggestion"]')" True
equals "the configured request is the config's" \
	"$(field oom 'e["configured_request_bytes"] // 2**20')" 64
check "report --format md" 0 "$scalable" report --format md -o - "$run_dir"
holds "the memory table: 64M configured, escalated to 128M once" out "| model | 3 | 64M | 128M ×1 |"
check "report --json has the escalations" 0 python3 -c 'import json, sys
m = [c for c in json.load(open(sys.argv[1]))["components"] if c["name"] == "model"][0]["memory"]
assert m["configured_request_bytes"] == 64 << 20, m
assert [(e["request_bytes"] >> 20, e["attempts"]) for e in m["escalations"]] == [(128, 1)], m' \
	"$("$scalable" report --json -o "$work/report.json" "$run_dir" >/dev/null; echo "$work/report.json")"
exit 0
