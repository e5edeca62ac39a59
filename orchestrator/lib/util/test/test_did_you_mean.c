/* SPDX-License-Identifier: GPL-2.0-or-later */
/* did_you_mean.h: the edit distance (Levenshtein plus a swap of neighbours
 * as one edit, symmetric, empty strings included) and the suggestion rules:
 * the nearest candidate wins whatever the order, and only when it is at most
 * a third of the word's length away (at least 1 away allowed, for short
 * words); nothing when no candidate is that close or there are none. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/util/did_you_mean.h"

#define COUNT(a) (sizeof (a) / sizeof (a)[0])

/* Checks the distance both ways round. */
static void expect_distance(const char *a, const char *b, size_t want)
{
	assert_int_equal(edit_distance(a, b), want);
	assert_int_equal(edit_distance(b, a), want);
}

static void distance_counts_single_edits(void **state)
{
	(void)state;
	expect_distance("", "", 0);
	expect_distance("same", "same", 0);
	expect_distance("", "abc", 3);
	expect_distance("abc", "abd", 1);     /* substitution */
	expect_distance("abc", "abxc", 1);    /* insertion */
	expect_distance("abc", "ac", 1);      /* deletion */
	expect_distance("kitten", "sitting", 3);
	expect_distance("flaw", "lawn", 2);
	expect_distance("abc", "xyz", 3);
}

static void a_swap_of_neighbours_is_one_edit(void **state)
{
	(void)state;
	expect_distance("step", "stpe", 1);
	expect_distance("ab", "ba", 1);
	expect_distance("tempalte", "template", 1);
	expect_distance("abcd", "badc", 2);   /* two separate swaps */
	expect_distance("abc", "cba", 2);     /* not neighbours: two edits */
}

static void the_nearest_candidate_wins(void **state)
{
	static const char *const one_way[] = { "temple", "template", "tempest" };
	static const char *const other_way[] = { "template", "tempest", "temple" };

	(void)state;
	/* temple is 2 away, also within the limit, but template is 1 away */
	assert_string_equal(did_you_mean("tempalte", one_way, COUNT(one_way)), "template");
	assert_string_equal(did_you_mean("tempalte", other_way, COUNT(other_way)),
			    "template");
}

static void a_typo_gets_its_word(void **state)
{
	static const char *const keys[] = { "memory", "walltime", "cpus", "partition" };

	(void)state;
	assert_string_equal(did_you_mean("memroy", keys, COUNT(keys)), "memory");
	assert_string_equal(did_you_mean("waltime", keys, COUNT(keys)), "walltime");
	assert_string_equal(did_you_mean("cpu", keys, COUNT(keys)), "cpus");
	assert_string_equal(did_you_mean("partitoin", keys, COUNT(keys)), "partition");
	assert_null(did_you_mean("gpus_per_node", keys, COUNT(keys)));
}

/* A word of 9 characters may be 3 edits away, not 4. */
static void the_limit_is_a_third_of_the_length(void **state)
{
	static const char *const three[] = { "abcdefxyz" };
	static const char *const four[] = { "abcdewxyz" };
	static const char *const six_of_seven[] = { "abcdexy" };  /* 7 -> 2 */
	static const char *const seven_of_seven[] = { "abcdxyz" };

	(void)state;
	assert_string_equal(did_you_mean("abcdefghi", three, 1), "abcdefxyz");
	assert_null(did_you_mean("abcdefghi", four, 1));
	assert_string_equal(did_you_mean("abcdefg", six_of_seven, 1), "abcdexy");
	assert_null(did_you_mean("abcdefg", seven_of_seven, 1));
}

/* Words shorter than 3 characters still get one edit. */
static void short_words_may_be_one_edit_away(void **state)
{
	static const char *const one_away[] = { "ab" };
	static const char *const two_away[] = { "xy" };
	static const char *const longer[] = { "abc" };

	(void)state;
	assert_string_equal(did_you_mean("a", one_away, 1), "ab");
	assert_string_equal(did_you_mean("ax", one_away, 1), "ab");
	assert_null(did_you_mean("ab", two_away, 1));
	assert_null(did_you_mean("a", longer, 1));     /* two insertions */
	assert_string_equal(did_you_mean("abd", longer, 1), "abc");
	assert_null(did_you_mean("axy", longer, 1));
}

static void no_candidates_no_suggestion(void **state)
{
	static const char *const none[] = { NULL };

	(void)state;
	assert_null(did_you_mean("memory", none, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(distance_counts_single_edits),
		cmocka_unit_test(a_swap_of_neighbours_is_one_edit),
		cmocka_unit_test(the_nearest_candidate_wins),
		cmocka_unit_test(a_typo_gets_its_word),
		cmocka_unit_test(the_limit_is_a_third_of_the_length),
		cmocka_unit_test(short_words_may_be_one_edit_away),
		cmocka_unit_test(no_candidates_no_suggestion),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
