#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# export_bench.sh [ATTEMPTS] [ROUNDS]: `scalable export` of a run of ATTEMPTS
# attempts (default 1,000,000; export_gen writes it: 3 tasks.jsonl rows per
# attempt, a failure in about 1 of 9 tasks, 4 scenario parameters), in each
# format: wall time and peak RSS (best of ROUNDS, default 1, files in the
# page cache), and the size of the tables against the JSONL files. Then the
# time to LOAD the data, side by side, with the readers this machine has:
# node (hyparquet on attempts.parquet vs JSON.parse per line of
# tasks.jsonl), python3 (csv.DictReader on attempts.csv vs json.loads per
# line of tasks.jsonl), pandas when installed (read_parquet, read_csv,
# read_json(lines=True)). A reader that is missing is named and skipped.
# With hyparquet it also checks that every Parquet table reads back with the
# CSV's values, cell by cell (tests/cli/export_compare.mjs).
#
#   bench/export_bench.sh                # from the source tree, build in _build
#   BUILD=_b8 bench/export_bench.sh 200000 3
#   PARQUET_MODULES=DIR: hyparquet's node_modules (default tests/parquet/node_modules,
#   made by npm ci --prefix tests/parquet)
set -euo pipefail
attempts=${1:-1000000}
rounds=${2:-1}
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${BUILD:-$here/_build}" && pwd)
scalable=$build/orchestrator/scalable
gen=$build/bench/export_gen
modules=${PARQUET_MODULES:-$here/tests/parquet/node_modules}
for bin in "$scalable" "$gen"; do
	[ -x "$bin" ] || { echo "export_bench: no $bin (build first; BUILD=dir)" >&2; exit 2; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/export-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
run=$work/run-20260101T000000Z-energy-0badcafe

# measure COMMAND...: "SECONDS MIB" of COMMAND (wall time, peak RSS), by
# /usr/bin/time where it exists, else wall time only.
measure() {
	local out=$work/measure start end
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%e %M' -o "$out" "$@" >"$work/stdout"
		awk '{ printf "%.2f %.0f\n", $1, $2 / 1024 }' "$out"
		return
	fi
	start=$(date +%s.%N)
	"$@" >"$work/stdout"
	end=$(date +%s.%N)
	awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f -\n", e - s }'
}

# best COMMAND...: the fastest of ROUNDS runs.
best() {
	local r
	for ((r = 0; r < rounds; r++)); do measure "$@"; done | sort -n | head -n 1
}

mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
size_of() { cat "$@" | wc -c; }

echo "export_bench: $attempts attempts, best of $rounds; $(nproc) CPUs; $(uname -sr)"
"$gen" "$run" "$attempts" | sed 's/^/generated: /'
cat "$run"/*.jsonl >/dev/null  # into the page cache
jsonl=$(size_of "$run/tasks.jsonl" "$run/failures.jsonl" "$run/scenarios.jsonl")
printf '\n%-8s %9s %8s %12s %s\n' format seconds "RSS MiB" "size MiB" "(of the JSONL files)"
printf '%-8s %9s %8s %12s %s\n' jsonl - - "$(mib "$jsonl")" \
	"tasks.jsonl $(wc -l < "$run/tasks.jsonl") lines, failures.jsonl $(wc -l < "$run/failures.jsonl"), scenarios.jsonl $(wc -l < "$run/scenarios.jsonl")"
for format in parquet csv tsv; do
	read -r secs rss < <(best "$scalable" export "$run" --format "$format" -o "$work/$format")
	size=$(size_of "$work/$format"/*."$format")
	printf '%-8s %9s %8s %12s %s\n' "$format" "$secs" "$rss" "$(mib "$size")" \
		"$(awk -v s="$size" -v j="$jsonl" 'BEGIN { printf "%.1f%%", 100 * s / j }'), tasks $(mib "$(size_of "$work/$format/tasks.$format")"), attempts $(mib "$(size_of "$work/$format/attempts.$format")"), failures $(mib "$(size_of "$work/$format/failures.$format")")"
done

printf '\nloading (wall seconds, peak RSS MiB; rows read):\n'
# load LABEL COMMAND...: one line of the load table.
load() {
	local label=$1 secs rss
	shift
	read -r secs rss < <(best "$@")
	printf '  %-46s %7s s %7s MiB  %s\n' "$label" "$secs" "$rss" "$(tail -n 1 "$work/stdout")"
}
cat >"$work/jsonl.mjs" <<'JS'
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
const rows = []
for await (const line of createInterface({ input: createReadStream(process.argv[2]) }))
  if (line) rows.push(JSON.parse(line))
console.log(`${rows.length} records`)
JS
cat >"$work/parquet.mjs" <<'JS'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
const [modules, path] = process.argv.slice(2)
const load = p => import(pathToFileURL(join(modules, p)).href)
const { parquetReadObjects } = await load('hyparquet/src/index.js')
const { compressors } = await load('hyparquet-compressors/src/index.js')
const bytes = readFileSync(path)
const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
const rows = await parquetReadObjects({ file, compressors })
console.log(`${rows.length} rows`)
JS
if command -v node >/dev/null; then
	load "node: JSON.parse per line of tasks.jsonl" node "$work/jsonl.mjs" "$run/tasks.jsonl"
	if [ -d "$modules/hyparquet" ] && [ -d "$modules/hyparquet-compressors" ]; then
		load "node: hyparquet, attempts.parquet" node "$work/parquet.mjs" "$modules" \
			"$work/parquet/attempts.parquet"
		load "node: hyparquet, tasks.parquet" node "$work/parquet.mjs" "$modules" \
			"$work/parquet/tasks.parquet"
	else
		echo "  node: hyparquet skipped: no $modules/hyparquet (npm ci --prefix tests/parquet)"
	fi
else
	echo "  node skipped: not installed"
fi
if command -v node >/dev/null && [ -d "$modules/hyparquet" ]; then
	mkdir "$work/both"
	ln -s "$work"/parquet/*.parquet "$work"/csv/*.csv "$work/both/"
	if node --max-old-space-size=8192 "$here/tests/cli/export_compare.mjs" "$modules" "$work/both" >"$work/compare" 2>&1; then
		echo "  check: hyparquet reads every Parquet table with the CSV's values:" \
			"$(tr '\n' ' ' <"$work/compare")(table rows columns)"
	else
		echo "  check FAILED: the Parquet tables differ from the CSV:"
		sed 's/^/    /' "$work/compare"
	fi
fi
if command -v python3 >/dev/null; then
	load "python3: json.loads per line of tasks.jsonl" python3 -c 'import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
print(len(rows), "records")' "$run/tasks.jsonl"
	load "python3: csv.DictReader, attempts.csv" python3 -c 'import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
print(len(rows), "rows")' "$work/csv/attempts.csv"
	load "python3: csv.DictReader, tasks.csv" python3 -c 'import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
print(len(rows), "rows")' "$work/csv/tasks.csv"
	if python3 -c 'import pandas' 2>/dev/null; then
		load "pandas: read_json(lines=True), tasks.jsonl" python3 -c 'import pandas, sys
print(len(pandas.read_json(sys.argv[1], lines=True)), "rows")' "$run/tasks.jsonl"
		load "pandas: read_csv, attempts.csv" python3 -c 'import pandas, sys
print(len(pandas.read_csv(sys.argv[1])), "rows")' "$work/csv/attempts.csv"
		if python3 -c 'import pyarrow' 2>/dev/null || python3 -c 'import fastparquet' 2>/dev/null; then
			load "pandas: read_parquet, attempts.parquet" python3 -c 'import pandas, sys
print(len(pandas.read_parquet(sys.argv[1])), "rows")' "$work/parquet/attempts.parquet"
		else
			echo "  pandas: read_parquet skipped: neither pyarrow nor fastparquet installed"
		fi
	else
		echo "  pandas skipped: not installed"
	fi
else
	echo "  python3 skipped: not installed"
fi
