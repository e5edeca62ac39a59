/* SPDX-License-Identifier: GPL-2.0-or-later */
/* strbuf.h: appends of raw bytes, strings and formatted text grow the buffer
 * and keep it NUL-terminated; release hands the text over (never NULL, even
 * for a buffer nothing was appended to) and leaves the buffer empty and
 * reusable; free empties it too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/util/strbuf.h"

static void appends_keep_the_text_terminated(void **state)
{
	struct strbuf sb = { 0 };

	(void)state;
	assert_int_equal(strbuf_puts(&sb, "abc"), 0);
	assert_string_equal(sb.text, "abc");
	assert_int_equal(sb.len, 3);
	/* append takes len bytes, not up to the NUL */
	assert_int_equal(strbuf_append(&sb, "defXYZ", 3), 0);
	assert_string_equal(sb.text, "abcdef");
	assert_int_equal(sb.len, 6);
	assert_int_equal(strbuf_append(&sb, "", 0), 0);
	assert_string_equal(sb.text, "abcdef");
	assert_true(sb.capacity > sb.len);
	strbuf_free(&sb);
}

static void an_empty_append_still_makes_a_string(void **state)
{
	struct strbuf sb = { 0 };

	(void)state;
	assert_int_equal(strbuf_puts(&sb, ""), 0);
	assert_non_null(sb.text);
	assert_string_equal(sb.text, "");
	assert_int_equal(sb.len, 0);
	strbuf_free(&sb);
}

static void printf_formats_and_appends(void **state)
{
	struct strbuf sb = { 0 };

	(void)state;
	assert_int_equal(strbuf_puts(&sb, "n="), 0);
	assert_int_equal(strbuf_printf(&sb, "%d, s=%s, x=%04x", -42, "two", 0xbeefu), 0);
	assert_string_equal(sb.text, "n=-42, s=two, x=beef");
	assert_int_equal(sb.len, strlen("n=-42, s=two, x=beef"));
	/* an empty format changes nothing but is fine */
	assert_int_equal(strbuf_printf(&sb, "%s", ""), 0);
	assert_int_equal(sb.len, strlen("n=-42, s=two, x=beef"));
	strbuf_free(&sb);
}

/* Many appends across several doublings keep every byte in order. */
static void growth_keeps_every_byte(void **state)
{
	struct strbuf sb = { 0 };
	char expect[10001];

	(void)state;
	for (size_t i = 0; i < 10000; i++) {
		char c = (char)('a' + i % 26);

		expect[i] = c;
		if (i % 2)
			assert_int_equal(strbuf_append(&sb, &c, 1), 0);
		else
			assert_int_equal(strbuf_printf(&sb, "%c", c), 0);
	}
	expect[10000] = '\0';
	assert_int_equal(sb.len, 10000);
	assert_true(sb.capacity >= 10001);
	assert_string_equal(sb.text, expect);
	strbuf_free(&sb);
}

/* A single formatted item far bigger than the first allocation. */
static void printf_of_a_long_item_grows_in_one_go(void **state)
{
	struct strbuf sb = { 0 };
	char *big = malloc(5000);

	(void)state;
	assert_non_null(big);
	memset(big, 'q', 4999);
	big[4999] = '\0';
	assert_int_equal(strbuf_puts(&sb, "<"), 0);
	assert_int_equal(strbuf_printf(&sb, "%s>", big), 0);
	assert_int_equal(sb.len, 5001);
	assert_int_equal(sb.text[0], '<');
	assert_int_equal(sb.text[4999], 'q');
	assert_int_equal(sb.text[5000], '>');
	assert_int_equal(sb.text[5001], '\0');
	free(big);
	strbuf_free(&sb);
}

static void release_hands_over_and_empties(void **state)
{
	struct strbuf sb = { 0 };
	char *text;

	(void)state;
	assert_int_equal(strbuf_puts(&sb, "kept"), 0);
	text = strbuf_release(&sb);
	assert_string_equal(text, "kept");
	assert_null(sb.text);
	assert_int_equal(sb.len, 0);
	assert_int_equal(sb.capacity, 0);
	/* the buffer starts over and does not touch what it handed over */
	assert_int_equal(strbuf_puts(&sb, "new"), 0);
	assert_string_equal(sb.text, "new");
	assert_string_equal(text, "kept");
	free(text);
	strbuf_free(&sb);
}

static void release_of_nothing_is_an_empty_string(void **state)
{
	struct strbuf sb = { 0 };
	char *text = strbuf_release(&sb);

	(void)state;
	assert_non_null(text);
	assert_string_equal(text, "");
	assert_null(sb.text);
	free(text);
}

static void free_empties_and_can_be_repeated(void **state)
{
	struct strbuf sb = { 0 };

	(void)state;
	assert_int_equal(strbuf_puts(&sb, "x"), 0);
	strbuf_free(&sb);
	assert_null(sb.text);
	assert_int_equal(sb.len, 0);
	assert_int_equal(sb.capacity, 0);
	strbuf_free(&sb);  /* twice: nothing left to free */
	assert_int_equal(strbuf_puts(&sb, "again"), 0);
	assert_string_equal(sb.text, "again");
	strbuf_free(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(appends_keep_the_text_terminated),
		cmocka_unit_test(an_empty_append_still_makes_a_string),
		cmocka_unit_test(printf_formats_and_appends),
		cmocka_unit_test(growth_keeps_every_byte),
		cmocka_unit_test(printf_of_a_long_item_grows_in_one_go),
		cmocka_unit_test(release_hands_over_and_empties),
		cmocka_unit_test(release_of_nothing_is_an_empty_string),
		cmocka_unit_test(free_empties_and_can_be_repeated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
