/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The test seams' variables (test_seam.h): taken out of the environment
 * whatever the build; returned in a test build, where an armed seam says so
 * once; in a build without seams, never returned and said to be ignored. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/util/test_seam.h"

static FILE *captured;
static int saved_stderr = -1;

/* Sends stderr to a temporary file until said() reads it back. */
static void capture(void)
{
	fflush(stderr);
	captured = tmpfile();
	assert_non_null(captured);
	saved_stderr = dup(STDERR_FILENO);
	assert_true(dup2(fileno(captured), STDERR_FILENO) >= 0);
}

/* What went to stderr since capture(), into buf; stderr restored. */
static const char *said(char *buf, size_t len)
{
	size_t got;

	fflush(stderr);
	assert_true(dup2(saved_stderr, STDERR_FILENO) >= 0);
	close(saved_stderr);
	rewind(captured);
	got = fread(buf, 1, len - 1, captured);
	buf[got] = '\0';
	fclose(captured);
	return buf;
}

static void unset_or_empty_gives_nothing_and_is_taken_out(void **state)
{
	char buf[256];

	(void)state;
	capture();
	unsetenv("SCALABLE_SEAM_X");
	assert_null(test_seam_take("SCALABLE_SEAM_X"));
	setenv("SCALABLE_SEAM_X", "", 1);
	assert_null(test_seam_take("SCALABLE_SEAM_X"));
	assert_null(getenv("SCALABLE_SEAM_X"));
	assert_string_equal(said(buf, sizeof buf), "");
}

#ifdef SCALABLE_TEST_SEAMS
static void a_value_is_returned_and_taken_out(void **state)
{
	char *value, buf[256];

	(void)state;
	capture();
	setenv("SCALABLE_SEAM_X", "intent:2", 1);
	value = test_seam_take("SCALABLE_SEAM_X");
	assert_string_equal(said(buf, sizeof buf), "");
	assert_non_null(value);
	assert_string_equal(value, "intent:2");
	assert_null(getenv("SCALABLE_SEAM_X"));
	free(value);
}

static void armed_is_said_once(void **state)
{
	bool told = false;
	char buf[256];

	(void)state;
	capture();
	test_seam_announce(&told, "SCALABLE_SEAM_X", "7");
	test_seam_announce(&told, "SCALABLE_SEAM_X", "7");
	assert_string_equal(said(buf, sizeof buf), "scalable: test seam armed: SCALABLE_SEAM_X=7\n");
	assert_true(told);
	assert_string_equal(TEST_SEAMS_NOTE, " (test seams compiled in)");
}
#else
static void a_value_is_ignored_said_so_and_taken_out(void **state)
{
	char buf[256];

	(void)state;
	capture();
	setenv("SCALABLE_SEAM_X", "intent:2", 1);
	assert_null(test_seam_take("SCALABLE_SEAM_X"));
	assert_string_equal(said(buf, sizeof buf),
			    "scalable: SCALABLE_SEAM_X ignored: this build has no test seams\n");
	assert_null(getenv("SCALABLE_SEAM_X"));
	assert_string_equal(TEST_SEAMS_NOTE, "");
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unset_or_empty_gives_nothing_and_is_taken_out),
#ifdef SCALABLE_TEST_SEAMS
		cmocka_unit_test(a_value_is_returned_and_taken_out),
		cmocka_unit_test(armed_is_said_once),
#else
		cmocka_unit_test(a_value_is_ignored_said_so_and_taken_out),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
