#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Memory pressure while a run goes on (issue 15), on the private Slurm with
# the plugin's samples (sample=1s): a task growing in steps to its OOM is
# listed by `scalable status` while it runs and warned of by the followed
# run; diagnose says how long it ran at 90 % or more before the kill, and
# names at risk a task that held 85 % of its limit and succeeded.

load helpers

SCALABLE=$BUILD/orchestrator/scalable

setup() {
	cluster_up
	plugstack sample=1s
}

teardown() {
	plugstack
	[[ -n ${RUN_PID:-} ]] && kill "$RUN_PID" 2>/dev/null || true
}

# status_lists DIR TASK: `scalable status --json` lists TASK among the
# running tasks above 80 %, and the text view names it.
status_lists() {
	in_dir "$1" "$SCALABLE" status --json >"$1/status.json" 2>/dev/null || return 1
	jq -e --arg t "$2" '.memory_pressure.worst | map(.task) | index($t) != null' \
		"$1/status.json" >/dev/null || return 1
	in_dir "$1" "$SCALABLE" status >"$1/status.txt" 2>&1
	grep -q "^  $2 " "$1/status.txt"
}

@test "a task growing to its OOM is in status while it runs; diagnose tells its time above 90 % and the task at 85 % at risk" {
	[[ ${SCALABLE_CLUSTER_MEMORY_ENFORCEMENT:-} == yes ]] || \
		skip "no cgroup memory enforcement here: $(tr "\n" " " <"$SCALABLE_CLUSTER_DIR/features" 2>/dev/null)"
	grep -q ':memory:' /proc/self/cgroup || skip "the holding task reads its cgroup v1 memory files"
	dir=$(new_run_dir)
	cat >"$dir/scalable.yaml" <<-'YAML'
	version: 1
	project: live
	targets:
	  hpc: {provider: slurm, partition: low, walltime: "00:05:00", poll_interval: 1s}
	components:
	  model: {command: "python3 ./task.py {{ n }}", memory: 64M}
	scenarios:
	  range: {name: n, start: 0, stop: 1}
	retry:
	  oom: {max_attempts: 1}
	YAML
	# 0 grows 1 MiB every half second until the kernel kills it (about 6 s
	# from 80 % to the limit, several readings a band); 1 grows until its
	# step's cgroup counts 85 % of the limit, holds it 5 s and exits 0
	cat >"$dir/task.py" <<-'PY'
	import sys, time
	x = []
	if sys.argv[1] == "0":
	    while True:
	        x.append(b"x" * (1 << 20))
	        time.sleep(0.5)
	path = [l.split(":", 2)[2].strip() for l in open("/proc/self/cgroup") if ":memory:" in l][0]
	step = "/sys/fs/cgroup/memory" + path.rsplit("/task_", 1)[0]
	limit = int(open(step + "/memory.limit_in_bytes").read())
	while int(open(step + "/memory.usage_in_bytes").read()) < limit * 0.85:
	    x.append(b"x" * (1 << 20))
	time.sleep(5)
	PY
	chown -R "$TEST_USER:" "$dir"
	in_dir "$dir" timeout 600 "$SCALABLE" run --target hpc >"$dir/run.out" 2>&1 &
	RUN_PID=$!
	wait_for 180 status_lists "$dir" model-0
	cat "$dir/status.txt"
	grep -q '^memory  *[0-9]* running tasks\? above 80 % of the limit' "$dir/status.txt"
	[ "$(jq -r '.memory_pressure.worst[] | select(.task == "model-0") | .percent >= 80' "$dir/status.json")" = true ]
	[ "$(jq -r '.memory_pressure.worst[] | select(.task == "model-0") | .node' "$dir/status.json")" != null ]
	rc=0
	wait "$RUN_PID" || rc=$?
	RUN_PID=
	cat "$dir/run.out"
	[ "$rc" -eq 1 ]  # the OOM failed for good
	grep -q 'warning model-0 (attempt 1) reached' "$dir/run.out"
	run_dir=$(the_run "$dir")
	run in_dir "$dir" "$SCALABLE" diagnose --json
	[ "$status" -eq 0 ]
	echo "$output" | jq -c .memory
	[ "$(jq '.memory.killed | map(.scenario)' <<<"$output" | tr -d ' \n')" = "[0]" ]
	[ "$(jq '.memory.killed[0].above_90_s >= 0' <<<"$output")" = true ]
	[ "$(jq '.memory.at_risk | map(.scenario)' <<<"$output" | tr -d ' \n')" = "[1]" ]
	[ "$(jq '.memory.at_risk[0].suggested_memory_bytes > 64 * 1048576' <<<"$output")" = true ]
	run in_dir "$dir" "$SCALABLE" diagnose
	echo "$output" | tail -4
	grep -q 'killed   model-0 (attempt 1): .* at 90 % or more before the kill' <<<"$output"
	grep -q 'at risk  model-1: succeeded at' <<<"$output"
	[ -z "$(root_owned_files "$run_dir")" ]
}
