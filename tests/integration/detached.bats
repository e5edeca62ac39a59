#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Detached runs (`scalable submit`) on the private Slurm, as the test user:
# submit returns at once, sweeper jobs classify, retry and close the run
# with no orchestrator left on the submitting side; `scalable watch`
# coexists with the sweepers; a lost chain is revived by a hand-run sweep;
# cancel ends a detached run; a local target is refused.

load helpers

SCALABLE=$BUILD/orchestrator/scalable

setup() {
	[[ $BATS_TEST_DESCRIPTION == *"local target"* ]] && return
	cluster_up
	plugstack
}

# sweep_config DIR TASKS SLEEP: N tasks of SLEEP seconds; task 3 exits 75
# (transient) on its first attempt only.
sweep_config() {
	cat >"$1/scalable.yaml" <<YAML
version: 1
project: detached
targets:
  hpc: {provider: slurm, partition: low, poll_interval: 2s}
  laptop: {provider: local}
default_target: hpc
components:
  flaky:
    command: "sleep $3; [ \"\$SCALABLE_ATTEMPT\" != 1 ] || [ {{ n }} != 3 ] || { echo 'TimeoutError: upstream' >&2; exit 75; }"
scenarios:
  range: {name: n, start: 0, stop: $(($2 - 1))}
retry:
  transient: {max_attempts: 3, backoff: {initial: 1s, factor: 1, max: 1s, jitter: 0}}
YAML
	chown -R "$TEST_USER:" "$1"
}

# wait_closed RUN: waits (bounded) until run.json is no longer running.
wait_closed() {
	local deadline=$((SECONDS + JOB_WAIT_S))
	while (( SECONDS < deadline )); do
		[[ $(jq -r .status "$1/run.json") != running ]] && return 0
		sleep 1
	done
	echo "run still running after ${JOB_WAIT_S}s" >&2
	tail -n 5 "$1"/logs/sweeper-*.out >&2
	squeue >&2
	return 1
}

# sweepers RUN: the job ids of the sweepers the run's chain submitted.
sweepers() {
	jq -r 'select(.record == "submitted") | .job_id' "$1/sweepers.jsonl"
}

# wait_chain_ended RUN: waits (bounded) until no sweeper of the run is queued.
wait_chain_ended() {
	local comment="scalable:$(basename "$1"):sweeper" deadline=$((SECONDS + 60))
	while (( SECONDS < deadline )); do
		squeue -h -u "$TEST_USER" -t PENDING,RUNNING,CONFIGURING -o '%k' | grep -qx "$comment" || return 0
		sleep 1
	done
	squeue -u "$TEST_USER" -o '%i %T %k' >&2
	return 1
}

# orchestrators_outside_slurm: scalable processes of the test user that no
# slurmstepd started (printed).
orchestrators_outside_slurm() {
	local pid p comm
	for pid in $(pgrep -u "$TEST_USER" -f "$SCALABLE"); do
		p=$pid
		while [[ -n $p && $p -gt 1 ]]; do
			comm=$(cat "/proc/$p/comm" 2>/dev/null) || break
			[[ $comm == slurmstepd* ]] && continue 2
			p=$(awk '{print $4}' "/proc/$p/stat" 2>/dev/null)
		done
		[[ -e /proc/$pid ]] && cat "/proc/$pid/cmdline" | tr '\0' ' ' && echo
	done
}

