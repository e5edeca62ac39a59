/* SPDX-License-Identifier: GPL-2.0-or-later */
/* parquet_rle.h: the RLE/bit-packing hybrid against bytes worked out by
 * hand (Encodings.md's own example among them): RLE runs, bit-packed groups
 * padded at the end, literals topped up to whole groups before a run,
 * multi-byte run values and headers; bit widths; PLAIN booleans. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/parquet/parquet_rle.h"

static void assert_u8_encoding(const uint8_t *values, size_t count, unsigned width,
			       const uint8_t *want, size_t want_len)
{
	struct byte_buf b = { 0 };

	parquet_rle_encode_u8(&b, values, count, width);
	assert_false(b.failed);
	assert_int_equal(b.len, want_len);
	assert_memory_equal(b.data, want, want_len);
	byte_buf_free(&b);
}

static void eight_equal_values_are_one_rle_run(void **state)
{
	static const uint8_t ones[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };
	static const uint8_t want[] = { 0x10, 0x01 }; /* 8 << 1, value 1 */

	(void)state;
	assert_u8_encoding(ones, 8, 1, want, sizeof want);
}

static void the_specifications_bit_packing_example(void **state)
{
	static const uint8_t values[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	/* one group (1 << 1 | 1), then 10001000 11000110 11111010 */
	static const uint8_t want[] = { 0x03, 0x88, 0xc6, 0xfa };

	(void)state;
	assert_u8_encoding(values, 8, 3, want, sizeof want);
}

static void a_short_tail_is_padded_to_a_group(void **state)
{
	static const uint8_t values[3] = { 1, 0, 1 };
	static const uint8_t want[] = { 0x03, 0x05 };

	(void)state;
	assert_u8_encoding(values, 3, 1, want, sizeof want);
}

static void literals_are_topped_up_from_a_long_run(void **state)
{
	uint8_t values[23] = { 1, 0, 1 };
	/* 1,0,1 and five 1s of the run bit-packed (11111101), then 15 x 1 */
	static const uint8_t want[] = { 0x03, 0xfd, 0x1e, 0x01 };

	(void)state;
	memset(values + 3, 1, 20);
	assert_u8_encoding(values, 23, 1, want, sizeof want);
}

static void a_run_too_short_after_topping_up_stays_packed(void **state)
{
	uint8_t values[13] = { 1, 0, 1 };
	/* 13 values, two groups: 11111101, then 00011111 (padded) */
	static const uint8_t want[] = { 0x05, 0xfd, 0x1f };

	(void)state;
	memset(values + 3, 1, 10);
	assert_u8_encoding(values, 13, 1, want, sizeof want);
}

static void long_runs_and_wide_values(void **state)
{
	struct byte_buf b = { 0 };
	uint32_t values[200];
	static const uint8_t want[] = { 0x90, 0x03, 0x2c, 0x01 }; /* 200 << 1, 300 */

	(void)state;
	for (int i = 0; i < 200; i++)
		values[i] = 300;
	parquet_rle_encode_u32(&b, values, 200, 9);
	assert_int_equal(b.len, sizeof want);
	assert_memory_equal(b.data, want, sizeof want);
	byte_buf_free(&b);
}

static void bit_widths(void **state)
{
	(void)state;
	assert_int_equal(parquet_bit_width(0), 1);
	assert_int_equal(parquet_bit_width(1), 1);
	assert_int_equal(parquet_bit_width(2), 2);
	assert_int_equal(parquet_bit_width(255), 8);
	assert_int_equal(parquet_bit_width(256), 9);
	assert_int_equal(parquet_bit_width(UINT32_MAX), 32);
}

static void plain_booleans(void **state)
{
	struct byte_buf b = { 0 };
	static const uint8_t values[9] = { 1, 0, 0, 1, 1, 0, 0, 0, 1 };
	static const uint8_t want[] = { 0x19, 0x01 };

	(void)state;
	parquet_bitpack_bools(&b, values, 9);
	assert_int_equal(b.len, sizeof want);
	assert_memory_equal(b.data, want, sizeof want);
	byte_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(eight_equal_values_are_one_rle_run),
		cmocka_unit_test(the_specifications_bit_packing_example),
		cmocka_unit_test(a_short_tail_is_padded_to_a_group),
		cmocka_unit_test(literals_are_topped_up_from_a_long_run),
		cmocka_unit_test(a_run_too_short_after_topping_up_stays_packed),
		cmocka_unit_test(long_runs_and_wide_values),
		cmocka_unit_test(bit_widths),
		cmocka_unit_test(plain_booleans),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
