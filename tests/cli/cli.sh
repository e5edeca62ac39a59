#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The scalable command line, in TAP: help and version, init, validate and
# plan on what init wrote, their --json output, and usage errors (exit 2).
scalable=${SCALABLE_BIN:?set by make check (build-aux/unit-tests.am)}
. "$(dirname "$0")/tap_checks.sh"
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
n=0
echo "1..62"

check "--help" 0 "$scalable" --help
holds "--help lists the exit codes" out "2  bad usage or invalid config"
check "--version" 0 "$scalable" --version
cp out version.out
check "-V" 0 "$scalable" -V
equals "-V says what --version says" "$(cat out)" "$(cat version.out)"
check "an unknown command is bad usage" 2 "$scalable" frobnicate
check "no command is bad usage" 2 "$scalable"
check "validate without a config is bad usage" 2 "$scalable" validate
check "init writes an example" 0 "$scalable" init
check "init refuses to overwrite" 2 "$scalable" init
check "the example validates" 0 "$scalable" validate
holds "validate summarises the scenarios" out "scenarios  6 (matrix: region, year)"
check "validate --json" 0 "$scalable" validate --json scalable.yaml
holds "validate --json says valid" out '"valid": true'
check "plan for the slurm target" 0 "$scalable" plan --target hpc --max-array-size 4
holds "plan cuts chunks below MaxArraySize with an offset" out "SCALABLE_INDEX_OFFSET=4"
check "plan --json" 0 "$scalable" plan --json --max-array-size 1001
holds "plan --json counts the submissions" out '"submissions": 1'
sed -e '/^    max_queued: auto/d' -e 's/^    max_array_size: auto .*/    max_queued: 4/' \
	scalable.yaml > windowed.yaml
check "plan with max_queued" 0 "$scalable" plan windowed.yaml --target hpc --max-array-size 1001
holds "plan cuts chunks to half max_queued" out "chunk 3: indices 4-5 (2)"
holds "plan shows the window" out "window: at most 4 tasks queued at once (max_queued); 3 chunks"
check "plan --json with max_queued" 0 "$scalable" plan windowed.yaml --json --target hpc
holds "plan --json says max_queued" out '"max_queued": 4'
# max_queued: auto asks the site (shims for scontrol and sacctmgr): the least
# of MaxJobCount, the association's and the default QOS's submit limits.
mkdir site
printf '#!/bin/sh\necho "MaxJobCount = 10000"\n' > site/scontrol
printf '#!/bin/sh\ncase "$*" in *assoc*) echo "%s|700||";; *qos*) echo "normal|300|";; esac\n' \
	"$(id -un)" > site/sacctmgr
chmod +x site/scontrol site/sacctmgr
check "plan with max_queued: auto" 0 env PATH="$work/site:$PATH" \
	"$scalable" plan --target hpc --max-array-size 1001
holds "auto takes the site's least limit" out \
	"window: at most 300 tasks queued at once (max_queued: auto, the site's limit)"
check "plan for an unknown target is bad usage" 2 "$scalable" plan --target nowhere
check "a bad --max-array-size is bad usage" 2 "$scalable" plan --max-array-size 0
[ -e .scalable ] && echo "# a .scalable directory was made" && exit 1

# run, status, runs, watch and cancel on the local target (init's example:
# 6 scenarios of about a second, 2 at a time).
export SCALABLE_RUNS_DIR="$work/runs"
for command in run watch status cancel runs; do
	check "$command --help" 0 "$scalable" "$command" --help