# Slurm's accounting: the array job ids of the run's chunks, and of its
# sweepers, by job name (<project>.<group>.<wave>.<offset>.<tag>,
# <project>.sweeper.<tag>).
sacct_jobs() {
	local tag=${1##*-}
	as_user sacct -X -n -P -S "$TEST_SINCE" -o JobID,JobName |
		awk -F'|' -v tag=".$tag" -v want="$2" '
			substr($2, length($2) - length(tag) + 1) == tag {
				split($1, id, "_")
				sweeper = ($2 ~ /\.sweeper\./)
				if ((want == "sweeper") == sweeper) print id[1]
			}' | sort -un
}

@test "submit returns at once; sweeper jobs retry, close the run, and leave no orchestrator behind" {
	dir=$(new_run_dir)
	sweep_config "$dir" 10 1
	run in_dir "$dir" timeout 60 "$SCALABLE" submit --poll-interval 2s
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"sweeper job"* ]]
	run_dir=$(the_run "$dir")
	[[ $output == *"scalable watch $(basename "$run_dir")"* ]]
	# the lock is free and nothing of ours runs outside Slurm
	[ -z "$(orchestrators_outside_slurm)" ]
	[ "$(jq -r .status "$run_dir/run.json")" = running ]
	# status names the sweeper (or, in the moment one runs, the sweeper itself)
	run in_dir "$dir" "$SCALABLE" status "$(basename "$run_dir")"
	echo "$output"
	[[ $output == *"detached: sweeper job"* || $output == *"scalable sweep, pid"* ]]
	wait_closed "$run_dir"
	tail -n 3 "$run_dir"/logs/sweeper-*.out
	[ "$(jq -r .status "$run_dir/run.json")" = completed ]
	[ "$(jq .summary.tasks "$run_dir/run.json")" -eq 10 ]
	[ "$(jq -r 'select(.state == "succeeded") | .task_id' "$run_dir/tasks.jsonl" | sort -u | wc -l)" -eq 10 ]
	# the sweeper resubmitted task 3: attempt 2, in wave w002
	[ "$(jq -r 'select(.task_id == 3 and .state == "succeeded") | .attempt' "$run_dir/tasks.jsonl")" = 2 ]
	[ "$(jq -r 'select(.failure_class == "transient") | .details.retry.action' "$run_dir/failures.jsonl")" = retry ]
	grep -q '"wave":"w002"' "$run_dir/journal.jsonl"
	# no duplicate: one submission per key, and Slurm holds exactly the journal's arrays
	[ "$(jq -r 'select(.record == "submitted") | .key' "$run_dir/journal.jsonl" | sort | uniq -d | wc -l)" -eq 0 ]
	journal_jobs=$(jq -r 'select(.record == "submitted") | .job_id' "$run_dir/journal.jsonl" | sort -un)
	slurm_jobs=$(sacct_jobs "$run_dir" chunk)
	echo "journal: $journal_jobs; sacct: $slurm_jobs"
	[ "$journal_jobs" = "$slurm_jobs" ]
	[ "$(echo "$journal_jobs" | wc -l)" -eq 2 ]
	# the sweepers: two at least (the first wave, then the retry), all in
	# Slurm's accounting, none recorded as a task, none with step events
	sweeper_jobs=$(sweepers "$run_dir" | sort -un)
	echo "sweepers: $sweeper_jobs"
	[ "$(echo "$sweeper_jobs" | wc -l)" -ge 2 ]
	[ "$sweeper_jobs" = "$(sacct_jobs "$run_dir" sweeper)" ]
	for job in $sweeper_jobs; do
		[ "$(jq "select(.job_id == $job or .array_job_id == $job)" "$run_dir/tasks.jsonl" | wc -l)" -eq 0 ]
		no_step_events_of "$job" "$run_dir"
	done
	wait_chain_ended "$run_dir"
	[ -z "$(orchestrators_outside_slurm)" ]
	[ -z "$(root_owned_files "$run_dir")" ]
}

@test "watch follows a detached run to its end while the sweepers step aside" {
	dir=$(new_run_dir)
	sweep_config "$dir" 4 6
	run in_dir "$dir" timeout 60 "$SCALABLE" submit --poll-interval 2s
	[ "$status" -eq 0 ]
	run_dir=$(the_run "$dir")
	run in_dir "$dir" timeout 150 "$SCALABLE" watch "$(basename "$run_dir")" --poll-interval 2s
	echo "$output" | tail -3
	[ "$status" -eq 0 ]
	[ "$(jq -r .status "$run_dir/run.json")" = completed ]
	[ "$(jq -r 'select(.task_id == 3 and .state == "succeeded") | .attempt' "$run_dir/tasks.jsonl")" = 2 ]
	# one row per change whoever wrote it: each task succeeded once, each key submitted once
	[ "$(jq -r 'select(.state == "succeeded") | .task_id' "$run_dir/tasks.jsonl" | sort | uniq -d | wc -l)" -eq 0 ]
	[ "$(jq -r 'select(.record == "submitted") | .key' "$run_dir/journal.jsonl" | sort | uniq -d | wc -l)" -eq 0 ]
	[ "$(jq -r 'select(.record == "submitted") | .job_id' "$run_dir/journal.jsonl" | sort -un)" = "$(sacct_jobs "$run_dir" chunk)" ]
	# the chain ends by itself once the run is closed
	wait_chain_ended "$run_dir"
	[ -z "$(orchestrators_outside_slurm)" ]
}

