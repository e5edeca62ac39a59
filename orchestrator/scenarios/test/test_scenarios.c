/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for scenario sets: matrix order, 100k scenarios, ranges,
 * tables, CSV parsing and scenarios.jsonl. */
#include <errno.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "lib/util/exit_codes.h"
#include "scenarios/scenarios.h"
#include "test/tmpdir.h"

/* n malloc'd strings "prefix0", "prefix1", ... */
static char **make_values(const char *prefix, size_t n)
{
	char **values = malloc(n * sizeof *values);

	assert_non_null(values);
	for (size_t i = 0; i < n; i++)
		assert_true(asprintf(&values[i], "%s%zu", prefix, i) > 0);
	return values;
}

static void test_matrix_mixed_radix(void **state)
{
	struct scenario_set *set = scenarios_new_matrix();
	struct scenario_value_buf buf;

	(void)state;
	assert_int_equal(scenarios_matrix_add(set, "a", make_values("a", 2), 2), 0);
	assert_int_equal(scenarios_matrix_add(set, "b", make_values("b", 3), 3), 0);
	assert_int_equal(scenarios_count(set), 6);
	/* index = a * 3 + b: the last parameter varies fastest */
	assert_string_equal(scenarios_value(set, 0, 0, &buf), "a0");
	assert_string_equal(scenarios_value(set, 0, 1, &buf), "b0");
	assert_string_equal(scenarios_value(set, 2, 1, &buf), "b2");
	assert_string_equal(scenarios_value(set, 3, 0, &buf), "a1");
	assert_string_equal(scenarios_value(set, 3, 1, &buf), "b0");
	assert_string_equal(scenarios_value(set, 5, 0, &buf), "a1");
	assert_string_equal(scenarios_value(set, 5, 1, &buf), "b2");
	scenarios_free(set);
}

/* 100,000 scenarios cost only their value lists, and lookups are cheap. */
static void test_matrix_100k(void **state)
{
	struct scenario_set *set = scenarios_new_matrix();
	struct scenario_value_buf buf;
	clock_t start;
	size_t checksum = 0;

	(void)state;
	assert_int_equal(scenarios_matrix_add(set, "x", make_values("x", 100), 100), 0);
	assert_int_equal(scenarios_matrix_add(set, "y", make_values("y", 100), 100), 0);
	assert_int_equal(scenarios_matrix_add(set, "z", make_values("z", 10), 10), 0);
	assert_int_equal(scenarios_count(set), 100000);
	assert_string_equal(scenarios_value(set, 12345, 0, &buf), "x12");
	assert_string_equal(scenarios_value(set, 12345, 1, &buf), "y34");
	assert_string_equal(scenarios_value(set, 12345, 2, &buf), "z5");
	assert_string_equal(scenarios_value(set, 99999, 0, &buf), "x99");
	start = clock();
	for (size_t i = 0; i < scenarios_count(set); i++)
		for (size_t p = 0; p < 3; p++)
			checksum += strlen(scenarios_value(set, i, p, &buf));
	assert_true(checksum > 0);
	assert_true(clock() - start < CLOCKS_PER_SEC / 2);
	scenarios_free(set);
}

static void test_matrix_too_large(void **state)
{
	struct scenario_set *set = scenarios_new_matrix();

	(void)state;
	assert_int_equal(scenarios_matrix_add(set, "a", make_values("a", 10000), 10000), 0);
	errno = 0;
	assert_int_equal(scenarios_matrix_add(set, "b", make_values("b", 10000), 10000), -1);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(scenarios_count(set), 10000);
	scenarios_free(set);
}

static void test_range(void **state)
{
	struct scenario_set *set = NULL;
	struct scenario_value_buf buf;

	(void)state;
	assert_int_equal(scenarios_new_range("seed", 1, 10, 3, &set), 0);
	assert_int_equal(scenarios_count(set), 4);  /* 1 4 7 10: stop included */
	assert_string_equal(scenarios_value(set, 3, 0, &buf), "10");
	scenarios_free(set);
	assert_int_equal(scenarios_new_range("t", 5, -5, -5, &set), 0);
	assert_int_equal(scenarios_count(set), 3);
	assert_string_equal(scenarios_value(set, 2, 0, &buf), "-5");
	scenarios_free(set);
	assert_int_equal(scenarios_new_range("t", 1, 1, 1, &set), 0);
	assert_int_equal(scenarios_count(set), 1);
	scenarios_free(set);
	errno = 0;
	assert_int_equal(scenarios_new_range("t", 5, 1, 1, &set), -1);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(scenarios_new_range("t", 0, 1, 0, &set), -1);
	assert_int_equal(scenarios_new_range("t", INT64_MIN, INT64_MAX, 1, &set), -1);
}

