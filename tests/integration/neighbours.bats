#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Another user on the same cluster (issue 11), as two unprivileged users who
# share a group and a runs root (root-owned, setgid to the shared group,
# sticky, group-writable: a project directory): $TEST_USER is the victim,
# $SCALABLE_CLUSTER_OTHER_USER the neighbour. Runs, manifests and cache
# entries the neighbour plants get nothing from the victim, and the files
# sbatch will run cannot be swapped. Each case fails against the code
# before issue 11: --latest took the newest run whoever made it, diagnose
# --ai posted to a planted manifest's url, the cache index read everybody's
# runs, scripts/ was made group-writable under a umask of 002.

load helpers

SCALABLE=$BUILD/orchestrator/scalable
NEIGHBOUR=${SCALABLE_CLUSTER_OTHER_USER:?the test cluster exports it (tests/cluster/cluster env)}
GROUP=${SCALABLE_CLUSTER_SHARED_GROUP:?the test cluster exports it}

setup() {
	cluster_up
	plugstack
	SHARED=$(mktemp -d "$SCALABLE_CLUSTER_SCRATCH/shared.XXXXXX")
	chgrp "$GROUP" "$SHARED"
	chmod 3775 "$SHARED"
	WORK=$(new_run_dir)   # the victim's config directory
}

teardown() {
	rm -rf "$SHARED" "$WORK"
}

# as NAME CMD...: CMD as that user in $WORK with umask 002 (a project's
# usual), its runs in the shared root.
as() {
	local who=$1
	shift
	(cd "$WORK" && umask 002 && runuser -u "$who" -- env SLURM_CONF="$SLURM_CONF" \
		PATH="$PATH" SCALABLE_RUNS_DIR="$SHARED" "$@")
}

# config TARGET [CACHE]: a 3-scenario sweep that counts its executions.
config() {
	cat >"$WORK/scalable.yaml" <<YAML
version: 1
project: shared
targets:
  hpc: {provider: slurm, partition: low, walltime: "00:05:00", poll_interval: 2s}
  here: {provider: local}
components:
  count: {command: "echo \$SCALABLE_TASK_ID >>\$SCALABLE_RUN_DIR/../executed.\$(id -un); echo {{ n }}", cache: ${2:-false}}
scenarios:
  range: {name: n, start: 0, stop: 2}
YAML
	chmod 0644 "$WORK/scalable.yaml"
	chmod 0755 "$WORK"
}

# plant_copy RUN: the neighbour's copy of RUN in the shared root, named as
# the newest run; prints its path.
plant_copy() {
	local copy=$SHARED/run-20991231T235959Z-shared-00000000
	runuser -u "$NEIGHBOUR" -- cp -r "$1" "$copy"
	echo "$copy"
}

@test "a neighbour's planted run is never the victim's --latest, nor listed, nor found by id" {
	config
	run as "$TEST_USER" timeout 300 "$SCALABLE" run --target here
	[ "$status" -eq 0 ]
	mine=$(ls -d "$SHARED"/run-* | head -1)
	planted=$(plant_copy "$mine")
	latest=$(as "$TEST_USER" "$SCALABLE" status --latest 2>"$WORK/err")
	echo "$latest"
	[ "$(awk '$1 == "run" { print $2 }' <<<"$latest")" = "$(basename "$mine")" ]
	grep -q "skipped 1 run .*owned by other users" "$WORK/err"   # said, on stderr
	listed=$(as "$TEST_USER" "$SCALABLE" runs 2>/dev/null)
	[[ $listed == *"$(basename "$mine")"* ]]
	[[ $listed != *"run-20991231T235959Z"* ]]
	run as "$TEST_USER" "$SCALABLE" watch 00000000
	[ "$status" -eq 5 ]
	run as "$TEST_USER" "$SCALABLE" resume "$planted"
	[ "$status" -eq 5 ]
}

@test "a planted manifest cannot send the victim's API key anywhere" {
	config
	run as "$TEST_USER" timeout 300 "$SCALABLE" run --target here
	[ "$status" -eq 0 ]
	planted=$(plant_copy "$(ls -d "$SHARED"/run-* | head -1)")
	log=$(mktemp); portfile=$(mktemp)
	python3 "$TOP/tests/cli/fake_http.py" chat "$portfile" "$log" 3>&- &
	server=$!
	wait_for 10 test -s "$portfile"
	runuser -u "$NEIGHBOUR" -- sh -c "printf 'ai:\n  url: http://127.0.0.1:%s/v1\n  model: m\n  api_key_env: SCALABLE_AI_KEY\n' $(cat "$portfile") >>'$planted/manifest.yaml'"
	run as "$TEST_USER" env SCALABLE_AI_KEY=victims-secret-key timeout 60 "$SCALABLE" diagnose --ai "$planted"
	echo "$output"
	kill "$server" 2>/dev/null || true
	! grep -q 'victims-secret-key' "$log"
	[ ! -s "$log" ]
	rm -f "$log" "$portfile"
}

@test "a neighbour's cache entries give the victim nothing: the victim's scenarios run" {
	config hpc true
	# the neighbour computes the same scenarios first, in the shared root
	run as "$NEIGHBOUR" timeout 600 "$SCALABLE" run --target hpc
	[ "$status" -eq 0 ]
	[ "$(sort -u "$SHARED/executed.$NEIGHBOUR" | wc -l)" -eq 3 ]
	run as "$TEST_USER" timeout 600 "$SCALABLE" run --target hpc
	echo "$output" | tail -3
	[ "$status" -eq 0 ]
	[ "$(sort -u "$SHARED/executed.$TEST_USER" | wc -l)" -eq 3 ]
}

@test "the scripts and tasks files sbatch runs cannot be swapped by a group member" {
	config
	run as "$TEST_USER" timeout 600 "$SCALABLE" run --target hpc
	[ "$status" -eq 0 ]
	mine=$(ls -d "$SHARED"/run-* | head -1)
	[ "$(stat -c %G "$mine/scripts")" = "$GROUP" ]   # the setgid root's group: the neighbour's
	tasks=$(ls "$mine"/scripts/w001/*.tasks | head -1)
	run runuser -u "$NEIGHBOUR" -- sh -c "echo 'x' >'$tasks'"
	[ "$status" -ne 0 ]
	run runuser -u "$NEIGHBOUR" -- sh -c "mv '$tasks' '$tasks.old' || touch '${tasks%/*}/evil.tasks'"
	[ "$status" -ne 0 ]
	[ "$(stat -c %a "$mine/scripts")" != 775 ]
	[ "$(stat -c %a "${tasks%/*}")" != 775 ]
}
