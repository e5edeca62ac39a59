#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The Parquet writer (orchestrator/lib/parquet) read back by independent
# readers, in TAP: parquet_fixture_writer writes files of every column type
# (nulls in each nullable one, empty and UTF-8 strings, int64 extremes, NaN,
# infinities and -0.0, timestamps before 1970, several row groups, string
# columns with a dictionary and ones that fall back to PLAIN) with zstd and
# uncompressed, one of no rows, one of 40 columns in 34 row groups (the
# footer's long lists) and one of 1,000,000 rows, and what it gave
# the writer; tests/parquet/compare.mjs reads each with hyparquet and checks
# the schema, counts, encodings, statistics and every value against that,
# then again with DuckDB where @duckdb/node-api installed (a skip otherwise).
# Skips whole when node or tests/parquet/node_modules is missing
# (contrib/install-deps runs `npm ci --prefix tests/parquet`).
srcdir=${SCALABLE_TEST_SRCDIR:?set by make check (build-aux/unit-tests.am)}
builddir=${SCALABLE_TEST_BUILDDIR:?set by make check (build-aux/unit-tests.am)}
writer=$builddir/orchestrator/lib/parquet/test/parquet_fixture_writer
harness=$srcdir/tests/parquet
if ! command -v node >/dev/null 2>&1; then
	echo "1..0 # SKIP node is not installed: the independent Parquet reader (hyparquet) runs on it"
	exit 0
fi
if [ ! -d "$harness/node_modules/hyparquet" ]; then
	echo "1..0 # SKIP tests/parquet/node_modules is missing: run npm ci --prefix tests/parquet"
	exit 0
fi
. "$(dirname "$0")/tap_checks.sh"
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
n=0
echo "1..29"

# read_back FILE: hyparquet's verdict, then DuckDB's (exit 77: not installed).
read_back() {
	check "$1: hyparquet reads back what was written" 0 \
		node "$harness/compare.mjs" "$1" "$1.expected.jsonl"
	node "$harness/compare.mjs" --duckdb "$1" "$1.expected.jsonl" >out 2>err
	rc=$?
	n=$((n + 1))
	if [ "$rc" -eq 77 ]; then
		echo "ok $n - $1: DuckDB reads back what was written # SKIP $(cat out)"
	elif [ "$rc" -eq 0 ]; then
		echo "ok $n - $1: DuckDB reads back what was written"
	else
		echo "not ok $n - $1: DuckDB reads back what was written: exit code $rc"
		sed 's/^/# /' out err
	fi
}

for case in types empty wide; do
	for compression in zstd none; do
		file=$case-$compression.parquet
		check "$file: written" 0 "$writer" "$case" "$compression" "$file"
		equals "$file: no $file.tmp left" "$(ls "$file.tmp" 2>/dev/null)" ""
		read_back "$file"
	done
done
check "million-zstd.parquet: 1,000,000 rows written" 0 \
	"$writer" million zstd million-zstd.parquet
read_back million-zstd.parquet

# read.mjs, the harness's reader for people: a schema line, then the rows.
node "$harness/read.mjs" types-zstd.parquet >read.out 2>read.err
equals "read.mjs prints the schema line and every row" "$(wc -l <read.out)" 2004
holds "read.mjs's schema line says the row count" read.out '{"num_rows":"2003","row_groups":5'
