#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# scalable diagnose on the command line, in TAP: finding a run (latest, id,
# 8-hex suffix, path, a bare directory name), the report and --json, the
# --ai notice, and the exit codes (2 usage, 3 I/O, 5 no such run).
scalable=${SCALABLE_BIN:?set by make check (build-aux/unit-tests.am)}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap_checks.sh"
. "$here/report_run.sh"
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
n=0
echo "1..22"

# lacks DESCRIPTION FILE TEXT: FILE does not contain TEXT.
lacks() {
	n=$((n + 1))
	if grep -qF -- "$3" "$2"; then
		echo "not ok $n - $1: '$3' in $2"
	else
		echo "ok $n - $1"
	fi
}

export SCALABLE_RUNS_DIR="$work/runs"
fixture_run diagnose-small "$work/runs"
run=runs/$id

check "diagnose --help" 0 "$scalable" diagnose --help
holds "--help names --run-id" out "--run-id RUN"
check "the latest run by default" 0 "$scalable" diagnose
holds "the report counts failures and categories" out "⚠ 3 failures detected across 2 categories:"
holds "the report numbers its findings" out "1. [critical] OOM — 2 occurrences"
holds "the OOM pattern" out "Pattern: OOM: scenario <N> exceeded memory limit"
holds "the OOM size: 256M + 25%, rounded up, is 512M" out "increase model memory to 512M"
lacks "no colours when stdout is no terminal" out "$(printf '\033')"
check "--latest" 0 "$scalable" diagnose --latest
check "--run-id by the 8-hex suffix" 0 "$scalable" diagnose --run-id "${id##*-}"
check "a run directory by path" 0 "$scalable" diagnose "$run"
check "a run directory by its bare name" 0 sh -c "cd runs && '$scalable' diagnose $id"
check "--json" 0 "$scalable" diagnose --json --run-id "$id"
holds "--json has the findings" out '"suggested_memory": "512M"'
check "--ai shows the heuristic report" 0 "$scalable" diagnose --ai
holds "--ai says why there is no AI analysis" err "no AI analysis: no endpoint"
check "an unknown run" 5 "$scalable" diagnose --run-id deadbeef
check "a directory that is no run" 5 "$scalable" diagnose "$work/runs"
check "a run and --latest" 2 "$scalable" diagnose --latest "$run"
check "a bad option" 2 "$scalable" diagnose --frobnicate
mv "$run/failures.jsonl" failures.keep && mkdir "$run/failures.jsonl"
check "an unreadable failures.jsonl is an I/O error" 3 "$scalable" diagnose "$run"
rmdir "$run/failures.jsonl" && mv failures.keep "$run/failures.jsonl"
SCALABLE_RUNS_DIR="$work/none" check "no runs at all" 5 "$scalable" diagnose
exit 0
