#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The run directory's layout 2 on the local target, in TAP: a sweep of 1,010
# scenarios fans events and logs out, no directory holds files of two
# buckets (events by array job and array task / 1000, task logs by index /
# 1000, Slurm's output by chunk), the tracker, diagnose and report find the
# fanned logs, a resume stays in layout 2; a run of layout 1 (run.json
# without "layout") is resumed in layout 1; a run recorded in layout 1 on
# the cluster (a fixture) is still read.
scalable=${SCALABLE_BIN:?set by make check (build-aux/unit-tests.am)}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap_checks.sh"
. "$here/report_run.sh"
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
n=0
echo "1..26"
export SCALABLE_RUNS_DIR="$work/runs"

# ok_if_empty DESCRIPTION FILE: passes when FILE is empty, else shows it.
ok_if_empty() {
	n=$((n + 1))
	if [ ! -s "$2" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1:"
		head -n 5 "$2" | sed 's/^/# /'
	fi
}

cat >scalable.yaml <<'YAML'
version: 1
project: fanout
targets:
  local: {provider: local, local: {concurrency: 8}}
components:
  model: {command: "sh ./task.sh {{ n }}"}
scenarios:
  range: {name: n, start: 0, stop: 1009}
YAML
cat >task.sh <<'SH'
if [ "$1" = 1005 ] && [ ! -e fixed ]; then echo "bad input $1" >&2; exit 65; fi
echo "ok $1"
SH

check "a sweep of 1,010 scenarios: one fails" 1 "$scalable" run
run=$(ls -d runs/run-*)
holds "run.json records layout 2" "$run/run.json" '"layout": 2'

# Events: none in events/ itself; in events/<A>/<b>/ only files of array job
# A whose array task id / 1000 is b.
find "$run/events" -maxdepth 1 -type f >flat
ok_if_empty "no event file in events/ itself" flat
for leaf in "$run"/events/*/*/; do
	a=$(basename "$(dirname "$leaf")") b=$(basename "$leaf")
	for f in "$leaf"*.jsonl; do
		head -n 1 "$f" | grep -q "\"array_job_id\":$a," || echo "$f: not of array job $a"
		t=$(head -n 1 "$f" | sed 's/.*"array_task_id":\([0-9]*\).*/\1/')
		[ $((t / 1000)) -eq "$b" ] || echo "$f: array task $t is not in bucket $b"
	done
done >mixed
ok_if_empty "each events/<array job>/<bucket>/ holds its own files only" mixed
equals "the array task 1000 of the first chunk is in its bucket 1" \
	"$(ls "$run"/events/1/1/ | wc -l | tr -d ' ')" 1
equals "1,010 batch steps recorded" "$(find "$run/events" -name '*.jsonl' | wc -l | tr -d ' ')" 1010

# Task logs: logs/tasks/model/<b>/model-<i>.<attempt>.{out,err} with i / 1000 = b.
find "$run/logs" -maxdepth 1 -type f >flat
ok_if_empty "no log in logs/ itself" flat
for dir in "$run"/logs/tasks/model/*/; do
	b=$(basename "$dir")
	ls "$dir" | sed -n 's/^model-\([0-9]*\)\..*/\1/p' | while read -r i; do
		[ $((i / 1000)) -eq "$b" ] || echo "model-$i in bucket $b"
	done
	ls "$dir" | grep -v '^model-[0-9]*\.[0-9]*\.\(out\|err\)$'
done >mixed
ok_if_empty "each logs/tasks/model/<bucket>/ holds its own scenarios' logs only" mixed
holds "scenario 1005's stderr is in bucket 1" "$run/logs/tasks/model/1/model-1005.1.err" \
	"bad input 1005"
# Slurm's output: one directory per chunk (offset), one array job in each.
for dir in "$run"/logs/slurm/model/*/; do
	ls "$dir" | sed 's/^slurm-\([0-9]*\)_.*/\1/' | sort -u | wc -l | grep -qx 1 ||
		echo "$dir: several array jobs"
done >mixed
ok_if_empty "each logs/slurm/model/<offset>/ holds one chunk's output" mixed
equals "the chunks' offsets" "$(ls "$run/logs/slurm/model" | sort -n | tr '\n' ' ')" "0 1001 "
find "$run" -type d | while read -r d; do
	[ "$(ls -A "$d" | wc -l)" -le 2100 ] || echo "$d"
done >crowded
ok_if_empty "no directory holds more than 2 x 1000 scenarios' entries" crowded

holds "the tracker read the fanned stderr" "$run/failures.jsonl" '"message":"bad input 1005"'
check "diagnose" 0 "$scalable" diagnose "$run"
holds "diagnose names the fanned stderr" out "logs/tasks/model/1/model-1005.1.err"
check "report --format md" 0 "$scalable" report --format md "$run"
holds "the report names it too" out "logs/tasks/model/1/model-1005.1.err"

touch fixed
check "resume" 0 "$scalable" resume "$run"
holds "attempt 2 writes layout 2 too" "$run/logs/tasks/model/1/model-1005.2.out" "ok 1005"
equals "its events are fanned out" "$(find "$run/events" -mindepth 3 -name '*.jsonl' | wc -l | tr -d ' ')" 1011

# A run of layout 1 (as an older scalable made it) stays in layout 1.
mkdir old && cd old || exit 1
sed 's/stop: 1009/stop: 3/; s/project: fanout/project: older/' ../scalable.yaml >scalable.yaml
sed 's/1005/2/' ../task.sh >task.sh
check "a small run" 1 "$scalable" run
old=$(ls -d "$SCALABLE_RUNS_DIR"/run-*older*)
grep -v '"layout"' "$old/run.json" >run.json && cp run.json "$old/run.json"
rm -rf "$old/logs" "$old/events" && mkdir "$old/logs" "$old/events"
touch fixed
check "resume of a layout 1 run" 0 "$scalable" resume "$old"
holds "its attempt 2 logs are in logs/ itself" "$old/logs/model-2.2.out" "ok 2"
equals "its events in events/ itself" "$(find "$old/events" -name '*.jsonl' | sed 's|.*/events/||; s|[0-9]*\.batch|N.batch|')" \
	"N.batch.0.jsonl"
cd .. || exit 1

# A run recorded on the cluster in layout 1: read as it was written.
fixture_run diagnose-small "$work/fixture"
check "diagnose of a recorded layout 1 run" 0 "$scalable" diagnose "$run"
holds "names its stderr in logs/ itself" out "the first one's stderr: logs/model-"
exit 0
