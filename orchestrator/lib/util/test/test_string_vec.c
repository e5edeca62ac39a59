/* SPDX-License-Identifier: GPL-2.0-or-later */
/* string_vec.h: items are formatted as they are added, kept in order and
 * NULL-terminated across growth; finish hands the list over (an empty one
 * too: a list holding only its NULL); once a failure was remembered, later
 * adds do nothing and finish frees what was built and returns NULL;
 * string_vec_free takes NULL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/util/string_vec.h"

static void items_are_formatted_in_order(void **state)
{
	struct string_vec v = { 0 };
	char **argv;

	(void)state;
	string_vec_add(&v, "sbatch");
	string_vec_add(&v, "--array=%u-%u", 0u, 9u);
	string_vec_add(&v, "%s", "with spaces and 100%");
	string_vec_add(&v, "%s", "");
	assert_false(v.failed);
	assert_int_equal(v.n, 4);
	argv = string_vec_finish(&v);
	assert_non_null(argv);
	assert_string_equal(argv[0], "sbatch");
	assert_string_equal(argv[1], "--array=0-9");
	assert_string_equal(argv[2], "with spaces and 100%");
	assert_string_equal(argv[3], "");
	assert_null(argv[4]);
	string_vec_free(argv);
}

/* The list stays NULL-terminated after every add, through its growth. */
static void many_items_survive_growth(void **state)
{
	struct string_vec v = { 0 };
	char want[32], **items;

	(void)state;
	for (unsigned i = 0; i < 1000; i++) {
		string_vec_add(&v, "VAR_%u=%u", i, i * i);
		assert_int_equal(v.n, i + 1);
		assert_null(v.item[v.n]);
		assert_true(v.capacity >= v.n + 1);
	}
	items = string_vec_finish(&v);
	assert_non_null(items);
	for (unsigned i = 0; i < 1000; i++) {
		snprintf(want, sizeof want, "VAR_%u=%u", i, i * i);
		assert_string_equal(items[i], want);
	}
	assert_null(items[1000]);
	string_vec_free(items);
}

/* Nothing added is not a failure: the list is empty, not missing. */
static void an_empty_list_is_handed_over(void **state)
{
	struct string_vec v = { 0 };
	char **items = string_vec_finish(&v);

	(void)state;
	assert_non_null(items);
	assert_null(items[0]);
	string_vec_free(items);
}

/* A remembered failure: later adds are dropped, finish frees and says NULL. */
static void a_failure_is_remembered_and_frees_the_list(void **state)
{
	struct string_vec v = { 0 };

	(void)state;
	string_vec_add(&v, "one");
	string_vec_add(&v, "two");
	v.failed = true;  /* as an allocation failure leaves it */
	string_vec_add(&v, "three");
	assert_int_equal(v.n, 2);
	assert_null(string_vec_finish(&v));  /* valgrind: nothing leaks */
}

static void a_failure_before_anything_was_added(void **state)
{
	struct string_vec v = { .failed = true };

	(void)state;
	string_vec_add(&v, "never");
	assert_int_equal(v.n, 0);
	assert_null(v.item);
	assert_null(string_vec_finish(&v));
}

static void free_takes_null(void **state)
{
	(void)state;
	string_vec_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(items_are_formatted_in_order),
		cmocka_unit_test(many_items_survive_growth),
		cmocka_unit_test(an_empty_list_is_handed_over),
		cmocka_unit_test(a_failure_is_remembered_and_frees_the_list),
		cmocka_unit_test(a_failure_before_anything_was_added),
		cmocka_unit_test(free_takes_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
