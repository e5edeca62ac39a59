#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Stages on the private Slurm: a sweep of 12 scenarios through prepare ->
# model -> post and an after: all aggregate, with input errors injected in
# prepare and model. Each later stage's array goes in right after its
# upstream's with --dependency=aftercorr (one sbatch per stage, nothing
# submitted per poll), the downstream tasks of a failure are cancelled in
# Slurm (one scancel) and skipped, the aggregate sees the succeeded list;
# resume after the fix completes the run.

load helpers

SCALABLE=$BUILD/orchestrator/scalable

setup() {
	cluster_up
	plugstack
}

# A failed test lets prepare go and waits for its orchestrator, so that
# nothing of it stays queued.
teardown() {
	if [[ -n ${dir:-} ]]; then
		touch "$dir/go"
		[[ -z ${pid:-} ]] || wait "$pid" || true
	fi
}

# sweep: a project of the test user; prints its path.
sweep() {
	local dir
	dir=$(new_run_dir)
	cat >"$dir/scalable.yaml" <<'YAML'
version: 1
project: stages
targets:
  hpc: {provider: slurm, partition: low, walltime: "00:10:00", poll_interval: 2s}
scenarios:
  range: {name: i, start: 0, stop: 11}
components:
  prepare: {command: "sh ./task.sh prepare {{ i }}", memory: 50M}
  model: {command: "sh ./task.sh model {{ i }}", memory: 50M, after: [prepare]}
  post: {command: "sh ./task.sh post {{ i }}", memory: 50M, after: [model]}
  aggregate:
    command: 'cp "$SCALABLE_SUCCEEDED_FILE" "agg.$SCALABLE_ATTEMPT.jsonl"'
    memory: 50M
    after: all
    when: always
YAML
	# prepare holds until ./go exists (at most 4 minutes): the test lets it go
	# only once every later stage is in Slurm, which only aftercorr allows
	cat >"$dir/task.sh" <<'SH'
if [ "$1" = prepare ]; then
	n=0
	while [ ! -e go ] && [ $n -lt 240 ]; do sleep 1; n=$((n + 1)); done
fi
case "$1-$2" in
prepare-2|prepare-9|model-5)
	if [ ! -e fixed ]; then echo "bad input for $1 $2" >&2; exit 65; fi ;;
esac
sleep 1
echo "$1 $2 ok"
SH
	chown -R "$TEST_USER:" "$dir"
	echo "$dir"
}

# submitted DIR COMPONENT: the journal of DIR's run has a chunk of COMPONENT submitted.
submitted() {
	grep -hs '"record":"submitted"' "$1"/runs/run-*/journal.jsonl | grep -q "/$2/"
}

# held_on_dependency COMPONENT: squeue shows its tasks pending on a dependency.
held_on_dependency() {
	as_user squeue -h -r -o '%j %r' | grep -q "\.$1\..* Dependency$"
}

# latest RUN STATE COMPONENT: the task ids of COMPONENT whose latest attempt is in STATE.
latest() {
	jq -sr --arg s "$2" --arg c "$3" 'map(select(.component == $c)) | group_by(.task_id)
		| map(max_by(.attempt)) | map(select(.state == $s) | .task_id) | join(" ")' "$1/tasks.jsonl"
}

