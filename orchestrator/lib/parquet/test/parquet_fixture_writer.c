/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test support, not a test: writes a Parquet file of a named case with the
 * writer and, beside it, what it holds (CASE.expected.jsonl) for
 * tests/parquet/compare.mjs to check an independent reader against.
 *   parquet_fixture_writer types|empty|million|wide zstd|none OUT.parquet [--no-expected]
 * The expected file: a header line (columns, rows, which chunks of which
 * string columns must be dictionary-encoded), then one JSON array per row:
 * null, int64 and timestamps as decimal strings, doubles as their IEEE bits
 * in hex (NaN, infinities and -0.0 exactly), booleans, strings.
 * --no-expected writes the Parquet file alone (to time the writer). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/parquet/parquet_writer.h"

#define TYPES_ROWS 2003
#define TYPES_GROUP_ROWS 500

static const struct parquet_column_spec types_columns[] = {
	{ "i64_req", PARQUET_COLUMN_INT64, false },
	{ "i64_opt", PARQUET_COLUMN_INT64, true },
	{ "f64_req", PARQUET_COLUMN_DOUBLE, false },
	{ "f64_opt", PARQUET_COLUMN_DOUBLE, true },
	{ "bool_req", PARQUET_COLUMN_BOOLEAN, false },
	{ "bool_opt", PARQUET_COLUMN_BOOLEAN, true },
	{ "str_dict", PARQUET_COLUMN_STRING, false },
	{ "str_opt", PARQUET_COLUMN_STRING, true },
	{ "str_plain", PARQUET_COLUMN_STRING, false },
	{ "ts_req", PARQUET_COLUMN_TIMESTAMP, false },
	{ "ts_opt", PARQUET_COLUMN_TIMESTAMP, true },
};

static const struct parquet_column_spec million_columns[] = {
	{ "id", PARQUET_COLUMN_INT64, false },
	{ "component", PARQUET_COLUMN_STRING, false },
	{ "scenario", PARQUET_COLUMN_STRING, false },
	{ "peak_mb", PARQUET_COLUMN_DOUBLE, true },
	{ "succeeded", PARQUET_COLUMN_BOOLEAN, false },
	{ "started", PARQUET_COLUMN_TIMESTAMP, false },
	{ "node", PARQUET_COLUMN_STRING, true },
};

static const char *const words[] = {
	"", "ok", "été", "日本語のテキスト", "emoji 🙂", "quote \" and \\ backslash",
	"tab\tnew\nline", "\x01 control", "oom",
};
#define WORD_COUNT (sizeof words / sizeof words[0])

static FILE *expected;
static struct parquet_writer *writer;
static struct error err;
static const char *sep;

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

/* Starts a cell of the expected row; false when none is written. */
static bool cell_start(void)
{
	if (!expected)
		return false;
	fputs(sep, expected);
	sep = ",";
	return true;
}

static void put_null(size_t col)
{
	parquet_set_null(writer, col);
	if (cell_start())
		fputs("null", expected);
}

static void put_int64(size_t col, int64_t v, bool timestamp)
{
	if (timestamp)
		parquet_set_timestamp_ms(writer, col, v);
	else
		parquet_set_int64(writer, col, v);
	if (cell_start())
		fprintf(expected, "\"%" PRId64 "\"", v);
}

static void put_double(size_t col, double v)
{
	uint64_t bits;

	parquet_set_double(writer, col, v);
	memcpy(&bits, &v, sizeof bits);
	if (cell_start())
		fprintf(expected, "\"%016" PRIx64 "\"", bits);
}

static void put_bool(size_t col, bool v)
{
	parquet_set_bool(writer, col, v);
	if (cell_start())
		fputs(v ? "true" : "false", expected);
}

static void put_string(size_t col, const char *text)
{
	parquet_set_string(writer, col, text, strlen(text));
	if (!cell_start())
		return;
	fputc('"', expected);
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(expected, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(expected, "\\u%04x", *p);
		else
			fputc(*p, expected);
	}
	fputc('"', expected);
}

