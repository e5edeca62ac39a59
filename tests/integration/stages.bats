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

# pipeline DIR TARGET_LINE: issue 13's acceptance sweep in DIR: 200
# scenarios through prepare -> model -> post and an after: all aggregate,
# with failures injected in each stage until DIR/fixed exists: input errors
# in prepare (i % 37 == 3), model (i % 43 == 11) and post (i % 47 == 13),
# and a transient error in model's first attempt (i % 41 == 7).
pipeline() {
	cat >"$1/scalable.yaml" <<'YAML'
version: 1
project: pipeline
targets:
  hpc: {provider: slurm, partition: low, walltime: "00:10:00", poll_interval: 2s}
  laptop: {provider: local, walltime: "00:10:00", local: {concurrency: 8}}
scenarios:
  range: {name: i, start: 0, stop: 199}
retry:
  transient: {max_attempts: 3, backoff: {initial: 1s, max: 2s}}
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
	cat >"$1/task.sh" <<'SH'
i=$2
if [ ! -e fixed ]; then
	case $1 in
	prepare) [ $((i % 37)) -eq 3 ] && { echo "bad input for prepare $i" >&2; exit 65; } ;;
	model) [ $((i % 43)) -eq 11 ] && { echo "bad input for model $i" >&2; exit 65; } ;;
	post) [ $((i % 47)) -eq 13 ] && { echo "bad input for post $i" >&2; exit 65; } ;;
	esac
fi
if [ "$1" = model ] && [ $((i % 41)) -eq 7 ] && [ "$SCALABLE_ATTEMPT" = 1 ]; then
	echo "connection reset, try again" >&2
	exit 75
fi
echo "$1 $i ok"
SH
	chown -R "$TEST_USER:" "$1"
}

# final_states RUN: "component task_id state" of each task's latest attempt, sorted.
final_states() {
	jq -sr 'group_by([.component, .task_id]) | map(max_by(.attempt))
		| map("\(.component) \(.task_id) \(.state)") | .[]' "$1/tasks.jsonl" | sort
}

