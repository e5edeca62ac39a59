#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# scalable resume and the content cache on the local target, in TAP: a run
# of a `cache: true` component run again submits nothing and runs nothing
# (the task's side effects are counted in a file), --no-cache and a changed
# input file run it again; resume after a scenario that failed on its first
# attempt only runs that one again, as attempt 2, in the same run.
scalable=${SCALABLE_BIN:?set by make check (build-aux/unit-tests.am)}
. "$(dirname "$0")/tap_checks.sh"
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
n=0
echo "1..55"

# lines FILE: its line count (0 when it does not exist)
lines() {
	if [ -e "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi
}
# rows PATTERN FILE: lines of FILE matching the basic regex PATTERN
rows() {
	grep -c -- "$1" "$2"
}
# newest_run: the run directory created last (ids sort by second only)
newest_run() {
	ls -dt "$SCALABLE_RUNS_DIR"/run-* | head -1
}

cat >scalable.yaml <<'YAML'
version: 1
project: cachetest
targets:
  local: {provider: local, local: {concurrency: 2}}
components:
  model: {command: "sh ./task.sh {{ n }}", cache: true, inputs: [data/input.txt]}
scenarios:
  range: {name: n, start: 0, stop: 3}
YAML
mkdir data && echo "first" >data/input.txt
# Every execution leaves a line in side_effects.log; scenario 2 fails with
# exit 65 (input_error: never retried) while the flag file is there.
cat >task.sh <<'SH'
echo "$1 attempt $SCALABLE_ATTEMPT" >>side_effects.log
if [ "$1" = 2 ] && [ -e fail-2-once ]; then
	rm -f fail-2-once
	echo "bad input row" >&2
	exit 65
fi
echo "ok $1"
SH
export SCALABLE_RUNS_DIR="$work/runs"

check "resume --help" 0 "$scalable" resume --help
holds "resume --help names --no-cache" out "--no-cache"
check "resume needs a run" 2 "$scalable" resume
check "resume of no run at all: none found" 5 "$scalable" resume --latest

# The cache.
check "a first run computes all 4 scenarios" 0 "$scalable" run --target local
first=$(newest_run)
equals "the task ran 4 times" "$(lines side_effects.log)" 4
equals "4 stored records" "$(rows '"state":"stored"' "$first/cache.jsonl")" 4
check "the same run again" 0 "$scalable" run --target local
holds "it says every scenario is cached" out "4 tasks, 4 succeeded (4 cached)"
second=$(newest_run)
equals "nothing ran again" "$(lines side_effects.log)" 4
equals "nothing was submitted" "$(rows '"record":"intent"' "$second/journal.jsonl")" 0
equals "every task is cached" "$(rows '"state":"cached"' "$second/tasks.jsonl")" 4
equals "and has no other row" "$(lines "$second/tasks.jsonl")" 4
equals "4 hit records" "$(rows '"state":"hit"' "$second/cache.jsonl")" 4
equals "each names the run that computed it" \
	"$(rows "\"source_run_id\":\"${first##*/}\"" "$second/cache.jsonl")" 4
check "run.json is completed" 0 grep -q '"status": "completed"' "$second/run.json"
check "its summary counts 4 cached" 0 grep -q '"cached": 4' "$second/run.json"
check "status shows them" 0 "$scalable" status "${second##*/}"
holds "status counts cached as done" out "4: 4 cached"

check "--no-cache runs them again" 0 "$scalable" run --target local --no-cache
equals "the task ran 4 more times" "$(lines side_effects.log)" 8
equals "and nothing is cached" "$(rows '"state":"cached"' "$(newest_run)/tasks.jsonl")" 0

echo "second" >data/input.txt
check "after a declared input changed" 0 "$scalable" run --target local
equals "every scenario runs again" "$(lines side_effects.log)" 12
equals "none is a hit" "$(rows '"state":"hit"' "$(newest_run)/cache.jsonl")" 0