static void end_row(void)
{
	if (expected)
		fputs("]\n", expected);
	sep = "[";
	if (parquet_end_row(writer, &err) != 0) {
		fprintf(stderr, "parquet_fixture_writer: %s\n", err.text);
		exit(1);
	}
}

static double special_double(uint64_t i)
{
	static const double specials[] = { 0.0, -0.0, 1.0, -2.5, 1e308, -1e308, 5e-324,
					   0.1, 3.141592653589793 };
	switch (i % 13) {
	case 0: return NAN;
	case 1: return INFINITY;
	case 2: return -INFINITY;
	case 3: return (double)(int64_t)mix(i) / 7.0;
	}
	return specials[i % (sizeof specials / sizeof specials[0])];
}

static void types_row(uint64_t i)
{
	static const int64_t extremes[] = { INT64_MIN, INT64_MAX, -1, 0, 1 };
	char plain[301];

	put_int64(0, i < 5 ? extremes[i] : (int64_t)mix(i), false);
	if (i % 3 == 0) put_null(1); else put_int64(1, -(int64_t)(i * 1000003), false);
	put_double(2, special_double(i));
	if (i % 4 == 1) put_null(3); else put_double(3, special_double(i + 5));
	put_bool(4, mix(i) & 1);
	if (i % 5 == 2) put_null(5); else put_bool(5, i % 2);
	put_string(6, words[i % WORD_COUNT]);
	if (i % 2) put_null(7); else put_string(7, words[(i / 2) % WORD_COUNT]);
	/* unique 300-byte values: the dictionary passes 64 KiB after 216 rows */
	memset(plain, 'a' + (int)(i % 26), 300);
	snprintf(plain, sizeof plain, "%08" PRIu64, i);
	plain[8] = '-';
	plain[300] = '\0';
	put_string(8, plain);
	put_int64(9, -2208988800000LL + (int64_t)(mix(i) % 7258118400000ULL), true);
	if (i % 7 == 3) put_null(10); else put_int64(10, 1700000000000LL + (int64_t)i, true);
	end_row();
}

static void million_row(uint64_t i)
{
	char text[64];

	put_int64(0, (int64_t)i, false);
	snprintf(text, sizeof text, "component-%d", (int)(i % 7));
	put_string(1, text);
	snprintf(text, sizeof text, "scenario-%07" PRIu64, i);
	put_string(2, text);
	if (i % 10 == 9) put_null(3); else put_double(3, (double)(mix(i) % 100000) / 8.0);
	put_bool(4, i % 17 != 0);
	put_int64(5, 1767225600000LL + (int64_t)(i * 250), true);
	if (i % 11 == 0) put_null(6); else { snprintf(text, sizeof text, "node%03d", (int)(mix(i) % 200)); put_string(6, text); }
	end_row();
}

/* The header line: columns, rows, row group size, dictionary chunks. */
static void header(const struct parquet_column_spec *cols, size_t count, uint64_t rows,
		   size_t group_rows, const char *dictionary)
{
	static const char *const type_names[] = { "int64", "double", "boolean", "string",
						  "timestamp" };

	fprintf(expected, "{\"rows\":%" PRIu64 ",\"row_group_rows\":%zu,\"dictionary\":%s,"
		"\"columns\":[", rows, group_rows, dictionary);
	for (size_t i = 0; i < count; i++)
		fprintf(expected, "%s{\"name\":\"%s\",\"type\":\"%s\",\"nullable\":%s}",
			i ? "," : "", cols[i].name, type_names[cols[i].type],
			cols[i].nullable ? "true" : "false");
	fputs("]}\n", expected);
}

/* 40 columns of every type in turn, odd ones nullable, in row groups of 3
 * rows: the footer's lists (schema, row groups, column orders) pass 14
 * elements, where Thrift's compact protocol writes their size apart. */
#define WIDE_COLUMNS 40
static struct parquet_column_spec wide_columns[WIDE_COLUMNS];

static void wide_setup(void)
{
	static char names[WIDE_COLUMNS][16];

	for (int j = 0; j < WIDE_COLUMNS; j++) {
		snprintf(names[j], sizeof names[j], "column_%02d", j);
		wide_columns[j] = (struct parquet_column_spec){ names[j],
			(enum parquet_column_type)(j % 5), j % 2 == 1 };
	}
}

