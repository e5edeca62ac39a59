/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for utf8_text: validity, the in-place fix, cuts on whole
 * characters, and JSON strings of text that is not UTF-8. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/util/utf8_text.h"

static void test_char_length(void **state)
{
	(void)state;
	assert_int_equal(utf8_char_length((const unsigned char *)"a"), 1);
	assert_int_equal(utf8_char_length((const unsigned char *)"\xc3\xa9"), 2);
	assert_int_equal(utf8_char_length((const unsigned char *)"\xe2\x82\xac"), 3);
	assert_int_equal(utf8_char_length((const unsigned char *)"\xf0\x9f\x98\x80"), 4);
	assert_int_equal(utf8_char_length((const unsigned char *)"\xe9t"), 0);       /* Latin-1 */
	assert_int_equal(utf8_char_length((const unsigned char *)"\x80"), 0);        /* stray */
	assert_int_equal(utf8_char_length((const unsigned char *)"\xc0\xaf"), 0);    /* overlong */
	assert_int_equal(utf8_char_length((const unsigned char *)"\xed\xa0\x80"), 0); /* surrogate */
	assert_int_equal(utf8_char_length((const unsigned char *)"\xf4\x90\x80\x80"), 0);
	assert_int_equal(utf8_char_length((const unsigned char *)"\xe2\x82"), 0);    /* cut */
}

static void test_fix(void **state)
{
	char text[] = "caf\xe9 \xe2\x82\xac ok \xff\xfe \xe2\x82";

	(void)state;
	utf8_fix(text);
	assert_string_equal(text, "caf? \xe2\x82\xac ok ?? ??");
	utf8_fix(NULL);
}

static void test_whole(void **state)
{
	const char *euro = "ab\xe2\x82\xac";

	(void)state;
	assert_int_equal(utf8_whole(euro, 5), 5);
	assert_int_equal(utf8_whole(euro, 4), 2);   /* two of its three bytes: cut before */
	assert_int_equal(utf8_whole(euro, 3), 2);
	assert_int_equal(utf8_whole(euro, 2), 2);
	assert_int_equal(utf8_whole(euro, 0), 0);
}

static void test_json_text(void **state)
{
	json_t *valid = json_text("caf\xc3\xa9"), *latin = json_text("caf\xe9 failed");

	(void)state;
	assert_null(json_string("caf\xe9 failed"));   /* why json_text exists */
	assert_non_null(valid);
	assert_string_equal(json_string_value(valid), "caf\xc3\xa9");
	assert_non_null(latin);
	assert_string_equal(json_string_value(latin), "caf? failed");
	assert_null(json_text(NULL));
	json_decref(valid);
	json_decref(latin);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_char_length),
		cmocka_unit_test(test_fix),
		cmocka_unit_test(test_whole),
		cmocka_unit_test(test_json_text),
	};

	return cmocka_run_group_tests_name("utf8_text", tests, NULL, NULL);
}
