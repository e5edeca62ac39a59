#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The scalable command against the private Slurm, as the unprivileged test
# user: the energy example end to end (cluster and local target), the
# tutorial's analysis on a run with failures, shell-quoted parameters,
# status/runs output, Ctrl-C then watch without a duplicate submission,
# killed jobs, and cancel.

load helpers

SCALABLE=$BUILD/orchestrator/scalable

setup() {
	cluster_up
	plugstack
}

# example: a copy of examples/energy owned by the test user; prints its path.
example() {
	local dir
	dir=$(new_run_dir)
	cp -r "$TOP/examples/energy/." "$dir/"
	chown -R "$TEST_USER:" "$dir"
	echo "$dir"
}

# count_state RUN STATE: distinct tasks with a row in this state.
count_state() {
	jq -r "select(.state == \"$2\") | .task_id" "$1/tasks.jsonl" | sort -u | wc -l
}

# wait_submitted RUN_PARENT: waits (bounded) for the first chunk's job id.
wait_submitted() {
	local deadline=$((SECONDS + 60))
	while (( SECONDS < deadline )); do
		grep -qs '"record":"submitted"' "$1"/runs/run-*/journal.jsonl && return 0
		sleep 0.5
	done
	return 1
}

# holder_pid RUN: the pid of the orchestrator holding the run's lock.
holder_pid() {
	jq -r .pid "$1/.lock"
}

# completed_all RUN N: run.json completed with its summary, N tasks succeeded.
completed_all() {
	[ "$(count_state "$1" succeeded)" -eq "$2" ]
	[ "$(jq -r .status "$1/run.json")" = completed ]
	[ "$(jq .summary.tasks "$1/run.json")" -eq "$2" ]
	[ "$(jq .summary.counts_by_state.succeeded "$1/run.json")" -eq "$2" ]
	[ "$(jq -r .finished_at "$1/run.json")" != null ]
}

@test "the energy example runs to the end on the cluster: 200 succeeded, run.json completed, events for every task" {
	dir=$(example)
	run in_dir "$dir" env ENERGY_SLEEP=1 timeout 1000 "$SCALABLE" run --target hpc --poll-interval 5s
	echo "$output" | tail -5
	[ "$status" -eq 0 ]
	run_dir=$(the_run "$dir")
	completed_all "$run_dir" 200
	# the plugin recorded the batch step of every array task
	[ "$(events "$run_dir" 'select(.step_id == "batch" and .event == "end" and .exit_code == 0) | .array_task_id' | sort -u | wc -l)" -eq 200 ]
	[ "$(ls "$dir/results" | wc -l)" -eq 200 ]
	# one sbatch for the one chunk, answered
	[ "$(grep -c '"record":"submitted"' "$run_dir/journal.jsonl")" -eq 1 ]
	[ -z "$(root_owned_files "$run_dir")" ]
}

@test "the energy example runs to the end on the local target" {
	dir=$(example)
	run in_dir "$dir" env ENERGY_SLEEP=0.2 timeout 1000 "$SCALABLE" run --target laptop
	echo "$output" | tail -3
	[ "$status" -eq 0 ]
	run_dir=$(the_run "$dir")
	completed_all "$run_dir" 200
	[ "$(events "$run_dir" 'select(.event == "end") | .array_task_id' | sort -u | wc -l)" -eq 200 ]
}

