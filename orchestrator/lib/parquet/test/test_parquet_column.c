/* SPDX-License-Identifier: GPL-2.0-or-later */
/* parquet_column.h and parquet_dict.h: strings into a dictionary in order
 * of first appearance and the fall-back to PLAIN (values in order) when it
 * grows too big; definition levels; statistics: byte-wise string min/max
 * (long ones left out), int64 extremes, doubles without NaN and with zeros
 * as the spec asks, booleans; a reset turns the dictionary on again. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/parquet/parquet_column.h"

static void init(struct parquet_column *c, enum parquet_column_type type, bool nullable)
{
	struct parquet_column_spec spec = { .name = "c", .type = type, .nullable = nullable };

	assert_int_equal(parquet_column_init(c, &spec), 0);
}

static uint64_t u64_at(const struct byte_buf *b, size_t offset)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | b->data[offset + i];
	return v;
}

static void strings_share_a_dictionary(void **state)
{
	struct parquet_column c;
	const uint32_t *indices;
	uint32_t len;

	(void)state;
	init(&c, PARQUET_COLUMN_STRING, true);
	parquet_column_add_string(&c, "b", 1);
	parquet_column_add_string(&c, "a", 1);
	parquet_column_add_null(&c);
	parquet_column_add_string(&c, "b", 1);
	parquet_column_add_string(&c, NULL, 0);
	parquet_column_finish_stats(&c);
	assert_false(parquet_column_failed(&c));
	assert_true(c.dictionary);
	assert_int_equal(c.dict.count, 3);
	assert_int_equal(c.indices.len, 4 * sizeof(uint32_t));
	indices = (const uint32_t *)(const void *)c.indices.data;
	assert_int_equal(indices[0], 0);
	assert_int_equal(indices[1], 1);
	assert_int_equal(indices[2], 0);
	assert_int_equal(indices[3], 2);
	assert_memory_equal(parquet_dict_entry(&c.dict, 1, &len), "a", 1);
	assert_int_equal(len, 1);
	parquet_dict_entry(&c.dict, 2, &len);
	assert_int_equal(len, 0);
	assert_int_equal(c.levels.len, 5);
	assert_memory_equal(c.levels.data, "\1\1\0\1\1", 5);
	assert_int_equal(c.values, 5);
	assert_int_equal(c.stats.null_count, 1);
	assert_true(c.stats.has_min && c.stats.has_max);
	assert_int_equal(c.stats.min.len, 0);
	assert_int_equal(c.stats.max.len, 1);
	assert_memory_equal(c.stats.max.data, "b", 1);
	parquet_column_free(&c);
}

static void a_big_dictionary_falls_back_to_plain(void **state)
{
	struct parquet_column c;
	char text[32];
	size_t offset = 0;
	int n = PARQUET_DICT_MAX_ENTRIES + 10;

	(void)state;
	init(&c, PARQUET_COLUMN_STRING, false);
	for (int i = 0; i < n; i++) {
		snprintf(text, sizeof text, "value-%d", i % (n - 5)); /* a few repeat */
		parquet_column_add_string(&c, text, strlen(text));
	}
	assert_false(parquet_column_failed(&c));
	assert_false(c.dictionary);
	assert_int_equal(c.indices.len, 0);
	for (int i = 0; i < n; i++) {
		uint32_t len = (uint32_t)u64_at(&c.plain, offset) & 0xffffffff;

		snprintf(text, sizeof text, "value-%d", i % (n - 5));
		assert_int_equal(len, strlen(text));
		assert_memory_equal(c.plain.data + offset + 4, text, len);
		offset += 4 + len;
	}
	assert_int_equal(offset, c.plain.len);
	parquet_column_reset(&c);
	assert_true(c.dictionary);
	assert_int_equal(c.plain.len, 0);
	parquet_column_free(&c);
}

