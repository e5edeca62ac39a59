/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for common/units: sizes, walltimes, durations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "units.h"

#define GIB (UNITS_MIB * 1024)

static void assert_size(const char *text, uint64_t expected)
{
	uint64_t bytes = 0;
	const char *why = NULL;

	if (!units_parse_size(text, &bytes, &why))
		fail_msg("size '%s' rejected: %s", text, why);
	assert_int_equal(bytes, expected);
}

static void assert_bad_size(const char *text)
{
	uint64_t bytes = 42;
	const char *why = NULL;

	if (units_parse_size(text, &bytes, &why))
		fail_msg("size '%s' accepted as %llu", text, (unsigned long long)bytes);
	assert_non_null(why);
	assert_int_equal(bytes, 42);
}

static void test_size_suffixes(void **state)
{
	(void)state;
	assert_size("16G", 16 * GIB);
	assert_size("16g", 16 * GIB);
	assert_size("500M", 500 * UNITS_MIB);
	assert_size("1024K", UNITS_MIB);
	assert_size("2T", 2 * GIB * 1024);
	assert_size("4096", 4096 * UNITS_MIB);
	assert_size("1", UNITS_MIB);
}

static void test_size_rejects(void **state)
{
	static const char *bad[] = {
		"", "G", "16GB", "16GiB", "1.5G", "-1", "-1G", "0", "0G", " 16G",
		"16G ", "16 G", "16X", "+16G", "0x10", "18446744073709551616",
		"17179869184T", "99999999999999999999999M", "16G\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_bad_size(bad[i]);
}

static void assert_walltime(const char *text, uint64_t expected)
{
	uint64_t seconds = 0;
	const char *why = NULL;

	if (!units_parse_walltime(text, &seconds, &why))
		fail_msg("walltime '%s' rejected: %s", text, why);
	assert_int_equal(seconds, expected);
}

static void test_walltime_forms(void **state)
{
	(void)state;
	assert_walltime("30", 30 * 60);
	assert_walltime("90", 90 * 60);
	assert_walltime("10:30", 10 * 60 + 30);
	assert_walltime("04:00:00", 4 * 3600);
	assert_walltime("48:00:00", 48 * 3600);
	assert_walltime("1-00:00:00", 86400);
	assert_walltime("2-12", 2 * 86400 + 12 * 3600);
	assert_walltime("0-01:30", 5400);
	assert_walltime("1-02:03:04", 86400 + 2 * 3600 + 3 * 60 + 4);
}

static void test_walltime_rejects(void **state)
{
	static const char *bad[] = {
		"", "0", "00:00:00", "0-0", "1:2:3:4", "1-", "-1", "1h",
		"10:60", "01:60:00", "01:00:60", "1-24:00:00", "1-00:60", "a",
		"1-2-3", ":30", "30:", "1 -00:00:00", "UNLIMITED",
		"99999999999999999999",
	};
	uint64_t seconds = 7;
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why = NULL;
		if (units_parse_walltime(bad[i], &seconds, &why))
			fail_msg("walltime '%s' accepted", bad[i]);
		assert_non_null(why);
		assert_int_equal(seconds, 7);
	}
}

static void test_duration(void **state)
{
	static const char *bad[] = { "", "s", "10x", "1.5h", "-3s", "10 s", "10S",
				     "99999999999999999999d" };
	uint64_t seconds = 0;
	const char *why;

	(void)state;
	assert_true(units_parse_duration("30s", &seconds, &why));
	assert_int_equal(seconds, 30);
	assert_true(units_parse_duration("10m", &seconds, &why));
	assert_int_equal(seconds, 600);
	assert_true(units_parse_duration("2h", &seconds, &why));
	assert_int_equal(seconds, 7200);
	assert_true(units_parse_duration("1d", &seconds, &why));
	assert_int_equal(seconds, 86400);
	assert_true(units_parse_duration("45", &seconds, &why));
	assert_int_equal(seconds, 45);
	assert_true(units_parse_duration("0", &seconds, &why));
	assert_int_equal(seconds, 0);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why = NULL;
		if (units_parse_duration(bad[i], &seconds, &why))
			fail_msg("duration '%s' accepted", bad[i]);
		assert_non_null(why);
	}
}

static void test_format(void **state)
{
	char buf[64];

	(void)state;
	units_format_mem(16 * GIB, buf, sizeof buf);
	assert_string_equal(buf, "16384M");
	units_format_mem(UNITS_MIB + 1, buf, sizeof buf);
	assert_string_equal(buf, "2M");
	units_format_walltime(4 * 3600, buf, sizeof buf);
	assert_string_equal(buf, "0-04:00:00");
	units_format_walltime(86400 + 2 * 3600 + 3 * 60 + 4, buf, sizeof buf);
	assert_string_equal(buf, "1-02:03:04");
	units_format_walltime(100 * 86400, buf, sizeof buf);
	assert_string_equal(buf, "100-00:00:00");
	units_format_size(16 * GIB, buf, sizeof buf);
	assert_string_equal(buf, "16G");
	units_format_size(1536 * UNITS_MIB, buf, sizeof buf);
	assert_string_equal(buf, "1536M");
	units_format_size(7, buf, sizeof buf);
	assert_string_equal(buf, "7B");
}

/* Every formatted value parses back to what was formatted. */
static void test_round_trip(void **state)
{
	static const uint64_t sizes[] = { 1024, UNITS_MIB, 3 * GIB, 5 * GIB * 1024 };
	static const uint64_t times[] = { 1, 59, 3600, 86399, 86400, 1234567 };
	char buf[64];
	uint64_t back;
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		units_format_size(sizes[i], buf, sizeof buf);
		assert_true(units_parse_size(buf, &back, &why));
		assert_int_equal(back, sizes[i]);
	}
	for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
		units_format_walltime(times[i], buf, sizeof buf);
		assert_true(units_parse_walltime(buf, &back, &why));
		assert_int_equal(back, times[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_suffixes),
		cmocka_unit_test(test_size_rejects),
		cmocka_unit_test(test_walltime_forms),
		cmocka_unit_test(test_walltime_rejects),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests_name("units", tests, NULL, NULL);
}
