/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diagnose's parts: the JSON scanner, message patterns, suggested sizes and
 * walltimes, percentiles, and the offending line of a traceback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "diagnose/diagnose_impl.h"
#include "diagnose/diagnose_pattern.h"
#include "diagnose/diagnose_scan.h"
#include "diagnose/diagnose_sizes.h"
#include "diagnose/diagnose_traceback.h"

#define GIB ((uint64_t)1 << 30)
#define MIB ((uint64_t)1 << 20)

static struct jspan span(const char *text)
{
	return (struct jspan){ text, strlen(text) };
}

static void the_scanner_walks_members_and_decodes(void **state)
{
	const char *line = "{\"a\": 1, \"s\":\"x\\\"y\\\\z\\u00e9\\ud83d\\ude00\", "
			   "\"o\":{\"k\":[1,{\"q\":\"}\"}]}, \"n\":null, \"r\":-2.5e1}";
	struct jscan s;
	struct jspan k, v;
	char buf[64];
	int64_t i;
	double d;
	int members = 0;

	(void)state;
	assert_true(jscan_begin(&s, span(line)));
	while (jscan_next(&s, &k, &v)) {
		members++;
		if (jscan_key_is(k, "a")) {
			assert_true(jscan_int(v, &i));
			assert_int_equal(i, 1);
		} else if (jscan_key_is(k, "s")) {
			assert_true(jscan_string(v, buf, sizeof buf, NULL));
			assert_string_equal(buf, "x\"y\\z\xc3\xa9\xf0\x9f\x98\x80");
		} else if (jscan_key_is(k, "o")) {
			struct jscan o;
			struct jspan ok, ov;

			assert_true(jscan_enter(&s, &o));
			assert_true(jscan_next(&o, &ok, &ov));  /* "k": skipped as pending */
			assert_true(jscan_key_is(ok, "k"));
			assert_false(jscan_next(&o, &ok, &ov));
			assert_true(o.done && !o.bad);
		} else if (jscan_key_is(k, "n")) {
			assert_true(jscan_is_null(v));
			assert_false(jscan_int(v, &i));
		} else {
			assert_true(jscan_number(v, &d));
			assert_true(d == -25.0);
		}
	}
	assert_int_equal(members, 5);
	assert_true(s.done && !s.bad);
}

static void the_scanner_refuses_what_is_not_an_object(void **state)
{
	static const char *const bad[] = {
		"", "[1]", "{\"a\":1", "{\"a\" 1}", "{\"a\":1,}", "{\"a\":\"x}",
		"{\"a\":1} x", "{\"a\":{\"b\":1}", "{\"a\":[1}]}", "{,}", "{\"a\":{} x",
	};
	struct jscan s;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		bool ok = jscan_begin(&s, span(bad[i])) && jscan_finish(&s);

		if (ok)
			fail_msg("accepted %s", bad[i]);
	}
	assert_true(jscan_begin(&s, span(" {} ")) && jscan_finish(&s));
}

static void a_cut_string_ends_on_a_whole_character(void **state)
{
	char buf[4];
	size_t n;

	(void)state;
	/* "aé€": 1 + 2 + 3 bytes; 3 fit, the euro sign does not */
	assert_true(jscan_string(span("\"a\xc3\xa9\xe2\x82\xac\""), buf, sizeof buf, &n));
	assert_int_equal(n, 3);
	assert_string_equal(buf, "a\xc3\xa9");
}

static void expect_pattern(const char *message, const char *pattern)
{
	char out[256];

	diagnose_pattern(message, out, sizeof out);
	assert_string_equal(out, pattern);
}

static void patterns_hide_what_varies(void **state)
{
	(void)state;
	expect_pattern("OOM: scenario 7 exceeded memory limit",
		       "OOM: scenario <N> exceeded memory limit");
	expect_pattern("OOM: scenario 14 exceeded memory limit",
		       "OOM: scenario <N> exceeded memory limit");
	expect_pattern("FileNotFoundError: [Errno 2] No such file: '/data/in_7.csv'",
		       "FileNotFoundError: [Errno <N>] No such file: '<PATH>'");
	expect_pattern("segfault at 0x7ffe12ab in job deadbeef12", "segfault at <HEX> in job <HEX>");
	expect_pattern("took 3.14 s at 12:30:01 for 1,000 rows (32G)",
		       "took <N> s at <N> for <N> rows (<N>G)");
	expect_pattern("  task   1/8  failed  ", "task <N>/<N> failed");
	expect_pattern("read scenario_7.csv from ./out/run3/.", "read scenario_<N>.csv from <PATH>.");
	expect_pattern("KeyError: 'region'", "KeyError: 'region'");
	expect_pattern("", "");
}

