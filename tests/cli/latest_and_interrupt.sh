#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# --latest between runs of the same second, and Ctrl-C on the local target,
# in TAP. Run ids have whole seconds and a random suffix: of two runs started
# in one second, --latest is the one started last whatever their suffixes
# (real runs, repeated until a pair of one second has its suffixes the wrong
# way round; and two copies given suffixes 00000000 and ffffffff). SIGINT to
# `scalable run` with long local tasks (one ignoring SIGTERM): exit 130,
# no task process left, run.json and every task cancelled.
scalable=${SCALABLE_BIN:?set by make check (build-aux/unit-tests.am)}
. "$(dirname "$0")/tap_checks.sh"
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
n=0
echo "1..15"
export SCALABLE_RUNS_DIR="$work/runs"
marker="scalable-interrupt-$$"

# latest: the run id `status --latest --json` names.
latest() {
	timeout 60 "$scalable" status --latest --json |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["run_id"])'
}

cat >quick.yaml <<'YAML'
version: 1
project: latest
targets:
  local: {provider: local, local: {concurrency: 1}}
components:
  model: {command: "true"}
scenarios:
  range: {name: n, start: 0, stop: 0}
YAML

# Two runs, one right after the other, until both have the same second and
# the second has the smaller suffix (half the pairs of one second do).
found= first= second=
tries=0
while [ -z "$found" ] && [ "$tries" -lt 40 ]; do
	tries=$((tries + 1))
	rm -rf runs
	timeout 60 "$scalable" run quick.yaml >/dev/null 2>&1 || break
	first=$(ls runs)
	timeout 60 "$scalable" run quick.yaml >/dev/null 2>&1 || break
	second=$(ls runs | grep -vx "$first")
	stamp1=${first#run-} stamp2=${second#run-}
	if [ "${stamp1%%Z-*}" = "${stamp2%%Z-*}" ] && [ "${second##*-}" \< "${first##*-}" ]; then
		found=$second
	fi
done
# last_listed: the run id `scalable runs --json` lists last.
last_listed() {
	timeout 60 "$scalable" runs --json |
		python3 -c 'import json, sys; print(json.load(sys.stdin)[-1]["run_id"])'
}
if [ -z "$found" ]; then
	n=$((n + 1))
	echo "ok $n # SKIP no pair of one second with reversed suffixes in $tries tries"
	n=$((n + 1))
	echo "ok $n # SKIP no pair of one second with reversed suffixes in $tries tries"
else
	equals "--latest is the second of two runs of one second" "$(latest)" "$found"
	equals "runs lists it last" "$(last_listed)" "$found"
fi

# Two copies of a run in one second of the future, the one started last
# with the smallest suffix.
source=$(ls -d runs/run-* | head -1)
copy() {  # copy SUFFIX MILLISECONDS
	id=run-20991231T235959Z-latest-$1
	cp -r "$source" "runs/$id"
	python3 - "runs/$id/run.json" "$id" "2099-12-31T23:59:59.$2Z" <<'PY'
import json, sys
path, run_id, started = sys.argv[1:]
record = json.load(open(path))
record.update(run_id=run_id, started_at=started)
json.dump(record, open(path, "w"), indent=2)
PY
}
copy ffffffff 100
copy 00000000 900
equals "--latest is the one started last, not the highest suffix" "$(latest)" run-20991231T235959Z-latest-00000000
check "watch --latest takes the same run" 0 timeout 60 "$scalable" watch --latest
holds "and names it" out "00000000"
check "diagnose --latest too" 0 timeout 60 "$scalable" diagnose --latest --json
holds "it names the run" out "run-20991231T235959Z-latest-00000000"
rm -rf runs

# Ctrl-C on the local target: 4 tasks of 5 minutes, 2 at a time; task 1
# ignores SIGTERM (SIGKILLed after the kill wait). Each task and its child
# carry the marker in their command line.
cat >long.sh <<'SH'
[ "$1" = 1 ] && trap '' TERM
bash -c 'exec -a "$0" sleep 300' "$2-child-$1" &
wait
SH
cat >long.yaml <<YAML
version: 1
project: interrupt
targets:
  local: {provider: local, local: {concurrency: 2}}
components:
  model: {command: "bash ./long.sh {{ n }} $marker"}
scenarios:
  range: {name: n, start: 0, stop: 3}
YAML
timeout 120 "$scalable" run long.yaml >out 2>err &
pid=$!
running() {
	[ "$(pgrep -fc "[s]${marker#s}-child")" -eq 2 ]
}
check "two tasks and their children run" 0 wait_until 60 running
scalable_pid=$(pgrep -P "$pid")
kill -INT "$scalable_pid"
wait "$pid"
equals "SIGINT: scalable exits 130" "$?" 130
holds "it says it cancels the local tasks" out "cancelling the run's local tasks"
none_left() {
	! pgrep -f "[s]${marker#s}" >/dev/null
}
check "no task process survives" 0 wait_until 30 none_left
run=$(ls -d runs/run-*)
check "run.json is cancelled" 0 grep -q '"status": "cancelled"' "$run/run.json"
last_states() {
	python3 - "$run/tasks.jsonl" <<'PY'
import json, sys
last = {}
for line in open(sys.argv[1], "rb").read().split(b"\n")[:-1]:
    row = json.loads(line)
    last[row["task_id"]] = row["state"]
print(" ".join("%d:%s" % item for item in sorted(last.items())))
PY
}
equals "every task's last row is cancelled" "$(last_states)" "0:cancelled 1:cancelled 2:cancelled 3:cancelled"
check "no task is recorded failed or succeeded" 1 grep -qE '"state":"(failed|succeeded)"' "$run/tasks.jsonl"
check "the journal is closed cancelled" 0 grep -q '"record":"closed","status":"cancelled"' "$run/journal.jsonl"
exit 0
