#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# outputs: on the local target, in TAP: a task that exits 0 without its
# outputs fails with class output_missing; the cache records each output's
# sha256 and takes a hit only while the files are there and unchanged;
# deleting (or rewriting) one result file makes the next run, and resume,
# redo that scenario only. Which scenarios ran is read from tasks.jsonl
# (their `running` rows) and from the side effects the task leaves.
scalable=${SCALABLE_BIN:?set by make check (build-aux/unit-tests.am)}
. "$(dirname "$0")/tap_checks.sh"
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
n=0
echo "1..44"

# ran RUN_DIR: the scenarios that started in the run, sorted, space-separated
ran() {
	grep '"state":"running"' "$1/tasks.jsonl" |
		sed 's/.*"task_id":\([0-9]*\),.*/\1/' | sort -n | tr '\n' ' ' | sed 's/ $//'
}
# rows PATTERN FILE: lines of FILE matching the basic regex PATTERN
rows() {
	grep -c -- "$1" "$2"
}
newest_run() {
	ls -dt "$SCALABLE_RUNS_DIR"/run-* | head -1
}
lines() {
	if [ -e "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi
}

cat >scalable.yaml <<'YAML'
version: 1
project: outputs
targets:
  local: {provider: local, local: {concurrency: 2}}
components:
  model:
    command: "sh ./task.sh {{ n }}"
    cache: true
    outputs: ["results/{{ n }}.csv", "results/{{ n }}-*.log"]
scenarios:
  range: {name: n, start: 0, stop: 3}
YAML
# Each execution leaves a line in side_effects.log; with nowrite-N there,
# scenario N exits 0 without writing its csv.
cat >task.sh <<'SH'
echo "$1 attempt $SCALABLE_ATTEMPT" >>side_effects.log
mkdir -p results
echo "log of $1" >"results/$1-a.log"
[ -e "nowrite-$1" ] && exit 0
echo "scenario,$1" >"results/$1.csv"
SH
export SCALABLE_RUNS_DIR="$work/runs"

check "validate takes outputs" 0 "$scalable" validate

# A task that exits 0 without its outputs fails: output_missing, no retry.
touch nowrite-3
check "a run where scenario 3 writes no csv fails" 1 "$scalable" run --target local
first=$(newest_run)
holds "it says which outputs are missing" out "output_missing: exited 0 without its outputs: results/{{ n }}.csv"
equals "every scenario ran once" "$(ran "$first")" "0 1 2 3"
equals "one failure row" "$(lines "$first/failures.jsonl")" 1
holds "of class output_missing" "$first/failures.jsonl" '"failure_class":"output_missing"'
holds "naming the pattern and the path" "$first/failures.jsonl" \
	"\"pattern\":\"results/{{ n }}.csv\",\"path\":\"$(cd "$work" && pwd -P)/results/3.csv\""
holds "not retried by default" "$first/failures.jsonl" "output_missing: not retried (max_attempts 1)"
holds "the exit code was 0" "$first/failures.jsonl" '"exit_code":0'
equals "3 stored records" "$(rows '"state":"stored"' "$first/cache.jsonl")" 3
equals "each with its outputs" "$(rows '"outputs":\[{"path":' "$first/cache.jsonl")" 3
holds "with their sha256" "$first/cache.jsonl" "\"sha256\":\"$(sha256sum results/0.csv | cut -c1-64)\""

# resume runs the failed one again.
rm nowrite-3
check "resume completes scenario 3" 0 "$scalable" resume "${first##*/}"
equals "only scenario 3 ran again" "$(ran "$first")" "0 1 2 3 3"
equals "4 stored records" "$(rows '"state":"stored"' "$first/cache.jsonl")" 4

# The cache: all there, nothing runs.
: >side_effects.log
check "a second run takes every hit" 0 "$scalable" run --target local
second=$(newest_run)
equals "nothing ran" "$(lines side_effects.log)" 0
equals "4 cached" "$(rows '"state":"cached"' "$second/tasks.jsonl")" 4
equals "the hits carry the outputs" "$(rows '"state":"hit".*"outputs":\[' "$second/cache.jsonl")" 4

# One result deleted: that scenario only runs again.
rm results/2.csv
check "a run after results/2.csv was deleted" 0 "$scalable" run --target local
third=$(newest_run)
holds "it says why the hit was not taken" out \
	"1 earlier result not taken from the cache: its outputs vanished or changed ($(cd "$work" && pwd -P)/results/2.csv: missing)"
equals "only scenario 2 ran" "$(ran "$third")" "2"
equals "it ran once" "$(cat side_effects.log)" "2 attempt 1"
equals "the others are cached" "$(rows '"state":"cached"' "$third/tasks.jsonl")" 3
check "the file is back" 0 test -s results/2.csv

# One result rewritten (same size, other bytes): that one runs again.
: >side_effects.log
echo "scenario,X" >results/1.csv
touch -d '2001-01-01' results/1.csv
check "a run after results/1.csv changed" 0 "$scalable" run --target local
holds "it says the file changed" out "results/1.csv: changed (sha256))"
equals "only scenario 1 ran" "$(ran "$(newest_run)")" "1"
check "its content is the task's again" 0 grep -qx "scenario,1" results/1.csv

# Touched but unchanged: still a hit.
: >side_effects.log
touch results/0.csv
check "a run after results/0.csv was touched" 0 "$scalable" run --target local
equals "nothing ran" "$(lines side_effects.log)" 0

# resume of a run whose outputs vanished: that scenario only, other ones stay done.
rm results/0-a.log
: >side_effects.log
check "resume after results/0-a.log was deleted" 0 "$scalable" resume "${third##*/}"
holds "resume says why" out "1 task that succeeded lost its outputs: run again"
equals "only scenario 0 ran in that run" "$(ran "$third")" "0 2"
equals "as its attempt 2" "$(cat side_effects.log)" "0 attempt 2"
check "resume again: nothing to do" 0 "$scalable" resume "${third##*/}"
holds "it says so" out "nothing to resume"

# Outputs in the run's directory: a cached task's are in its source run's,
# so resume does not call them vanished; a deleted one there still refuses
# the hit.
mkdir "$work/rd" && cd "$work/rd" || exit 1
export SCALABLE_RUNS_DIR="$work/rd/runs"
cat >scalable.yaml <<'YAML'
version: 1
project: rundir
targets:
  local: {provider: local}
components:
  post:
    command: "echo {{ n }} >>ran.log; echo done >\"$SCALABLE_RUN_DIR/post-{{ n }}.txt\""
    cache: true
    outputs: ["{{ run_dir }}/post-{{ n }}.txt"]
scenarios:
  range: {name: n, start: 0, stop: 1}
YAML
check "a run writing into its run directory" 0 "$scalable" run --target local
source_run=$(newest_run)
check "the next run takes both from the cache" 0 "$scalable" run --target local
cached_run=$(newest_run)
equals "both cached" "$(rows '"state":"cached"' "$cached_run/tasks.jsonl")" 2
check "resume of the cached run" 0 "$scalable" resume "${cached_run##*/}"
holds "finds nothing vanished" out "nothing to resume"
rm "$source_run/post-1.txt"
check "a run after post-1.txt was deleted in the source run" 0 "$scalable" run --target local
equals "runs scenario 1 only" "$(ran "$(newest_run)")" "1"
