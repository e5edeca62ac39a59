#!/bin/sh
# The scalable command line, in TAP: help and version, init, validate and
# plan on what init wrote, their --json output, and usage errors (exit 2).
scalable=${SCALABLE_BIN:?set by make check (tests/unit/orchestrator.am)}
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
n=0
echo "1..42"

# check DESCRIPTION EXPECTED-RC COMMAND...: runs COMMAND, compares its exit code.
check() {
	description=$1 expected=$2
	shift 2
	"$@" >out 2>err
	rc=$?
	n=$((n + 1))
	if [ "$rc" -eq "$expected" ]; then
		echo "ok $n - $description"
	else
		echo "not ok $n - $description: exit code $rc, not $expected"
		sed 's/^/# /' err
	fi
}

# holds DESCRIPTION FILE TEXT: FILE contains TEXT.
holds() {
	n=$((n + 1))
	if grep -qF -- "$3" "$2"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1: no '$3' in $2"
		sed 's/^/# /' "$2"
	fi
}

check "--help" 0 "$scalable" --help
holds "--help lists the exit codes" out "2  bad usage or invalid config"
check "--version" 0 "$scalable" --version
check "an unknown command is bad usage" 2 "$scalable" frobnicate
check "no command is bad usage" 2 "$scalable"
check "validate without a config is bad usage" 2 "$scalable" validate
check "init writes an example" 0 "$scalable" init
check "init refuses to overwrite" 2 "$scalable" init
check "the example validates" 0 "$scalable" validate
holds "validate summarises the scenarios" out "scenarios  6 (matrix: region, year)"
check "validate --json" 0 "$scalable" validate --json scalable.yaml
holds "validate --json says valid" out '"valid": true'
check "plan for the slurm target" 0 "$scalable" plan --target hpc --max-array-size 4
holds "plan cuts chunks below MaxArraySize with an offset" out "SCALABLE_INDEX_OFFSET=4"
check "plan --json" 0 "$scalable" plan --json --max-array-size 1001
holds "plan --json counts the submissions" out '"submissions": 1'
check "plan for an unknown target is bad usage" 2 "$scalable" plan --target nowhere
check "a bad --max-array-size is bad usage" 2 "$scalable" plan --max-array-size 0
[ -e .scalable ] && echo "# a .scalable directory was made" && exit 1

# run, status, runs, watch and cancel on the local target (init's example:
# 6 scenarios of about a second, 2 at a time).
export SCALABLE_RUNS_DIR="$work/runs"
for command in run watch status cancel runs; do
	check "$command --help" 0 "$scalable" "$command" --help
done
check "a bad --poll-interval is bad usage" 2 "$scalable" run --poll-interval soon
check "watch needs a run" 2 "$scalable" watch
check "status of no run at all: none found" 5 "$scalable" status
check "run on the local target completes" 0 "$scalable" run --target local
holds "run says how it ended" out "completed: 6 tasks, 6 succeeded"
run_dir=$(ls -d "$work"/runs/run-*)
check "run.json is completed" 0 grep -q '"status": "completed"' "$run_dir/run.json"
check "tasks.jsonl has 6 succeeded rows" 0 test "$(grep -c '"state":"succeeded"' "$run_dir/tasks.jsonl")" -eq 6
check "status --latest" 0 "$scalable" status --latest
holds "status counts the tasks" out "6: 6 succeeded"
check "status --json" 0 "$scalable" status --json
holds "status --json has counts_by_state" out '"succeeded": 6'
check "runs" 0 "$scalable" runs
holds "runs lists the run" out "completed"
check "runs --json" 0 "$scalable" runs --json
holds "runs --json names the target" out '"target_name": "local"'
check "watch on a closed run has nothing to do" 0 "$scalable" watch --latest
check "cancel on a closed run has nothing to do" 0 "$scalable" cancel "${run_dir##*-}"
check "run --json prints the outcome" 0 "$scalable" run --target local --json
holds "the outcome is JSON" out '"outcome": "finished"'
exit 0
