#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# spank_scalable.so inside the private Slurm: what every step of every job
# leaves in its run directory, and the plugin's rules as root code.

load helpers

setup() {
	cluster_up
	plugstack
}

teardown() {
	plugstack
	[[ -n ${MOUNTED:-} ]] && umount "$MOUNTED" 2>/dev/null || true
	[[ -n ${COLLECTOR_PID:-} ]] && kill "$COLLECTOR_PID" 2>/dev/null || true
	[[ -n ${ROOT_TARGET:-} ]] && rm -rf "$ROOT_TARGET" || true
}

# end_of RUN_DIR FILE: the end event of one event file.
end_of() {
	jq -c 'select(.event == "end")' "$1/events/$2"
}

@test "a 20-task array with mixed outcomes leaves 20 start and 20 end events with the right exit codes and signals" {
	run_dir=$(new_run_dir)
	job=$(submit --array=0-19 --export=ALL,SCALABLE_RUN_DIR="$run_dir" --wrap \
		'case $((SLURM_ARRAY_TASK_ID % 4)) in 0) exit 0;; 1) exit 1;; 2) exit 75;; 3) kill -KILL $$;; esac')
	wait_gone "$job"
	[ "$(events "$run_dir" 'select(.step_id == "batch" and .event == "start")' | wc -l)" -eq 20 ]
	[ "$(events "$run_dir" 'select(.step_id == "batch" and .event == "end")' | wc -l)" -eq 20 ]
	for i in $(seq 0 19); do
		case $((i % 4)) in 0) want=0:0 ;; 1) want=1:0 ;; 2) want=75:0 ;; 3) want=137:9 ;; esac
		got=$(events "$run_dir" "select(.event == \"end\" and .array_task_id == $i and .array_job_id == $job) | \"\(.exit_code):\(.signal)\"" | tr -d '"')
		echo "task $i: want $want got $got"
		[ "$got" = "$want" ]
	done
	[ -z "$(root_owned_files "$run_dir")" ]
}

