#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 4's acceptance on the private Slurm, as the unprivileged test user:
# the tutorial's 200 scenarios with every kind of failure injected (each
# failure class counted against what was injected, by failures.jsonl and by
# diagnose), failures forced onto one node of two (diagnose names it), a
# slurmd killed mid-run,
# and the orchestrator killed (SIGKILL) at a dozen points of a run and
# re-attached with `scalable watch`. The injected failures come from
# resilience/scenario.sh (what each index does on each attempt).

load helpers

SCALABLE=$BUILD/orchestrator/scalable
FIXTURE=$BATS_TEST_DIRNAME/resilience

setup() {
	cluster_up
	plugstack
}

# fixture [YAML]: a copy of the fixture owned by the test user, its
# scalable.yaml replaced by YAML when given; prints its path.
fixture() {
	local dir
	dir=$(new_run_dir)
	cp "$FIXTURE/scenario.sh" "$FIXTURE/scalable.yaml" "$dir/"
	[[ -z ${1:-} ]] || printf '%s\n' "$1" >"$dir/scalable.yaml"
	chown -R "$TEST_USER:" "$dir"
	echo "$dir"
}

# final_rows_complete RUN N: each of the N indices ends with exactly one
# final row for its last attempt, and no attempt has two final rows.
final_rows_complete() {
	python3 - "$1" "$2" <<'PY'
import json, sys
from collections import Counter
run, n = sys.argv[1], int(sys.argv[2])
rows = [json.loads(l) for l in open(f"{run}/tasks.jsonl")]
final = Counter((r["task_id"], r["attempt"], r.get("restart_count") or 0) for r in rows
                if r["state"] in ("succeeded", "failed", "cancelled"))
dup = [k for k, v in final.items() if v > 1]
assert not dup, f"attempts with two final rows: {dup}"
last = {}
for r in rows:
    last[r["task_id"]] = max(last.get(r["task_id"], 0), r["attempt"])
missing = [i for i in range(n) if not any(k[0] == i and k[1] == last.get(i) for k in final)]
assert not missing, f"indices without a final row: {missing}"
PY
}

