# SPDX-License-Identifier: GPL-2.0-or-later
# Assertions the bats files share, each able to fail on its own (no `a && b`
# lists, whose members errexit ignores but for the last; no `! cmd` inside a
# loop, which errexit ignores). tests/cli/assertions.bats proves that each
# one fails when what it checks is broken.

# none_exists PATH...: fails naming the first path that exists.
none_exists() {
	local path
	for path in "$@"; do
		if [[ -e $path || -L $path ]]; then
			echo "exists, and should not: $path" >&2
			return 1
		fi
	done
}

# no_step_events_of JOB RUN_DIR: fails when any events file of the job is
# under RUN_DIR/events (in any subdirectory of the layout).
no_step_events_of() {
	local found
	found=$(find "$2/events" -name "$1.*" -print 2>/dev/null | head -n 3)
	[[ -z $found ]] && return 0
	echo "step events of job $1, which should have none: $found" >&2
	return 1
}

# filesystem_full DIR: fails unless the filesystem holding DIR has no byte left.
filesystem_full() {
	local avail
	avail=$(df --output=avail -B1 "$1" | tail -n 1 | tr -d ' ')
	[[ $avail == 0 ]] && return 0
	echo "the filesystem of $1 is not full: $avail bytes left" >&2
	return 1
}

# runs_row_is RUN_OUTPUT STATUS TASKS SUCCEEDED FAILED: `scalable runs`
# printed exactly one run, with these columns.
runs_row_is() {
	local rows row
	rows=$(tail -n +2 <<<"$1" | grep -c .)
	row=$(awk 'NR == 2 { print $2, $3, $4, $5 }' <<<"$1")
	[[ $rows == 1 && $row == "$2 $3 $4 $5" ]] && return 0
	echo "runs: expected one row '$2 $3 $4 $5', got $rows: '$row'" >&2
	return 1
}

# failures_row_is STATUS_OUTPUT CLASS COUNT PREFIX: `scalable status` has a
# failures row of exactly this class, count and message prefix.
failures_row_is() {
	grep -qE "^  $2 +$3  $4 +e\.g\. " <<<"$1" && return 0
	echo "status: no failures row '$2 $3 $4' in:" >&2
	grep -A5 '^failures' <<<"$1" >&2
	return 1
}
