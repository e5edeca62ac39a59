/* SPDX-License-Identifier: GPL-2.0-or-later */
/* error.h: error_at writes "FILE:LINE:COL: error: WHAT" with exit code 2
 * (through its va_list twin too), error_usage writes the message alone
 * with exit code 2, error_system appends ": strerror(errno)" with exit
 * code 3; an over-long message is cut to the buffer, still terminated, and
 * a later error replaces an earlier one whole. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/util/error.h"
#include "lib/util/exit_codes.h"

static void at_names_file_line_and_column(void **state)
{
	struct error err = { 0 };

	(void)state;
	error_at(&err, "scalable.yaml", 12, 7, "unknown key '%s' (expected %s)", "memroy",
		 "memory");
	assert_string_equal(err.text,
			    "scalable.yaml:12:7: error: unknown key 'memroy' (expected memory)");
	assert_int_equal(err.exit_code, SCALABLE_EXIT_USAGE);
	error_at(&err, "a/b.yaml", 0, 0, "empty");
	assert_string_equal(err.text, "a/b.yaml:0:0: error: empty");
}

/* What a parser with its own variadic reporter passes on. */
static void report(struct error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void report(struct error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_at_v(err, "x.yaml", 4294967295u, 1, fmt, ap);
	va_end(ap);
}

static void at_v_takes_a_va_list(void **state)
{
	struct error err = { 0 };

	(void)state;
	report(&err, "%d items, %s", 3, "too many");
	assert_string_equal(err.text, "x.yaml:4294967295:1: error: 3 items, too many");
	assert_int_equal(err.exit_code, SCALABLE_EXIT_USAGE);
}

static void usage_is_the_message_alone(void **state)
{
	struct error err = { .exit_code = 99 };

	(void)state;
	error_usage(&err, "--%s needs a value", "run");
	assert_string_equal(err.text, "--run needs a value");
	assert_int_equal(err.exit_code, SCALABLE_EXIT_USAGE);
}

static void system_appends_strerror(void **state)
{
	struct error err = { 0 };
	char want[256];

	(void)state;
	errno = ENOENT;
	error_system(&err, "cannot open %s", "/nope");
	snprintf(want, sizeof want, "cannot open /nope: %s", strerror(ENOENT));
	assert_string_equal(err.text, want);
	assert_int_equal(err.exit_code, SCALABLE_EXIT_SYSTEM);
	errno = EACCES;
	error_system(&err, "cannot write %s", "x");
	snprintf(want, sizeof want, "cannot write x: %s", strerror(EACCES));
	assert_string_equal(err.text, want);
}

/* A later error replaces the text and the exit code of an earlier one. */
static void a_later_error_replaces_the_first(void **state)
{
	struct error err = { 0 };

	(void)state;
	errno = EIO;
	error_system(&err, "a very long first message that is longer than the second");
	error_usage(&err, "short");
	assert_string_equal(err.text, "short");
	assert_int_equal(err.exit_code, SCALABLE_EXIT_USAGE);
	error_at(&err, "f", 1, 2, "g");
	assert_string_equal(err.text, "f:1:2: error: g");
}

/* Messages longer than the buffer are cut, terminated, and keep their start. */
static void long_messages_are_cut(void **state)
{
	struct error err;
	char big[3000];

	(void)state;
	memset(big, 'z', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	memset(&err, 'Q', sizeof err);
	error_usage(&err, "%s", big);
	assert_non_null(memchr(err.text, '\0', sizeof err.text));
	assert_int_equal(strlen(err.text), sizeof err.text - 1);
	assert_int_equal(err.text[0], 'z');

	memset(&err, 'Q', sizeof err);
	error_at(&err, "conf.yaml", 3, 4, "%s", big);
	assert_int_equal(strlen(err.text), sizeof err.text - 1);
	assert_memory_equal(err.text, "conf.yaml:3:4: error: zzz", 25);

	memset(&err, 'Q', sizeof err);
	errno = ENOENT;
	error_system(&err, "%s", big);
	assert_int_equal(strlen(err.text), sizeof err.text - 1);
	assert_int_equal(err.exit_code, SCALABLE_EXIT_SYSTEM);
}

/* A file name longer than the buffer: the message is kept, terminated. */
static void a_huge_file_name_is_survived(void **state)
{
	struct error err;
	char big[2000];

	(void)state;
	memset(big, 'f', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	memset(&err, 'Q', sizeof err);
	error_at(&err, big, 1, 1, "bad key");
	assert_non_null(memchr(err.text, '\0', sizeof err.text));
	assert_non_null(strstr(err.text, "bad key"));
	assert_int_equal(err.exit_code, SCALABLE_EXIT_USAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(at_names_file_line_and_column),
		cmocka_unit_test(at_v_takes_a_va_list),
		cmocka_unit_test(usage_is_the_message_alone),
		cmocka_unit_test(system_appends_strerror),
		cmocka_unit_test(a_later_error_replaces_the_first),
		cmocka_unit_test(long_messages_are_cut),
		cmocka_unit_test(a_huge_file_name_is_survived),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
