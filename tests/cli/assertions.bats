#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Proofs that the integration tests' shared assertions (tests/integration/
# assertions.bash) fail when what they check is broken, beside the shapes
# they replaced, which passed all the same. No cluster needed.

setup() {
	. "$BATS_TEST_DIRNAME/../integration/assertions.bash"
	scratch=$(mktemp -d)
}

teardown() {
	[[ -n ${MOUNTED:-} ]] && umount "$MOUNTED"
	rm -rf "$scratch"
}

@test "none_exists fails when the second of three exists (the && list it replaced did not)" {
	touch "$scratch/pwned2"
	run none_exists "$scratch/pwned" "$scratch/pwned2" "$scratch/pwned3"
	[ "$status" -ne 0 ]
	[[ $output == *"pwned2"* ]]
	# the replaced shape: errexit looks only at the last member, so it went on
	run bash -ec '[ ! -e "$1/pwned" ] && [ ! -e "$1/pwned2" ] && [ ! -e "$1/pwned3" ]; echo went on' _ "$scratch"
	[ "$output" = "went on" ]
	rm "$scratch/pwned2"
	none_exists "$scratch/pwned" "$scratch/pwned2" "$scratch/pwned3"
}

@test "no_step_events_of fails when the job left an events file (the ! ls | grep in a loop did not)" {
	mkdir -p "$scratch/events/1234"
	touch "$scratch/events/1234/77.batch.0.vm.jsonl" "$scratch/events/78.batch.0.jsonl"
	run no_step_events_of 77 "$scratch"
	[ "$status" -ne 0 ]
	run no_step_events_of 78 "$scratch"
	[ "$status" -ne 0 ]
	no_step_events_of 79 "$scratch"
	run bash -ec 'for job in 78; do ! ls "$1/events/" | grep -q "^$job\."; done; echo went on' _ "$scratch"
	[ "$output" = "went on" ]
}

@test "filesystem_full fails on a filesystem with room left, passes once it is filled" {
	[[ $EUID == 0 ]] || skip "mounting a tmpfs needs root"
	mkdir "$scratch/fs"
	mount -t tmpfs -o size=64k tmpfs "$scratch/fs"
	MOUNTED=$scratch/fs
	run filesystem_full "$scratch/fs"
	[ "$status" -ne 0 ]
	cat /dev/zero >"$scratch/fs/filler" 2>/dev/null || true
	filesystem_full "$scratch/fs"
}

@test "runs_row_is fails on numbers that only contain the expected ones (the glob did not)" {
	header="RUN STATUS TASKS SUCCEEDED FAILED TARGET STARTED"
	good="$header"$'\n'"run-1-x-1 failed 200 196 4 hpc 2026-12-01"
	runs_row_is "$good" failed 200 196 4
	for bad in "run-1-x-1 failed 2000 196 4 hpc" "run-1-x-1 failed 200 1964 0 hpc" "run-1-x-1 completed 200 196 4 hpc failed"; do
		run runs_row_is "$header"$'\n'"$bad" failed 200 196 4
		[ "$status" -ne 0 ]
	done
	[[ "$header"$'\n'"run-1-x-1 failed 2000 1964 40 hpc" == *failed*200*196*4* ]]
	run runs_row_is "$good"$'\n'"run-2-x-2 failed 200 196 4 hpc" failed 200 196 4
	[ "$status" -ne 0 ]
}

@test "failures_row_is fails on another count or prefix (the glob did not)" {
	status_text=$'failures      (failed attempts by class and message prefix)\n  oom                  12  OOM                      e.g. OOM: scenario 7'
	failures_row_is "$status_text" oom 12 OOM
	run failures_row_is "${status_text/12/120}" oom 12 OOM
	[ "$status" -ne 0 ]
	run failures_row_is "${status_text/  OOM /  OOMX}" oom 12 OOM
	[ "$status" -ne 0 ]
	[[ ${status_text/12/120} == *"oom"*"12"*"OOM"* ]]
}
