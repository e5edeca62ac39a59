/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A column chunk's string dictionary: each distinct value once, in order of
 * first appearance, kept PLAIN-encoded (4-byte length, bytes) as the
 * dictionary page holds it, with a hash table to find a value's index.
 * Tests: orchestrator/lib/parquet/test/test_parquet_column.c. */
#ifndef SCALABLE_PARQUET_DICT_H
#define SCALABLE_PARQUET_DICT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/parquet/byte_buf.h"

struct parquet_dict {
	struct byte_buf plain;  /* the entries, PLAIN-encoded: the dictionary page's body */
	uint32_t count;         /* distinct values */
	uint32_t *offsets;      /* entry i's offset in plain */
	uint32_t *slots;        /* hash table: entry index + 1, 0 for empty */
	size_t slot_count;      /* a power of two, at least twice count */
	size_t offsets_capacity;
};

/* The index of the value, added if new; -1 when memory ran out. */
int64_t parquet_dict_index(struct parquet_dict *d, const void *bytes, size_t len);
/* Entry i's bytes and length. */
const uint8_t *parquet_dict_entry(const struct parquet_dict *d, uint32_t index, uint32_t *len);
/* Forgets every entry, keeping the memory for the next chunk. */
void parquet_dict_clear(struct parquet_dict *d);
void parquet_dict_free(struct parquet_dict *d);

#endif
