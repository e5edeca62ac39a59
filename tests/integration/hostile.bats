#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# What the data does, on the private cluster, as the unprivileged test user
# (issue 11): tasks that print what is not text (a Latin-1 byte, a NUL,
# colours, a progress bar, binary garbage, a single 50 MB line) or do things
# to their own logs (delete, truncate, replace by a symlink to /etc/shadow,
# make unreadable, replace by a directory), and a job whose environment
# names its node and run in bytes that are not text. Each run closes as its
# tasks deserve (failed: exit 1), never with the orchestrator's own error
# (exit 3); every attempt has its records, every record is JSON in UTF-8;
# nothing is written outside the run directory.

load helpers

SCALABLE=$BUILD/orchestrator/scalable

setup() {
	cluster_up
	plugstack
}

# hostile_dir KIND...: a run directory whose sweep runs task.sh once per kind.
hostile_dir() {
	local dir kind
	dir=$(new_run_dir)
	cp "$BATS_TEST_DIRNAME/hostile/task.sh" "$dir/"
	{
		printf 'version: 1\nproject: hostile\n'
		printf 'targets:\n  hpc: {provider: slurm, partition: low, walltime: "00:05:00", poll_interval: 2s}\n'
		printf 'components:\n  talk: {command: "bash task.sh {{ kind }}"}\n'
		printf 'scenarios:\n  list:\n'
		for kind in "$@"; do printf '    - {kind: %s}\n' "$kind"; done
	} >"$dir/scalable.yaml"
	chown -R "$TEST_USER:" "$dir"
	echo "$dir"
}

# records_are_text RUN N: tasks.jsonl and failures.jsonl are JSON in strict
# UTF-8, with N failure records and N failed task rows.
records_are_text() {
	python3 - "$1" "$2" <<'PY'
import json, sys
run, n = sys.argv[1], int(sys.argv[2])
def rows(name):
    with open(f"{run}/{name}", "rb") as f:
        return [json.loads(raw.decode("utf-8")) for raw in f]  # strict UTF-8
failures, tasks = rows("failures.jsonl"), rows("tasks.jsonl")
failed = [t for t in tasks if t["state"] == "failed"]
print(len(failures), len(failed))
for f in failures:
    print(f["task_id"], f["failure_class"], repr(f["message"])[:70])
    assert "\x1b" not in f["message"] and "\r" not in f["message"]
assert len(failures) == n and len(failed) == n
PY
}

# nothing_outside STAMP DIR: the test user (the tasks and the orchestrator
# run as it) wrote no file newer than STAMP outside DIR.
nothing_outside() {
	local found
	found=$(find /tmp /var/tmp "$SCALABLE_CLUSTER_SCRATCH" -xdev -newer "$1" -user "$TEST_USER" \
		! -path "$2" ! -path "$2/*" 2>/dev/null | head)
	[ -z "$found" ] || { echo "written outside the run: $found"; return 1; }
}

@test "hostile task output: every record written as text, the run fails as its tasks did (1), never 3" {
	dir=$(hostile_dir latin1 nul ansi progress garbage bigline ok)
	run in_dir "$dir" timeout 900 "$SCALABLE" run --poll-interval 2s
	echo "$output" | tail -3
	[ "$status" -eq 1 ]
	run_dir=$(the_run "$dir")
	[ "$(jq -r .status "$run_dir/run.json")" = failed ]
	run records_are_text "$run_dir" 6
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"'caf? failed'"* ]]
	[[ $output == *"'red failure'"* ]]
	[[ $output == *"'died at 50%'"* ]]
	run in_dir "$dir" timeout 120 "$SCALABLE" watch --latest
	[ "$status" -eq 1 ]
	run in_dir "$dir" timeout 120 "$SCALABLE" diagnose --latest
	[ "$status" -eq 0 ]
}

@test "tasks that delete, cut, symlink, hide or replace their own logs: classified from what is left, no orchestrator error" {
	stamp=$(mktemp)
	dir=$(hostile_dir deleted_log truncated_log symlinked_log unreadable_log dir_log)
	run in_dir "$dir" timeout 900 "$SCALABLE" run --poll-interval 2s
	echo "$output" | tail -3
	[ "$status" -eq 1 ]
	run_dir=$(the_run "$dir")
	run records_are_text "$run_dir" 5
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output != *"root:"* ]]   # nothing of /etc/shadow in any message
	! grep -q 'root:' "$run_dir/failures.jsonl"
	run nothing_outside "$stamp" "$dir"
	echo "$output"
	[ "$status" -eq 0 ]
	rm -f "$stamp"
}

