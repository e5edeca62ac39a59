/* SPDX-License-Identifier: GPL-2.0-or-later */
/* shell_quote.h: which words are safe bare, the exact quoting of each kind
 * of value (empty, spaces, single quotes, substitutions, newlines), the
 * one-line $'...' form for control characters, appending after what the
 * buffer holds, and a round trip through bash: every value comes back from
 * `printf %s QUOTED` byte for byte, nothing expanded or run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/util/shell_quote.h"
#include "lib/util/strbuf.h"
#include "test/tmpdir.h"

#define COUNT(a) (sizeof (a) / sizeof (a)[0])

static const char *const nasty[] = {
	"plain", "", "a b", "it's", "'", "''", "$(touch pwned)", "`id`", "$HOME",
	"${x:-y}", "a\nb", "tab\there", "back\\slash", "\\'", "*", "~", "{a,b}", "!x",
	"semi;colon|pipe&amp>out<in", "\x7f", ("\x01" "f"), "caf\xc3\xa9", "-n", "\"dq\"",
	"\n", "end\\", "'\n'",
};

/* The quoted form of value, by shell_quote or shell_quote_line. */
static char *quoted(int (*quote)(struct strbuf *, const char *), const char *value)
{
	struct strbuf sb = { 0 };

	assert_int_equal(quote(&sb, value), 0);
	return strbuf_release(&sb);
}

static void expect_quote(int (*quote)(struct strbuf *, const char *), const char *value,
			 const char *want)
{
	char *got = quoted(quote, value);

	assert_string_equal(got, want);
	free(got);
}

static void safe_words_are_exactly_the_listed_characters(void **state)
{
	static const char *const unsafe[] = {
		"", "a b", "a'b", "$x", "~", "*", "?", "a\n", "caf\xc3\xa9", "a;b", "{a}",
		"a\\b", "\"", "`", "!", "#", "&", "(", "[", "^", "\t",
	};

	(void)state;
	assert_true(shell_word_is_safe("abcxyzABCXYZ0189_-./:=,+@%"));
	assert_true(shell_word_is_safe("/path/to/run-1/logs"));
	assert_true(shell_word_is_safe("--array=0-9%4"));
	for (size_t i = 0; i < COUNT(unsafe); i++)
		if (shell_word_is_safe(unsafe[i]))
			fail_msg("'%s' taken as safe", unsafe[i]);
}

static void quote_rules(void **state)
{
	(void)state;
	expect_quote(shell_quote, "abc", "abc");
	expect_quote(shell_quote, "--mem=4G", "--mem=4G");
	expect_quote(shell_quote, "", "''");
	expect_quote(shell_quote, "a b", "'a b'");
	expect_quote(shell_quote, "it's", "'it'\\''s'");
	expect_quote(shell_quote, "'", "''\\'''");
	expect_quote(shell_quote, "''", "''\\'''\\'''");
	expect_quote(shell_quote, "x'", "'x'\\'''");
	expect_quote(shell_quote, "$(touch pwned)", "'$(touch pwned)'");
	expect_quote(shell_quote, "a\nb", "'a\nb'");  /* may span lines */
	expect_quote(shell_quote, "back\\slash", "'back\\slash'");
}

static void quote_line_rules(void **state)
{
	(void)state;
	/* no control character: the same as shell_quote */
	expect_quote(shell_quote_line, "abc", "abc");
	expect_quote(shell_quote_line, "", "''");
	expect_quote(shell_quote_line, "it's", "'it'\\''s'");
	expect_quote(shell_quote_line, "back\\slash", "'back\\slash'");
	/* control characters: $'...' with \xHH, \' and \\ */
	expect_quote(shell_quote_line, "a\nb", "$'a\\x0ab'");
	expect_quote(shell_quote_line, "it's\n", "$'it\\'s\\x0a'");
	expect_quote(shell_quote_line, "b\\s\t", "$'b\\\\s\\x09'");
	expect_quote(shell_quote_line, "\x7f", "$'\\x7f'");
	expect_quote(shell_quote_line, "\x1f$(id)", "$'\\x1f$(id)'");
}

static void quoted_lines_hold_no_control_character(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(nasty); i++) {
		char *got = quoted(shell_quote_line, nasty[i]);

		for (const unsigned char *p = (const unsigned char *)got; *p; p++)
			if (*p < 0x20 || *p == 0x7f)
				fail_msg("control character 0x%02x in the quoting of item %zu",
					 *p, i);
		free(got);
	}
}

static void quoting_appends_to_what_is_there(void **state)
{
	struct strbuf sb = { 0 };

	(void)state;
	assert_int_equal(strbuf_puts(&sb, "echo "), 0);
	assert_int_equal(shell_quote(&sb, "a b"), 0);
	assert_int_equal(strbuf_puts(&sb, " "), 0);
	assert_int_equal(shell_quote_line(&sb, "c\nd"), 0);
	assert_int_equal(strbuf_puts(&sb, " "), 0);
	assert_int_equal(shell_quote(&sb, "e"), 0);
	assert_string_equal(sb.text, "echo 'a b' $'c\\x0ad' e");
	strbuf_free(&sb);
}

/* What bash, in dir, prints for `printf %s QUOTED`, QUOTED made by quote. */
static char *through_bash(const char *dir, int (*quote)(struct strbuf *, const char *),
			  const char *value)
{
	struct strbuf script = { 0 }, command = { 0 }, out = { 0 };
	char buf[256];
	size_t n;
	FILE *pipe;

	assert_int_equal(strbuf_puts(&script, "printf %s "), 0);
	assert_int_equal(quote(&script, value), 0);
	/* /bin/sh runs bash with the script as one single-quoted word */
	assert_int_equal(strbuf_puts(&command, "cd "), 0);
	assert_int_equal(shell_quote(&command, dir), 0);
	assert_int_equal(strbuf_puts(&command, " && exec bash --norc -c "), 0);
	assert_int_equal(shell_quote(&command, script.text), 0);
	assert_non_null(pipe = popen(command.text, "r"));
	while ((n = fread(buf, 1, sizeof buf, pipe)) > 0)
		assert_int_equal(strbuf_append(&out, buf, n), 0);
	assert_int_equal(pclose(pipe), 0);
	strbuf_free(&script);
	strbuf_free(&command);
	return strbuf_release(&out);
}

static void bash_reads_every_value_back(void **state)
{
	char *dir = tmpdir_create(), *pwned;

	(void)state;
	for (size_t i = 0; i < COUNT(nasty); i++) {
		char *plain = through_bash(dir, shell_quote, nasty[i]);
		char *line = through_bash(dir, shell_quote_line, nasty[i]);

		assert_string_equal(plain, nasty[i]);
		assert_string_equal(line, nasty[i]);
		free(plain);
		free(line);
	}
	pwned = tmpdir_read(dir, "pwned");  /* nothing was run */
	assert_null(pwned);
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(safe_words_are_exactly_the_listed_characters),
		cmocka_unit_test(quote_rules),
		cmocka_unit_test(quote_line_rules),
		cmocka_unit_test(quoted_lines_hold_no_control_character),
		cmocka_unit_test(quoting_appends_to_what_is_there),
		cmocka_unit_test(bash_reads_every_value_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