done
check "a bad --poll-interval is bad usage" 2 "$scalable" run --poll-interval soon
check "watch needs a run" 2 "$scalable" watch
check "status of no run at all: none found" 5 "$scalable" status
check "run on the local target completes" 0 "$scalable" run --target local
holds "run says how it ended" out "completed: 6 tasks, 6 succeeded"
run_dir=$(ls -d "$work"/runs/run-*)
check "run.json is completed" 0 grep -q '"status": "completed"' "$run_dir/run.json"
check "tasks.jsonl has 6 succeeded rows" 0 test "$(grep -c '"state":"succeeded"' "$run_dir/tasks.jsonl")" -eq 6
check "status --latest" 0 "$scalable" status --latest
holds "status counts the tasks" out "6: 6 succeeded"
check "status --json" 0 "$scalable" status --json
holds "status --json has counts_by_state" out '"succeeded": 6'
holds "status --json: nothing left unsubmitted" out '"not_submitted": 0'
check "runs" 0 "$scalable" runs
holds "runs lists the run" out "completed"
check "runs --json" 0 "$scalable" runs --json
holds "runs --json names the target" out '"target_name": "local"'
check "watch on a closed run has nothing to do" 0 "$scalable" watch --latest
check "cancel on a closed run has nothing to do" 0 "$scalable" cancel "${run_dir##*-}"
check "run --json prints the outcome" 0 "$scalable" run --target local --json
holds "the outcome is JSON" out '"outcome": "finished"'

# Retries on the local target: scenario 1 exits 75 on its first attempt only
# (transient, retried after a 1s backoff), 2 exits 65 (input_error, never
# retried), 3 goes over its 64M on the first attempt (oom, more memory).
mkdir "$work/retry" && cd "$work/retry" || exit 1
cat >scalable.yaml <<'YAML'
version: 1
project: retry
targets:
  local: {provider: local, local: {concurrency: 3}}
components:
  model: {command: "sh ./task.sh {{ n }}", memory: 64M}
scenarios:
  range: {name: n, start: 0, stop: 3}
retry:
  transient: {max_attempts: 4, backoff: {initial: 1s, factor: 1, max: 1s, jitter: 0}}
  oom: {max_attempts: 3, memory_factor: 2}
YAML
cat >task.sh <<'SH'
case "$1" in
1) [ "$SCALABLE_ATTEMPT" = 1 ] && { echo "TimeoutError: upstream did not answer" >&2; exit 75; } ;;
2) echo "bad input row" >&2; exit 65 ;;
3) [ "$SCALABLE_ATTEMPT" = 1 ] && python3 -c 'import time; b = bytearray(100 << 20); b[::4096] = b"x" * len(b[::4096]); time.sleep(2)' ;;
esac
echo "ok $1"
SH
export SCALABLE_RUNS_DIR="$work/retry/runs"
check "a run with one input_error fails" 1 "$scalable" run --target local
holds "the retried tasks succeed" out "4 tasks, 3 succeeded, 1 failed"
run_dir=$(ls -d "$work"/retry/runs/run-*)
check "the transient task succeeded on attempt 2" 0 grep -q '"task_id":1,.*"attempt":2,"state":"succeeded"' "$run_dir/tasks.jsonl"
check "the oom task succeeded on attempt 2" 0 grep -q '"task_id":3,.*"attempt":2,"state":"succeeded"' "$run_dir/tasks.jsonl"
check "the input_error is not retried" 1 grep -q '"task_id":2,.*"attempt":2' "$run_dir/tasks.jsonl"
check "failures.jsonl: transient, with a retry decided" 0 grep -q '"failure_class":"transient".*"retry":{"action":"retry"' "$run_dir/failures.jsonl"
check "failures.jsonl: input_error given up" 0 grep -q '"failure_class":"input_error".*"retry":{"action":"give_up"' "$run_dir/failures.jsonl"
check "failures.jsonl: oom, with more memory" 0 grep -q '"failure_class":"oom".*"summary":"retry 2/3 at once with memory 64M→' "$run_dir/failures.jsonl"
check "the oom retry asks for more than 64M" 0 grep -q '"wave":"w00[23]".*"memory_bytes":1[0-9]\{8\}' "$run_dir/journal.jsonl"
check "run.json is failed" 0 grep -q '"status": "failed"' "$run_dir/run.json"
exit 0
