#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Packing end to end on the local target, in TAP: a component with pack: 3
# runs 8 scenarios as 3 array tasks; every scenario keeps its own attempt,
# records, classification and retry. One exits 75 once and is retried
# alone, one fails for good, the rest succeed and never run again (not in
# the retry wave, not in `resume`, not in a cached run); tasks.jsonl,
# failures.jsonl, status, diagnose, report and the tutorial's analysis see
# scenarios, not packs. Then a pack killed at its walltime: the scenario
# that was running takes the timeout, the one that had not started goes
# back to the queue without a failure, and the run completes. Last, the
# orchestrator killed mid-run: `watch` settles the pack that went on alone
# from its records, and submits the pack that never started again; no
# scenario runs twice.
scalable=${SCALABLE_BIN:?set by make check (build-aux/unit-tests.am)}
. "$(dirname "$0")/tap_checks.sh"
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
n=0
echo "1..45"

# lines FILE: its line count (0 when it does not exist)
lines() {
	if [ -e "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi
}
newest_run() {
	ls -dt "$SCALABLE_RUNS_DIR"/run-* | head -1
}
# jq_count FILE FILTER: how many records of the JSONL FILE the filter keeps
jq_count() {
	python3 - "$1" "$2" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(sum(1 for r in rows if eval(sys.argv[2], {}, {"r": r})))
PY
}

cat >scalable.yaml <<'YAML'
version: 1
project: packtest
targets:
  local: {provider: local, local: {concurrency: 2}}
components:
  model: {command: "sh ./task.sh {{ n }}", pack: 3, cache: true}
scenarios:
  range: {name: n, start: 0, stop: 7}
retry:
  transient: {max_attempts: 3, backoff: {initial: 1s, jitter: 0}}
YAML
# Every execution leaves "<n> attempt <a>" in side_effects.log; scenario 4
# exits 75 (transient) the first time, scenario 6 always exits 65.
cat >task.sh <<'SH'
echo "$1 attempt $SCALABLE_ATTEMPT" >>side_effects.log
if [ "$1" = 4 ] && [ ! -e tempfail-done ]; then
	touch tempfail-done
	echo "Connection reset by peer" >&2
	exit 75
fi
[ "$1" = 6 ] && { echo "bad input row" >&2; exit 65; }
echo "ok $1"
SH
export SCALABLE_RUNS_DIR="$work/runs"

check "plan" 0 "$scalable" plan --target local
holds "plan says how it packs" out "packed 3 per array task, 1 at once: 3 array tasks"
holds "the chunk is 3 array tasks" out "--array=0-2"
check "plan --json" 0 "$scalable" plan --target local --json
holds "plan --json has pack" out '"pack": 3'
holds "plan --json has the array tasks" out '"array_tasks": 3'

check "the packed run ends with one scenario failed" 1 "$scalable" run --target local
run=$(newest_run)
equals "9 executions: 8 scenarios and one retry" "$(lines side_effects.log)" 9
equals "scenario 4 ran twice, attempts 1 and 2" \
	"$(grep -c '^4 attempt' side_effects.log) $(grep -c '^4 attempt 2' side_effects.log)" "2 1"
equals "no scenario that succeeded ran twice" \
	"$(grep -v '^4 ' side_effects.log | sort | uniq -d | wc -l | tr -d ' ')" 0
equals "the retry wave held scenario 4 alone" \
	"$(python3 -c 'import json,sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["record"] == "intent" and r["wave"] == "w002": print(r["tasks"], r.get("pack"))' \
	"$run/journal.jsonl")" "[[4, 2]] 3"
equals "failures.jsonl: one row per failed scenario" "$(lines "$run/failures.jsonl")" 2
equals "scenario 4's failure is transient, attempt 1" \
	"$(jq_count "$run/failures.jsonl" 'r["task_id"] == 4 and r["failure_class"] == "transient" and r["attempt"] == 1')" 1
equals "scenario 6's failure is input_error" \
	"$(jq_count "$run/failures.jsonl" 'r["task_id"] == 6 and r["failure_class"] == "input_error"')" 1
equals "7 scenarios succeeded, each with its own peak memory" \
	"$(jq_count "$run/tasks.jsonl" 'r["state"] == "succeeded" and (r["max_rss_bytes"] or 0) > 0')" 7
equals "succeeded rows name the pack's array task" \
	"$(jq_count "$run/tasks.jsonl" 'r["state"] == "succeeded" and r["task_id"] == 5 and r["array_task_id"] == 1')" 1
equals "9 scenario end records in events/" \
	"$(cat "$run"/events/*/*/pack.*.jsonl | grep -c '"event":"scenario_end"')" 9
check "status" 0 "$scalable" status --latest
holds "status counts scenarios" out "8: 7 succeeded, 1 failed"
check "diagnose" 0 "$scalable" diagnose --latest
holds "diagnose names the scenario that failed for good" out "task 6; the first one's stderr: logs/tasks/model/0/model-6.1.err"
check "report --format json" 0 "$scalable" report --latest --format json
equals "report sees 8 tasks" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["tasks"])' out)" 8
check "the tutorial's analysis works unchanged" 0 python3 - "$run" <<'PY'
import json, sys
from collections import Counter
run = sys.argv[1]
failures = [json.loads(l) for l in open(f"{run}/failures.jsonl")]
assert Counter(f["failure_class"] for f in failures) == {"transient": 1, "input_error": 1}
assert Counter(f["message"].split(":")[0] for f in failures)
done = {r["task_id"] for r in map(json.loads, open(f"{run}/tasks.jsonl"))
        if r["state"] == "succeeded"}
