#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# --json on every command that prints a result, in TAP: each prints one JSON
# document (jq reads it) that says what the text says: init, validate, plan,
# run, status, runs, watch, resume, cancel, diagnose and report.
scalable=${SCALABLE_BIN:?set by make check (build-aux/unit-tests.am)}
. "$(dirname "$0")/tap_checks.sh"
command -v jq >/dev/null || { echo "1..0 # SKIP jq is not installed"; exit 0; }
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
n=0
export SCALABLE_RUNS_DIR="$work/runs" SCALABLE_SITE_DEFAULTS= SCALABLE_USER_DEFAULTS=
echo "1..27"

# json DESCRIPTION FILTER: out is one JSON document and FILTER is true of it.
json() {
	n=$((n + 1))
	if jq -e "$2" out >/dev/null 2>jq.err && [ "$(jq -s length out)" = 1 ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1: not one JSON document where $2"
		sed 's/^/# /' out jq.err
	fi
}

check "init --json" 0 "$scalable" init --json
json "init --json names the files written" '.written == ["scalable.yaml", "model.sbatch.tmpl"]'
check "validate --json" 0 "$scalable" validate --json
json "validate --json: valid, the project" '.valid == true and .project == "example"'
check "plan --json" 0 "$scalable" plan --json --target local
json "plan --json: the submissions" '.submissions == 1'
cat >quick.yaml <<'YAML'
version: 1
project: quick
targets:
  local: {provider: local}
components:
  model: {command: "true"}
scenarios:
  range: {name: i, start: 1, stop: 3, step: 1}
YAML
check "run --json" 0 "$scalable" run quick.yaml --json
json "run --json: the outcome and the run" '.outcome == "finished" and (.run_id | startswith("run-"))'
id=$(jq -r .run_id out)
check "status --json" 0 "$scalable" status --json "$id"
json "status --json: the counts" '.run_id == "'"$id"'" and .counts_by_state.succeeded == 3'
check "runs --json" 0 "$scalable" runs --json
json "runs --json: an array with the run" 'type == "array" and .[0].run_id == "'"$id"'"'
check "watch --json on a closed run" 0 "$scalable" watch --json "$id"
json "watch --json: the run" '.run_id == "'"$id"'"'
check "resume --json with nothing to resume" 0 "$scalable" resume --json "$id"
json "resume --json says so" '.outcome == "nothing_to_resume" and .status == "completed"'
check "diagnose --json" 0 "$scalable" diagnose --json "$id"
json "diagnose --json: summary and findings" '(.summary | type) == "object" and (.findings | type) == "array"'
check "report --json" 0 "$scalable" report --json "$id"
json "report --json is --format json" '.run.run_id == "'"$id"'"'
check "cancel --json on a closed run" 0 "$scalable" cancel --json "$id"
json "cancel --json: over already" '.outcome == "already_over" and .status == "completed" and .run_id == "'"$id"'"'
check "cancel on a closed run, as text" 0 "$scalable" cancel "$id"
holds "the text says the same" out "run $id is completed already"

# A run whose orchestrator died (SIGKILL) is cancelled by cancel itself.
sed -e 's/project: quick/project: slow/' -e 's/"true"/"sleep 2"/' quick.yaml >slow.yaml
"$scalable" run slow.yaml >slow.out 2>&1 &
pid=$!
wait_until 10 sh -c 'grep -qs "\"state\":\"running\"" runs/run-*-slow-*/tasks.jsonl'
kill -9 "$pid"
wait "$pid" 2>/dev/null
check "cancel --json of a run nobody follows" 0 "$scalable" cancel --json --latest
json "cancel --json: cancelled, with the counts" '.outcome == "cancelled" and .status == "cancelled" and .tasks.cancelled + .tasks.succeeded + .tasks.failed == 3'
check "the run is closed cancelled" 0 grep -q '"status": "cancelled"' runs/run-*-slow-*/run.json
sleep 2  # the killed run's tasks (sleep 2) end on their own
