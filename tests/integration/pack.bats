#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Packing on the private cluster, as the unprivileged test user: 4 scenarios
# per array task (pack: 4), failures injected by pack/scenario.sh.
#   - one scenario exits 75 once, one is killed by a real cgroup OOM inside
#     its pack, one runs past its pack's walltime: each fails alone with its
#     own class and is retried alone; the two its timed-out pack never
#     started go back to the queue without a failure; every scenario ends
#     succeeded, none runs again after it succeeded, and the tutorial's
#     analysis reads the run as it would an unpacked one;
#   - a pack preempted by a job of partition high: the scenario it was
#     running fails `preempted`, those after it never started and go back to
#     the queue, the one before it is never run again.

load helpers

SCALABLE=$BUILD/orchestrator/scalable

setup() {
	cluster_up
	plugstack
}

# packed YAML-LINES: a run directory with scenario.sh and a scalable.yaml
# made of the lines given; prints its path.
packed() {
	local dir
	dir=$(new_run_dir)
	cp "$BATS_TEST_DIRNAME/pack/scenario.sh" "$dir/"
	printf '%s\n' "$1" >"$dir/scalable.yaml"
	chown -R "$TEST_USER:" "$dir"
	echo "$dir"
}

# scenarios_final DIR FIRST LAST: each of FIRST..LAST has a succeeded row.
scenarios_final() {
	local run i
	run=$(ls -d "$1"/runs/run-* 2>/dev/null | tail -1)
	[[ -n $run && -e $run/tasks.jsonl ]] || return 1
	for ((i = $2; i <= $3; i++)); do
		[[ -n $(jq -c "select(.task_id == $i and .state == \"succeeded\")" \
			"$run/tasks.jsonl") ]] || return 1
	done
}