static void a_long_message_is_cut(void **state)
{
	char out[8];

	(void)state;
	assert_int_equal(diagnose_pattern("abcdefghijkl", out, sizeof out), 7);
	assert_string_equal(out, "abcdefg");
	assert_int_equal(diagnose_pattern("12345678 x", out, sizeof out), 7);
	assert_string_equal(out, "<HEX> x");
}

static void memory_steps_follow_the_ladder(void **state)
{
	(void)state;
	assert_int_equal(diagnose_memory_step(1), 128 * MIB);
	assert_int_equal(diagnose_memory_step(100 * MIB), 128 * MIB);
	assert_int_equal(diagnose_memory_step(GIB), GIB);
	assert_int_equal(diagnose_memory_step(GIB + 1), 2 * GIB);
	assert_int_equal(diagnose_memory_step(10 * GIB), 12 * GIB);
	assert_int_equal(diagnose_memory_step(30 * GIB), 32 * GIB);
	assert_int_equal(diagnose_memory_step(100 * GIB), 128 * GIB);
	assert_int_equal(diagnose_memory_step(1500 * GIB), 1500 * GIB);
	assert_int_equal(diagnose_memory_step(1500 * GIB + 1), 1501 * GIB);
}

static void walltimes_round_up_to_quarter_hours(void **state)
{
	(void)state;
	assert_int_equal(diagnose_walltime_step(0), 900);
	assert_int_equal(diagnose_walltime_step(1), 900);
	assert_int_equal(diagnose_walltime_step(900), 900);
	assert_int_equal(diagnose_walltime_step(900.2), 1800);
	assert_int_equal(diagnose_walltime_step(3 * 3600 + 1), 3 * 3600 + 900);
}

static void percentiles_take_the_nearest_rank(void **state)
{
	float v[20], one[1] = { 7 };

	(void)state;
	for (int i = 0; i < 20; i++)
		v[i] = (float)((i * 7) % 20 + 1);  /* 1..20, shuffled */
	assert_true(diagnose_percentile(v, 20, 0.95) == 19);
	assert_true(diagnose_percentile(v, 20, 1.0) == 20);
	assert_true(diagnose_percentile(v, 20, 0.5) == 10);
	assert_true(diagnose_percentile(one, 1, 0.95) == 7);
	assert_true(diagnose_percentile(NULL, 0, 0.95) == 0);
	for (int i = 0; i < 20; i++)
		v[i] = 5;  /* all equal */
	assert_true(diagnose_percentile(v, 20, 0.95) == 5);
}

static void sizes_and_times_read_well(void **state)
{
	char buf[32];

	(void)state;
	diagnose_format_bytes(24 * GIB, buf, sizeof buf);
	assert_string_equal(buf, "24G");
	diagnose_format_bytes(15 * GIB + GIB / 5, buf, sizeof buf);
	assert_string_equal(buf, "15.2G");
	diagnose_format_bytes(812 * MIB, buf, sizeof buf);
	assert_string_equal(buf, "812M");
	diagnose_format_bytes(900, buf, sizeof buf);
	assert_string_equal(buf, "900B");
	diagnose_format_duration(45, buf, sizeof buf);
	assert_string_equal(buf, "45s");
	diagnose_format_duration(725, buf, sizeof buf);
	assert_string_equal(buf, "12:05");
	diagnose_format_duration(5400, buf, sizeof buf);
	assert_string_equal(buf, "1:30:00");
	diagnose_format_duration(2 * 86400 + 3600, buf, sizeof buf);
	assert_string_equal(buf, "2-01:00:00");
}