@test "events layout 2 only when the job asks: fanned out by array job and task / 1000, as the job user" {
	run_dir=$(new_run_dir)
	job=$(submit --array=0,999-1000 \
		--export=ALL,SCALABLE_RUN_DIR="$run_dir",SCALABLE_EVENTS_LAYOUT=2 --wrap 'exit 0')
	wait_gone "$job"
	find "$run_dir/events" >&2
	[ -z "$(find "$run_dir/events" -maxdepth 1 -type f)" ]
	for task in 0 999 1000; do
		grep -l "\"array_task_id\":$task," "$run_dir/events/$job/$((task / 1000))"/*.batch.0.jsonl
	done
	[ "$(events "$run_dir" 'select(.step_id == "batch" and .event == "end")' | wc -l)" -eq 3 ]
	[ -z "$(root_owned_files "$run_dir")" ]
	plain=$(submit --export=ALL,SCALABLE_RUN_DIR="$run_dir" --wrap 'exit 0')
	wait_gone "$plain"
	[ -s "$run_dir/events/$plain.batch.0.jsonl" ]   # not asked: layout 1
}

@test "a job over its --mem: OOM kills counted, peak at the limit, Slurm says OUT_OF_MEMORY" {
	[[ ${SCALABLE_CLUSTER_MEMORY_ENFORCEMENT:-} == yes ]] || \
		skip "no cgroup memory enforcement here: $(tr "\n" " " <"$SCALABLE_CLUSTER_DIR/features" 2>/dev/null)"
	run_dir=$(new_run_dir)
	job=$(submit --mem=64M --export=ALL,SCALABLE_RUN_DIR="$run_dir" --wrap \
		'python3 -c "x = b\"x\" * (512 * 1024 * 1024); print(len(x))"')
	wait_gone "$job"
	end=$(end_of "$run_dir" "$job.batch.0.jsonl")
	echo "$end"
	[ "$(jq .oom_kill_count <<<"$end")" -gt 0 ]
	[ "$(jq -r .inferred_cause <<<"$end")" = oom ]
	limit=$((64 * 1024 * 1024))
	[ "$(jq .mem_limit_bytes <<<"$end")" -eq "$limit" ]
	[ "$(jq .max_rss_bytes <<<"$end")" -ge $((limit * 9 / 10)) ]
	[ "$(sacct_field "$job" State)" = OUT_OF_MEMORY ]
}

@test "a job preempted from the low partition: restart 0 ends by a signal, restart 1 exits 0" {
	run_dir=$(new_run_dir)
	job=$(submit -p low --requeue --exclusive --export=ALL,SCALABLE_RUN_DIR="$run_dir" --wrap \
		'if [ "${SLURM_RESTART_COUNT:-0}" -eq 0 ]; then sleep 600; fi; exit 0')
	wait_running "$job"
	for _ in $(seq 30); do [ -s "$run_dir/events/$job.batch.0.jsonl" ] && break; sleep 1; done
	high=$(submit -p high --exclusive --wrap 'sleep 1')
	wait_gone "$high"
	wait_gone "$job"
	first=$(end_of "$run_dir" "$job.batch.0.jsonl")
	second=$(end_of "$run_dir" "$job.batch.1.jsonl")
	echo "first: $first"; echo "second: $second"
	[ "$(jq .restart_count <<<"$first")" -eq 0 ]
	[ "$(jq .signal <<<"$first")" -ne 0 ]
	[ "$(jq .restart_count <<<"$second")" -eq 1 ]
	[ "$(jq -c '[.exit_code, .signal]' <<<"$second")" = "[0,0]" ]
	[ "$(sacct_field "$job" State)" = COMPLETED ]
}

@test "a job past its --time: ended by a signal, elapsed at the limit" {
	run_dir=$(new_run_dir)
	# Slurm 22.05 gives a step no way to learn its limit; the orchestrator exports it.
	job=$(submit --time=1 --export=ALL,SCALABLE_RUN_DIR="$run_dir",SCALABLE_TIME_LIMIT_S=60 --wrap 'sleep 600')
	JOB_WAIT_S=300 wait_gone "$job"
	end=$(end_of "$run_dir" "$job.batch.0.jsonl")
	echo "$end"
	[ "$(jq .signal <<<"$end")" -ne 0 ]
	[ "$(jq '.elapsed_s >= 58' <<<"$end")" = true ]
	[ "$(jq .time_limit_s <<<"$end")" -eq 60 ]
	[ "$(jq -r .inferred_cause <<<"$end")" = "timeout?" ]
	[ "$(sacct_field "$job" State)" = TIMEOUT ]
}

@test "--scalable-run=DIR records a job without the environment variable, and its srun steps" {
	run_dir=$(new_run_dir)
	job=$(submit --scalable-run="$run_dir" --wrap 'srun true; srun false; exit 0')
	wait_gone "$job"
	[ "$(end_of "$run_dir" "$job.batch.0.jsonl" | jq .exit_code)" -eq 0 ]
	[ "$(end_of "$run_dir" "$job.0.0.jsonl" | jq .exit_code)" -eq 0 ]
	[ "$(end_of "$run_dir" "$job.1.0.jsonl" | jq .exit_code)" -eq 1 ]
	[ "$(end_of "$run_dir" "$job.0.0.jsonl" | jq -r .step_id)" = 0 ]
}

# run_untouched RUN_DIR_VALUE: a job that exits 3 runs exactly as without the
# plugin: same exit, node still idle, nothing written as root.
run_untouched() {
	# Through the environment, not --export, which would split the value at commas.
	job=$(as_user env SCALABLE_RUN_DIR="$1" sbatch --parsable --chdir="$SCALABLE_CLUSTER_SCRATCH" \
		--output=/dev/null --error=/dev/null --wrap 'exit 3' | cut -d';' -f1)
	[ -n "$job" ]
	wait_gone "$job"
	exit_code=$(sacct_field "$job" ExitCode)
	echo "job $job: ExitCode $exit_code"; sacct -j "$job" -X -o JobID,State,ExitCode,Submit
	[ "$exit_code" = "3:0" ]
	node_idle
}

@test "security: a run dir that is a symlink into a root-owned place gets nothing" {
	ROOT_TARGET=$(mktemp -d /var/tmp/scalable-rootonly.XXXXXX)
	chmod 0755 "$ROOT_TARGET"
	run_dir=$(new_run_dir)
	ln -s "$ROOT_TARGET" "$run_dir/link"
	run_untouched "$run_dir/link"
	[ -z "$(ls -A "$ROOT_TARGET")" ]
}

@test "security: a dangling symlink is not created through" {
	run_dir=$(new_run_dir)
	ln -s "$run_dir/nowhere" "$run_dir/dangling"
	run_untouched "$run_dir/dangling"
	[ ! -e "$run_dir/nowhere" ]
}

@test "security: an events/ symlink is not followed" {
	ROOT_TARGET=$(mktemp -d /var/tmp/scalable-rootonly.XXXXXX)
	chmod 0777 "$ROOT_TARGET"
	run_dir=$(new_run_dir)
	ln -s "$ROOT_TARGET" "$run_dir/events"
	run_untouched "$run_dir"
	[ -z "$(ls -A "$ROOT_TARGET")" ]
}

@test "security: a symlink where a directory of layout 2 goes is not followed" {
	ROOT_TARGET=$(mktemp -d /var/tmp/scalable-rootonly.XXXXXX)
	chmod 0777 "$ROOT_TARGET"
	run_dir=$(new_run_dir)
	as_user mkdir "$run_dir/events"
	ln -s "$ROOT_TARGET" "$run_dir/events/job"   # where a job outside an array goes
	job=$(as_user env SCALABLE_RUN_DIR="$run_dir" SCALABLE_EVENTS_LAYOUT=2 sbatch --parsable \
		--chdir="$SCALABLE_CLUSTER_SCRATCH" --output=/dev/null --error=/dev/null --wrap 'exit 3' |
		cut -d';' -f1)
	[ -n "$job" ]
	wait_gone "$job"
	[ "$(sacct_field "$job" ExitCode)" = "3:0" ]
	[ -z "$(ls -A "$ROOT_TARGET")" ]
}

@test "security: an unwritable run dir gets nothing" {
	run_dir=$(new_run_dir)
	chown root: "$run_dir"
	run_untouched "$run_dir"
	[ -z "$(ls -A "$run_dir")" ]
}

@test "security: a full filesystem changes nothing for the job" {
	run_dir=$(new_run_dir)
	mkdir "$run_dir/full"
	mount -t tmpfs -o size=64k tmpfs "$run_dir/full" || skip "cannot mount a tmpfs here"
	MOUNTED=$run_dir/full
	chown "$TEST_USER:" "$run_dir/full"
	# the filler ends with ENOSPC, which is the point: then the disk is full
	as_user sh -c "cat /dev/zero > '$run_dir/full/filler'" 2>/dev/null || true
	filesystem_full "$run_dir/full"
	run_untouched "$run_dir/full"
	[ -z "$(root_owned_files "$run_dir")" ]
}

@test "security: a garbage SCALABLE_RUN_DIR is ignored" {
	marker=/tmp/scalable-pwned-$$
	for value in 'relative/run' "\$(touch $marker)" "/tmp/../etc"; do
		run_untouched "$value"
	done
	[ ! -e "$marker" ]
	[ ! -e /etc/events ]
}

@test "security: bad plugstack arguments leave jobs alone and are logged once, at verbose level" {
	plugstack bogus=1 spool=relative
	run_dir=$(new_run_dir)
	log=$SCALABLE_CLUSTER_DIR/log/slurmd.log
	before=$(grep -c 'spank_scalable: disabled by a bad plugstack.conf line' "$log" || true)
	run_untouched "$run_dir"
	[ -z "$(ls -A "$run_dir")" ]
	after=$(grep -c 'spank_scalable: disabled by a bad plugstack.conf line' "$log" || true)
	[ "$((after - before))" -eq 1 ]
}

@test "admin spool: all_jobs=yes records a plain job under a root-owned per-user directory" {
	ROOT_TARGET=$(mktemp -d /var/tmp/scalable-spool.XXXXXX)
	chmod 0755 "$ROOT_TARGET"
	plugstack spool="$ROOT_TARGET" all_jobs=yes
	job=$(submit --wrap 'exit 0')
	wait_gone "$job"
	uid=$(id -u "$TEST_USER")
	[ "$(stat -c '%U %a' "$ROOT_TARGET/$uid")" = "root 750" ]
	[ "$(stat -c '%g' "$ROOT_TARGET/$uid")" = "$(id -g "$TEST_USER")" ]
	file=$ROOT_TARGET/$uid/$job.batch.0.jsonl
	[ "$(jq -r .event "$file" | tr '\n' ' ')" = "start end " ]
}

# start_collector MODE: a local HTTP collector ("answer" appends each POST body
# to $COLLECTED; "hang" accepts connections and never answers).
start_collector() {
	COLLECTED=$(mktemp /tmp/scalable-collected.XXXXXX)
	python3 "$BATS_TEST_DIRNAME/collector.py" "$1" "$COLLECTED" >"$COLLECTED.port" 3>&- &
	COLLECTOR_PID=$!
	for _ in $(seq 50); do [ -s "$COLLECTED.port" ] && break; sleep 0.1; done
	COLLECTOR_PORT=$(cat "$COLLECTED.port")
}

@test "HTTP forwarder: events reach a collector on 127.0.0.1" {
	start_collector answer
	plugstack collector="http://127.0.0.1:$COLLECTOR_PORT/events" collector_timeout_ms=2000
	run_dir=$(new_run_dir)
	job=$(submit --export=ALL,SCALABLE_RUN_DIR="$run_dir" --wrap 'exit 0')
	wait_gone "$job"
	for _ in $(seq 20); do [ "$(wc -l <"$COLLECTED")" -ge 2 ] && break; sleep 0.5; done
	[ "$(jq -r "select(.job_id == $job) | .event" "$COLLECTED" | tr '\n' ' ')" = "start end " ]
}

@test "HTTP forwarder: a collector that never answers delays a step's end by no more than its timeout" {
	start_collector hang
	plugstack collector="http://127.0.0.1:$COLLECTOR_PORT/events" collector_timeout_ms=2000
	run_dir=$(new_run_dir)
	job=$(submit --export=ALL,SCALABLE_RUN_DIR="$run_dir" --wrap "date +%s > $run_dir/ended; exit 0")
	wait_gone "$job"
	gone=$(date +%s)
	ended=$(cat "$run_dir/ended")
	echo "script ended at $ended, job gone at $gone"
	# The collector holds each connection for 120 s; a bounded POST (2 s)
	# plus squeue's one-second polling stays far below that.
	[ $((gone - ended)) -le 10 ]
	[ "$(sacct_field "$job" ExitCode)" = "0:0" ]
	[ "$(wc -l <"$COLLECTED")" -ge 1 ]   # connections it accepted
	node_idle
}

@test "a step on two nodes: one event file per node, each naming its node; an OOM on one node only in its own" {
	[[ ${SCALABLE_CLUSTER_MEMORY_ENFORCEMENT:-} == yes ]] || \
		skip "no cgroup memory enforcement here: $(tr "\n" " " <"$SCALABLE_CLUSTER_DIR/features" 2>/dev/null)"
	pair=(${SCALABLE_CLUSTER_PAIR_NODES:-})
	(( ${#pair[@]} == 2 )) || skip "the cluster has no partition pair of two nodes (tests/cluster/cluster start)"
	run_dir=$(new_run_dir)
	# each task says where it runs (SLURMD_NODENAME of its own environment is
	# right); the one on the step's second node asks 512 MB of its 64 MB
	job=$(submit -p pair -N2 --mem=64M --scalable-run="$run_dir" --wrap \
		"srun -N2 bash -c 'echo \$SLURMD_NODENAME >$run_dir/node.\$SLURM_NODEID; [ \$SLURM_NODEID = 1 ] || exit 0; python3 -c \"x = b\\\"x\\\" * (512 << 20)\"'")
	wait_gone "$job"
	ls "$run_dir" "$run_dir/events"
	[ "$(cd "$run_dir/events" && ls | tr '\n' ' ')" = "$job.0.0.0.jsonl $job.0.0.1.jsonl $job.batch.0.jsonl " ]
	first=$(end_of "$run_dir" "$job.0.0.0.jsonl")
	second=$(end_of "$run_dir" "$job.0.0.1.jsonl")
	echo "$first"; echo "$second"
	[ "$(jq -r '[.node, .node_index, .node_count] | @tsv' <<<"$first")" = "$(cat "$run_dir/node.0")	0	2" ]
	[ "$(jq -r '[.node, .node_index, .node_count] | @tsv' <<<"$second")" = "$(cat "$run_dir/node.1")	1	2" ]
	[ "$(cat "$run_dir/node.0")" != "$(cat "$run_dir/node.1")" ]
	[ "$(jq .oom_kill_count <<<"$first")" -eq 0 ]
	[ "$(jq .oom_kill_count <<<"$second")" -gt 0 ]
	[ "$(jq -r .inferred_cause <<<"$second")" = oom ]
	# each node's two lines, and only its own
	for n in 0 1; do
		[ "$(jq -r '"\(.event) \(.node_index)"' "$run_dir/events/$job.0.0.$n.jsonl" | tr '\n' ' ')" = "start $n end $n " ]
	done
}

@test "memory samples (sample=1s): a task growing in steps to its OOM leaves 80 % and 90 % samples before its end" {
	[[ ${SCALABLE_CLUSTER_MEMORY_ENFORCEMENT:-} == yes ]] || \
		skip "no cgroup memory enforcement here: $(tr "\n" " " <"$SCALABLE_CLUSTER_DIR/features" 2>/dev/null)"
	plugstack sample=1s
	run_dir=$(new_run_dir)
	# 2 MiB every half second: about 2.5 s from 80 % to 90 % of 64 MiB, so
	# that a reading a second falls in each band
	printf 'import time\nx = []\nwhile True:\n    x.append(b"x" * (2 << 20))\n    time.sleep(0.5)\n' \
		>"$run_dir/grow.py"
	chown "$TEST_USER:" "$run_dir/grow.py"
	job=$(submit --mem=64M --export=ALL,SCALABLE_RUN_DIR="$run_dir" --wrap "python3 $run_dir/grow.py")
	wait_gone "$job"
	file=$run_dir/events/$job.batch.0.jsonl
	jq -c '{event, threshold, percent, current_bytes, limit_bytes, oom_kill_count}' "$file"
	[ "$(jq -r .event "$file" | head -1)" = start ]
	[ "$(jq -r .event "$file" | tail -1)" = end ]
	[ "$(jq -r 'select(.event == "sample") | .threshold' "$file" | head -2 | tr '\n' ' ')" = "80 90 " ]
	limit=$((64 * 1024 * 1024))
	[ "$(jq -s '[.[] | select(.threshold == "80")][0] | .limit_bytes' "$file")" -eq "$limit" ]
	[ "$(jq -s '[.[] | select(.threshold == "80")][0] | .percent >= 80 and .percent < 90' "$file")" = true ]
	[ "$(jq -s '[.[] | select(.threshold == "90")][0] | .percent >= 90' "$file")" = true ]
	end=$(end_of "$run_dir" "$job.batch.0.jsonl")
	[ "$(jq .oom_kill_count <<<"$end")" -gt 0 ]
	[ "$(jq -r .inferred_cause <<<"$end")" = oom ]
	[ -z "$(root_owned_files "$run_dir")" ]
	# the extern step is never sampled, and no sampler outlives its step
	[ -z "$(jq -r 'select(.event == "sample")' "$run_dir/events/$job.extern.0.jsonl" 2>/dev/null)" ]
	node_idle
	wait_for 30 no_stepd_of "$job"
}

@test "memory samples (sample=1s): a task that holds 85 % of its limit and exits 0 leaves one 80 % sample, no 90 %" {
	[[ ${SCALABLE_CLUSTER_MEMORY_ENFORCEMENT:-} == yes ]] || \
		skip "no cgroup memory enforcement here: $(tr "\n" " " <"$SCALABLE_CLUSTER_DIR/features" 2>/dev/null)"
	grep -q ':memory:' /proc/self/cgroup || skip "the task reads its cgroup v1 memory files"
	plugstack sample=1s
	run_dir=$(new_run_dir)
	# grows 1 MiB at a time until its step's cgroup (v1) counts 85 % of the
	# limit, then holds it for 4 readings
	cat >"$run_dir/hold.py" <<-'PY'
	import time
	path = [l.split(":", 2)[2].strip() for l in open("/proc/self/cgroup") if ":memory:" in l][0]
	step = "/sys/fs/cgroup/memory" + path.rsplit("/task_", 1)[0]
	limit = int(open(step + "/memory.limit_in_bytes").read())
	x = []
	while int(open(step + "/memory.usage_in_bytes").read()) < limit * 0.85:
	    x.append(b"x" * (1 << 20))
	time.sleep(4)
	PY
	chown "$TEST_USER:" "$run_dir/hold.py"
	job=$(submit --mem=64M --export=ALL,SCALABLE_RUN_DIR="$run_dir" --wrap "python3 $run_dir/hold.py")
	wait_gone "$job"
	file=$run_dir/events/$job.batch.0.jsonl
	jq -c '{event, threshold, percent, exit_code}' "$file"
	[ "$(jq -r 'select(.event == "sample") | .threshold' "$file" | tr '\n' ' ')" = "80 " ]
	[ "$(jq -r 'select(.event == "end") | .exit_code' "$file")" = 0 ]
	[ "$(jq -r .event "$file" | tail -1)" = end ]
}

# no_stepd_of JOB: no slurmstepd of the job (the sampler among them) is left.
no_stepd_of() {
	! pgrep -f "slurmstepd: \[$1\." >/dev/null
}