@test "a lost sweeper chain is revived by \`scalable sweep RUN_DIR\` by hand" {
	dir=$(new_run_dir)
	sweep_config "$dir" 3 30   # long enough that the next sweeper waits for them
	run in_dir "$dir" timeout 60 "$SCALABLE" submit --poll-interval 2s
	[ "$status" -eq 0 ]
	run_dir=$(the_run "$dir")
	first=$(sweepers "$run_dir")
	as_user scancel "$first"
	wait_chain_ended "$run_dir"
	# the newest sweeper has left the queue without a successor: this one takes over
	run in_dir "$dir" timeout 60 "$SCALABLE" sweep --poll-interval 2s "$run_dir"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"next sweeper: job"* ]]
	next=$(sed -nE 's/.*next sweeper: job ([0-9]+).*/\1/p' <<<"$output" | tail -n 1)
	[ -n "$next" ]
	# and a second hand-run sweep leaves the chain alone: the sweeper just
	# queued is held, so it is still queued (not run, the run not closed by
	# it) whatever the timing
	scontrol hold "$next"
	run in_dir "$dir" timeout 60 "$SCALABLE" sweep --poll-interval 2s "$run_dir"
	echo "$output"
	scontrol release "$next"
	[[ $output == *"a newer sweeper is queued"* ]]
	wait_closed "$run_dir"
	[ "$(jq -r .status "$run_dir/run.json")" = completed ]
	[ "$(jq -r 'select(.state == "succeeded") | .task_id' "$run_dir/tasks.jsonl" | sort -u | wc -l)" -eq 3 ]
	wait_chain_ended "$run_dir"
}

@test "cancel ends a detached run; its sweeper then finds it closed" {
	dir=$(new_run_dir)
	sweep_config "$dir" 3 60
	run in_dir "$dir" timeout 60 "$SCALABLE" submit --poll-interval 2s
	[ "$status" -eq 0 ]
	run_dir=$(the_run "$dir")
	run in_dir "$dir" timeout 60 "$SCALABLE" cancel "$(basename "$run_dir")"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(jq -r .status "$run_dir/run.json")" = cancelled ]
	wait_chain_ended "$run_dir"
	grep -q "is cancelled: nothing to do" "$run_dir"/logs/sweeper-*.out
	[ "$(jq -r 'select(.state == "cancelled") | .task_id' "$run_dir/tasks.jsonl" | sort -u | wc -l)" -eq 3 ]
}

@test "submit refuses a local target: nobody would follow the run" {
	dir=$(mktemp -d)
	sweep_config "$dir" 2 0
	chmod 0755 "$dir"
	run in_dir "$dir" "$SCALABLE" submit --target laptop
	echo "$output"
	[ "$status" -eq 2 ]
	[[ $output == *"Slurm target"* ]]
	[ ! -e "$dir/runs" ]
	rm -rf "$dir"
}

@test "a sweeper killed with SIGKILL mid-pass: watch completes the run, nothing is submitted twice" {
	dir=$(new_run_dir)
	sweep_config "$dir" 4 5
	run in_dir "$dir" timeout 60 "$SCALABLE" submit --poll-interval 2s
	[ "$status" -eq 0 ]
	run_dir=$(the_run "$dir")
	# a sweeper's job is one pass: kill the first one caught running
	deadline=$((SECONDS + 180))
	until pkill -KILL -u "$TEST_USER" -f "$SCALABLE sweep"; do
		(( SECONDS < deadline )) || { echo "no sweeper pass was caught running" >&2; false; }
		sleep 0.1
	done
	run in_dir "$dir" timeout 300 "$SCALABLE" watch "$(basename "$run_dir")" --poll-interval 2s
	echo "$output" | tail -3
	[ "$status" -eq 0 ]
	[ "$(jq -r .status "$run_dir/run.json")" = completed ]
	[ "$(jq -r 'select(.state == "succeeded") | .task_id' "$run_dir/tasks.jsonl" | sort -u | wc -l)" -eq 4 ]
	# one row per change, one submission per key, and Slurm ran the journal's arrays only
	[ "$(jq -r 'select(.state == "succeeded") | .task_id' "$run_dir/tasks.jsonl" | sort | uniq -d | wc -l)" -eq 0 ]
	[ "$(jq -r 'select(.record == "submitted") | .key' "$run_dir/journal.jsonl" | sort | uniq -d | wc -l)" -eq 0 ]
	[ "$(jq -r 'select(.record == "submitted") | .job_id' "$run_dir/journal.jsonl" | sort -un)" = "$(sacct_jobs "$run_dir" chunk)" ]
	wait_chain_ended "$run_dir"
	[ -z "$(orchestrators_outside_slurm)" ]
}