static void long_string_statistics_are_left_out(void **state)
{
	struct parquet_column c;
	char long_text[PARQUET_STAT_MAX_BYTES + 1];

	(void)state;
	memset(long_text, 'z', sizeof long_text);
	init(&c, PARQUET_COLUMN_STRING, false);
	parquet_column_add_string(&c, long_text, sizeof long_text);
	parquet_column_add_string(&c, "abc", 3);
	parquet_column_finish_stats(&c);
	assert_true(c.stats.has_min);
	assert_int_equal(c.stats.min.len, 3);
	assert_memory_equal(c.stats.min.data, "abc", 3);
	assert_false(c.stats.has_max); /* the long run of z */
	/* byte-wise: UTF-8 above ASCII sorts after it */
	parquet_column_reset(&c);
	parquet_column_add_string(&c, "\xc3\xa9t\xc3\xa9", 5);
	parquet_column_add_string(&c, long_text, sizeof long_text);
	parquet_column_finish_stats(&c);
	assert_false(c.stats.has_min);
	assert_true(c.stats.has_max);
	assert_memory_equal(c.stats.max.data, "\xc3\xa9t\xc3\xa9", 5);
	parquet_column_free(&c);
}

static void integer_statistics(void **state)
{
	struct parquet_column c;

	(void)state;
	init(&c, PARQUET_COLUMN_INT64, true);
	parquet_column_add_int64(&c, 5);
	parquet_column_add_null(&c);
	parquet_column_add_int64(&c, INT64_MIN);
	parquet_column_add_int64(&c, INT64_MAX);
	parquet_column_finish_stats(&c);
	assert_int_equal(c.plain.len, 24);
	assert_int_equal(u64_at(&c.plain, 8), (uint64_t)INT64_MIN);
	assert_int_equal(u64_at(&c.stats.min, 0), (uint64_t)INT64_MIN);
	assert_int_equal(u64_at(&c.stats.max, 0), (uint64_t)INT64_MAX);
	assert_int_equal(c.stats.null_count, 1);
	parquet_column_free(&c);
}

static double double_of(const struct byte_buf *b)
{
	uint64_t bits = u64_at(b, 0);
	double d;

	memcpy(&d, &bits, sizeof d);
	return d;
}

static void double_statistics_skip_nan(void **state)
{
	struct parquet_column c;

	(void)state;
	init(&c, PARQUET_COLUMN_DOUBLE, false);
	parquet_column_add_double(&c, NAN);
	parquet_column_add_double(&c, 0.0);
	parquet_column_add_double(&c, -2.5);
	parquet_column_add_double(&c, NAN);
	parquet_column_finish_stats(&c);
	assert_int_equal(c.stats.nan_count, 2);
	assert_true(double_of(&c.stats.min) == -2.5);
	assert_true(double_of(&c.stats.max) == 0.0 && !signbit(double_of(&c.stats.max)));
	parquet_column_reset(&c);
	parquet_column_add_double(&c, 0.0);
	parquet_column_add_double(&c, INFINITY);
	parquet_column_finish_stats(&c);
	assert_true(double_of(&c.stats.min) == 0.0 && signbit(double_of(&c.stats.min)));
	assert_true(isinf(double_of(&c.stats.max)));
	parquet_column_reset(&c);
	parquet_column_add_double(&c, NAN);
	parquet_column_finish_stats(&c);
	assert_false(c.stats.has_min || c.stats.has_max); /* nothing but NaN */
	parquet_column_free(&c);
}

static void boolean_values_and_statistics(void **state)
{
	struct parquet_column c;

	(void)state;
	init(&c, PARQUET_COLUMN_BOOLEAN, false);
	parquet_column_add_bool(&c, true);
	parquet_column_add_bool(&c, true);
	parquet_column_finish_stats(&c);
	assert_int_equal(c.plain.len, 2);
	assert_int_equal(c.stats.min.len, 1);
	assert_int_equal(c.stats.min.data[0], 1);
	assert_int_equal(c.stats.max.data[0], 1);
	assert_int_equal(parquet_column_buffered(&c), 2);
	parquet_column_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strings_share_a_dictionary),
		cmocka_unit_test(a_big_dictionary_falls_back_to_plain),
		cmocka_unit_test(long_string_statistics_are_left_out),
		cmocka_unit_test(integer_statistics),
		cmocka_unit_test(double_statistics_skip_nan),
		cmocka_unit_test(boolean_values_and_statistics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