static void wide_row(uint64_t i)
{
	char text[32];

	for (size_t j = 0; j < WIDE_COLUMNS; j++) {
		if (wide_columns[j].nullable && (i + j) % 4 == 0) {
			put_null(j);
			continue;
		}
		switch (wide_columns[j].type) {
		case PARQUET_COLUMN_INT64: put_int64(j, (int64_t)(i * j) - 50, false); break;
		case PARQUET_COLUMN_DOUBLE: put_double(j, ((double)i - (double)j) / 3.0); break;
		case PARQUET_COLUMN_BOOLEAN: put_bool(j, (i + j) % 2); break;
		case PARQUET_COLUMN_STRING:
			snprintf(text, sizeof text, "r%d-c%zu", (int)(i % 5), j);
			put_string(j, text);
			break;
		case PARQUET_COLUMN_TIMESTAMP: put_int64(j, 1700000000000LL + (int64_t)(i * 1000 + j), true); break;
		}
	}
	end_row();
}

struct fixture_case {
	const char *name;
	const struct parquet_column_spec *columns;
	size_t column_count;
	uint64_t rows;
	size_t row_group_rows;      /* 0: the writer's default, 131072 */
	const char *dictionary;     /* which chunks of which strings are dictionaries */
	void (*row)(uint64_t i);
};

static const struct fixture_case cases[] = {
	/* chunks of 500, 500, 500, 500, 3 rows: only the last stays a dictionary */
	{ "types", types_columns, sizeof types_columns / sizeof types_columns[0], TYPES_ROWS,
	  TYPES_GROUP_ROWS, "{\"str_dict\":\"all\",\"str_opt\":\"all\",\"str_plain\":\"last\"}",
	  types_row },
	{ "empty", types_columns, sizeof types_columns / sizeof types_columns[0], 0,
	  TYPES_GROUP_ROWS, "{}", types_row },
	{ "million", million_columns, sizeof million_columns / sizeof million_columns[0], 1000000,
	  0, "{\"component\":\"all\",\"scenario\":\"none\",\"node\":\"all\"}", million_row },
	{ "wide", wide_columns, WIDE_COLUMNS, 100, 3, "{\"column_03\":\"all\",\"column_08\":\"all\"}",
	  wide_row },
};

static const struct fixture_case *find_case(const char *name)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (strcmp(cases[i].name, name) == 0)
			return &cases[i];
	return NULL;
}

int main(int argc, char **argv)
{
	struct parquet_options opts = { 0 };
	const struct fixture_case *c = argc >= 2 ? find_case(argv[1]) : NULL;
	char *expected_path;

	if (!c || (argc != 4 && (argc != 5 || strcmp(argv[4], "--no-expected"))) ||
	    (strcmp(argv[2], "zstd") && strcmp(argv[2], "none"))) {
		fprintf(stderr, "usage: %s types|empty|million|wide zstd|none OUT.parquet "
			"[--no-expected]\n", argv[0]);
		return 2;
	}
	wide_setup();
	opts.compression = strcmp(argv[2], "zstd") ? PARQUET_COMPRESSION_NONE
						   : PARQUET_COMPRESSION_ZSTD;
	opts.row_group_rows = c->row_group_rows;
	if (asprintf(&expected_path, "%s.expected.jsonl", argv[3]) < 0 ||
	    (argc == 4 && !(expected = fopen(expected_path, "w"))))
		return perror(argv[3]), 1;
	if (!(writer = parquet_writer_open(argv[3], c->columns, c->column_count, &opts, &err)))
		return fprintf(stderr, "%s: %s\n", argv[0], err.text), 1;
	if (expected)
		header(c->columns, c->column_count, c->rows,
		       c->row_group_rows ? c->row_group_rows : 131072, c->dictionary);
	sep = "[";
	for (uint64_t i = 0; i < c->rows; i++)
		c->row(i);
	if (parquet_writer_close(writer, &err) != 0)
		return fprintf(stderr, "%s: %s\n", argv[0], err.text), 1;
	free(expected_path);
	return !expected || fclose(expected) == 0 ? 0 : 1;
}
