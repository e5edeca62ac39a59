/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A component's outputs: patterns read and compiled, the default class
 * policy of output_missing, and the errors (file:line:column, what is
 * expected, exit 2) of a bad list or placeholder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config/config_file.h"
#include "lib/util/exit_codes.h"
#include "testing/orch_helpers.h"
#include "test/tmpdir.h"

#define HEAD "version: 1\nproject: p\nscenarios:\n  matrix: {region: [north, south]}\n" \
	     "components:\n  model:\n    command: ./run {{ region }}\n"

static void test_outputs_read(void **state)
{
	char *dir = tmpdir_create();
	struct config *config = load_config_text(dir, HEAD
		"    outputs: [\"results/{{ region }}.csv\", '{{ run_dir }}/t{{ task_id }}-*.log']\n"
		"  post: {command: ./post}\n");
	enum failure_class class;

	(void)state;
	assert_int_equal(config->components[0].outputs.count, 2);
	assert_string_equal(config->components[0].outputs.item[0], "results/{{ region }}.csv");
	assert_non_null(config->components[0].output_templates[0]);
	assert_non_null(config->components[0].output_templates[1]);
	assert_int_equal(config->components[1].outputs.count, 0);
	assert_null(config->components[1].output_templates);
	/* the class and its default: fail, no retry */
	assert_true(failure_class_from_name("output_missing", &class));
	assert_int_equal(class, FAILURE_OUTPUT_MISSING);
	assert_string_equal(failure_class_name(FAILURE_OUTPUT_MISSING), "output_missing");
	assert_int_equal(config->retry[FAILURE_OUTPUT_MISSING].max_attempts, 1);
	config_free(config);
	tmpdir_remove(dir);
}

/* The class can be given a retry policy like any other. */
static void test_output_missing_policy(void **state)
{
	char *dir = tmpdir_create();
	struct config *config = load_config_text(dir, HEAD "    outputs: [a.csv]\n"
		"retry:\n  output_missing: {max_attempts: 2}\n");

	(void)state;
	assert_int_equal(config->retry[FAILURE_OUTPUT_MISSING].max_attempts, 2);
	config_free(config);
	tmpdir_remove(dir);
}

/* yaml: the lines after HEAD; where: "L:C"; what: a part of the message. */
static void expect_error(const char *yaml, const char *where, const char *what)
{
	char *dir = tmpdir_create(), *text, *expected;
	struct error err;

	assert_true(asprintf(&text, "%s%s", HEAD, yaml) > 0);
	expect_config_error(dir, text, &err);
	assert_true(asprintf(&expected, "%s/scalable.yaml:%s: error: ", dir, where) > 0);
	if (!strstr(err.text, expected) || !strstr(err.text, what))
		fail_msg("expected %s... %s, got: %s", expected, what, err.text);
	assert_int_equal(err.exit_code, SCALABLE_EXIT_USAGE);
	free(expected);
	free(text);
	tmpdir_remove(dir);
}

static void test_outputs_errors(void **state)
{
	(void)state;
	expect_error("    outputs: results.csv\n", "8:14", "(expected a list)");
	expect_error("    outputs: [ok.csv, \"\"]\n", "8:23", "empty output pattern");
	expect_error("    outputs: [\"out/{{ regoin }}.csv\"]\n", "8:20",
		     "unknown placeholder 'regoin'");
	expect_error("    outputs: [\"out/{{ regoin }}.csv\"]\n", "8:20", "did you mean 'region'");
	expect_error("    outputs: [\"{{ command }}.out\"]\n", "8:16",
		     "unknown placeholder 'command'");
	expect_error("    outputs: [\"{{ memory }}.out\"]\n", "8:16",
		     "unknown placeholder 'memory'");
	expect_error("    outputs: [\"out/{{ region\"]\n", "8:20", "unclosed placeholder");
	expect_error("    outputs: [[a]]\n", "8:15", "expected");
	expect_error("retry:\n  output_mising: {max_attempts: 2}\n", "9:3",
		     "did you mean 'output_missing'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outputs_read),
		cmocka_unit_test(test_output_missing_policy),
		cmocka_unit_test(test_outputs_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
