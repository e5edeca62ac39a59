/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for templates and shell quoting, including values that a shell
 * would run if they were not quoted, run through /bin/sh to prove they stay
 * text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/util/shell_quote.h"
#include "lib/template/template.h"
#include "test/tmpdir.h"

/* A resolver: "name" is a literal, "param" a runtime variable, "code" code,
 * "nasty" a literal that would run a command if it were not quoted. */
static bool resolve(void *ctx, const char *name, struct template_value *v)
{
	(void)ctx;
	if (strcmp(name, "name") == 0)
		*v = (struct template_value){ TEMPLATE_LITERAL, "it's here" };
	else if (strcmp(name, "safe") == 0)
		*v = (struct template_value){ TEMPLATE_LITERAL, "north-2030" };
	else if (strcmp(name, "param") == 0)
		*v = (struct template_value){ TEMPLATE_VARIABLE, "SCALABLE_PARAM_PARAM" };
	else if (strcmp(name, "code") == 0)
		*v = (struct template_value){ TEMPLATE_CODE, "echo $((1 + 2))" };
	else if (strcmp(name, "nasty") == 0)
		*v = (struct template_value){ TEMPLATE_LITERAL, "$(touch pwned) `touch pwned` ; touch pwned" };
	else
		return false;
	return true;
}

/* Compiles and renders text, failing the test on any error. */
static char *render(const char *text)
{
	struct template *tmpl;
	struct strbuf out = { 0 };
	struct error err;

	if (template_compile(text, "t.tmpl", 1, 1, &tmpl, &err) != 0 ||
	    template_render(tmpl, resolve, NULL, &out, &err) != 0)
		fail_msg("%s", err.text);
	template_free(tmpl);
	return strbuf_release(&out);
}

static void test_render_kinds(void **state)
{
	char *text;

	(void)state;
	text = render("a {{ name }} b {{safe}} c {{ param }} d {{ param | raw }} e {{ code }}\n");
	assert_string_equal(text, "a 'it'\\''s here' b north-2030 c \"${SCALABLE_PARAM_PARAM}\" "
				  "d ${SCALABLE_PARAM_PARAM} e echo $((1 + 2))\n");
	free(text);
	text = render("{{ name | raw }}");
	assert_string_equal(text, "it's here");
	free(text);
	text = render("no placeholders, { single } braces");
	assert_string_equal(text, "no placeholders, { single } braces");
	free(text);
}

/* Compiles text expecting an error that contains where and what. */
static void expect_compile_error(const char *text, const char *where, const char *what)
{
	struct template *tmpl = NULL;
	struct error err;

	if (template_compile(text, "t.tmpl", 1, 1, &tmpl, &err) == 0) {
		template_free(tmpl);
		fail_msg("'%s' compiled", text);
	}
	if (!strstr(err.text, where) || !strstr(err.text, what))
		fail_msg("'%s' lacks '%s' or '%s'", err.text, where, what);
}

static void test_syntax_errors(void **state)
{
	(void)state;
	expect_compile_error("ok\n  {{ name\n}}", "t.tmpl:2:3:", "unclosed");
	expect_compile_error("{{ }}", "t.tmpl:1:1:", "bad placeholder");
	expect_compile_error("x {{ 9lives }}", "t.tmpl:1:3:", "bad placeholder");
	expect_compile_error("{{ a b }}", "t.tmpl:1:1:", "bad placeholder");
	expect_compile_error("\n\n   {{ a | upper }}", "t.tmpl:3:4:", "raw");
	expect_compile_error("{{ a | }}", "t.tmpl:1:1:", "bad placeholder");
}

/* The position given for an embedded template (a YAML value) is added in. */
static void test_check_positions_and_hints(void **state)
{
	static const char *const known[] = { "region", "year", NULL };
	struct template *tmpl;
	struct error err;

	(void)state;
	assert_int_equal(template_compile("run {{ name }} {{ regoin }}", "c.yaml", 7, 14,
					  &tmpl, &err), 0);
	assert_true(template_uses(tmpl, "regoin"));
	assert_false(template_uses(tmpl, "region"));
	assert_int_equal(template_check(tmpl, resolve, NULL, known, NULL, &err), -1);
	assert_non_null(strstr(err.text, "c.yaml:7:29: error: unknown placeholder 'regoin'"));
	assert_non_null(strstr(err.text, "did you mean 'region'?"));
	template_free(tmpl);
}

