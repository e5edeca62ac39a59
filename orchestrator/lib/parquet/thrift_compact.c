/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Thrift's compact protocol, encoding only (see thrift_compact.h). */
#include "lib/parquet/thrift_compact.h"

#include <assert.h>
#include <string.h>

void thrift_put_zigzag(struct byte_buf *out, int64_t value)
{
	/* zigzag: 0, -1, 1, -2 ... become 0, 1, 2, 3 ... */
	byte_buf_uleb128(out, ((uint64_t)value << 1) ^ (uint64_t)(value >> 63));
}

void thrift_begin(struct thrift_writer *tw, struct byte_buf *out)
{
	tw->out = out;
	tw->depth = 0;
	tw->last_field[0] = 0;
}

static void push_struct(struct thrift_writer *tw)
{
	assert(tw->depth + 1 < THRIFT_MAX_DEPTH);
	tw->last_field[++tw->depth] = 0;
}

void thrift_end(struct thrift_writer *tw)
{
	byte_buf_u8(tw->out, 0); /* STOP */
	if (tw->depth > 0)
		tw->depth--;
}

/* A field header: the id as a delta in the high nibble when it fits (1..15),
 * else the type alone and the id as a zigzag i16. */
static void field_header(struct thrift_writer *tw, int16_t id, enum thrift_type type)
{
	int delta = id - tw->last_field[tw->depth];

	if (delta > 0 && delta <= 15) {
		byte_buf_u8(tw->out, (uint8_t)(delta << 4 | type));
	} else {
		byte_buf_u8(tw->out, (uint8_t)type);
		thrift_put_zigzag(tw->out, id);
	}
	tw->last_field[tw->depth] = id;
}

void thrift_field_i32(struct thrift_writer *tw, int16_t id, int32_t value)
{
	field_header(tw, id, THRIFT_I32);
	thrift_put_zigzag(tw->out, value);
}

void thrift_field_i64(struct thrift_writer *tw, int16_t id, int64_t value)
{
	field_header(tw, id, THRIFT_I64);
	thrift_put_zigzag(tw->out, value);
}

void thrift_field_bool(struct thrift_writer *tw, int16_t id, bool value)
{
	/* a bool field's value is its type nibble */
	field_header(tw, id, value ? THRIFT_TRUE : THRIFT_FALSE);
}

void thrift_field_binary(struct thrift_writer *tw, int16_t id, const void *bytes, size_t len)
{
	field_header(tw, id, THRIFT_BINARY);
	thrift_list_binary(tw, bytes, len);
}

void thrift_field_string(struct thrift_writer *tw, int16_t id, const char *text)
{
	thrift_field_binary(tw, id, text, strlen(text));
}

void thrift_field_struct(struct thrift_writer *tw, int16_t id)
{
	field_header(tw, id, THRIFT_STRUCT);
	push_struct(tw);
}

void thrift_field_empty_struct(struct thrift_writer *tw, int16_t id)
{
	thrift_field_struct(tw, id);
	thrift_end(tw);
}

void thrift_field_list(struct thrift_writer *tw, int16_t id, enum thrift_type elem_type,
		       size_t count)
{
	field_header(tw, id, THRIFT_LIST);
	if (count < 15) {
		byte_buf_u8(tw->out, (uint8_t)(count << 4 | elem_type));
	} else {
		byte_buf_u8(tw->out, (uint8_t)(0xf0 | elem_type));
		byte_buf_uleb128(tw->out, count);
	}
}

void thrift_list_struct(struct thrift_writer *tw)
{
	push_struct(tw);
}

void thrift_list_i32(struct thrift_writer *tw, int32_t value)
{
	thrift_put_zigzag(tw->out, value);
}

void thrift_list_binary(struct thrift_writer *tw, const void *bytes, size_t len)
{
	byte_buf_uleb128(tw->out, len);
	byte_buf_put(tw->out, bytes, len);
}
