/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for stages in the config: after: lists resolved to stages,
 * after: all (a fan-in) with when:, and the errors (unknown names with a
 * did-you-mean, a component after itself, cycles, when without after: all),
 * each at file:line:column. */
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

#define HEAD "version: 1\nproject: p\ncomponents:\n"

static void test_three_stages_and_fan_in(void **state)
{
	char *dir = tmpdir_create();
	struct config *c;

	(void)state;
	c = load_config_text(dir, HEAD
			     "  post: {command: x, after: [model]}\n"
			     "  prepare: {command: x}\n"
			     "  model: {command: x, after: [prepare]}\n"
			     "  aggregate: {command: x, after: all, when: any_succeeded}\n"
			     "  other: {command: x, after: [prepare, model]}\n");
	assert_int_equal(c->components[1].stage, 0);
	assert_int_equal(c->components[2].stage, 1);
	assert_int_equal(c->components[0].stage, 2);
	assert_int_equal(c->components[4].stage, 2);
	assert_int_equal(c->components[4].n_after, 2);
	assert_int_equal(c->components[4].after[0], 1);
	assert_int_equal(c->components[4].after[1], 2);
	assert_true(c->components[3].fan_in);
	assert_int_equal(c->components[3].when, WHEN_ANY_SUCCEEDED);
	assert_int_equal(c->components[3].stage, 3);
	assert_int_equal(c->components[3].n_after, 4);  /* every per-scenario component */
	assert_int_equal(config_stage_count(c), 4);
	assert_false(c->components[1].fan_in);
	assert_int_equal(c->components[1].n_after, 0);
	config_free(c);
	tmpdir_remove(dir);
}

static void test_when_defaults_to_all_succeeded(void **state)
{
	char *dir = tmpdir_create();
	struct config *c;

	(void)state;
	c = load_config_text(dir, HEAD "  m: {command: x}\n  agg: {command: x, after: all}\n");
	assert_true(c->components[1].fan_in);
	assert_int_equal(c->components[1].when, WHEN_ALL_SUCCEEDED);
	assert_string_equal(fan_in_when_name(c->components[1].when), "all_succeeded");
	config_free(c);
	tmpdir_remove(dir);
}

/* The error text for yaml holds "<dir>/scalable.yaml:<where>: error: " and what. */
static void expect_error(const char *yaml, const char *where, const char *what)
{
	char *dir = tmpdir_create();
	char prefix[512];
	struct error err;

	expect_config_error(dir, yaml, &err);
	snprintf(prefix, sizeof prefix, "%s/scalable.yaml:%s: error: ", dir, where);
	if (!strstr(err.text, prefix) || !strstr(err.text, what))
		fail_msg("got '%s', expected '%s' and '%s'", err.text, prefix, what);
	assert_int_equal(err.exit_code, SCALABLE_EXIT_USAGE);
	tmpdir_remove(dir);
}

static void test_unknown_upstream_did_you_mean(void **state)
{
	(void)state;
	expect_error(HEAD "  prepare: {command: x}\n  model:\n    command: x\n"
		     "    after: [prepar]\n", "7:13",
		     "'prepar', which is no component (did you mean 'prepare'?)");
}

static void test_after_itself(void **state)
{
	(void)state;
	expect_error(HEAD "  model:\n    command: x\n    after: [model]\n", "6:13",
		     "component 'model' is after itself");
}

static void test_cycle(void **state)
{
	(void)state;
	expect_error(HEAD "  a: {command: x, after: [c]}\n  b: {command: x, after: [a]}\n"
		     "  c: {command: x, after: [b]}\n", "4:26", "component 'a' is in a cycle of after:");
}

static void test_bad_forms(void **state)
{
	(void)state;
	expect_error(HEAD "  m: {command: x, after: some}\n", "4:26", "after is 'some'");
	expect_error(HEAD "  m: {command: x, after: []}\n", "4:26", "after is an empty list");
	expect_error(HEAD "  m: {command: x}\n  n: {command: x, after: [m], when: always}\n",
		     "5:37", "has when but is not a fan-in");
	expect_error(HEAD "  m: {command: x}\n  n: {command: x, after: all, when: allways}\n",
		     "5:37", "unknown when 'allways' (did you mean 'always'?)");
	expect_error(HEAD "  m: {command: x}\n  a: {command: x, after: all}\n"
		     "  b: {command: x, after: [a]}\n", "6:27", "a fan-in (after: all)");
	expect_error(HEAD "  a: {command: x, after: all}\n", "4:3",
		     "every component is after: all");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_three_stages_and_fan_in),
		cmocka_unit_test(test_when_defaults_to_all_succeeded),
		cmocka_unit_test(test_unknown_upstream_did_you_mean),
		cmocka_unit_test(test_after_itself),
		cmocka_unit_test(test_cycle),
		cmocka_unit_test(test_bad_forms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
