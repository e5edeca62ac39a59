/* SPDX-License-Identifier: GPL-2.0-or-later */
/* An encoder of Thrift's compact protocol, enough for Parquet's page headers
 * and footer: structs (field ids as deltas), i32/i64 (zigzag varints),
 * bools, binary, lists. Nothing is decoded here.
 * Tests: orchestrator/lib/parquet/test/test_thrift_compact.c. */
#ifndef SCALABLE_THRIFT_COMPACT_H
#define SCALABLE_THRIFT_COMPACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/parquet/byte_buf.h"

/* The compact protocol's type nibbles. */
enum thrift_type {
	THRIFT_TRUE = 1,
	THRIFT_FALSE = 2,
	THRIFT_BYTE = 3,
	THRIFT_I16 = 4,
	THRIFT_I32 = 5,
	THRIFT_I64 = 6,
	THRIFT_DOUBLE = 7,
	THRIFT_BINARY = 8,
	THRIFT_LIST = 9,
	THRIFT_SET = 10,
	THRIFT_MAP = 11,
	THRIFT_STRUCT = 12,
};

#define THRIFT_MAX_DEPTH 16

/* Writes one top-level struct into out: thrift_begin, its fields, thrift_end. */
struct thrift_writer {
	struct byte_buf *out;
	int16_t last_field[THRIFT_MAX_DEPTH]; /* per open struct: ids go as deltas */
	int depth;
};

void thrift_begin(struct thrift_writer *tw, struct byte_buf *out);
/* Ends the innermost open struct (the top-level one last): a STOP byte. */
void thrift_end(struct thrift_writer *tw);

void thrift_field_i32(struct thrift_writer *tw, int16_t id, int32_t value);
void thrift_field_i64(struct thrift_writer *tw, int16_t id, int64_t value);
void thrift_field_bool(struct thrift_writer *tw, int16_t id, bool value);
void thrift_field_binary(struct thrift_writer *tw, int16_t id, const void *bytes, size_t len);
void thrift_field_string(struct thrift_writer *tw, int16_t id, const char *text);
/* A struct field (or a union's one member); its fields follow, then thrift_end. */
void thrift_field_struct(struct thrift_writer *tw, int16_t id);
/* An empty struct field, e.g. a union member that carries no data. */
void thrift_field_empty_struct(struct thrift_writer *tw, int16_t id);
/* A list field's header; then `count` elements of elem_type. */
void thrift_field_list(struct thrift_writer *tw, int16_t id, enum thrift_type elem_type,
		       size_t count);
/* List elements: a struct (its fields, then thrift_end), an i32, a binary. */
void thrift_list_struct(struct thrift_writer *tw);
void thrift_list_i32(struct thrift_writer *tw, int32_t value);
void thrift_list_binary(struct thrift_writer *tw, const void *bytes, size_t len);

/* The varint of a signed integer: zigzag, then ULEB128. */
void thrift_put_zigzag(struct byte_buf *out, int64_t value);

#endif
