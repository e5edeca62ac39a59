/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One column's chunk of the current row group, in memory: definition
 * levels (nullable columns), the values PLAIN-encoded, or for strings the
 * dictionary and each value's index while the dictionary stays small (past
 * PARQUET_DICT_MAX_BYTES or PARQUET_DICT_MAX_ENTRIES the chunk falls back to
 * PLAIN), and the statistics (min/max, null and NaN counts).
 * Tests: orchestrator/lib/parquet/test/test_parquet_column.c. */
#ifndef SCALABLE_PARQUET_COLUMN_H
#define SCALABLE_PARQUET_COLUMN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/parquet/byte_buf.h"
#include "lib/parquet/parquet_dict.h"
#include "lib/parquet/parquet_writer.h"

#define PARQUET_DICT_MAX_BYTES (64 * 1024)
#define PARQUET_DICT_MAX_ENTRIES 16384
/* A string statistic longer than this is left out (a bound would have to be
 * cut at a UTF-8 boundary and marked inexact). */
#define PARQUET_STAT_MAX_BYTES 256

struct parquet_stats {
	bool has_min, has_max;
	struct byte_buf min, max;  /* PLAIN bytes (strings: no length prefix) */
	uint64_t null_count, nan_count;
};

struct parquet_column {
	char *name;
	enum parquet_column_type type;
	bool nullable;
	bool dictionary;           /* strings: this chunk is dictionary-encoded */
	uint64_t values;           /* rows in the chunk, nulls included */
	struct byte_buf levels;    /* a definition level per row (nullable only) */
	struct byte_buf plain;     /* PLAIN values (booleans: one byte each) */
	struct byte_buf indices;   /* uint32 dictionary indices, while dictionary */
	struct parquet_dict dict;
	struct parquet_stats stats;
	/* running min/max of numbers, before they are written out as bytes */
	int64_t min_i64, max_i64;
	double min_f64, max_f64;
	bool any_number;
	bool out_of_memory;
};

int parquet_column_init(struct parquet_column *c, const struct parquet_column_spec *spec);
/* Empties the chunk for the next row group (the dictionary is turned on
 * again for strings). */
void parquet_column_reset(struct parquet_column *c);
void parquet_column_free(struct parquet_column *c);

void parquet_column_add_null(struct parquet_column *c);
void parquet_column_add_int64(struct parquet_column *c, int64_t value);
void parquet_column_add_double(struct parquet_column *c, double value);
void parquet_column_add_bool(struct parquet_column *c, bool value);
void parquet_column_add_string(struct parquet_column *c, const void *bytes, size_t len);

/* Writes the numbers' min/max into stats (call before the chunk is written). */
void parquet_column_finish_stats(struct parquet_column *c);
/* The bytes the chunk holds (to bound a row group's memory). */
size_t parquet_column_buffered(const struct parquet_column *c);
/* Whether memory ran out while the chunk was filled. */
bool parquet_column_failed(const struct parquet_column *c);

#endif