static void test_shell_quote_forms(void **state)
{
	static const struct {
		const char *value, *quoted, *line;
	} cases[] = {
		{ "plain-word_1.5/x:y=z,a+b@c%", "plain-word_1.5/x:y=z,a+b@c%", NULL },
		{ "", "''", NULL },
		{ "two words", "'two words'", NULL },
		{ "it's", "'it'\\''s'", NULL },
		{ "$HOME", "'$HOME'", NULL },
		{ "~", "'~'", NULL },
		{ "a\nb", "'a\nb'", "$'a\\x0ab'" },
		{ "tab\there 'q' \\", "'tab\there '\\''q'\\'' \\'", "$'tab\\x09here \\'q\\' \\\\'" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct strbuf a = { 0 }, b = { 0 };

		assert_int_equal(shell_quote(&a, cases[i].value), 0);
		assert_int_equal(shell_quote_line(&b, cases[i].value), 0);
		assert_string_equal(a.text, cases[i].quoted);
		assert_string_equal(b.text, cases[i].line ? cases[i].line : cases[i].quoted);
		strbuf_free(&a);
		strbuf_free(&b);
	}
}

/* Runs script with shell (e.g. "/bin/sh") in dir; returns its stdout. */
static char *run_shell(const char *shell, const char *dir, const char *script)
{
	char *command, *out;

	tmpdir_write(dir, "script", script);
	assert_true(asprintf(&command, "cd '%s' && %s ./script > out 2>&1", dir, shell) > 0);
	assert_int_equal(system(command), 0);
	free(command);
	out = tmpdir_read(dir, "out");
	assert_non_null(out);
	return out;
}

static bool exists(const char *dir, const char *name)
{
	char *path;
	struct stat st;
	bool found;

	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	found = stat(path, &st) == 0;
	free(path);
	return found;
}

/* Every hostile value, quoted and handed to /bin/sh and bash, stays text. */
static void test_quoted_values_stay_text(void **state)
{
	static const char *const hostile[] = {
		"$(touch pwned)", "`touch pwned`", "; touch pwned", "' ; touch pwned ; '",
		"\"; touch pwned; \"", "$(touch pwned)'\"", "a\n$(touch pwned)\nb",
		"&& touch pwned", "| touch pwned", "*", "${IFS}touch${IFS}pwned",
	};
	static const char *const shells[] = { "/bin/sh", "bash" };
	char *dir = tmpdir_create();

	(void)state;
	for (size_t s = 0; s < 2; s++) {
		for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
			struct strbuf script = { 0 };
			bool line_form = s == 1;   /* $'...' is bash's */
			char *out, *expected;

			strbuf_puts(&script, "printf '%s|' ");
			if (line_form)
				shell_quote_line(&script, hostile[i]);
			else
				shell_quote(&script, hostile[i]);
			strbuf_puts(&script, "\n");
			out = run_shell(shells[s], dir, script.text);
			assert_true(asprintf(&expected, "%s|", hostile[i]) > 0);
			assert_string_equal(out, expected);
			if (exists(dir, "pwned"))
				fail_msg("%s ran a command from %s", shells[s], hostile[i]);
			free(expected);
			free(out);
			strbuf_free(&script);
		}
	}
	tmpdir_remove(dir);
}

/* The {{ nasty }} placeholder of a rendered template does not run either. */
static void test_rendered_template_is_safe(void **state)
{
	char *dir = tmpdir_create();
	char *text = render("#!/bin/sh\necho {{ nasty }}\n");
	char *out = run_shell("/bin/sh", dir, text);

	(void)state;
	assert_string_equal(out, "$(touch pwned) `touch pwned` ; touch pwned\n");
	assert_false(exists(dir, "pwned"));
	free(out);
	free(text);
	tmpdir_remove(dir);
}

static void test_load_file(void **state)
{
	char *dir = tmpdir_create();
	char *path;
	struct template *tmpl;
	struct error err;

	(void)state;
	tmpdir_write(dir, "a.tmpl", "line1\n{{ name }}\n");
	assert_true(asprintf(&path, "%s/a.tmpl", dir) > 0);
	assert_int_equal(template_load(path, &tmpl, &err), 0);
	assert_true(template_uses(tmpl, "name"));
	template_free(tmpl);
	free(path);
	assert_int_equal(template_load("/nonexistent.tmpl", &tmpl, &err), -1);
	assert_non_null(strstr(err.text, "/nonexistent.tmpl"));
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_kinds),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_check_positions_and_hints),
		cmocka_unit_test(test_shell_quote_forms),
		cmocka_unit_test(test_quoted_values_stay_text),
		cmocka_unit_test(test_rendered_template_is_safe),
		cmocka_unit_test(test_load_file),
	};

	return cmocka_run_group_tests_name("template", tests, NULL, NULL);
}