@test "the tutorial's analysis works unchanged on a run with failures" {
	dir=$(example)
	run in_dir "$dir" env ENERGY_SLEEP=0.3 ENERGY_FAIL_EVERY=7 timeout 1000 "$SCALABLE" run --target hpc --poll-interval 5s
	[ "$status" -eq 1 ]
	run_dir=$(the_run "$dir")
	[ "$(jq -r .status "$run_dir/run.json")" = failed ]
	run python3 - "$run_dir" <<'PY'
import json, sys
from collections import Counter
run = sys.argv[1]
failures = [json.loads(line) for line in open(f"{run}/failures.jsonl")]
by_class = Counter(f["failure_class"] for f in failures)
by_prefix = Counter(f["message"].split(":")[0] for f in failures)
done = {r["task_id"]: r for r in map(json.loads, open(f"{run}/tasks.jsonl"))
        if r["state"] == "succeeded"}
given_up = Counter(f["failure_class"] for f in failures
                   if f["details"]["retry"]["action"] == "give_up")
print(dict(by_class), dict(by_prefix), dict(given_up), len(done))
# oom is retried twice with more memory (max_attempts 3): 3 attempts per task
assert by_class == {"oom": 87}, by_class
assert by_prefix == {"OOM": 87}, by_prefix
assert given_up == {"oom": 29}, given_up
assert len(done) == 171 and not any(i % 7 == 0 for i in done)
PY
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "a parameter \$(touch pwned) stays text on the cluster" {
	dir=$(new_run_dir)
	cat >"$dir/scalable.yaml" <<'YAML'
version: 1
project: quoting
targets:
  hpc: {provider: slurm, partition: low, poll_interval: 5s}
components:
  echo:
    command: printf '%s\n' {{ word }} > "out-$SCALABLE_TASK_ID.txt"
scenarios:
  list:
    - {word: "$(touch pwned)"}
    - {word: "`touch pwned2`; touch pwned3"}
    - {word: "it's \"quoted\" & $HOME"}
YAML
	chown -R "$TEST_USER:" "$dir"
	run in_dir "$dir" timeout 1000 "$SCALABLE" run --poll-interval 5s
	echo "$output"
	[ "$status" -eq 0 ]
	none_exists "$dir/pwned" "$dir/pwned2" "$dir/pwned3"
	[ "$(cat "$dir/out-0.txt")" = '$(touch pwned)' ]
	[ "$(cat "$dir/out-1.txt")" = '`touch pwned2`; touch pwned3' ]
	[ "$(cat "$dir/out-2.txt")" = "it's \"quoted\" & \$HOME" ]
}

@test "status, runs and their --json on finished and running runs" {
	dir=$(example)
	run in_dir "$dir" env ENERGY_SLEEP=0.2 ENERGY_FAIL_EVERY=50 timeout 1000 "$SCALABLE" run --target hpc --poll-interval 5s
	[ "$status" -eq 1 ]
	run in_dir "$dir" "$SCALABLE" status --latest
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"status        failed"* ]]
	[[ $output == *"200: 196 succeeded, 4 failed"* ]]
	# failed attempts: 4 tasks, each tried 3 times (oom retries)
	failures_row_is "$output" oom 12 OOM
	run in_dir "$dir" "$SCALABLE" status --json
	[ "$(jq -r .status <<<"$output")" = failed ]
	[ "$(jq .counts_by_state.failed <<<"$output")" -eq 4 ]
	[ "$(jq -r '.failures[0].prefix' <<<"$output")" = OOM ]
	run in_dir "$dir" "$SCALABLE" runs --json
	[ "$(jq length <<<"$output")" -eq 1 ]
	[ "$(jq -r '.[0].target_name' <<<"$output")" = hpc ]
	run in_dir "$dir" "$SCALABLE" runs
	runs_row_is "$output" failed 200 196 4
	run in_dir "$dir" "$SCALABLE" status no-such-run
	[ "$status" -eq 5 ]
}