@test "a packed sweep: exit 75 once, a real OOM inside a pack, a pack past its walltime; each scenario as it would be unpacked" {
	[[ ${SCALABLE_CLUSTER_MEMORY_ENFORCEMENT:-} == yes ]] || \
		skip "no cgroup memory enforcement here (scenario 5's OOM needs it): $(tr "\n" " " <"$SCALABLE_CLUSTER_DIR/features" 2>/dev/null)"
	dir=$(packed 'version: 1
project: packed
targets:
  hpc: {provider: slurm, partition: low, walltime: "00:01:00", poll_interval: 2s}
components:
  scenario:
    command: bash scenario.sh
    memory: 64M
    pack: 4
    env: {PACK_TRANSIENT: "1", PACK_REAL_OOM: "5", PACK_TIMEOUT: "9"}
scenarios:
  range: {name: n, start: 0, stop: 11}
retry:
  transient: {max_attempts: 3, backoff: {initial: 1s, factor: 1, max: 1s, jitter: 0}}
  oom: {max_attempts: 2, memory_factor: 2, backoff: {initial: 1s, factor: 1, max: 1s, jitter: 0}}
  timeout: {max_attempts: 2, walltime_factor: 2}')
	run in_dir "$dir" "$SCALABLE" plan
	[[ $output == *"--array=0-2"* ]]   # 12 scenarios, 3 array tasks
	run in_dir "$dir" timeout 900 "$SCALABLE" run --poll-interval 2s
	echo "$output" | tail -3
	[ "$status" -eq 0 ]
	run_dir=$(the_run "$dir")
	[ "$(jq -r .status "$run_dir/run.json")" = completed ]
	run python3 - "$run_dir" "$dir/runs.log" <<'PY'
import glob, json, sys
from collections import Counter
run, runs_log = sys.argv[1], sys.argv[2]
# the tutorial's analysis, unchanged
failures = [json.loads(line) for line in open(f"{run}/failures.jsonl")]
by_class = Counter(f["failure_class"] for f in failures)
done = {r["task_id"]: r for r in map(json.loads, open(f"{run}/tasks.jsonl"))
        if r["state"] == "succeeded"}
print(dict(by_class), len(done))
assert by_class == {"transient": 1, "oom": 1, "timeout": 1}, by_class
assert sorted(done) == list(range(12)), sorted(done)
# one failure per injected scenario, on its first attempt, alone
got = sorted((f["task_id"], f["attempt"], f["failure_class"]) for f in failures)
assert got == [(1, 1, "transient"), (5, 1, "oom"), (9, 1, "timeout")], got
rows = [json.loads(l) for l in open(f"{run}/tasks.jsonl")]
# the timed-out pack never started 10 and 11: back to the queue, not failed
not_started = sorted({(r["task_id"], r["attempt"]) for r in rows if r.get("not_started")})
assert not_started == [(10, 1), (11, 1)], not_started
assert Counter(r["task_id"] for r in rows if r["state"] == "succeeded") == {i: 1 for i in range(12)}
# each ran once, the three failed ones twice: nothing ran after it succeeded
runs = Counter(int(l.split()[0]) for l in open(runs_log))
assert runs == {i: 2 if i in (1, 5, 9) else 1 for i in range(12)}, runs
# per-scenario records: 5's first attempt carries its own OOM kill; every
# succeeded scenario its exit code, elapsed time and peak memory
ends = [json.loads(l) for p in glob.glob(f"{run}/events/**/pack.*.jsonl", recursive=True)
        for l in open(p) if '"scenario_end"' in l]
five = [e for e in ends if e["task_id"] == 5 and e["attempt"] == 1]
assert five and five[0]["oom_kill_count"] >= 1, five
ok = [e for e in ends if e["exit_code"] == 0]
assert sorted({e["task_id"] for e in ok}) == list(range(12)), ok
assert all(e["elapsed_s"] is not None and e["max_rss_bytes"] for e in ok), ok
PY
	echo "$output"
	[ "$status" -eq 0 ]
	no_duplicate_submission "$run_dir"
}

@test "a preempted pack: its running scenario fails preempted, the ones after it go back to the queue, the one before never runs again" {
	dir=$(packed 'version: 1
project: preempted
targets:
  hpc: {provider: slurm, partition: low, walltime: "00:10:00", poll_interval: 2s}
components:
  scenario:
    command: bash scenario.sh
    pack: 4
    env: {PACK_HOLD: "5"}
scenarios:
  range: {name: n, start: 0, stop: 7}
retry:
  preempted: {max_attempts: unlimited, backoff: {initial: 1s, factor: 1, max: 1s, jitter: 0}}')
	(in_dir "$dir" timeout 900 "$SCALABLE" run --poll-interval 2s >"$dir/run.out" 2>&1 \
		&& rc=0 || rc=$?; echo "$rc" >"$dir/run.rc") 3>&- &
	# the first pack done, the second holding in scenario 5 after 4
	wait_for 240 scenarios_final "$dir" 0 4
	wait_for 60 test -e "$dir/marks/ready-5"
	high=$(submit -p high --exclusive --wrap 'sleep 1')
	wait_gone "$high"
	wait_for 300 test -e "$dir/run.rc"
	tail -3 "$dir/run.out"
	[ "$(cat "$dir/run.rc")" -eq 0 ]
	run_dir=$(the_run "$dir")
	run python3 - "$run_dir" "$dir/runs.log" <<'PY'
import json, sys
from collections import Counter
run, runs_log = sys.argv[1], sys.argv[2]
failures = [json.loads(line) for line in open(f"{run}/failures.jsonl")]
got = [(f["task_id"], f["attempt"], f["failure_class"]) for f in failures]
assert got == [(5, 1, "preempted")], got
rows = [json.loads(l) for l in open(f"{run}/tasks.jsonl")]
not_started = sorted({(r["task_id"], r["attempt"]) for r in rows if r.get("not_started")})
assert not_started == [(6, 1), (7, 1)], not_started
assert Counter(r["task_id"] for r in rows if r["state"] == "succeeded") == {i: 1 for i in range(8)}
runs = Counter(int(l.split()[0]) for l in open(runs_log))
assert runs == {i: 2 if i == 5 else 1 for i in range(8)}, runs
PY
	echo "$output"
	[ "$status" -eq 0 ]
	no_duplicate_submission "$run_dir"
}
