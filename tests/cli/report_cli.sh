#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# scalable report on the command line, in TAP: the default page in the run
# directory (its path printed), Markdown and JSON on stdout, -o FILE and
# -o -, the run left as it was, and the exit codes (2 usage, 3 I/O, 5 no
# such run).
scalable=${SCALABLE_BIN:?set by make check (build-aux/unit-tests.am)}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap_checks.sh"
. "$here/report_run.sh"
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
n=0
echo "1..24"

# same DESCRIPTION A B: the files A and B are the same.
same() {
	n=$((n + 1))
	if cmp -s "$2" "$3"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		diff "$2" "$3" | sed 's/^/# /'
	fi
}

export SCALABLE_RUNS_DIR="$work/runs"
fixture_run report-300 "$work/runs"
ls -A "runs/$id" >before

check "report --help" 0 "$scalable" report --help
holds "--help names --format" out "--format html|md|json"
check "the latest run, as HTML by default" 0 "$scalable" report
holds "it prints where the page is" out "$work/runs/$id/report.html"
holds "the page is HTML" "runs/$id/report.html" "<!DOCTYPE html>"
holds "the page has the task count" "runs/$id/report.html" 'id="n-tasks">300<'
rm "runs/$id/report.html"
check "--format md prints Markdown" 0 "$scalable" report --format md --run-id "${id##*-}"
holds "Markdown has the numbers" out "**300 tasks**, 301 attempts, 32 failed attempts"
holds "Markdown has the classes" out "| oom | 30 |"
holds "Markdown escapes the hostile message" out '\<script\>document.title=2\</script\>'
check "--format json on a run by path" 0 "$scalable" report --format json "runs/$id"
holds "JSON has the version" out '"report_version": 1'
holds "JSON has the components" out '"name": "model"'
check "-o FILE" 0 "$scalable" report --format md -o "$work/r.md" "runs/$id"
holds "-o FILE prints the file" out "$work/r.md"
holds "-o FILE holds the report" "$work/r.md" "# Run $id"
check "-o - prints the page" 0 "$scalable" report -o - "runs/$id"
holds "-o - the page on stdout" out "</html>"
ls -A "runs/$id" >after
same "the run directory is left as it was" before after
check "an unknown format" 2 "$scalable" report --format pdf
check "a run and --latest" 2 "$scalable" report --latest "runs/$id"
check "an unknown run" 5 "$scalable" report --run-id deadbeef
check "a directory that is no run" 5 "$scalable" report "$work/runs"
check "a file that cannot be written" 3 "$scalable" report -o "$work/no/such/dir/r.html"
exit 0