assert done == {0, 1, 2, 3, 4, 5, 7}, done
PY

check "resume runs the failed scenario only" 1 "$scalable" resume --latest
equals "resume ran scenario 6 alone, as attempt 2" "$(tail -n +10 side_effects.log)" "6 attempt 2"

check "a second run takes the 7 successes from the cache" 1 "$scalable" run --target local
equals "it ran only scenario 6" "$(tail -n +11 side_effects.log)" "6 attempt 1"

# A pack killed at its walltime: scenario 0 ends, 1 is running (it sleeps
# on its first attempt), 2 has not started.
mkdir killed && cd killed || exit 1
cat >scalable.yaml <<'YAML'
version: 1
project: packkill
targets:
  local: {provider: local, local: {concurrency: 1}}
components:
  slow: {command: "sh ./task.sh {{ n }}", pack: 3, walltime: "00:00:03", scenario_time: 2s}
scenarios:
  range: {name: n, start: 0, stop: 2}
retry:
  timeout: {max_attempts: 2, walltime_factor: 2, backoff: {initial: 1s, jitter: 0}}
YAML
cat >task.sh <<'SH'
echo "$1 attempt $SCALABLE_ATTEMPT" >>side_effects.log
[ "$1" = 1 ] && [ "$SCALABLE_ATTEMPT" = 1 ] && sleep 30
exit 0
SH
check "plan of a pack that cannot fit" 0 "$scalable" plan --target local
holds "plan warns that it does not fit" out "3 scenarios of 2s one after another take 6s, more than the walltime of 3s"
check "the run completes after the killed pack" 0 timeout 120 "$scalable" run --target local
run=$(newest_run)
equals "one failure: scenario 1's timeout" \
	"$(lines "$run/failures.jsonl") $(jq_count "$run/failures.jsonl" 'r["task_id"] == 1 and r["failure_class"] == "timeout"')" "1 1"
equals "scenario 2 never started: cancelled, not_started" \
	"$(jq_count "$run/tasks.jsonl" 'r["task_id"] == 2 and r["attempt"] == 1 and r["state"] == "cancelled" and r.get("not_started") is True')" 1
equals "then it ran as attempt 2 and succeeded" \
	"$(jq_count "$run/tasks.jsonl" 'r["task_id"] == 2 and r["attempt"] == 2 and r["state"] == "succeeded"')" 1
equals "scenario 0 ran once" "$(grep -c '^0 ' side_effects.log)" 1
equals "scenario 2 ran once" "$(grep -c '^2 ' side_effects.log)" 1
check "status of the killed pack's run" 0 "$scalable" status --latest
holds "all three succeeded" out "3: 3 succeeded"

# The orchestrator killed (the test seam) after scenario 0's success: its
# pack goes on alone and ends; the second pack (concurrency 1) never starts.
cd "$work" && mkdir crashed && cd crashed || exit 1
cat >scalable.yaml <<'YAML'
version: 1
project: packcrash
targets:
  local: {provider: local, local: {concurrency: 1}}
components:
  model: {command: "sh ./task.sh {{ n }}", pack: 3}
scenarios:
  range: {name: n, start: 0, stop: 5}
YAML
cat >task.sh <<'SH'
echo "$1 attempt $SCALABLE_ATTEMPT" >>side_effects.log
sleep 0.3
SH
check "killed after the 8th row" 137 env SCALABLE_CRASH_AT=task_row:8 "$scalable" run --target local
run=$(newest_run)
pack_ended() {
	cat "$run"/events/*/*/pack.*.jsonl 2>/dev/null | grep -q '"event_type":"pack"'
}
n=$((n + 1))
if wait_until 20 pack_ended; then
	echo "ok $n - the first pack went on alone to its end"
else
	echo "not ok $n - the first pack went on alone to its end"
fi
check "watch completes the run" 0 timeout 120 "$scalable" watch --latest
equals "every scenario ran exactly once" \
	"$(cut -d' ' -f1 side_effects.log | sort -n | tr '\n' ' ')" "0 1 2 3 4 5 "
equals "the unstarted pack's scenarios went back as attempt 2, not failed" \
	"$(jq_count "$run/tasks.jsonl" 'r["attempt"] == 1 and r.get("not_started") is True') $(lines "$run/failures.jsonl")" "3 0"
check "status after watch" 0 "$scalable" status --latest
holds "all six succeeded" out "6: 6 succeeded"
