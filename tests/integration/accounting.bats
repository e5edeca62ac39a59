#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Slurm's accounting going away mid-run, on the private Slurm as the test
# user: slurmdbd killed while the run's tasks end. sacct cannot answer, so
# the orchestrator asks scontrol (which remembers ended jobs for MinJobAge)
# and settles nothing on no evidence; the tasks end with their true states.
# The plugin is not loaded here (it is optional): with no step events, only
# Slurm's own view can settle a task, which is what is under test.

load helpers

SCALABLE=$BUILD/orchestrator/scalable

setup() {
	cluster_up
	"$CLUSTER" plugstack >/dev/null   # no plugin: no step events
}

teardown() {
	# slurmdbd back, whatever happened (tests/run checks the cluster after this file)
	"$CLUSTER" start >/dev/null 2>&1 || true
}

# accounting_config DIR: 6 tasks of 6 s; task 2 exits 65 (input_error, not retried).
accounting_config() {
	cat >"$1/scalable.yaml" <<'YAML'
version: 1
project: accounting
targets:
  hpc: {provider: slurm, partition: low, poll_interval: 2s}
components:
  step: {command: bash task.sh}
scenarios:
  range: {name: n, start: 0, stop: 5}
YAML
	cat >"$1/task.sh" <<'SH'
sleep 6
if [ "$SCALABLE_PARAM_N" = 2 ]; then echo "bad row in scenario 2" >&2; exit 65; fi
echo "scenario $SCALABLE_PARAM_N done"
SH
	chown -R "$TEST_USER:" "$1"
}

# running_tasks RUN_PARENT: how many of the run's array tasks squeue says run.
running_tasks() {
	squeue -h -u "$TEST_USER" -t RUNNING -o %i | grep -c _ || true
}

@test "slurmdbd killed mid-run: every task still ends with its true state and the run closes" {
	dir=$(new_run_dir)
	accounting_config "$dir"
	(in_dir "$dir" timeout 600 "$SCALABLE" run --poll-interval 2s >"$dir/run.out" 2>&1 && rc=0 || rc=$?
	 echo "$rc" >"$dir/run.rc") 3>&- &
	deadline=$((SECONDS + 120))
	until (( $(running_tasks "$dir") > 0 )); do
		(( SECONDS < deadline )) || { cat "$dir/run.out"; false; }
		sleep 0.5
	done
	"$CLUSTER" kill slurmdbd
	run sacct -n -X -S now   # accounting is really gone
	[ "$status" -ne 0 ]
	deadline=$((SECONDS + 300))
	until [ -s "$dir/run.rc" ]; do
		(( SECONDS < deadline )) || { cat "$dir/run.out"; false; }
		sleep 1
	done
	cat "$dir/run.out"
	[ "$(cat "$dir/run.rc")" -eq 1 ]   # task 2 failed for good
	run_dir=$(the_run "$dir")
	[ "$(jq -r .status "$run_dir/run.json")" = failed ]
	[ "$(jq .summary.counts_by_state.succeeded "$run_dir/run.json")" -eq 5 ]
	[ "$(jq .summary.counts_by_state.failed "$run_dir/run.json")" -eq 1 ]
	[ "$(jq -r 'select(.task_id == 2) | .failure_class' "$run_dir/failures.jsonl")" = input_error ]
	[ "$(jq -s length "$run_dir/failures.jsonl")" -eq 1 ]
	grep -q "sacct cannot reach the accounting database" "$dir/run.out"
	[ -z "$(ls -A "$run_dir/events")" ]   # so Slurm settled every task
	# and accounting comes back
	"$CLUSTER" start >/dev/null
	sacct -n -X -S now >/dev/null
}
