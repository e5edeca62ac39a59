/* SPDX-License-Identifier: GPL-2.0-or-later */
/* thrift_compact.h: the bytes of zigzag varints, field headers (deltas and
 * the long form), bools in the type nibble, binary, nested structs, short
 * and long lists, each against bytes worked out by hand from the compact
 * protocol's specification; byte_buf's growth and little-endian writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/parquet/thrift_compact.h"

static void assert_bytes(const struct byte_buf *b, const uint8_t *want, size_t len)
{
	assert_false(b->failed);
	assert_int_equal(b->len, len);
	assert_memory_equal(b->data, want, len);
}

static void zigzag_varints(void **state)
{
	struct byte_buf b = { 0 };
	static const uint8_t want[] = {
		0x00,                   /* 0 */
		0x01,                   /* -1 */
		0x02,                   /* 1 */
		0x7f,                   /* -64 */
		0x80, 0x01,             /* 64 */
		0xd8, 0x04,             /* 300: 600 = 0b100_1011000 */
		/* INT64_MIN: 2^64 - 1, ten bytes */
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
		/* INT64_MAX: 2^64 - 2 */
		0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
	};

	(void)state;
	thrift_put_zigzag(&b, 0);
	thrift_put_zigzag(&b, -1);
	thrift_put_zigzag(&b, 1);
	thrift_put_zigzag(&b, -64);
	thrift_put_zigzag(&b, 64);
	thrift_put_zigzag(&b, 300);
	thrift_put_zigzag(&b, INT64_MIN);
	thrift_put_zigzag(&b, INT64_MAX);
	assert_bytes(&b, want, sizeof want);
	byte_buf_free(&b);
}

static void a_struct_with_every_kind_of_field(void **state)
{
	struct byte_buf b = { 0 };
	struct thrift_writer tw;
	static const uint8_t want[] = {
		0x15, 0x0a,             /* 1: i32 5 (delta 1, type 5) */
		0x26, 0x03,             /* 3: i64 -2 (delta 2, type 6) */
		0x11,                   /* 4: bool true (delta 1, type 1) */
		0x08, 0x28, 0x02, 'a', 'b', /* 20: binary "ab" (delta 16: long form) */
		0x1c,                   /* 21: struct (delta 1, type 12) */
		0x15, 0xd8, 0x04,       /*   1: i32 300 */
		0x12,                   /*   2: bool false */
		0x00,                   /*   stop */
		0x19, 0x35, 0x02, 0x04, 0x06, /* 22: list<i32> [1, 2, 3] */
		0x05, 0x04, 0x00,       /* 2: i32 0 (backwards: long form) */
		0x00,                   /* stop */
	};

	(void)state;
	thrift_begin(&tw, &b);
	thrift_field_i32(&tw, 1, 5);
	thrift_field_i64(&tw, 3, -2);
	thrift_field_bool(&tw, 4, true);
	thrift_field_string(&tw, 20, "ab");
	thrift_field_struct(&tw, 21);
	thrift_field_i32(&tw, 1, 300);
	thrift_field_bool(&tw, 2, false);
	thrift_end(&tw);
	thrift_field_list(&tw, 22, THRIFT_I32, 3);
	thrift_list_i32(&tw, 1);
	thrift_list_i32(&tw, 2);
	thrift_list_i32(&tw, 3);
	thrift_field_i32(&tw, 2, 0);
	thrift_end(&tw);
	assert_bytes(&b, want, sizeof want);
	byte_buf_free(&b);
}

static void lists_of_structs_short_and_long(void **state)
{
	struct byte_buf b = { 0 };
	struct thrift_writer tw;
	uint8_t want[64];
	size_t n = 0;

	(void)state;
	thrift_begin(&tw, &b);
	thrift_field_list(&tw, 1, THRIFT_STRUCT, 2);
	for (int i = 0; i < 2; i++) {
		thrift_list_struct(&tw);
		thrift_field_empty_struct(&tw, 1); /* a union's empty member */
		thrift_end(&tw);
	}
	thrift_field_list(&tw, 2, THRIFT_BINARY, 15);
	for (int i = 0; i < 15; i++)
		thrift_list_binary(&tw, "x", 1);
	thrift_end(&tw);
	want[n++] = 0x19;                /* 1: list, delta 1 */
	want[n++] = 0x2c;                /* 2 structs */
	for (int i = 0; i < 2; i++) {    /* each: {1: {}} */
		want[n++] = 0x1c;
		want[n++] = 0x00;
		want[n++] = 0x00;
	}
	want[n++] = 0x19;                /* 2: list, delta 1 */
	want[n++] = 0xf8;                /* 15 or more: the size follows */
	want[n++] = 0x0f;
	for (int i = 0; i < 15; i++) {
		want[n++] = 0x01;
		want[n++] = 'x';
	}
	want[n++] = 0x00;
	assert_bytes(&b, want, n);
	byte_buf_free(&b);
}

static void byte_buf_grows_and_writes_little_endian(void **state)
{
	struct byte_buf b = { 0 };
	static const uint8_t want[] = { 0x04, 0x03, 0x02, 0x01, 0x08, 0x07, 0x06, 0x05,
					0x04, 0x03, 0x02, 0x01 };

	(void)state;
	byte_buf_u32le(&b, 0x01020304);
	byte_buf_u64le(&b, 0x0102030405060708ULL);
	assert_bytes(&b, want, sizeof want);
	for (int i = 0; i < 100000; i++)
		byte_buf_u8(&b, (uint8_t)i);
	assert_false(b.failed);
	assert_int_equal(b.len, 100012);
	assert_int_equal(b.data[100011], (uint8_t)99999);
	byte_buf_clear(&b);
	assert_int_equal(b.len, 0);
	byte_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(zigzag_varints),
		cmocka_unit_test(a_struct_with_every_kind_of_field),
		cmocka_unit_test(lists_of_structs_short_and_long),
		cmocka_unit_test(byte_buf_grows_and_writes_little_endian),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
