#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# A site's limits on queued jobs, on the private cluster (which enforces
# accounting limits, AccountingStorageEnforce=associations,limits,qos):
#   - the test user's MaxSubmitJobs of 300, with 200 of the user's own jobs
#     already queued: `max_queued: auto` finds the limit, a 3,000-scenario
#     sweep goes in as a window, the chunks slurmctld refuses are waited out
#     (journaled `deferred`), kill -9 of the orchestrator with the window
#     open is finished by `watch`, every scenario runs once, no chunk goes in
#     twice (journal against sacct), the limit is never exceeded;
#   - a cluster restarted with MaxJobCount=300 (MinJobAge=10 s, so finished
#     jobs leave slurmctld soon): `max_queued: auto` keeps half of it, and a
#     600-scenario sweep completes.

load helpers

SCALABLE=$BUILD/orchestrator/scalable

setup() {
	cluster_up
	plugstack
}

teardown() {
	sacctmgr -i modify user "$TEST_USER" set maxsubmitjobs=-1 >/dev/null 2>&1 || true
	scancel -u "$TEST_USER" 2>/dev/null || true
	[[ -n ${dir:-} ]] && touch "$dir/stop-sampling"
	return 0
}

# The second test restarts the cluster with a small MaxJobCount: the next
# file gets the usual cluster back.
teardown_file() {
	if ! scontrol show config | grep -Eq '^MaxJobCount += 10000$'; then
		env -u SCALABLE_CLUSTER_MAX_JOB_COUNT -u SCALABLE_CLUSTER_MIN_JOB_AGE \
			"$CLUSTER" restart --plugin "$PLUGIN" >/dev/null
	fi
}

# sweep N: a run directory with a sweep of N scenarios (0 .. N-1), each
# appending its number to done.log, under max_queued: auto; prints its path.
sweep() {
	local dir
	dir=$(new_run_dir)
	cat >"$dir/scalable.yaml" <<YAML
version: 1
project: limited
targets:
  hpc: {provider: slurm, partition: low, poll_interval: 2s, max_queued: auto}
components:
  step: {command: "echo \$SCALABLE_PARAM_N >> done.log"}
scenarios:
  range: {name: n, start: 0, stop: $(($1 - 1))}
YAML
	chown -R "$TEST_USER:" "$dir"
	echo "$dir"
}

# sample DIR: every 0.5 s until DIR/stop-sampling, the test user's queued
# and running jobs (array tasks one by one) into DIR/user.samples.
sample() {
	(while [ ! -e "$1/stop-sampling" ]; do
		squeue -h -r -u "$TEST_USER" -o %i | wc -l >>"$1/user.samples"
		sleep 0.5
	done) 3>&- &
}

# each_once DIR N: done.log holds each of 0 .. N-1 exactly once.
each_once() {
	[ "$(sort -n "$1/done.log" | uniq | wc -l)" -eq "$2" ]
	[ "$(wc -l <"$1/done.log")" -eq "$2" ]
}

submitted_count() {
	jq -r 'select(.record == "submitted") | .key' "$1"/runs/run-*/journal.jsonl 2>/dev/null | wc -l
}

# submitted_at_least DIR N: the run under DIR has N chunks in Slurm.
submitted_at_least() {
	[ "$(submitted_count "$1")" -ge "$2" ]
}

@test "MaxSubmitJobs 300 with 200 jobs already queued: 3,000 scenarios go in as a window, refusals waited out, kill -9 finished by watch, each once" {
	sacctmgr -i modify user "$TEST_USER" set maxsubmitjobs=300 >/dev/null
	dir=$(sweep 3000)
	run in_dir "$dir" "$SCALABLE" plan
	echo "$output" | tail -2
	[ "$status" -eq 0 ]
	[[ $output == *"window: at most 300 tasks queued at once (max_queued: auto, the site's limit); 20 chunks"* ]]
	# the user's other work holds 200 of the 300 for a while
	others=$(submit --array=0-199 --wrap 'sleep 5')
	[ -n "$others" ]
	sample "$dir"
	(in_dir "$dir" timeout 900 "$SCALABLE" run --poll-interval 2s >"$dir/run.out" 2>&1 \
		&& rc=0 || rc=$?; echo "$rc" >"$dir/run.rc") 3>&- &
	# kill -9 once some chunks are in and more are to come
	wait_for 600 submitted_at_least "$dir" 3
	pkill -KILL -u "$TEST_USER" -f "^$SCALABLE run"
	wait_for 30 test -e "$dir/run.rc"
	[ "$(cat "$dir/run.rc")" -eq 137 ]
	run_dir=$(the_run "$dir")
	[ "$(submitted_count "$dir")" -lt 20 ]   # the window was open
	run in_dir "$dir" timeout 900 "$SCALABLE" watch --latest --poll-interval 2s
	touch "$dir/stop-sampling"
	echo "$output" | tail -2
	[ "$status" -eq 0 ]
	[ "$(jq .summary.counts_by_state.succeeded "$run_dir/run.json")" -eq 3000 ]
	each_once "$dir" 3000
	# the user's own jobs held the first chunk back: sbatch refused it, the
	# window waited (deferred, never a failure)
	[ "$(jq -r 'select(.record == "deferred") | .key' "$run_dir/journal.jsonl" | wc -l)" -ge 1 ]
	[ ! -s "$run_dir/failures.jsonl" ]
	# chunks of at most 150 (half the window), twenty of them, each once,
	# and exactly those in Slurm
	[ "$(jq -r 'select(.record == "intent") | .tasks | length' "$run_dir/journal.jsonl" | sort -n | tail -n 1)" -le 150 ]
	[ "$(jq -r 'select(.record == "submitted") | .key' "$run_dir/journal.jsonl" | sort -u | wc -l)" -eq 20 ]
	no_duplicate_submission "$run_dir"
	# never more queued than the limit, and the sampler saw the window full
	[ "$(sort -n "$dir/user.samples" | tail -n 1)" -le 300 ]
	[ "$(sort -n "$dir/user.samples" | tail -n 1)" -ge 250 ]
}

@test "MaxJobCount 300: max_queued: auto keeps the run to half of it, and 600 scenarios complete" {
	SCALABLE_CLUSTER_MAX_JOB_COUNT=300 SCALABLE_CLUSTER_MIN_JOB_AGE=10 \
		"$CLUSTER" restart --plugin "$PLUGIN" >/dev/null
	scontrol show config | grep -Eq '^MaxJobCount += 300$'
	dir=$(sweep 600)
	run in_dir "$dir" "$SCALABLE" plan
	[[ $output == *"window: at most 150 tasks queued at once (max_queued: auto, the site's limit); 8 chunks"* ]]
	sample "$dir"
	run in_dir "$dir" timeout 900 "$SCALABLE" run --poll-interval 2s
	touch "$dir/stop-sampling"
	echo "$output" | tail -2
	[ "$status" -eq 0 ]
	each_once "$dir" 600
	no_duplicate_submission "$(the_run "$dir")"
	[ "$(sort -n "$dir/user.samples" | tail -n 1)" -le 150 ]
}
