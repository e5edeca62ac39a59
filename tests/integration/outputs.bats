#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# outputs: on the private Slurm, as the unprivileged test user: a task that
# exits 0 without its outputs fails with class output_missing (no retry);
# the cache records each output's sha256 and deleting one result file makes
# the next run, and resume, submit that scenario only (read from
# tasks.jsonl, the journal and the task's own log of executions).

load helpers

SCALABLE=$BUILD/orchestrator/scalable

setup() {
	cluster_up
	plugstack
}

# started RUN: the scenarios with a `running` row, sorted, space-separated.
started() {
	jq -r 'select(.state == "running") | .task_id' "$1/tasks.jsonl" | sort -n | tr '\n' ' '
}

# submitted RUN: the (index, attempt) pairs of the run's journal intents.
submitted() {
	jq -c 'select(.record == "intent") | .tasks' "$1/journal.jsonl" 2>/dev/null | tr '\n' ' '
}

@test "outputs on the cluster: output_missing, then a deleted result redone alone by run and by resume" {
	dir=$(new_run_dir)
	cat >"$dir/scalable.yaml" <<'YAML'
version: 1
project: outputs
targets:
  hpc: {provider: slurm, partition: low, poll_interval: 2s}
components:
  model:
    command: bash task.sh
    cache: true
    outputs: ["results/{{ n }}.csv"]
scenarios:
  range: {name: n, start: 0, stop: 3}
YAML
	cat >"$dir/task.sh" <<'SH'
echo "$SCALABLE_PARAM_N $SCALABLE_ATTEMPT" >> runs.log
mkdir -p results
[ -e "nowrite-$SCALABLE_PARAM_N" ] && exit 0
echo "n,$SCALABLE_PARAM_N" > "results/$SCALABLE_PARAM_N.csv"
SH
	touch "$dir/nowrite-2"
	chown -R "$TEST_USER:" "$dir"

	# scenario 2 exits 0 without its csv: failed, output_missing, not retried
	run in_dir "$dir" timeout 600 "$SCALABLE" run --poll-interval 2s
	echo "$output" | tail -3
	[ "$status" -eq 1 ]
	first=$(the_run "$dir")
	[ "$(jq -r 'select(.state == "failed") | "\(.task_id) \(.failure_class)"' "$first/tasks.jsonl")" = "2 output_missing" ]
	[ "$(jq -r .details.evidence.outputs_missing[0].pattern "$first/failures.jsonl")" = 'results/{{ n }}.csv' ]
	[ "$(jq -r .details.exit_code "$first/failures.jsonl")" = 0 ]
	[ "$(jq -r .details.retry.action "$first/failures.jsonl")" = give_up ]
	[ "$(jq -r 'select(.state == "stored") | .outputs[0].sha256' "$first/cache.jsonl" | wc -l)" -eq 3 ]

	# resume: scenario 2 alone, as attempt 2
	rm "$dir/nowrite-2"
	run in_dir "$dir" timeout 600 "$SCALABLE" resume --latest --poll-interval 2s
	echo "$output" | tail -3
	[ "$status" -eq 0 ]
	[ "$(jq -c 'select(.record == "intent" and .wave == "w002") | .tasks' "$first/journal.jsonl")" = '[[2,2]]' ]

	# a result deleted: the next run (with the cache) submits that scenario only
	rm "$dir/results/1.csv"
	run in_dir "$dir" timeout 600 "$SCALABLE" run --poll-interval 2s
	echo "$output" | tail -3
	[ "$status" -eq 0 ]
	second=$(the_run "$dir")
	[ "$second" != "$first" ]
	[ "$(started "$second")" = "1 " ]
	[ "$(submitted "$second")" = '[[1,1]] ' ]
	[ "$(jq -r 'select(.state == "cached") | .task_id' "$second/tasks.jsonl" | sort -n | tr '\n' ' ')" = "0 2 3 " ]
	[ -s "$dir/results/1.csv" ]

	# a result of the first run deleted: resume of that run redoes that one only
	rm "$dir/results/3.csv"
	run in_dir "$dir" timeout 600 "$SCALABLE" resume "${first##*/}" --poll-interval 2s
	echo "$output" | tail -3
	[ "$status" -eq 0 ]
	[[ $output == *"1 task that succeeded lost its outputs: run again"* ]]
	[ "$(jq -c 'select(.record == "intent" and .wave == "w003") | .tasks' "$first/journal.jsonl")" = '[[3,2]]' ]
	[ "$(sort "$dir/runs.log" | tr '\n' ' ')" = "0 1 1 1 1 1 2 1 2 2 3 1 3 2 " ]   # 1 again in the second run (attempt 1)
}
