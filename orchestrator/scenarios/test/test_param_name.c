/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parameter names: identifiers only, no built-in placeholder, at most
 * PARAM_NAME_MAX characters, and a reason for each refusal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "scenarios/param_name.h"

static void identifiers_are_letters_digits_and_underscores(void **state)
{
	static const char *const good[] = { "a", "_", "_x", "region", "Year2030", "a_b_c",
					    "__9", "Z" };
	static const char *const bad[] = { "", "9a", "0", "a-b", "a b", "a.b", "-a", "ä",
					   "a\n", "$a", "{{a}}", " a" };

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		if (!is_identifier(good[i]))
			fail_msg("'%s' should be an identifier", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (is_identifier(bad[i]))
			fail_msg("'%s' should not be an identifier", bad[i]);
}

static void the_builtin_list_is_what_is_builtin(void **state)
{
	size_t n = 0;

	(void)state;
	for (const char *const *b = builtin_placeholders; *b; b++, n++) {
		assert_true(is_builtin_placeholder(*b));
		assert_true(is_identifier(*b));  /* a placeholder is a name too */
	}
	assert_true(n >= 10);
	assert_true(is_builtin_placeholder("cpus"));
	assert_true(is_builtin_placeholder("task_id"));
	assert_true(is_builtin_placeholder("run_dir"));
	assert_true(is_builtin_placeholder("memory_mb"));
	/* exact names only: no prefixes, suffixes or other case */
	assert_false(is_builtin_placeholder("cpu"));
	assert_false(is_builtin_placeholder("cpus2"));
	assert_false(is_builtin_placeholder("task"));
	assert_false(is_builtin_placeholder("CPUS"));
	assert_false(is_builtin_placeholder(""));
	assert_false(is_builtin_placeholder("region"));
}

static void a_good_name_has_no_problem(void **state)
{
	(void)state;
	assert_null(param_name_problem("region"));
	assert_null(param_name_problem("_private"));
	assert_null(param_name_problem("year_2030"));
	assert_null(param_name_problem("Cpus"));  /* case differs from the built-in */
}

static void each_problem_says_what_is_wrong(void **state)
{
	const char *why;

	(void)state;
	assert_non_null(why = param_name_problem("2fast"));
	assert_non_null(strstr(why, "identifier"));
	assert_non_null(strstr(why, "SCALABLE_PARAM_"));
	assert_non_null(why = param_name_problem(""));
	assert_non_null(strstr(why, "identifier"));
	assert_non_null(why = param_name_problem("my-param"));
	assert_non_null(strstr(why, "identifier"));
	assert_non_null(why = param_name_problem("cpus"));
	assert_non_null(strstr(why, "built-in placeholder"));
	assert_non_null(why = param_name_problem("walltime_s"));
	assert_non_null(strstr(why, "built-in placeholder"));
}

static void the_length_limit_is_inclusive(void **state)
{
	char name[PARAM_NAME_MAX + 2];
	const char *why;

	(void)state;
	memset(name, 'a', PARAM_NAME_MAX);
	name[PARAM_NAME_MAX] = '\0';
	assert_null(param_name_problem(name));
	name[PARAM_NAME_MAX] = 'a';
	name[PARAM_NAME_MAX + 1] = '\0';
	assert_non_null(why = param_name_problem(name));
	assert_non_null(strstr(why, "longer than 128"));
	/* too long wins over not an identifier: one message, the first rule */
	name[0] = '9';
	assert_non_null(why = param_name_problem(name));
	assert_non_null(strstr(why, "longer than"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(identifiers_are_letters_digits_and_underscores),
		cmocka_unit_test(the_builtin_list_is_what_is_builtin),
		cmocka_unit_test(a_good_name_has_no_problem),
		cmocka_unit_test(each_problem_says_what_is_wrong),
		cmocka_unit_test(the_length_limit_is_inclusive),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
