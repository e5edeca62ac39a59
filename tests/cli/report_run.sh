# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the shell tests of diagnose and report: fixture_run NAME DIR
# copies the run directory recorded from a real run on the private cluster
# (tests/fixtures/runs/NAME/run/<run id>/, made by tests/fixtures/runs/record,
# which says how to record it again) into DIR, and sets id to its run id and
# run to its path.
fixture_run() {
	local src
	src=$(ls -d "${SCALABLE_TEST_SRCDIR:?set by make check}/tests/fixtures/runs/$1/run"/run-* | tail -n 1)
	[ -d "$src" ] || { echo "Bail out! no recorded run for fixture $1"; exit 1; }
	id=$(basename "$src")
	run=$2/$id
	mkdir -p "$2"
	cp -r "$src" "$run"
	chmod -R u+w "$run"
}