@test "Ctrl-C detaches and leaves the jobs running; watch completes the run with no duplicate submission" {
	dir=$(example)
	(in_dir "$dir" env ENERGY_SLEEP=8 timeout 1000 "$SCALABLE" run --target hpc --poll-interval 5s >"$dir/run.out" 2>&1) 3>&- &
	bg=$!
	wait_submitted "$dir"
	run_dir=$(the_run "$dir")
	sleep 2
	kill -INT "$(holder_pid "$run_dir")"
	rc=0; wait "$bg" || rc=$?
	cat "$dir/run.out"
	[ "$rc" -eq 130 ]
	grep -q "scalable watch $(basename "$run_dir")" "$dir/run.out"
	[ "$(jq -r .status "$run_dir/run.json")" = running ]
	job=$(jq -r 'select(.record == "submitted") | .job_id' "$run_dir/journal.jsonl")
	[ -n "$(squeue -h -j "$job" -o %i)" ]          # the jobs went on
	run in_dir "$dir" "$SCALABLE" status
	[[ $output == *"none attached"* ]]
	run in_dir "$dir" "$SCALABLE" watch --latest --poll-interval 5s
	echo "$output" | tail -3
	[ "$status" -eq 0 ]
	completed_all "$run_dir" 200
	# zero duplicates: one intent, one submission, one array in Slurm's accounting
	[ "$(grep -c '"record":"intent"' "$run_dir/journal.jsonl")" -eq 1 ]
	[ "$(grep -c '"record":"submitted"' "$run_dir/journal.jsonl")" -eq 1 ]
	name=$(jq -r 'select(.record == "intent") | "energy.model.\(.wave).\(.offset)"' "$run_dir/journal.jsonl").${run_dir##*-}
	arrays=$(as_user sacct -X -n -P -S now-1hour --name="$name" -o JobID | cut -d_ -f1 | sort -u)
	echo "arrays in sacct: $arrays; journal: $job"
	[ "$arrays" = "$job" ]
	# each task was submitted once: one submitted row per task
	[ "$(jq -r 'select(.state == "submitted") | .task_id' "$run_dir/tasks.jsonl" | sort | uniq -d | wc -l)" -eq 0 ]
}

@test "a job killed by scancel is recorded final, never left running" {
	dir=$(example)
	(in_dir "$dir" env ENERGY_SLEEP=15 timeout 1000 "$SCALABLE" run --target hpc --poll-interval 5s >"$dir/run.out" 2>&1) 3>&- &
	bg=$!
	wait_submitted "$dir"
	run_dir=$(the_run "$dir")
	job=$(jq -r 'select(.record == "submitted") | .job_id' "$run_dir/journal.jsonl")
	for _ in $(seq 60); do [[ $(squeue -h -j "${job}_5" -o %T) == RUNNING && $(squeue -h -j "${job}_6" -o %T) == RUNNING ]] && break; sleep 1; done
	[[ $(squeue -h -j "${job}_6" -o %T) == RUNNING ]]
	as_user scancel "${job}_5"                       # cancelled by the user
	# killed by a signal: a signal sent while slurmstepd still sets up the
	# batch step can be lost (CI saw task 6 run to success once), so it is
	# sent again, bounded, while the task still runs
	for _ in 1 2 3 4 5; do
		as_user scancel --signal=KILL --batch "${job}_6"
		sleep 2
		[[ $(squeue -h -j "${job}_6" -o %T) == RUNNING ]] || break
	done
	rc=0; wait "$bg" || rc=$?
	tail -5 "$dir/run.out"
	[ "$rc" -eq 1 ]
	[ "$(jq -r .status "$run_dir/run.json")" = failed ]
	last() { jq -r "select(.task_id == $1) | .state" "$run_dir/tasks.jsonl" | tail -1; }
	[ "$(last 5)" = cancelled ]
	[ "$(last 6)" = failed ]
	[ "$(count_state "$run_dir" succeeded)" -eq 198 ]
	[ "$(jq -r 'select(.task_id == 6) | .details.signal' "$run_dir/failures.jsonl")" = 9 ]
}

@test "cancel while an orchestrator follows the run: every job cancelled, run.json cancelled" {
	dir=$(example)
	(in_dir "$dir" env ENERGY_SLEEP=60 timeout 1000 "$SCALABLE" run --target hpc --poll-interval 5s >"$dir/run.out" 2>&1) 3>&- &
	bg=$!
	wait_submitted "$dir"
	run_dir=$(the_run "$dir")
	run in_dir "$dir" "$SCALABLE" cancel "$(basename "$run_dir")"
	echo "$output"
	[ "$status" -eq 0 ]
	rc=0; wait "$bg" || rc=$?
	[ "$rc" -eq 1 ]
	[ "$(jq -r .status "$run_dir/run.json")" = cancelled ]
	[ "$(jq .summary.counts_by_state.cancelled "$run_dir/run.json")" -eq 200 ]
	job=$(jq -r 'select(.record == "submitted") | .job_id' "$run_dir/journal.jsonl")
	wait_gone "$job"
}

@test "a task that exits 75 once is retried in a second wave and the run completes" {
	dir=$(new_run_dir)
	cat >"$dir/scalable.yaml" <<'YAML'
version: 1
project: retry
targets:
  hpc: {provider: slurm, partition: low, poll_interval: 2s}
components:
  flaky:
    command: "[ \"$SCALABLE_ATTEMPT\" != 1 ] || [ {{ n }} != 1 ] || { echo 'TimeoutError: upstream' >&2; exit 75; }"
scenarios:
  range: {name: n, start: 0, stop: 2}
retry:
  transient: {max_attempts: 4, backoff: {initial: 1s, factor: 1, max: 1s, jitter: 0}}
YAML
	chown -R "$TEST_USER:" "$dir"
	run in_dir "$dir" timeout 180 timeout 1000 "$SCALABLE" run --poll-interval 2s
	echo "$output"
	[ "$status" -eq 0 ]
	run_dir=$(the_run "$dir")
	completed_all "$run_dir" 3
	[ "$(jq -r 'select(.task_id == 1 and .state == "succeeded") | .attempt' "$run_dir/tasks.jsonl")" = 2 ]
	[ "$(jq -r 'select(.failure_class == "transient") | .details.retry.action' "$run_dir/failures.jsonl")" = retry ]
	# one submission per wave: no duplicate
	[ "$(jq -r 'select(.record == "submitted") | .key' "$run_dir/journal.jsonl" | sort | uniq -d | wc -l)" -eq 0 ]
	grep -q '"wave":"w002"' "$run_dir/journal.jsonl"
	grep -q -- '--begin=now+1\|"begin_delay_s":1' "$run_dir/journal.jsonl"
}

@test "resume and the cache on the cluster: only the failed task is submitted again; a second run is all cached" {
	dir=$(new_run_dir)
	cat >"$dir/scalable.yaml" <<'YAML'
version: 1
project: resumed
targets:
  hpc: {provider: slurm, partition: low, poll_interval: 2s}
components:
  model: {command: bash task.sh, cache: true}
scenarios:
  range: {name: n, start: 0, stop: 3}
YAML
	cat >"$dir/task.sh" <<'SH'
if [ "$SCALABLE_PARAM_N" = 1 ] && [ -e fail-1 ]; then echo "bad row" >&2; exit 65; fi
echo "$SCALABLE_PARAM_N $SCALABLE_ATTEMPT" >> runs.log
SH
	touch "$dir/fail-1"
	chown -R "$TEST_USER:" "$dir"
	run in_dir "$dir" timeout 600 "$SCALABLE" run --poll-interval 2s
	echo "$output" | tail -3
	[ "$status" -eq 1 ]
	rm "$dir/fail-1"
	run in_dir "$dir" timeout 600 "$SCALABLE" resume --latest --poll-interval 2s
	echo "$output" | tail -3
	[ "$status" -eq 0 ]
	run_dir=$(the_run "$dir")
	[ "$(jq -r .status "$run_dir/run.json")" = completed ]
	# the second wave held task 1 only, as attempt 2; nothing else ran twice
	[ "$(jq -c 'select(.record == "intent" and .wave == "w002") | .tasks' "$run_dir/journal.jsonl")" = '[[1,2]]' ]
	[ "$(sort "$dir/runs.log" | tr '\n' ' ')" = "0 1 1 2 2 1 3 1 " ]
	# Slurm ran exactly the journal's arrays
	[ "$(jq -r 'select(.record == "submitted") | .job_id' "$run_dir/journal.jsonl" | sort -un | wc -l)" -eq 2 ]
	# a second run of the same config: every task cached, nothing submitted
	run in_dir "$dir" timeout 600 "$SCALABLE" run --poll-interval 2s
	echo "$output" | tail -3
	[ "$status" -eq 0 ]
	second=$(the_run "$dir")
	[ "$second" != "$run_dir" ]
	[ "$(jq -r 'select(.state == "cached") | .task_id' "$second/tasks.jsonl" | sort -u | wc -l)" -eq 4 ]
	[ "$(jq -r 'select(.record == "submitted")' "$second/journal.jsonl" 2>/dev/null | wc -l)" -eq 0 ]
	[ "$(wc -l <"$dir/runs.log")" -eq 4 ]   # the cached run ran nothing
}

@test "max_queued: a sweep goes in as a window, never more of its tasks queued than the cap, each scenario once" {
	dir=$(new_run_dir)
	cat >"$dir/scalable.yaml" <<'YAML'
version: 1
project: windowed
targets:
  hpc: {provider: slurm, partition: low, poll_interval: 2s, max_queued: 8}
components:
  step: {command: "sleep 2; echo $SCALABLE_PARAM_N >> done.log"}
scenarios:
  range: {name: n, start: 0, stop: 29}
YAML
	chown -R "$TEST_USER:" "$dir"
	# sample the run's queued and running array tasks while it runs
	(while [ ! -e "$dir/stop-sampling" ]; do
		squeue -h -u "$TEST_USER" -r -t PENDING,RUNNING,CONFIGURING,COMPLETING -o %i | { grep -c _ || true; } >>"$dir/queued.samples"
		sleep 0.5
	done) 3>&- &
	run in_dir "$dir" timeout 600 "$SCALABLE" run --poll-interval 2s
	touch "$dir/stop-sampling"
	echo "$output" | tail -3
	[ "$status" -eq 0 ]
	run_dir=$(the_run "$dir")
	[ "$(sort -n "$dir/queued.samples" | tail -n 1)" -le 8 ]
	[ "$(sort -n "$dir/queued.samples" | tail -n 1)" -gt 0 ]   # the sampler saw the run
	[ "$(sort -n "$dir/done.log" | uniq | wc -l)" -eq 30 ]
	[ "$(wc -l <"$dir/done.log")" -eq 30 ]   # each scenario ran once
	# chunks of at most 4 (half the window), each key submitted once, Slurm ran exactly the journal's arrays
	[ "$(jq -r 'select(.record == "intent") | .tasks | length' "$run_dir/journal.jsonl" | sort -n | tail -n 1)" -le 4 ]
	[ "$(jq -r 'select(.record == "submitted") | .key' "$run_dir/journal.jsonl" | sort | uniq -d | wc -l)" -eq 0 ]
	[ "$(jq -r 'select(.record == "submitted") | .job_id' "$run_dir/journal.jsonl" | sort -un | wc -l)" -eq 8 ]
}
