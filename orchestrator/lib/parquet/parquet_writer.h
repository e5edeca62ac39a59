/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A small Parquet writer (Debian 12 has no Parquet library): flat schemas
 * (no nesting), optional or required columns, row groups, PLAIN and
 * dictionary encoding (dictionary for strings while it pays), zstd pages
 * through libzstd (or uncompressed), min/max/null_count statistics per
 * column chunk, the footer in Thrift's compact protocol.
 *
 * Rows are added one at a time, a value per column; the writer keeps the
 * current row group in memory and writes it when it holds `row_group_rows`
 * rows (or earlier, once its chunks hold 256 MiB). The file is written as
 * PATH.tmp and renamed over PATH at close (fsync'd), so a reader never sees
 * a half-written file and a failed export leaves nothing.
 *
 * What it writes, and what it does not: physical types INT64, DOUBLE,
 * BOOLEAN and BYTE_ARRAY (STRING, with converted type UTF8) and INT64
 * TIMESTAMP(UTC, MILLIS) (converted TIMESTAMP_MILLIS); one data page (v1)
 * per column chunk, after a dictionary page when the chunk is
 * dictionary-encoded (strings, until the chunk's dictionary passes 64 KiB
 * or 16384 values: then PLAIN for the whole chunk); statistics min_value/
 * max_value (strings byte-wise, left out past 256 bytes; doubles without
 * NaN, nan_count beside), null_count. No nesting or repeated fields, no
 * page index, no bloom filters, no encryption, no key-value metadata, no
 * other encodings (DELTA_*, BYTE_STREAM_SPLIT) or codecs.
 * Tests: orchestrator/lib/parquet/test/test_parquet_writer.c (bytes and
 * framing), tests/cli/parquet_reader.sh (independent readers, every type,
 * 1,000,000 rows). */
#ifndef SCALABLE_PARQUET_WRITER_H
#define SCALABLE_PARQUET_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util/error.h"

enum parquet_column_type {
	PARQUET_COLUMN_INT64,     /* INT64 */
	PARQUET_COLUMN_DOUBLE,    /* DOUBLE */
	PARQUET_COLUMN_BOOLEAN,   /* BOOLEAN */
	PARQUET_COLUMN_STRING,    /* BYTE_ARRAY, logical type STRING (UTF-8) */
	PARQUET_COLUMN_TIMESTAMP, /* INT64, logical TIMESTAMP(MILLIS, UTC) */
};

struct parquet_column_spec {
	const char *name;
	enum parquet_column_type type;
	bool nullable; /* OPTIONAL (definition levels) or REQUIRED */
};

enum parquet_compression {
	PARQUET_COMPRESSION_ZSTD,
	PARQUET_COMPRESSION_NONE,
};

struct parquet_options {
	size_t row_group_rows;   /* 0: the default, 131072 */
	enum parquet_compression compression;
	const char *created_by;  /* footer's created_by; NULL: "scalable" */
};

struct parquet_writer;

/* Opens PATH.tmp for a table of these columns (copied; names must be
 * unique). opts may be NULL for the defaults. NULL on error (err says). */
struct parquet_writer *parquet_writer_open(const char *path,
					   const struct parquet_column_spec *columns,
					   size_t column_count,
					   const struct parquet_options *opts,
					   struct error *err);

/* The current row's value of column `column` (its index in the spec). Each
 * column of a row gets exactly one call, of its own type, or
 * parquet_set_null (nullable columns only); then parquet_end_row. */
void parquet_set_int64(struct parquet_writer *w, size_t column, int64_t value);
void parquet_set_double(struct parquet_writer *w, size_t column, double value);
void parquet_set_bool(struct parquet_writer *w, size_t column, bool value);
/* Copies len bytes; the text must be valid UTF-8. */
void parquet_set_string(struct parquet_writer *w, size_t column, const char *text,
			size_t len);
/* Milliseconds since the Unix epoch, UTC. */
void parquet_set_timestamp_ms(struct parquet_writer *w, size_t column, int64_t ms);
void parquet_set_null(struct parquet_writer *w, size_t column);

/* Ends the current row (a column not set is a programming error: abort in
 * debug builds, null or zero otherwise). Writes a row group when it is full.
 * 0, or -1 with err set (I/O). */
int parquet_end_row(struct parquet_writer *w, struct error *err);

/* Writes the last row group and the footer, fsyncs, renames PATH.tmp to
 * PATH; frees the writer. 0, or -1 with err set (then nothing is left at
 * PATH or PATH.tmp). */
int parquet_writer_close(struct parquet_writer *w, struct error *err);

/* Frees the writer and removes PATH.tmp, without writing (an aborted export). */
void parquet_writer_abort(struct parquet_writer *w);

#endif
