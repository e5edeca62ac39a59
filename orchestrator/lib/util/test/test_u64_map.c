/* SPDX-License-Identifier: GPL-2.0-or-later */
/* u64_map.h: a key maps to the value put last, a key never put maps to
 * NULL (an empty map too), every key survives the table's growth past many
 * entries, extreme keys (0, UINT64_MAX) and keys that differ only in high
 * bits are told apart, and the load stays at most a half. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "lib/util/u64_map.h"

#define MANY 20000

/* Distinct non-NULL values to store: addresses inside one array. */
static char values[MANY];

static void an_empty_map_has_nothing(void **state)
{
	struct u64_map map = { 0 };

	(void)state;
	assert_null(u64_map_get(&map, 0));
	assert_null(u64_map_get(&map, 42));
	u64_map_free(&map);  /* freeing an empty map is fine */
	assert_int_equal(map.count, 0);
}

static void put_then_get(void **state)
{
	struct u64_map map = { 0 };

	(void)state;
	assert_int_equal(u64_map_put(&map, 7, &values[0]), 0);
	assert_int_equal(u64_map_put(&map, 0, &values[1]), 0);
	assert_int_equal(u64_map_put(&map, UINT64_MAX, &values[2]), 0);
	assert_ptr_equal(u64_map_get(&map, 7), &values[0]);
	assert_ptr_equal(u64_map_get(&map, 0), &values[1]);
	assert_ptr_equal(u64_map_get(&map, UINT64_MAX), &values[2]);
	assert_null(u64_map_get(&map, 8));
	assert_null(u64_map_get(&map, UINT64_MAX - 1));
	assert_int_equal(map.count, 3);
	u64_map_free(&map);
	assert_null(map.keys);
	assert_null(map.values);
	assert_int_equal(map.capacity, 0);
	assert_int_equal(map.count, 0);
}

static void put_overwrites_without_counting_twice(void **state)
{
	struct u64_map map = { 0 };

	(void)state;
	assert_int_equal(u64_map_put(&map, 99, &values[0]), 0);
	assert_int_equal(u64_map_put(&map, 99, &values[1]), 0);
	assert_int_equal(map.count, 1);
	assert_ptr_equal(u64_map_get(&map, 99), &values[1]);
	u64_map_free(&map);
}

/* Puts MANY keys made by key_of, overwrites every third, and reads all back. */
static void check_many(uint64_t (*key_of)(size_t))
{
	struct u64_map map = { 0 };

	for (size_t i = 0; i < MANY; i++) {
		assert_int_equal(u64_map_put(&map, key_of(i), &values[i]), 0);
		/* the load stays at most a half, the table a power of two */
		assert_true(map.count * 2 <= map.capacity);
		assert_int_equal(map.capacity & (map.capacity - 1), 0);
	}
	for (size_t i = 0; i < MANY; i += 3)
		assert_int_equal(u64_map_put(&map, key_of(i), &values[MANY - 1 - i]), 0);
	assert_int_equal(map.count, MANY);
	for (size_t i = 0; i < MANY; i++) {
		void *want = i % 3 ? &values[i] : &values[MANY - 1 - i];

		assert_ptr_equal(u64_map_get(&map, key_of(i)), want);
	}
	assert_null(u64_map_get(&map, key_of(MANY)));
	assert_null(u64_map_get(&map, key_of(MANY + 1)));
	u64_map_free(&map);
}

static uint64_t sequential(size_t i)
{
	return i;
}

/* job ids and array indexes packed together: only high bits differ */
static uint64_t high_bits(size_t i)
{
	return (uint64_t)i << 40 | 5;
}

/* from the top of the range down, wrapping through zero */
static uint64_t descending(size_t i)
{
	return (uint64_t)(MANY / 2) - (uint64_t)i;
}

static void many_sequential_keys_survive_growth(void **state)
{
	(void)state;
	check_many(sequential);
}

static void keys_differing_in_high_bits_are_apart(void **state)
{
	(void)state;
	check_many(high_bits);
}

static void keys_wrapping_through_zero_survive_growth(void **state)
{
	(void)state;
	check_many(descending);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(an_empty_map_has_nothing),
		cmocka_unit_test(put_then_get),
		cmocka_unit_test(put_overwrites_without_counting_twice),
		cmocka_unit_test(many_sequential_keys_survive_growth),
		cmocka_unit_test(keys_differing_in_high_bits_are_apart),
		cmocka_unit_test(keys_wrapping_through_zero_survive_growth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