static void test_table(void **state)
{
	static const char *const names[] = { "city", "pop" };
	const char *row[2];
	struct scenario_set *set = scenarios_new_table(SCENARIOS_LIST, names, 2);
	struct scenario_value_buf buf;
	char text[32];

	(void)state;
	for (int i = 0; i < 1000; i++) {
		snprintf(text, sizeof text, "city%d", i);
		row[0] = text;
		row[1] = i % 2 ? "odd" : "even";
		assert_int_equal(scenarios_table_add_row(set, row), 0);
	}
	assert_int_equal(scenarios_count(set), 1000);
	assert_string_equal(scenarios_value(set, 999, 0, &buf), "city999");
	assert_string_equal(scenarios_value(set, 999, 1, &buf), "odd");
	assert_string_equal(scenarios_kind_name(scenarios_kind(set)), "list");
	scenarios_free(set);
}

/* Loads CSV text; returns the set, or NULL with *err filled. */
static struct scenario_set *csv_from_text(const char *dir, const char *text,
					  struct error *err)
{
	struct scenario_set *set = NULL;
	char *path;

	tmpdir_write(dir, "p.csv", text);
	assert_true(asprintf(&path, "%s/p.csv", dir) > 0);
	if (scenarios_load_csv(path, &set, err) != 0)
		set = NULL;
	free(path);
	return set;
}

static void test_csv_quoting(void **state)
{
	char *dir = tmpdir_create();
	struct error err;
	struct scenario_value_buf buf;
	struct scenario_set *set =
		csv_from_text(dir, "a,b\n\"x,y\",\"say \"\"hi\"\"\"\n\n,\"multi\nline\"\nlast,", &err);

	(void)state;
	assert_non_null(set);
	assert_int_equal(scenarios_count(set), 3);
	assert_string_equal(scenarios_value(set, 0, 0, &buf), "x,y");
	assert_string_equal(scenarios_value(set, 0, 1, &buf), "say \"hi\"");
	assert_string_equal(scenarios_value(set, 1, 0, &buf), "");
	assert_string_equal(scenarios_value(set, 1, 1, &buf), "multi\nline");
	assert_string_equal(scenarios_value(set, 2, 0, &buf), "last");
	assert_string_equal(scenarios_value(set, 2, 1, &buf), "");
	scenarios_free(set);
	tmpdir_remove(dir);
}

/* Each CSV error names the CSV file's line and column. */
static void test_csv_errors(void **state)
{
	static const struct {
		const char *text, *where, *what;
	} cases[] = {
		{ "", "p.csv:1:1:", "empty" },
		{ "a,b\n", "p.csv:2:1:", "no rows" },
		{ "a,b\n1,2\n3\n", "p.csv:3:1:", "1 fields" },
		{ "a,b\n1,2,3\n", "p.csv:2:1:", "3 fields" },
		{ "a,a\n1,2\n", "p.csv:1:3:", "repeats" },
		{ "a,A\n1,2\n", "p.csv:1:3:", "repeats" },
		{ "a,task_id\n1,2\n", "p.csv:1:3:", "built-in" },
		{ "a,b c\n1,2\n", "p.csv:1:3:", "identifier" },
		{ "a,b\n1,\"2\n", "p.csv:2:3:", "unterminated" },
		{ "a,b\n1,\"2\"x\n", "p.csv:2:6:", "closing quote" },
		{ "a,b\n1,2\"\n", "p.csv:2:4:", "quote inside" },
	};
	char *dir = tmpdir_create();

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct error err;
		struct scenario_set *set = csv_from_text(dir, cases[i].text, &err);

		if (set)
			fail_msg("case %zu: accepted", i);
		if (!strstr(err.text, cases[i].where) || !strstr(err.text, cases[i].what))
			fail_msg("case %zu: '%s' lacks '%s' or '%s'", i, err.text,
				 cases[i].where, cases[i].what);
		assert_int_equal(err.exit_code, SCALABLE_EXIT_USAGE);
	}
	tmpdir_remove(dir);
}

static void test_jsonl(void **state)
{
	struct scenario_set *set = scenarios_new_matrix();
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	json_t *line;
	json_error_t jerr;

	(void)state;
	assert_int_equal(scenarios_matrix_add(set, "a", make_values("a", 2), 2), 0);
	assert_int_equal(scenarios_matrix_add(set, "b", make_values("b", 2), 2), 0);
	assert_int_equal(scenarios_write_jsonl(set, out), 0);
	fclose(out);
	assert_int_equal(strchr(text, '\n') - text + 1 < (long)len, 1);
	line = json_loadb(text, (size_t)(strchr(text, '\n') - text), 0, &jerr);
	assert_non_null(line);
	assert_string_equal(json_string_value(json_object_get(line, "event_type")), "scenario");
	assert_int_equal(json_integer_value(json_object_get(line, "schema_version")), 1);
	assert_int_equal(json_integer_value(json_object_get(line, "index")), 0);
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(line, "parameters"), "b")), "b0");
	json_decref(line);
	free(text);
	scenarios_free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matrix_mixed_radix),
		cmocka_unit_test(test_matrix_100k),
		cmocka_unit_test(test_matrix_too_large),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_csv_quoting),
		cmocka_unit_test(test_csv_errors),
		cmocka_unit_test(test_jsonl),
	};

	return cmocka_run_group_tests_name("scenarios", tests, NULL, NULL);
}