@test "issue 13's sweep: 200 scenarios in three stages and an aggregate, failures in each stage; the same states on the local target; resume completes it" {
	dir=$(new_run_dir)
	pipeline "$dir"
	run in_dir "$dir" timeout 1200 "$SCALABLE" run --target hpc --poll-interval 2s
	echo "$output" | tail -5
	[ "$status" -eq 1 ]
	run_dir=$(the_run "$dir")
	# 6 prepare, 5 model and 4 post failures; 6 + 11 skipped downstream; the
	# transient ones succeeded on their retry
	run python3 - "$run_dir" <<'PY'
import json, sys
from collections import Counter, defaultdict
run = sys.argv[1]
rows = [json.loads(l) for l in open(f"{run}/tasks.jsonl")]
latest = {}
for r in rows:
    k = (r["component"], r["task_id"])
    if k not in latest or r["attempt"] >= latest[k]["attempt"]:
        latest[k] = r
def ids(c, s):
    return sorted(i for (k, i), r in latest.items() if k == c and r["state"] == s)
prep_bad = [i for i in range(200) if i % 37 == 3]
model_bad = [i for i in range(200) if i % 43 == 11]
post_bad = [i for i in range(200) if i % 47 == 13]
assert ids("prepare", "failed") == prep_bad, ids("prepare", "failed")
assert ids("model", "skipped") == prep_bad, ids("model", "skipped")
assert ids("model", "failed") == model_bad, ids("model", "failed")
assert ids("post", "skipped") == sorted(prep_bad + model_bad), ids("post", "skipped")
assert ids("post", "failed") == post_bad, ids("post", "failed")
assert ids("aggregate", "succeeded") == [0]
for i in (i for i in range(200) if i % 41 == 7):
    assert latest[("model", i)]["state"] == "succeeded" and latest[("model", i)]["attempt"] == 2, i
for (c, i), r in latest.items():
    if r["state"] == "skipped":
        up = r["upstream"]
        assert up["task_id"] == i and up["state"] in ("failed", "skipped"), r
# one sbatch per stage per chunk per wave: no (wave, component, offset) twice
intents, submitted = {}, []
for rec in map(json.loads, open(f"{run}/journal.jsonl")):
    if rec["record"] == "intent":
        intents[rec["key"]] = (rec["wave"], rec["component"], rec["offset"])
    elif rec["record"] == "submitted":
        submitted.append(rec["key"])
assert len(submitted) == len(set(submitted)), "a key submitted twice"
triples = Counter(intents[k] for k in submitted)
assert max(triples.values()) == 1, triples
# every stage queued in Slurm (aftercorr) before the first prepare ended:
# nothing polls for a dependency
first_end = min(r["timestamp"] for r in rows
                if r["component"] == "prepare" and r["state"] in ("succeeded", "failed"))
for c in ("model", "post"):
    queued = [r["timestamp"] for r in rows if r["component"] == c and r["state"] == "submitted"]
    assert sum(t < first_end for t in queued) == 200, (c, first_end)
# every downstream batch step started after its upstream's ended with exit 0,
# and only where it did (from the plugin's events)
component_of = {r["array_job_id"]: r["component"] for r in rows if r.get("array_job_id")}
starts, good_ends = defaultdict(list), defaultdict(list)
import glob
for path in glob.glob(f"{run}/events/**/*.jsonl", recursive=True):
    for line in open(path):
        try:
            ev = json.loads(line)
        except ValueError:
            continue
        if ev.get("step_id") != "batch" or ev.get("array_job_id") not in component_of:
            continue
        key = (component_of[ev["array_job_id"]], ev["task_id"])
        if ev["event"] == "start":
            starts[key].append(ev["timestamp"])
        elif ev["event"] == "end" and ev.get("exit_code") == 0:
            good_ends[key].append(ev["timestamp"])
late = early = 0
for down, up in (("model", "prepare"), ("post", "model")):
    for i in range(200):
        ran = starts.get((down, i), [])
        ok = good_ends.get((up, i), [])
        if not ok:
            assert not ran, (down, i, "ran without its upstream")
            continue
        assert ran, (down, i, "never ran though its upstream succeeded")
        assert min(ran) >= min(ok), (down, i, min(ran), min(ok))
print("ok", dict(triples))
PY
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(wc -l <"$dir/agg.1.jsonl")" -eq $((194 + 189 + 185)) ]
	[ -z "$(as_user squeue -h -o %i)" ]
	final_states "$run_dir" >"$dir/states.hpc"
	# the same sweep on the local target ends in the same states
	local_dir=$(new_run_dir)
	pipeline "$local_dir"
	run in_dir "$local_dir" timeout 600 "$SCALABLE" run --target laptop
	[ "$status" -eq 1 ]
	final_states "$(the_run "$local_dir")" >"$dir/states.local"
	diff "$dir/states.hpc" "$dir/states.local"
	# the report and diagnose count the skipped on their own
	run in_dir "$dir" "$SCALABLE" status --latest
	echo "$output"
	[[ $output == *"17 skipped"* ]]
	# resume after the fix runs the failed ones, then the skipped ones follow
	touch "$dir/fixed"
	chown "$TEST_USER:" "$dir/fixed"
	run in_dir "$dir" timeout 1200 "$SCALABLE" resume --latest --poll-interval 2s
	echo "$output" | tail -5
	[ "$status" -eq 0 ]
	[ "$(jq -r .status "$run_dir/run.json")" = completed ]
	[ "$(jq .summary.counts_by_state.succeeded "$run_dir/run.json")" -eq 601 ]
	[ "$(wc -l <"$dir/agg.2.jsonl")" -eq 600 ]
	[ -z "$(final_states "$run_dir" | grep -v ' succeeded$')" ]
}
