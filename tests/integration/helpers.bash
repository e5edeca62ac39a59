# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the bats files: talk to the private cluster of tests/cluster/ as
# its unprivileged test user, and read what the plugin recorded.

TOP=${SCALABLE_TOP:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
. "$TOP/tests/integration/assertions.bash"
BUILD=${SCALABLE_BUILD_DIR:-$TOP/_build}
# tests/slurm/cluster for the cluster of a Slurm built from source (tests/run --slurm-matrix).
CLUSTER=${SCALABLE_CLUSTER_SCRIPT:-$TOP/tests/cluster/cluster}
# The plugin tests/run installed (make install DESTDIR=BUILD/stage), else the build tree's.
PLUGIN=${SCALABLE_PLUGIN:-$BUILD/spank/.libs/spank_scalable.so}
TEST_USER=${SCALABLE_TEST_USER:-scalable-test}
eval "$("$CLUSTER" env)"

# Bounded waits: nothing in a test may hang for ever.
JOB_WAIT_S=${JOB_WAIT_S:-240}

# A cluster that is not whole is a failure that names what is down, never a
# skip (tests/run checks it before and after each file too).
cluster_up() {
	local status
	status=$("$CLUSTER" status 2>&1) && return 0
	echo "the private cluster is not whole (tests/cluster/cluster start):" >&2
	grep -E ' down$' <<<"$status" >&2
	return 1
}

# as_user CMD...: run a command as the test user with the cluster's config.
as_user() {
	runuser -u "$TEST_USER" -- env SLURM_CONF="$SLURM_CONF" PATH="$PATH" "$@"
}

# new_run_dir: a fresh run directory owned by the test user; prints its path.
new_run_dir() {
	local dir
	dir=$(mktemp -d "$SCALABLE_CLUSTER_SCRATCH/run.XXXXXX")
	chown "$TEST_USER:" "$dir"
	chmod 0755 "$dir"
	echo "$dir"
}

# The installed package instead of the build (tests/package/deb.sh): the
# plugin named by the enabled line of its plugstack.conf.d snippet
# (SCALABLE_PLUGIN_SNIPPET), which the cluster's plugstack.conf includes
# (SCALABLE_PLUGSTACK_INCLUDE, default: the snippet itself).
SNIPPET=${SCALABLE_PLUGIN_SNIPPET:-}
if [[ -n $SNIPPET ]]; then
	PLUGIN=$(awk '$1 == "optional" || $1 == "required" { print $2; exit }' "$SNIPPET")
	[[ -n $PLUGIN ]] || { echo "no enabled plugin line in $SNIPPET" >&2; exit 1; }
fi

# plugstack ARGS...: load the built plugin with these arguments for new steps
# (or, with a snippet, the installed one: the snippet's line gets the ARGS).
plugstack() {
	if [[ -z $SNIPPET ]]; then
		"$CLUSTER" plugstack "$PLUGIN" "$@" >/dev/null
		return
	fi
	local args=${*:-${SCALABLE_PLUGIN_ARGS:-}}
	awk -v args="$args" '!done && ($1 == "optional" || $1 == "required") {
		print $1, $2 (args == "" ? "" : " " args); done = 1; next } { print }' \
		"$SNIPPET" >"$SNIPPET.tmp.$$"
	chmod 0644 "$SNIPPET.tmp.$$"
	mv -f "$SNIPPET.tmp.$$" "$SNIPPET"   # a step never reads half a file
	"$CLUSTER" plugstack --include "${SCALABLE_PLUGSTACK_INCLUDE:-$SNIPPET}" >/dev/null
}

# submit SBATCH-ARGS...: sbatch as the test user; prints the job id.
submit() {
	as_user sbatch --parsable --chdir="$SCALABLE_CLUSTER_SCRATCH" \
		--output=/dev/null --error=/dev/null "$@" | cut -d';' -f1
}

# wait_gone JOBID: waits (bounded) until no task of the job is pending or running.
wait_gone() {
	local job=$1 deadline=$((SECONDS + JOB_WAIT_S))
	while (( SECONDS < deadline )); do
		[[ -z $(squeue -h -j "$job" -o %i 2>/dev/null) ]] && return 0
		sleep 1
	done
	echo "job $job still in squeue after ${JOB_WAIT_S}s" >&2
	squeue -j "$job" >&2
	return 1
}

# wait_running JOBID: waits (bounded) until the job runs.
wait_running() {
	local job=$1 deadline=$((SECONDS + JOB_WAIT_S))
	while (( SECONDS < deadline )); do
		[[ $(squeue -h -j "$job" -o %T 2>/dev/null) == RUNNING ]] && return 0
		sleep 1
	done
	return 1
}

