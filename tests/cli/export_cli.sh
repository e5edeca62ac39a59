#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# scalable export on a run of the local target, in TAP: the three tables in
# each format (CSV read back by python3's csv module, TSV's fields counted,
# Parquet's magic), --json, -o, the parameter columns and a hostile message;
# snapshots: [parquet, csv] leaving its files in the run directory, and a
# snapshot that cannot be written being a warning only; the exit
# codes (2 usage, 3 I/O, 5 no such run); and, when tests/parquet/node_modules
# holds hyparquet (npm ci --prefix tests/parquet), every Parquet table read
# back by that independent reader with the CSV's values.
scalable=${SCALABLE_BIN:?set by make check (build-aux/unit-tests.am)}
srcdir=${SCALABLE_TEST_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap_checks.sh"
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
n=0
export SCALABLE_RUNS_DIR="$work/runs" SCALABLE_SITE_DEFAULTS= SCALABLE_USER_DEFAULTS=
echo "1..42"

# ok_if DESCRIPTION COMMAND...: a check that COMMAND succeeds.
ok_if() {
	description=$1
	shift
	n=$((n + 1))
	if "$@" >check.out 2>&1; then
		echo "ok $n - $description"
	else
		echo "not ok $n - $description"
		sed 's/^/# /' check.out
	fi
}
skip() {
	n=$((n + 1))
	echo "ok $n # SKIP $1"
}

# Scenario (region eu, year 2040) fails with a message holding a comma,
# quotes and a tab; the others succeed. rate is a double, year an int.
cat >sweep.yaml <<'YAML'
version: 1
project: export
targets:
  local: {provider: local}
components:
  model:
    command: >-
      if [ "$SCALABLE_PARAM_REGION" = eu ] && [ "$SCALABLE_PARAM_YEAR" = 2040 ];
      then printf 'bad, "quoted"\tinput\n' >&2; exit 65; fi; echo ok
  post:
    command: "true"
scenarios:
  matrix: {region: [eu, us], year: [2030, 2040], rate: [0.5, 1]}
snapshots: [parquet, csv]
YAML
check "a run with a failing scenario" 1 "$scalable" run sweep.yaml
run=$(ls -d "$work"/runs/run-*)
snap=$run/snapshots
ok_if "snapshots: tasks.parquet" test -s "$snap/tasks.parquet"
ok_if "snapshots: attempts.parquet and failures.parquet" test -s "$snap/attempts.parquet" -a -s "$snap/failures.parquet"
ok_if "snapshots: the CSV tables" test -s "$snap/tasks.csv" -a -s "$snap/attempts.csv" -a -s "$snap/failures.csv"
ok_if "snapshots: no TSV (not asked for), no temporary file" \
	sh -c "! ls '$snap' | grep -E 'tsv|tmp'"

check "export --help" 0 "$scalable" export --help
holds "--help names the formats" out "--format parquet|csv|tsv"
check "export --format csv (the latest run)" 0 "$scalable" export --format csv
holds "it prints the tasks file" out "$run/export/tasks.csv"
holds "it prints the rows" out "16 rows"

# csv_rows FILE: the records python3's csv module reads, after the header,
# or "ragged" when a record's field count differs from the header's.
csv_rows() {
	python3 -c 'import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
print("ragged" if any(len(r) != len(rows[0]) for r in rows) else len(rows) - 1)' "$1"
}
if command -v python3 >/dev/null; then
	equals "tasks.csv: 16 rows (2 components x 8 scenarios)" "$(csv_rows "$run/export/tasks.csv")" 16
	equals "attempts.csv: 16 rows" "$(csv_rows "$run/export/attempts.csv")" 16
	equals "failures.csv: 2 rows" "$(csv_rows "$run/export/failures.csv")" 2
	equals "the hostile message read back whole" "$(python3 -c 'import csv, sys
for r in csv.DictReader(open(sys.argv[1], newline="")):
    if r["failure_class"]: print(repr(r["failure_message"])); break' "$run/export/tasks.csv")" \
		"'bad, \"quoted\"\\tinput'"
	equals "parameter columns" "$(python3 -c 'import csv, sys
print(",".join(h for h in next(csv.reader(open(sys.argv[1]))) if h.startswith("param_")))' \
		"$run/export/tasks.csv")" "param_region,param_year,param_rate"
	equals "a null is an empty field" "$(python3 -c 'import csv, sys
r = next(csv.DictReader(open(sys.argv[1], newline="")))
print(repr(r["failure_class"]), repr(r["error_type"]))' "$run/export/attempts.csv")" "'' ''"
else
	for i in 1 2 3 4 5 6; do skip "python3 is not installed"; done
fi
holds "CSV lines end in CRLF" "$run/export/tasks.csv" "$(printf 'param_rate\r')"
holds "CSV quotes the hostile message" "$run/export/tasks.csv" '"bad, ""quoted""	input"'

check "export --format tsv -o DIR" 0 "$scalable" export "$run" --format tsv -o "$work/tsv"
ok_if "the three TSV files" test -s tsv/tasks.tsv -a -s tsv/attempts.tsv -a -s tsv/failures.tsv
equals "TSV: every line has as many fields as the header" \
	"$(awk -F'\t' 'NR == 1 { n = NF } NF != n { bad++ } END { print bad + 0, NR }' tsv/tasks.tsv)" "0 17"
holds "TSV: - for null" tsv/attempts.tsv "$(printf '\t-\t')"
holds "TSV: a tab in text becomes a space" tsv/tasks.tsv 'bad, "quoted" input'
ok_if "TSV: no CR" sh -c "! grep -q \"\$(printf '\r')\" tsv/tasks.tsv"

check "export --format parquet --json" 0 "$scalable" export --run-id "${run##*/}" --format parquet --json
if command -v jq >/dev/null; then
	equals "--json: the files and rows" \
		"$(jq -r '[.format, (.files | map(.table + "=" + (.rows | tostring)) | join(" "))] | join(" ")' out)" \
		"parquet tasks=16 attempts=16 failures=2"
	equals "--json: the paths and sizes" \
		"$(jq -r '.files | map(.path | endswith(".parquet")) | all' out) $(jq '.files[0].bytes > 0' out)" "true true"
else
	skip "jq is not installed"
	skip "jq is not installed"
fi
for t in tasks attempts failures; do
	equals "$t.parquet begins and ends with PAR1" \
		"$(head -c 4 "$run/export/$t.parquet")$(tail -c 4 "$run/export/$t.parquet")" "PAR1PAR1"
done

check "an unknown format" 2 "$scalable" export --format xlsx
holds "it names the formats" err "parquet, csv or tsv"
check "no format" 2 "$scalable" export "$run"
check "an unknown run" 5 "$scalable" export --run-id deadbeef --format csv
check "a directory that is no run" 5 "$scalable" export "$work/runs" --format csv
: >afile
check "-o a file: nothing can be written" 3 "$scalable" export "$run" --format csv -o "$work/afile/x"

modules=$srcdir/tests/parquet/node_modules
if command -v node >/dev/null && [ -d "$modules/hyparquet" ] && [ -d "$modules/hyparquet-compressors" ]; then
	check "hyparquet reads the snapshots as the CSV says" 0 node "$here/export_compare.mjs" "$modules" "$snap"
	holds "it read the tasks" out "tasks 16 18"
	check "and the exports" 0 node "$here/export_compare.mjs" "$modules" "$run/export"
else
	skip "no independent Parquet reader: npm ci --prefix tests/parquet (hyparquet) and node"
	skip "no independent Parquet reader"
	skip "no independent Parquet reader"
fi

# The tutorial's Parquet step on the snapshot: pandas where it can read
# Parquet (pyarrow or fastparquet), else the same questions through DuckDB.
tutorial="failed=2 succeeded=14 | input_error=2 | model:eu-2040 model:eu-2040"
python3 "$here/tutorial_step.py" "$snap" >step.py.out 2>&1
pandas_status=$?
if [ "$pandas_status" -ne 77 ]; then
	equals "the tutorial's Parquet step with pandas on the snapshot" "$(cat step.py.out)" "$tutorial"
elif command -v node >/dev/null && node "$here/tutorial_step.mjs" "$modules" "$snap" >step.out 2>&1; then
	echo "# $(head -1 step.py.out); the same step through DuckDB"
	equals "the tutorial's Parquet step with DuckDB on the snapshot" "$(cat step.out)" "$tutorial"
else
	skip "neither pandas with a Parquet engine ($(head -1 step.py.out)) nor DuckDB (npm ci --prefix tests/parquet)"
fi

# A task makes <run>/snapshots a file: the snapshot cannot be written, and
# the run still succeeds, with a warning.
cat >blocked.yaml <<'YAML'
version: 1
project: blocked
targets:
  local: {provider: local}
components:
  model: {command: "touch {{ run_dir }}/snapshots"}
snapshots: [csv]
YAML
check "a run whose snapshots cannot be written still succeeds" 0 "$scalable" run blocked.yaml
holds "it says so on stderr" err "warning: the run is closed, but its snapshots were not written"
exit 0