@test "the tutorial's 200 scenarios: recoverable ones succeed, permanent ones carry their class, failures counted by class as injected" {
	[[ ${SCALABLE_CLUSTER_MEMORY_ENFORCEMENT:-} == yes ]] || \
		skip "no cgroup memory enforcement here (index 22's OOM needs it): $(tr "\n" " " <"$SCALABLE_CLUSTER_DIR/features" 2>/dev/null)"
	dir=$(fixture)
	# slurmctld's RPC counts for this run alone (RESIL_SDIAG_OUT keeps them)
	sdiag -r >/dev/null 2>&1 || true
	(in_dir "$dir" timeout 1000 "$SCALABLE" run --poll-interval 5s >"$dir/run.out" 2>&1 && rc=0 || rc=$?; echo "$rc" >"$dir/run.rc") 3>&- &
	# Attempt 2 of 5 50 101 150 61 waits in marks/; once every other index is
	# final nothing else of the run runs, and a job of partition high asking
	# for the whole node preempts exactly these five.
	held="5 50 101 150 61"
	others_final() {
		[[ -d $dir/runs ]] && ls "$dir"/runs/run-*/tasks.jsonl >/dev/null 2>&1 || return 1
		python3 - "$(the_run "$dir")" <<'PY'
import json, sys
run = sys.argv[1]
held = {5, 50, 101, 150, 61}
final = {}
for line in open(f"{run}/tasks.jsonl"):
    try:
        r = json.loads(line)
    except ValueError:
        continue
    if r["state"] in ("succeeded", "failed"):
        final.setdefault(r["task_id"], set()).add((r["attempt"], r["state"]))
# the last attempt each index gets: oom ones fail twice, 44 fails once
def done(i):
    got = final.get(i, set())
    if i % 7 == 0:
        return (2, "failed") in got
    if i == 44:
        return (1, "failed") in got
    return any(s == "succeeded" for _, s in got)
sys.exit(0 if all(done(i) for i in range(200) if i not in held) else 1)
PY
	}
	all_held() {
		local i
		for i in $held; do [[ -e $dir/marks/ready-$i ]] || return 1; done
	}
	wait_for 240 others_final
	wait_for 60 all_held
	run_dir=$(the_run "$dir")
	high=$(submit -p high --exclusive --wrap 'sleep 1')
	wait_gone "$high"
	# 61 runs a third time past its walltime (60-90 s), then the run ends
	wait_for 240 test -e "$dir/run.rc"
	[[ -z ${RESIL_SDIAG_OUT:-} ]] || sdiag >"$RESIL_SDIAG_OUT" 2>&1 || true
	tail -5 "$dir/run.out"
	[ "$(cat "$dir/run.rc")" -eq 1 ]
	[ "$(jq -r .status "$run_dir/run.json")" = failed ]
	run python3 - "$run_dir" "$dir/runs.log" <<'PY'
import json, sys
from collections import Counter
run, runs_log = sys.argv[1], sys.argv[2]
oom7 = [i for i in range(200) if i % 7 == 0]                       # 29
transient = [i for i in range(3, 200, 10) if i % 7]                 # 18
held, timeout, real_oom, module = [5, 50, 101, 150], 61, 22, 44
# Expected from the injection and the retry policy of the fixture:
#  oom: each % 7 index fails at 64M and at 128M (max_attempts 2) = 58,
#       index 22 once at 64M (a real OOM kill), then succeeds at 128M = 1
#  transient: 18 indices + the 4 held + 61 on attempt 1 = 23
#  preempted: the 4 held + 61 on attempt 2 = 5 (followed by attempt 3)
#  timeout: 61 on attempt 3 (max_attempts 1) = 1
#  dependency_error: 44 (max_attempts 1) = 1
expected = {"oom": 2 * len(oom7) + 1, "transient": len(transient) + len(held) + 1,
            "preempted": len(held) + 1, "timeout": 1, "dependency_error": 1}
assert expected == {"oom": 59, "transient": 23, "preempted": 5, "timeout": 1,
                    "dependency_error": 1}, expected
failures = [json.loads(l) for l in open(f"{run}/failures.jsonl")]
by_class = Counter(f["failure_class"] for f in failures)
print("failures by class:", dict(by_class))
assert by_class == Counter(expected), (dict(by_class), expected)
# one failure row per failed attempt
assert len({(f["task_id"], f["attempt"]) for f in failures}) == len(failures)
# every recoverable scenario ends succeeded, the permanent ones failed with their class
rows = [json.loads(l) for l in open(f"{run}/tasks.jsonl")]
succeeded = {r["task_id"]: r["attempt"] for r in rows if r["state"] == "succeeded"}
permanent = {i: "oom" for i in oom7}
permanent[timeout] = "timeout"
permanent[module] = "dependency_error"
assert set(succeeded) == set(range(200)) - set(permanent), sorted(set(range(200)) - set(succeeded))
last_failure = {}
for f in failures:
    last_failure[f["task_id"]] = f
for i, cls in permanent.items():
    f = last_failure[i]
    assert f["failure_class"] == cls and f["details"]["retry"]["action"] == "give_up", f
for i in oom7:
    assert last_failure[i]["message"] == f"OOM: scenario {i} exceeded memory limit", last_failure[i]
assert last_failure[module]["error_type"] == "ModuleNotFoundError", last_failure[module]
assert succeeded[real_oom] == 2
real = [f for f in failures if f["task_id"] == real_oom][0]
assert real["details"]["retry"]["resources"]["memory_bytes"] == 128 << 20, real["details"]["retry"]
for i in held:
    assert succeeded[i] == 3, (i, succeeded[i])
    assert [f["failure_class"] for f in failures if f["task_id"] == i] == ["transient", "preempted"]
# how often each scenario ran (scenario.sh logs every attempt): exactly as
# injected, and never again after it succeeded
runs = Counter()
for line in open(runs_log):
    index, attempt, job, restart = line.split()
    runs[int(index), int(attempt)] += 1
    assert int(index) not in succeeded or int(attempt) <= succeeded[int(index)], line
assert all(n == 1 for n in runs.values()), [k for k, n in runs.items() if n > 1]
per_index = Counter(i for i, _ in runs)
want = {i: 1 for i in range(200)}
for i in transient + oom7 + [real_oom]:
    want[i] = 2
for i in held + [timeout]:
    want[i] = 3
assert per_index == Counter(want), [(i, per_index[i], want[i]) for i in range(200) if per_index[i] != want[i]]
summary = json.load(open(f"{run}/run.json"))["summary"]
assert {k: v for k, v in summary["counts_by_state"].items() if v} == {"succeeded": 169, "failed": 31}, summary
assert summary["final_failures_by_class"] == {"oom": 29, "timeout": 1, "dependency_error": 1}, summary
PY
	echo "$output"
	[ "$status" -eq 0 ]
	no_duplicate_submission "$run_dir"
	final_rows_complete "$run_dir" 200
	[ -z "$(root_owned_files "$run_dir")" ]
	# Issue 5: diagnose on this run reports exactly the injected classes
	# with their counts (its groups of one class add up to the class), and
	# the closed run has its report page.
	as_user "$SCALABLE" diagnose --json "$run_dir" >"$dir/diagnose.json"
	run python3 - "$dir/diagnose.json" <<'PY'
import json, sys
from collections import Counter
dx = json.load(open(sys.argv[1]))
injected = {"oom": 59, "transient": 23, "preempted": 5, "timeout": 1, "dependency_error": 1}
assert dx["summary"]["failures_by_class"] == injected, dx["summary"]["failures_by_class"]
assert dx["summary"]["categories"] == 5, dx["summary"]
by_class = Counter()
for f in dx["findings"]:
    if f["failure_class"]:
        by_class[f["failure_class"]] += f["count"]
assert by_class == Counter(injected), dict(by_class)
oom = [f for f in dx["findings"] if f["failure_class"] == "oom" and "exceeded memory limit" in (f["pattern"] or "")]
assert oom and oom[0]["count"] == 58 and oom[0]["suggestion"], oom
PY
	echo "$output"
	[ "$status" -eq 0 ]
	as_user "$SCALABLE" diagnose "$run_dir" >"$dir/diagnose.txt"
	grep -F "89 failures detected across 5 categories" "$dir/diagnose.txt"
	[ -s "$run_dir/report.html" ]
	grep -F "$(basename "$run_dir")" "$run_dir/report.html" >/dev/null
}