static void the_offending_line_is_the_users_frame(void **state)
{
	const char *tb = "Traceback (most recent call last):\n"
			 "  File \"/home/u/model.py\", line 40, in <module>\n"
			 "    main()\n"
			 "  File \"/home/u/model.py\", line 12, in main\n"
			 "    data = load(path)\n"
			 "  File \"/usr/lib/python3.11/site-packages/pandas/io.py\", line 9, in load\n"
			 "    raise FileNotFoundError(path)\n"
			 "FileNotFoundError: /data/x.csv\n";
	char buf[256];

	(void)state;
	assert_true(dx_offending_line(tb, buf, sizeof buf));
	assert_string_equal(buf, "File \"/home/u/model.py\", line 12, in main: data = load(path)");
	assert_true(dx_offending_line("loading\n./model: error while loading shared libraries: "
				      "libfoo.so\n", buf, sizeof buf));
	assert_string_equal(buf, "./model: error while loading shared libraries: libfoo.so");
	assert_false(dx_offending_line("all fine\n", buf, sizeof buf));
	assert_false(dx_offending_line(NULL, buf, sizeof buf));
}

/* A traceback that is no string (a number, true) is no traceback: the group
 * once kept a buffer the decoder never filled, and diagnose read it as text
 * (valgrind: uninitialised; ASan: past its end). */
static void a_traceback_that_is_no_string_is_none(void **state)
{
	static const char *const lines[] = {
		"{\"failure_class\":\"dependency\",\"message\":\"m\",\"task_id\":1,"
		"\"details\":{\"traceback\":123456789}}",
		"{\"failure_class\":\"dependency\",\"message\":\"m\",\"task_id\":2,"
		"\"details\":{\"traceback\":true}}",
	};
	struct diagnosis dx = { 0 };

	(void)state;
	for (size_t i = 0; i < 2; i++)
		assert_int_equal(dx_failure_line(lines[i], strlen(lines[i]), i, &dx), 0);
	assert_int_equal(dx.failures, 2);
	assert_int_equal(dx.groups.count, 1);
	assert_null(dx.groups.items[0]->traceback);
	dx_clear(&dx);
}

/* An absent field (a span of NULL, 0) is no name: dx_intern once did
 * arithmetic on the null pointer before looking (UBSan). */
static void an_absent_name_is_none(void **state)
{
	struct dx_names names = { 0 };
	bool oom = false;

	(void)state;
	assert_int_equal(dx_intern(&names, (struct jspan){ NULL, 0 }, &oom), DX_NO_ID);
	assert_int_equal(dx_intern(&names, span("\"\""), &oom), DX_NO_ID);
	assert_int_equal(dx_intern(&names, span("\"node7\""), &oom), 0);
	assert_false(oom);
	dx_names_free(&names);
}

/* A name with a NUL inside ("ar\u0000dex") is kept as its part before the
 * NUL; looking it up again once read past that copy's end (ASan, in the
 * fuzzer's scenarios.jsonl line), and a parameter got such a name. */
static void a_name_with_a_nul_is_no_name(void **state)
{
	const char *line = "{\"index\":0,\"parameters\":{\"ar\\u0000dex\":5,\"p\":1}}";
	struct dx_names names = { 0 };
	struct dx_scenarios scen = { 0 };

	(void)state;
	assert_int_equal(dx_names_id(&names, "ar\0dex", 6), 0);
	assert_int_equal(dx_names_find(&names, "ar\0dex", 6), DX_NO_ID);
	assert_int_equal(dx_names_id(&names, "ar", 2), 1);
	assert_int_equal(dx_names_find(&names, "ar", 2), 1);
	dx_names_free(&names);
	assert_int_equal(dx_scenario_line(line, strlen(line), 0, &scen), 0);
	assert_int_equal(scen.names.count, 1);
	assert_string_equal(scen.names.names[0], "p");
	dx_scenarios_free(&scen);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_scanner_walks_members_and_decodes),
		cmocka_unit_test(the_scanner_refuses_what_is_not_an_object),
		cmocka_unit_test(a_cut_string_ends_on_a_whole_character),
		cmocka_unit_test(patterns_hide_what_varies),
		cmocka_unit_test(a_long_message_is_cut),
		cmocka_unit_test(memory_steps_follow_the_ladder),
		cmocka_unit_test(walltimes_round_up_to_quarter_hours),
		cmocka_unit_test(percentiles_take_the_nearest_rank),
		cmocka_unit_test(sizes_and_times_read_well),
		cmocka_unit_test(the_offending_line_is_the_users_frame),
		cmocka_unit_test(a_traceback_that_is_no_string_is_none),
		cmocka_unit_test(an_absent_name_is_none),
		cmocka_unit_test(a_name_with_a_nul_is_no_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
