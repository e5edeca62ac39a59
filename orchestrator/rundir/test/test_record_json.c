/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The JSON values of telemetry record fields, both ways: unknown (negative,
 * NULL) is written null, and null, absent or mistyped reads back unknown. */
#include <jansson.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "rundir/record_json.h"

/* A record with one member of every shape a reader may meet. */
static json_t *sample(void)
{
	json_t *obj = json_pack("{s:i, s:I, s:i, s:I, s:I, s:f, s:f, s:n, s:s, s:b, s:[], s:{}}",
				"zero", 0, "big", (json_int_t)INT64_MAX, "negative", -3,
				"int_max", (json_int_t)INT_MAX, "past_int_max",
				(json_int_t)INT_MAX + 1, "real", 2.5, "whole_real", 3.0,
				"null", "text", "12", "bool", 1, "list", "map");

	assert_non_null(obj);
	return obj;
}

static void unknown_is_written_null(void **state)
{
	json_t *v;

	(void)state;
	assert_true(json_is_null(v = record_int_or_null(-1)));
	json_decref(v);
	assert_true(json_is_null(v = record_int_or_null(INT64_MIN)));
	json_decref(v);
	assert_true(json_is_null(v = record_real_or_null(-1)));
	json_decref(v);
	assert_true(json_is_null(v = record_real_or_null(-0.001)));
	json_decref(v);
}

static void known_values_are_written_as_they_are(void **state)
{
	json_t *v;

	(void)state;
	v = record_int_or_null(0);
	assert_true(json_is_integer(v));
	assert_int_equal(json_integer_value(v), 0);
	json_decref(v);
	v = record_int_or_null(INT64_MAX);
	assert_true(json_integer_value(v) == INT64_MAX);
	json_decref(v);
	v = record_real_or_null(0);
	assert_true(json_is_real(v));
	assert_true(json_real_value(v) == 0.0);
	json_decref(v);
	v = record_real_or_null(12.25);
	assert_true(json_is_real(v));  /* a duration stays a real, even when whole */
	assert_true(json_real_value(v) == 12.25);
	json_decref(v);
	v = record_real_or_null(3600);
	assert_true(json_is_real(v));
	json_decref(v);
}

static void a_given_stamp_is_kept(void **state)
{
	char buf[RFC3339_BUFSZ] = "untouched";
	const char *given = "2026-01-01T00:00:00.000Z";

	(void)state;
	assert_ptr_equal(record_stamp(given, buf), given);
	assert_string_equal(buf, "untouched");
}

static void no_stamp_means_now(void **state)
{
	char buf[RFC3339_BUFSZ];
	struct timespec stamp;
	time_t before = time(NULL), after;
	const char *got = record_stamp(NULL, buf);

	(void)state;
	after = time(NULL);
	assert_ptr_equal(got, buf);
	assert_int_equal(rfc3339_parse(buf, &stamp), 0);
	assert_true(stamp.tv_sec >= before && stamp.tv_sec <= after);
	assert_int_equal(buf[strlen(buf) - 1], 'Z');
}

static void strings_read_back(void **state)
{
	json_t *obj = sample();

	(void)state;
	assert_string_equal(record_string(obj, "text"), "12");
	assert_null(record_string(obj, "zero"));
	assert_null(record_string(obj, "null"));
	assert_null(record_string(obj, "absent"));
	assert_null(record_string(obj, "map"));
	assert_null(record_string(NULL, "text"));
	json_decref(obj);
}

static void counts_are_integers_not_below_zero(void **state)
{
	json_t *obj = sample();

	(void)state;
	assert_int_equal(record_count(obj, "zero"), 0);
	assert_true(record_count(obj, "big") == INT64_MAX);
	assert_int_equal(record_count(obj, "past_int_max"), (int64_t)INT_MAX + 1);
	assert_int_equal(record_count(obj, "negative"), -1);
	assert_int_equal(record_count(obj, "whole_real"), -1);
	assert_int_equal(record_count(obj, "text"), -1);
	assert_int_equal(record_count(obj, "bool"), -1);
	assert_int_equal(record_count(obj, "null"), -1);
	assert_int_equal(record_count(obj, "absent"), -1);
	assert_int_equal(record_count(obj, "list"), -1);
	assert_int_equal(record_count(NULL, "zero"), -1);
	json_decref(obj);
}

static void small_ints_fit_an_int(void **state)
{
	json_t *obj = sample();

	(void)state;
	assert_int_equal(record_small_int(obj, "zero"), 0);
	assert_int_equal(record_small_int(obj, "int_max"), INT_MAX);
	assert_int_equal(record_small_int(obj, "past_int_max"), -1);
	assert_int_equal(record_small_int(obj, "big"), -1);
	assert_int_equal(record_small_int(obj, "negative"), -1);
	assert_int_equal(record_small_int(obj, "real"), -1);
	assert_int_equal(record_small_int(obj, "null"), -1);
	assert_int_equal(record_small_int(NULL, "zero"), -1);
	json_decref(obj);
}

static void numbers_are_any_number(void **state)
{
	json_t *obj = sample();

	(void)state;
	assert_true(record_number(obj, "real") == 2.5);
	assert_true(record_number(obj, "whole_real") == 3.0);
	assert_true(record_number(obj, "zero") == 0.0);
	assert_true(record_number(obj, "int_max") == (double)INT_MAX);
	assert_true(record_number(obj, "negative") == -3.0);  /* a number all the same */
	assert_true(record_number(obj, "text") == -1);
	assert_true(record_number(obj, "bool") == -1);
	assert_true(record_number(obj, "null") == -1);
	assert_true(record_number(obj, "absent") == -1);
	assert_true(record_number(NULL, "real") == -1);
	json_decref(obj);
}

/* What is written reads back the same, unknown included. */
static void a_round_trip(void **state)
{
	json_t *obj = json_pack("{s:o, s:o, s:o, s:o}", "job_id", record_int_or_null(77),
				"exit_code", record_int_or_null(-1), "duration_s",
				record_real_or_null(1.5), "max_rss", record_real_or_null(-1));
	char *text = json_dumps(obj, JSON_COMPACT);
	json_t *back = json_loads(text, 0, NULL);

	(void)state;
	assert_non_null(back);
	assert_int_equal(record_count(back, "job_id"), 77);
	assert_int_equal(record_small_int(back, "exit_code"), -1);
	assert_true(record_number(back, "duration_s") == 1.5);
	assert_true(record_number(back, "max_rss") == -1);
	assert_true(json_is_null(json_object_get(back, "exit_code")));
	json_decref(back);
	json_decref(obj);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unknown_is_written_null),
		cmocka_unit_test(known_values_are_written_as_they_are),
		cmocka_unit_test(a_given_stamp_is_kept),
		cmocka_unit_test(no_stamp_means_now),
		cmocka_unit_test(strings_read_back),
		cmocka_unit_test(counts_are_integers_not_below_zero),
		cmocka_unit_test(small_ints_fit_an_int),
		cmocka_unit_test(numbers_are_any_number),
		cmocka_unit_test(a_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