@test "failures forced onto one node: diagnose names the node (partition pair: two nodes)" {
	pair=(${SCALABLE_CLUSTER_PAIR_NODES:-})
	(( ${#pair[@]} == 2 )) || skip "the cluster has no partition pair of two nodes (tests/cluster/cluster start)"
	bad=${pair[0]}
	# every scenario that lands on $bad fails (exit 1: runtime_error, not
	# retried); the partition places tasks on the least loaded node, so both
	# nodes run some
	dir=$(fixture "version: 1
project: onenode
targets:
  hpc: {provider: slurm, partition: pair, poll_interval: 5s}
components:
  scenario:
    command: 'sleep 2; if [ \"\$SLURMD_NODENAME\" = $bad ]; then echo \"disk full on \$SLURMD_NODENAME\" >&2; exit 1; fi'
scenarios:
  range: {name: n, start: 0, stop: 11}")
	run in_dir "$dir" timeout 1000 "$SCALABLE" run --poll-interval 5s
	[ "$status" -eq 1 ]
	run_dir=$(the_run "$dir")
	fails=$(jq -s '[.[] | select(.details.worker_id == "'"$bad"'")] | length' "$run_dir/failures.jsonl")
	others=$(jq -s '[.[] | select(.details.worker_id != "'"$bad"'")] | length' "$run_dir/failures.jsonl")
	ran_elsewhere=$(jq -s '[.[] | select(.state == "succeeded")] | length' "$run_dir/tasks.jsonl")
	echo "failures on $bad: $fails, elsewhere: $others, succeeded elsewhere: $ran_elsewhere"
	(( fails >= 3 && others == 0 && ran_elsewhere >= 1 ))
	as_user "$SCALABLE" diagnose --json "$run_dir" >"$dir/diagnose.json"
	jq -e --arg node "$bad" --argjson n "$fails" \
		'[.findings[] | select(.category == "node" and .evidence.node == $node and .evidence.failures == $n)] | length == 1' \
		"$dir/diagnose.json"
	as_user "$SCALABLE" diagnose "$run_dir" >"$dir/diagnose.txt"
	cat "$dir/diagnose.txt"
	grep -F "$fails of $fails failures on node $bad" "$dir/diagnose.txt"
	grep -F "exclude it" "$dir/diagnose.txt"
}

# count_runs DIR INDEX: how many attempts of INDEX scenario.sh started.
count_runs() {
	awk -v i="$2" '$1 == i' "$1/runs.log" | wc -l
}

@test "a slurmd killed mid-run: its tasks end node_fail, are retried once it returns, nothing stays running" {
	dir=$(fixture "version: 1
project: nodefail
targets:
  hpc: {provider: slurm, partition: low, poll_interval: 5s}
components:
  scenario:
    command: bash scenario.sh
    env: {RESIL_HOLD: '0 1 2 3', RESIL_HOLD_ATTEMPT: '1', RESIL_HOLD_S: '300'}
scenarios:
  range: {name: n, start: 0, stop: 3}
retry:
  node_fail: {max_attempts: 3, backoff: {initial: 1s, factor: 1, max: 1s, jitter: 0}}")
	(in_dir "$dir" timeout 1000 "$SCALABLE" run --poll-interval 5s >"$dir/run.out" 2>&1 && rc=0 || rc=$?; echo "$rc" >"$dir/run.rc") 3>&- &
	all_held() {
		local i
		for i in 0 1 2 3; do [[ -e $dir/marks/ready-$i ]] || return 1; done
	}
	wait_for 120 all_held
	run_dir=$(the_run "$dir")
	"$CLUSTER" stop-slurmd --keep-jobs
	# SlurmdTimeout=30: Slurm declares the node dead, its jobs NODE_FAIL
	node_failed() {
		[ "$(jq -r 'select(.failure_class == "node_fail") | .task_id' "$run_dir/failures.jsonl" 2>/dev/null | sort -u | wc -l)" -eq 4 ]
	}
	rc=0; wait_for 150 node_failed || rc=$?
	"$CLUSTER" start-slurmd
	cat "$run_dir/failures.jsonl" | jq -c '[.task_id, .failure_class, .details.slurm_state, .details.retry.summary, .details.retry.note]' || true
	[ "$rc" -eq 0 ]
	wait_for 180 test -e "$dir/run.rc"
	tail -3 "$dir/run.out"
	[ "$(cat "$dir/run.rc")" -eq 0 ]
	[ "$(jq -r .status "$run_dir/run.json")" = completed ]
	# one node_fail per task, retried without excluding the cluster's only node
	[ "$(jq -r .failure_class "$run_dir/failures.jsonl" | sort | uniq -c | awk '{print $2 "=" $1}')" = "node_fail=4" ]
	[ "$(jq -r '.details.retry | "\(.action) \(.exclude | length)"' "$run_dir/failures.jsonl" | sort -u)" = "retry 0" ]
	[ "$(jq -r '.details.retry.note' "$run_dir/failures.jsonl" | sort -u)" = "$(sinfo -h -N -o %N | head -1) not excluded: partition low would have no node left" ]
	for i in 0 1 2 3; do
		[ "$(jq -r "select(.task_id == $i and .state == \"succeeded\") | .attempt" "$run_dir/tasks.jsonl")" = 2 ]
	done
	no_duplicate_submission "$run_dir"
	final_rows_complete "$run_dir" 4
	# nothing of the run stays queued or running: not in Slurm, and not on
	# the node either (attempt 1 outlived its slurmd; the returning slurmd
	# must end it, long before its 300 s wait for marks/go is over)
	jobs=$(jq -r 'select(.record == "submitted") | .job_id' "$run_dir/journal.jsonl" | paste -sd,)
	wait_for 60 test -z "$(squeue -h -j "$jobs" -o %i 2>/dev/null)"
	wait_for 60 test -z "$(pgrep -u "$TEST_USER" -f 'bash scenario.sh')"
	node_idle
}

@test "a preempted task of a target that requeues is followed: Slurm runs it again, scalable never resubmits it" {
	dir=$(fixture "version: 1
project: requeue
targets:
  hpc: {provider: slurm, partition: low, poll_interval: 2s, requeue: true}
components:
  scenario:
    command: bash scenario.sh
    env: {RESIL_HOLD: '0 1', RESIL_HOLD_ATTEMPT: '1', RESIL_HOLD_S: '120'}
scenarios:
  range: {name: n, start: 0, stop: 1}
retry:
  preempted: {max_attempts: unlimited, backoff: {initial: 1s, factor: 1, max: 1s, jitter: 0}}")
	(in_dir "$dir" timeout 1000 "$SCALABLE" run --poll-interval 2s >"$dir/run.out" 2>&1 && rc=0 || rc=$?; echo "$rc" >"$dir/run.rc") 3>&- &
	all_held() { [[ -e $dir/marks/ready-0 && -e $dir/marks/ready-1 ]]; }
	wait_for 120 all_held
	run_dir=$(the_run "$dir")
	high=$(submit -p high --exclusive --wrap 'sleep 1')
	wait_gone "$high"
	# a requeued job may start again only cred_expire (20 s here) later
	wait_for 150 test -e "$dir/run.rc"
	tail -3 "$dir/run.out"
	[ "$(cat "$dir/run.rc")" -eq 0 ]
	[ "$(jq -r .status "$run_dir/run.json")" = completed ]
	# one chunk, submitted once; each index ran twice as attempt 1 (restart 0, then 1)
	[ "$(grep -c '"record":"intent"' "$run_dir/journal.jsonl")" -eq 1 ]
	no_duplicate_submission "$run_dir"
	[ "$(awk '{print $1, $2, $4}' "$dir/runs.log" | sort | paste -sd' ')" = "0 1 0 0 1 1 1 1 0 1 1 1" ]
	for i in 0 1; do
		[ "$(jq -r "select(.task_id == $i and .state == \"succeeded\") | \"\(.attempt) \(.restart_count)\"" "$run_dir/tasks.jsonl")" = "1 1" ]
		[ "$(jq -r "select(.task_id == $i and .state == \"requeued\") | .attempt" "$run_dir/tasks.jsonl")" = 1 ]
	done
	# what was recorded of the preempted run, if anything, says it was followed
	[ -z "$(jq -r 'select(.failure_class != "preempted" or .details.retry.action != "follow")' "$run_dir/failures.jsonl")" ]
	[ "$(jq .summary.requeues "$run_dir/run.json")" -eq 2 ]
}

# The points of crash_point.h, each with the pass that crashes: every one is
# reached by a run of 10 tasks in two chunks (max_array_size 5: indices 0-4
# and 5-9) where index 3 fails once (transient), so the run has a retry wave:
# intent:1 and intent:2 cut the first wave short before its first and its
# second chunk, intent:3 and sbatch:3 hit the retry wave. poll:1 is the
# first Slurm poll, which every run reaches (the retry wave goes out only
# after a poll); a second one is not certain, the run may end first.
CRASH_POINTS="intent:1 intent:2 sbatch:1 submitted:2 task_row:5 failure_row:1 wave_done:1 wave_scripts:1 intent:3 sbatch:3 poll:1 close:1 closed:1"

@test "kill -9 of the orchestrator at thirteen points: watch completes every run, with no duplicate submission and no lost row" {
	local -A dirs
	for point in $CRASH_POINTS; do
		dirs[$point]=$(fixture "version: 1
project: crash
targets:
  hpc: {provider: slurm, partition: low, poll_interval: 2s, max_array_size: 5}
components:
  scenario:
    command: bash scenario.sh
    env: {RESIL_TRANSIENT: '3'}
scenarios:
  range: {name: n, start: 0, stop: 9}
retry:
  transient: {max_attempts: 3, backoff: {initial: 1s, factor: 1, max: 1s, jitter: 0}}")
	done
	# thirteen small runs at once, each killed at its point
	for point in $CRASH_POINTS; do
		dir=${dirs[$point]}
		(in_dir "$dir" env SCALABLE_CRASH_AT="$point" timeout 1000 "$SCALABLE" run --poll-interval 2s \
			>"$dir/run.out" 2>&1 && rc=0 || rc=$?; echo "$rc" >"$dir/run.rc") 3>&- &
	done
	for point in $CRASH_POINTS; do
		wait_for 180 test -e "${dirs[$point]}/run.rc"
	done
	for point in $CRASH_POINTS; do
		dir=${dirs[$point]}
		echo "$point: run exited $(cat "$dir/run.rc")"
		[ "$(cat "$dir/run.rc")" -eq 137 ]   # SIGKILL, not an ordinary end
		(in_dir "$dir" "$SCALABLE" watch --latest --poll-interval 2s \
			>"$dir/watch.out" 2>&1 && rc=0 || rc=$?; echo "$rc" >"$dir/watch.rc") 3>&- &
	done
	for point in $CRASH_POINTS; do
		wait_for 180 test -e "${dirs[$point]}/watch.rc"
	done
	for point in $CRASH_POINTS; do
		dir=${dirs[$point]}
		run_dir=$(the_run "$dir")
		echo "$point: watch exited $(cat "$dir/watch.rc")"; tail -2 "$dir/watch.out"
		[ "$(cat "$dir/watch.rc")" -eq 0 ]
		[ "$(jq -r .status "$run_dir/run.json")" = completed ]
		[ "$(jq .summary.counts_by_state.succeeded "$run_dir/run.json")" -eq 10 ]
		grep -q '"record":"closed"' "$run_dir/journal.jsonl"
		# the one injected failure, recorded once, and its retry in a second wave
		[ "$(jq -c '[.task_id, .attempt, .failure_class]' "$run_dir/failures.jsonl")" = '[3,1,"transient"]' ]
		# attempt 2 of index 3 went out in exactly one answered chunk
		retry_keys=$(jq -r 'select(.record == "intent" and (.tasks | index([[3, 2]]))) | .key' "$run_dir/journal.jsonl" | sort -u)
		[ "$(jq -r 'select(.record == "submitted") | .key' "$run_dir/journal.jsonl" | grep -cxF "$retry_keys")" -eq 1 ]
		no_duplicate_submission "$run_dir"
		final_rows_complete "$run_dir" 10
		# each scenario ran once, 3 twice: nothing submitted twice ran twice
		for i in 0 1 2 3 4 5 6 7 8 9; do
			[ "$(count_runs "$dir" "$i")" -eq $(( i == 3 ? 2 : 1 )) ]
		done
	done
}
