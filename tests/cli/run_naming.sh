#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# One way to name a run, in TAP: every command that takes a run (status,
# diagnose, report, watch, resume, cancel) finds it by its id, a prefix, its
# 8-hex suffix, --run-id, its directory (as a path, or by name from the
# runs directory) and --latest; a run that does not exist is the same
# message and exit code 5 for each; two runs named, or none where one is
# needed, are bad usage (2).
scalable=${SCALABLE_BIN:?set by make check (build-aux/unit-tests.am)}
. "$(dirname "$0")/tap_checks.sh"
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
n=0
export SCALABLE_RUNS_DIR="$work/runs" SCALABLE_SITE_DEFAULTS= SCALABLE_USER_DEFAULTS=
cat >scalable.yaml <<'YAML'
version: 1
project: naming
targets:
  local: {provider: local}
components:
  model: {command: "true"}
scenarios:
  range: {name: i, start: 1, stop: 2, step: 1}
YAML
commands="status diagnose report watch resume cancel"
forms=7
echo "1..$((1 + 6 * forms + 6 * 3 + 3 + 1))"
check "a run to name" 0 "$scalable" run
id=$(ls runs)
suffix=${id##*-}

# The command with what it needs besides the run (report: JSON on stdout).
run_cmd() {
	c=$1
	shift
	case $c in
	report) "$scalable" report --format json -o - "$@" ;;
	*) "$scalable" "$c" "$@" ;;
	esac
}

for c in $commands; do
	check "$c finds the run by its id" 0 run_cmd "$c" "$id"
	check "$c finds the run by a prefix" 0 run_cmd "$c" "${id%-*}"
	check "$c finds the run by its 8-hex suffix" 0 run_cmd "$c" "$suffix"
	check "$c --run-id" 0 run_cmd "$c" --run-id "$suffix"
	check "$c finds the run by its directory" 0 run_cmd "$c" "$work/runs/$id"
	check "$c --latest" 0 run_cmd "$c" --latest
	check "$c finds the run by its directory's name from the runs directory" 0 \
		sh -c 'cd runs && SCALABLE_RUNS_DIR=/nonexistent "$@"' sh "$scalable" "$c" \
		$([ "$c" = report ] && echo --format json -o -) "$id"
done
for c in $commands; do
	check "$c of no such run: exit 5" 5 run_cmd "$c" deadbeef
	cp err "err.$c"
	equals "$c says what every command says when there is no such run" "$(cat "err.$c")" \
		"scalable: no run 'deadbeef' in $work/runs (\`scalable runs\` lists them)"
	check "$c with two runs named: bad usage" 2 run_cmd "$c" --latest "$suffix"
done
for c in watch resume cancel; do
	check "$c without a run: bad usage" 2 "$scalable" "$c"
done
check "status without a run: the latest" 0 "$scalable" status