@test "a three-stage sweep with aftercorr: one sbatch per stage, failures skipped downstream, resume completes it" {
	dir=$(sweep)
	in_dir "$dir" timeout 600 "$SCALABLE" run --target hpc --poll-interval 2s >"$dir/out" 2>&1 &
	pid=$!
	# every stage is queued while prepare has not ended: model and post wait in Slurm
	wait_for 120 submitted "$dir" post
	run_dir=$(the_run "$dir")
	[ "$(jq -r 'select(.state == "succeeded") | .task_id' "$run_dir/tasks.jsonl" | wc -l)" -eq 0 ]
	wait_for 30 held_on_dependency model
	touch "$dir/go"
	wait "$pid" || status=$?
	tail -5 "$dir/out"
	[ "${status:-0}" -eq 1 ]
	# the first wave and one more per later stage, each one sbatch
	for c in prepare model post aggregate; do
		[ "$(jq -r 'select(.record == "submitted") | .key' "$run_dir/journal.jsonl" | grep -c "/$c/")" -eq 1 ]
	done
	[ "$(latest "$run_dir" failed prepare)" = "2 9" ]
	[ "$(latest "$run_dir" failed model)" = "5" ]
	[ "$(latest "$run_dir" skipped model)" = "2 9" ]
	[ "$(latest "$run_dir" skipped post)" = "2 5 9" ]
	[ "$(jq -r 'select(.state == "skipped" and .component == "post" and .task_id == 5) | .upstream.failure_class' "$run_dir/tasks.jsonl")" = input_error ]
	# the aggregate ran once, on the 10 + 9 + 9 succeeded scenarios
	[ "$(latest "$run_dir" succeeded aggregate)" = "0" ]
	[ "$(wc -l <"$dir/agg.1.jsonl")" -eq 28 ]
	# no downstream task started before its upstream ended
	run jq -rs '
		(map(select(.state == "succeeded")) | map({key: "\(.component)-\(.task_id)", value: .timestamp}) | from_entries) as $done
		| map(select(.state == "running" and (.component == "model" or .component == "post")))
		| map(select(((if .component == "model" then "prepare" else "model" end) + "-\(.task_id)") as $u | ($done[$u] // "9") > .timestamp))
		| length' "$run_dir/tasks.jsonl"
	[ "$output" = 0 ]
	# the cancelled downstream tasks left nothing queued
	[ -z "$(as_user squeue -h -o %i)" ]
	touch "$dir/fixed"
	chown "$TEST_USER:" "$dir/fixed"
	run in_dir "$dir" timeout 600 "$SCALABLE" resume --latest --poll-interval 2s
	echo "$output" | tail -5
	[ "$status" -eq 0 ]
	[ "$(jq -r .status "$run_dir/run.json")" = completed ]
	[ "$(jq .summary.counts_by_state.succeeded "$run_dir/run.json")" -eq 37 ]
	[ "$(wc -l <"$dir/agg.2.jsonl")" -eq 36 ]
}

@test "a retried upstream: its queued downstream tasks are cancelled, skipped, then follow the retry's array" {
	dir=$(new_run_dir)
	cat >"$dir/scalable.yaml" <<'YAML'
version: 1
project: stages
targets:
  hpc: {provider: slurm, partition: low, walltime: "00:05:00", poll_interval: 2s}
scenarios:
  range: {name: i, start: 0, stop: 5}
retry:
  transient: {max_attempts: 3, backoff: {initial: 1s, max: 2s}}
components:
  prepare:
    command: 'sleep 2; if [ {{ i }} = 4 ] && [ $SCALABLE_ATTEMPT = 1 ]; then exit 75; fi'
    memory: 50M
  model: {command: "true", memory: 50M, after: [prepare]}
  post: {command: "true", memory: 50M, after: [model]}
YAML
	chown -R "$TEST_USER:" "$dir"
	run in_dir "$dir" timeout 600 "$SCALABLE" run --target hpc --poll-interval 2s
	echo "$output" | tail -5
	[ "$status" -eq 0 ]
	run_dir=$(the_run "$dir")
	[ "$(jq -r .status "$run_dir/run.json")" = completed ]
	# model-4 and post-4 waited on prepare's first array, were cancelled in
	# Slurm when prepare-4 failed, and ran as attempt 2 after its retry
	[ "$(jq -r 'select(.task_name == "model-4" and .attempt == 1) | .state' "$run_dir/tasks.jsonl" | tail -1)" = skipped ]
	[ "$(jq -r 'select(.task_name == "model-4" and .attempt == 2) | .state' "$run_dir/tasks.jsonl" | tail -1)" = succeeded ]
	[ "$(jq -r 'select(.task_name == "post-4") | .state' "$run_dir/tasks.jsonl" | tail -1)" = succeeded ]
	retry=$(jq -r 'select(.task_name == "prepare-4" and .attempt == 2 and .state == "succeeded") | .timestamp' "$run_dir/tasks.jsonl")
	started=$(jq -r 'select(.task_name == "model-4" and .attempt == 2 and .state == "running") | .timestamp' "$run_dir/tasks.jsonl")
	[[ -n $retry && -n $started && ! $started < $retry ]]
	# the skipped attempt ran nothing: no failure, no summary attempt of its own
	[ "$(jq -s 'map(select(.component != "prepare")) | length' "$run_dir/failures.jsonl")" -eq 0 ]
	[ -z "$(as_user squeue -h -o %i)" ]
}
