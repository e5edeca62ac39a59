/* SPDX-License-Identifier: GPL-2.0-or-later */
/* When a memory sample becomes an event: first 80 %, first 90 %, then at
 * most once per interval above 90 %; nothing without a limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "memory_threshold.h"

#define LIMIT 1000
#define INTERVAL 30000

/* Feeds current at now and returns what it said, "" for nothing. */
static const char *feed(struct memory_threshold *t, int64_t current, int64_t now)
{
	const char *what = memory_threshold_feed(t, current, LIMIT, now);
	return what ? what : "";
}

static void first_80_then_first_90_each_once(void **state)
{
	(void)state;
	struct memory_threshold t;
	memory_threshold_init(&t, INTERVAL);
	assert_string_equal(feed(&t, 100, 0), "");
	assert_string_equal(feed(&t, 799, 1), "");
	assert_string_equal(feed(&t, 800, 2), "80");     /* exactly 80 % */
	assert_string_equal(feed(&t, 850, 3), "");
	assert_string_equal(feed(&t, 899, 4), "");
	assert_string_equal(feed(&t, 900, 5), "90");     /* exactly 90 % */
}

static void above_90_repeats_at_most_once_per_interval(void **state)
{
	(void)state;
	struct memory_threshold t;
	memory_threshold_init(&t, INTERVAL);
	assert_string_equal(feed(&t, 950, 0), "90");
	assert_string_equal(feed(&t, 960, 1), "");
	assert_string_equal(feed(&t, 999, INTERVAL - 1), "");
	assert_string_equal(feed(&t, 999, INTERVAL), "above_90");
	assert_string_equal(feed(&t, 999, INTERVAL + 10), "");
	assert_string_equal(feed(&t, 1000, 2 * INTERVAL + 5), "above_90");
	assert_string_equal(feed(&t, 1200, 2 * INTERVAL + 6), "");   /* over the limit: still once */
}

/* A jump from low straight past 90 % is one "90", and 80 % is not said after it. */
static void a_jump_past_90_is_one_event(void **state)
{
	(void)state;
	struct memory_threshold t;
	memory_threshold_init(&t, INTERVAL);
	assert_string_equal(feed(&t, 10, 0), "");
	assert_string_equal(feed(&t, 990, 1), "90");
	assert_string_equal(feed(&t, 850, 2), "");
}

/* Below and up again: 80 and 90 are never said twice; above 90 again is
 * "above_90", at once if the interval since the last one has passed. */
static void drop_below_and_rise_again(void **state)
{
	(void)state;
	struct memory_threshold t;
	memory_threshold_init(&t, INTERVAL);
	assert_string_equal(feed(&t, 820, 0), "80");
	assert_string_equal(feed(&t, 500, 1), "");
	assert_string_equal(feed(&t, 820, 2), "");
	assert_string_equal(feed(&t, 910, 3), "90");
	assert_string_equal(feed(&t, 400, 4), "");
	assert_string_equal(feed(&t, 910, 5), "");                 /* within the interval */
	assert_string_equal(feed(&t, 400, INTERVAL), "");
	assert_string_equal(feed(&t, 930, INTERVAL + 3), "above_90");
}

/* No limit (an unlimited cgroup), no reading: never an event. */
static void no_limit_no_events(void **state)
{
	(void)state;
	struct memory_threshold t;
	memory_threshold_init(&t, INTERVAL);
	assert_null(memory_threshold_feed(&t, 1LL << 40, -1, 0));
	assert_null(memory_threshold_feed(&t, 1LL << 40, 0, 1));
	assert_null(memory_threshold_feed(&t, -1, LIMIT, 2));
	assert_false(t.crossed_80);
	assert_true(memory_percent(5, -1) < 0);
	assert_true(memory_percent(875, LIMIT) == 87.5);
	/* limits past 2^63 / 100 do not overflow the comparison */
	assert_string_equal(memory_threshold_feed(&t, (INT64_MAX / 10) * 9 + 10, INT64_MAX, 3), "90");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_80_then_first_90_each_once),
		cmocka_unit_test(above_90_repeats_at_most_once_per_interval),
		cmocka_unit_test(a_jump_past_90_is_one_event),
		cmocka_unit_test(drop_below_and_rise_again),
		cmocka_unit_test(no_limit_no_events),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