# Killed before its first wave reached the executor: `watch` submits the
# chunk left over and leaves the cached scenarios out of it as the first
# plan did (one scenario more: 0-3 are hits, 4 is new).
sed 's/stop: 3/stop: 4/' scalable.yaml >five.yaml
check "a run killed at its first submission" 137 env SCALABLE_CRASH_AT=intent "$scalable" run five.yaml --target local
killed=$(newest_run)
equals "it ran nothing" "$(lines side_effects.log)" 12
check "watch finishes it" 0 "$scalable" watch "${killed##*/}"
equals "only scenario 4 ran" "$(tail -1 side_effects.log)" "4 attempt 1"
equals "and only it" "$(lines side_effects.log)" 13
equals "the 4 others stayed cached" "$(rows '"state":"cached"' "$killed/tasks.jsonl")" 4
equals "both intents of its chunk hold scenario 4 alone" \
	"$(rows '"record":"intent","key":"w001/model/0",.*"array":"4","tasks":\[\[4,1\]\]' "$killed/journal.jsonl")" 2

sed 's/input.txt/missing.txt/' scalable.yaml >missing-input.yaml
check "a declared input that cannot be read is bad usage" 2 "$scalable" run missing-input.yaml
equals "and no run was made for it" "$(ls "$SCALABLE_RUNS_DIR" | wc -l | tr -d ' ')" 5

# Resume: scenario 2 fails on its first attempt (exit 65, not retried).
sed -i 's/cache: true, //' scalable.yaml  # no cache: every scenario runs
: >side_effects.log
touch fail-2-once
check "a run where scenario 2 fails" 1 "$scalable" run --target local
failed=$(newest_run)
id=${failed##*/}
equals "4 executions" "$(lines side_effects.log)" 4
# The config file changes after the run: resume uses the run's own copy.
sed -i 's/task.sh/missing.sh/' scalable.yaml
check "resume of a run whose lock is held: exit 4" 4 flock "$failed/.lock" "$scalable" resume "$id"
equals "nothing ran while it was locked" "$(lines side_effects.log)" 4
check "resume completes the run" 0 "$scalable" resume "$id"
holds "it says what it resubmits" out "1 task in wave w002"
holds "the run ends completed" out "completed: 4 tasks, 4 succeeded"
equals "only one execution more" "$(lines side_effects.log)" 5
equals "it was scenario 2, attempt 2" "$(tail -1 side_effects.log)" "2 attempt 2"
equals "in the same run: tasks.jsonl has its attempt 2 succeeded" \
	"$(rows '"task_id":2,.*"attempt":2,"state":"succeeded"' "$failed/tasks.jsonl")" 1
equals "the succeeded tasks kept their one succeeded row each" \
	"$(rows '"attempt":1,"state":"succeeded"' "$failed/tasks.jsonl")" 3
equals "no task of theirs got a second attempt" \
	"$(rows '"task_id":[013],.*"attempt":2' "$failed/tasks.jsonl")" 0
check "the journal's resume wave holds only [2, 2]" 0 \
	grep -q '"wave":"w002",.*"tasks":\[\[2,2\]\]' "$failed/journal.jsonl"
check "run.json is completed again" 0 grep -q '"status": "completed"' "$failed/run.json"
check "run.json says when it was resumed" 0 grep -q '"resumed_at": \[' "$failed/run.json"
check "a second resume has nothing to do" 0 "$scalable" resume "$id"
holds "and says so" out "nothing to resume"
equals "and runs nothing" "$(lines side_effects.log)" 5

# An orchestrator that died after its tasks ended (run.json still running):
# resume re-attaches, then adds its wave.
touch fail-2-once
sed -i 's/missing.sh/task.sh/' scalable.yaml
: >side_effects.log
"$scalable" run --target local >/dev/null 2>&1
crashed=$(newest_run)
sed -i 's/"status": "failed"/"status": "running"/' "$crashed/run.json"
check "resume of a run left running" 0 "$scalable" resume "${crashed##*/}"
equals "one execution more" "$(lines side_effects.log)" 5
equals "scenario 2 ran again as attempt 2" "$(rows '^2 attempt 2$' side_effects.log)" 1
exit 0