# Only accounting records since this test began: job ids can repeat across
# cluster restarts, and sacct -j would return the old job as well.
TEST_SINCE=$(date -d '-5 seconds' +%Y-%m-%dT%H:%M:%S)

# sacct_field JOBID FIELD: the job allocation's field (no steps) once its
# end is in the accounting database (bounded wait: slurmdbd writes
# asynchronously). A state alone is not enough: for a job that ended before
# slurmctld sent its start record, that record already says FAILED (its
# exit code still 0:0, its End Unknown) until the completion record comes.
sacct_field() {
	local job=$1 field=$2 row state end value deadline=$((SECONDS + 60))
	while (( SECONDS < deadline )); do
		row=$(sacct -n -X -P -S "$TEST_SINCE" -j "$job" -o "State,End,$field" 2>/dev/null | tail -1)
		IFS='|' read -r state end value <<<"$row"
		case $state in
		""|PENDING|RUNNING|REQUEUED|COMPLETING|SUSPENDED) sleep 1 ;;
		*) [[ $end == Unknown || -z $end ]] && { sleep 1; continue; }
		   echo "$value"; return 0 ;;
		esac
	done
	echo "unknown (state ${state:-none}, end ${end:-none})"
}

# events DIR [JQ-FILTER]: every event line of the run directory, as JSON, in
# either layout (events/*.jsonl, events/<array job>/<task / 1000>/*.jsonl).
events() {
	find "$1/events" -name '*.jsonl' -type f -exec cat {} + 2>/dev/null | jq -c "${2:-.}"
}

# node_idle: the node is usable (idle or mixed), neither drained nor down.
node_idle() {
	local state deadline=$((SECONDS + 30))
	while (( SECONDS < deadline )); do
		state=$(sinfo -h -N -n "$SCALABLE_CLUSTER_NODE" -o %T | head -1)
		[[ $state == idle ]] && return 0
		sleep 1
	done
	echo "node state: $state" >&2
	return 1
}

# root_owned_files DIR: files under DIR owned by root (prints them).
root_owned_files() {
	find "$1" -mindepth 1 -user root -print 2>/dev/null
}

# in_dir DIR CMD...: runs CMD as the test user in DIR, its runs under DIR/runs.
in_dir() {
	local dir=$1
	shift
	(cd "$dir" && as_user env SCALABLE_RUNS_DIR="$dir/runs" "$@")
}

# the_run DIR: the (only or latest) run directory under DIR/runs.
the_run() {
	ls -d "$1"/runs/run-* | tail -1
}

# wait_for SECONDS CMD...: polls CMD every second, at most SECONDS.
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		(( SECONDS < deadline )) || { echo "gave up after waiting for: $*" >&2; return 1; }
		sleep 1
	done
}

# run_arrays_in_sacct SUFFIX: the array ids Slurm's accounting has for the
# run whose id ends in SUFFIX (its job names end in it).
run_arrays_in_sacct() {
	as_user sacct -X -n -P -S "$TEST_SINCE" -o JobName,JobID \
		| awk -F'|' -v s=".$1" 'substr($1, length($1) - length(s) + 1) == s { split($2, id, "_"); print id[1] }' \
		| sort -nu
}

# no_duplicate_submission RUN: every chunk the journal submitted is one array
# in Slurm's accounting and Slurm has no other array of this run (found by
# the run's job-name suffix), every key answered once.
no_duplicate_submission() {
	local run=$1 suffix journal_jobs slurm_jobs deadline=$((SECONDS + 60))
	suffix=${run##*-}
	journal_jobs=$(jq -r 'select(.record == "submitted") | .job_id' "$run/journal.jsonl" | sort -n)
	# slurmdbd records a job a little after it ends: wait (bounded) until it
	# has all the journal's, then compare
	while slurm_jobs=$(run_arrays_in_sacct "$suffix"); \
		[[ -n $(comm -23 <(sort <<<"$journal_jobs") <(sort <<<"$slurm_jobs")) ]] && (( SECONDS < deadline )); do
		sleep 1
	done
	echo "journal: $(echo $journal_jobs) / sacct: $(echo $slurm_jobs)"
	[ -n "$journal_jobs" ]
	[ "$journal_jobs" = "$slurm_jobs" ]
	[ -z "$(jq -r 'select(.record == "submitted") | .key' "$run/journal.jsonl" | sort | uniq -d)" ]
}