@test "a job naming its node and run in bytes that are not text still gets its events, and so does the spool" {
	run_dir=$(new_run_dir)
	spool=$(mktemp -d /var/tmp/scalable-spool.XXXXXX)
	chmod 0755 "$spool"
	plugstack "spool=$spool"
	job=$(as_user env SCALABLE_RUN_DIR="$run_dir" SLURMD_NODENAME=$'n\xe9"1' \
		SCALABLE_RUN_ID=$'run-\xff"x' SCALABLE_INDEX_OFFSET=9223372036854775807 \
		sbatch --parsable --chdir="$SCALABLE_CLUSTER_SCRATCH" --output=/dev/null \
		--error=/dev/null -p low --export=ALL --wrap 'exit 0' | cut -d';' -f1)
	wait_gone "$job"
	wait_for 30 test -n "$(events "$run_dir" 'select(.event == "end")')"
	events "$run_dir"
	[ "$(events "$run_dir" 'select(.event == "end") | .run_id')" = null ]
	[ "$(events "$run_dir" 'select(.event == "end") | .task_id')" = null ]
	[ "$(events "$run_dir" 'select(.event == "end") | .node | test("^[A-Za-z0-9._-]+$")')" = true ]
	file=$spool/$(id -u "$TEST_USER")/$job.batch.0.jsonl
	[ "$(jq -r .event "$file" | tr '\n' ' ')" = "start end " ]
	rm -rf "$spool"
}

@test "a task planting a FIFO, a link to /etc/shadow, garbage and a forged end beside its events: no hang, no forged success, said once" {
	dir=$(hostile_dir ok events_junk late)
	run in_dir "$dir" timeout 900 "$SCALABLE" run --poll-interval 2s
	echo "$output" | tail -5
	[ "$status" -eq 1 ]
	[[ $output == *"unreadable entries in events/"* ]]
	run_dir=$(the_run "$dir")
	run records_are_text "$run_dir" 2
	echo "$output"
	[ "$status" -eq 0 ]
	# "late" failed as it did (exit 2), whatever the forged line said
	ended='select(.state == "failed" or .state == "succeeded")'
	[ "$(jq -c "select(.task_id == 2) | $ended | [.state, .exit_code]" "$run_dir/tasks.jsonl")" = '["failed",2]' ]
	[ "$(jq -c "select(.task_id == 0) | $ended | .state" "$run_dir/tasks.jsonl")" = '"succeeded"' ]
	# the forged end was there to be refused
	grep -q '"array_task_id":2,.*"exit_code":0' "$run_dir"/events/*/*/*.batch.0.jsonl
	! grep -q 'root:' "$run_dir/failures.jsonl"
}

@test "a task on two nodes whose second node runs out of memory: the attempt is oom, from that node's own event file" {
	[[ ${SCALABLE_CLUSTER_MEMORY_ENFORCEMENT:-} == yes ]] || \
		skip "no cgroup memory enforcement here: $(tr "\n" " " <"$SCALABLE_CLUSTER_DIR/features" 2>/dev/null)"
	pair=(${SCALABLE_CLUSTER_PAIR_NODES:-})
	(( ${#pair[@]} == 2 )) || skip "the cluster has no partition pair of two nodes (tests/cluster/cluster start)"
	dir=$(new_run_dir)
	# Slurm says FAILED (the batch script's exit), not OUT_OF_MEMORY: only
	# the event of node 1 of step 0 can say what happened
	cat >"$dir/scalable.yaml" <<'YAML'
version: 1
project: twonodes
targets:
  hpc: {provider: slurm, partition: pair, walltime: "00:05:00", poll_interval: 2s,
        sbatch_options: [--nodes=2]}
components:
  model:
    memory: 64M
    command: 'srun -N2 bash -c "[ \$SLURM_NODEID = 1 ] || exit 0; python3 -c \"x = b\\\"x\\\" * (512 << 20)\""'
retry:
  oom: {max_attempts: 1}
scenarios:
  list: [{n: 0}]
YAML
	chown -R "$TEST_USER:" "$dir"
	run in_dir "$dir" timeout 900 "$SCALABLE" run --poll-interval 2s
	echo "$output" | tail -3
	[ "$status" -eq 1 ]
	run_dir=$(the_run "$dir")
	ls -R "$run_dir/events"
	[ "$(find "$run_dir/events" -name '*.0.0.1.jsonl' | wc -l)" -eq 1 ]
	jq -c 'select(.state == "failed") | [.failure_class, .max_rss_bytes >= 60000000]' "$run_dir/tasks.jsonl"
	[ "$(jq -c 'select(.state == "failed") | .failure_class' "$run_dir/tasks.jsonl")" = '"oom"' ]
}
