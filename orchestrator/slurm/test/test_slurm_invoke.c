/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running one Slurm command: success and its output, each way of failing
 * phrased once with the command's error line, the environment added, and
 * the helpers that pick that line and join job ids. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "lib/util/exit_codes.h"
#include "slurm/slurm_invoke.h"
#include "test/tmpdir.h"
#include "testing/slurm_shims.h"

struct fixture {
	char *dir, *old_path;
	struct command_result result;
	struct error err;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	f->dir = tmpdir_create();
	f->old_path = slurm_shims_install(f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	command_result_free(&f->result);
	slurm_shims_remove(f->old_path);
	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

/* A program of our own on PATH (the shims' directory). */
static void script(struct fixture *f, const char *name, const char *body)
{
	char path[4200], text[1024];

	snprintf(text, sizeof text, "#!/bin/sh\n%s\n", body);
	tmpdir_write(f->dir, name, text);
	snprintf(path, sizeof path, "%s/%s", f->dir, name);
	assert_int_equal(chmod(path, 0755), 0);
}

static int invoke(struct fixture *f, const char *const *argv, const char *const *env,
		  unsigned timeout_s)
{
	return slurm_invoke(argv, env, timeout_s, &f->result, &f->err);
}

static void success_keeps_the_output(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = { "squeue", "--jobs=12", "-h", NULL };

	tmpdir_write(f->dir, "squeue.out", "12 RUNNING\n");
	tmpdir_write(f->dir, "squeue.err", "a warning\n");
	assert_int_equal(invoke(f, argv, NULL, 0), 0);
	assert_string_equal(f->result.out.text, "12 RUNNING\n");
	assert_string_equal(f->result.err.text, "a warning\n");
	assert_int_equal(slurm_shims_calls_with(f->dir, "squeue", "[--jobs=12] [-h]"), 1);
}

static void a_failure_quotes_its_error_line(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = { "scontrol", "show", "job", "9", NULL };

	tmpdir_write(f->dir, "scontrol.out", "partial output\n");
	tmpdir_write(f->dir, "scontrol.err", "\nnote: retrying\n"
					     "slurm_load_jobs error: Invalid job id specified\n");
	tmpdir_write(f->dir, "scontrol.rc", "1\n");
	assert_int_equal(invoke(f, argv, NULL, 0), -1);
	assert_string_equal(f->err.text, "scontrol failed (exited with status 1): "
					 "slurm_load_jobs error: Invalid job id specified");
	assert_int_equal(f->err.exit_code, SCALABLE_EXIT_SYSTEM);
	/* the output is kept for a closer look */
	assert_string_equal(f->result.out.text, "partial output\n");
	assert_non_null(strstr(f->result.err.text, "Invalid job id"));
}

static void without_stderr_stdout_speaks(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = { "sacct", NULL };

	tmpdir_write(f->dir, "sacct.out", "\n\nsacct: accounting storage is disabled\n");
	tmpdir_write(f->dir, "sacct.rc", "2\n");
	assert_int_equal(invoke(f, argv, NULL, 0), -1);
	assert_string_equal(f->err.text, "sacct failed (exited with status 2): "
					 "sacct: accounting storage is disabled");
}

static void a_silent_failure_says_only_how(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = { "scancel", "7", NULL };

	tmpdir_write(f->dir, "scancel.rc", "1\n");
	assert_int_equal(invoke(f, argv, NULL, 0), -1);
	assert_string_equal(f->err.text, "scancel failed (exited with status 1)");
	assert_int_equal(f->err.exit_code, SCALABLE_EXIT_SYSTEM);
}

static void a_signal_is_named(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = { "sinfo-killed", NULL };

	script(f, "sinfo-killed", "echo 'sinfo: error: lost' >&2\nkill -KILL $$");
	assert_int_equal(invoke(f, argv, NULL, 0), -1);
	assert_string_equal(f->err.text, "sinfo-killed failed (killed by signal 9 (Killed)): "
					 "sinfo: error: lost");
	assert_int_equal(f->err.exit_code, SCALABLE_EXIT_SYSTEM);
}

static void a_missing_program_is_not_run(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = { "scalable-no-such-slurm-command", NULL };

	assert_int_equal(invoke(f, argv, NULL, 0), -1);
	assert_int_equal(f->result.end, COMMAND_NOT_RUN);
	assert_non_null(strstr(f->err.text, "cannot run scalable-no-such-slurm-command"));
	assert_non_null(strstr(f->err.text, "not found on PATH"));
	assert_null(strstr(f->err.text, "failed ("));
	assert_int_equal(f->err.exit_code, SCALABLE_EXIT_SYSTEM);
}

static void the_environment_is_added(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = { "show-env", NULL };
	const char *env[] = { "SCALABLE_TEST_EXTRA=yes", NULL };

	unsetenv("SLURM_TIME_FORMAT");
	unsetenv("SLURM_BITSTR_LEN");
	unsetenv("SCALABLE_TEST_EXTRA");
	script(f, "show-env", "echo \"$SLURM_TIME_FORMAT|$SLURM_BITSTR_LEN|$SCALABLE_TEST_EXTRA\"");
	assert_int_equal(invoke(f, argv, slurm_read_env, 0), 0);
	assert_string_equal(f->result.out.text, "%s|0|\n");
	command_result_free(&f->result);
	assert_int_equal(invoke(f, argv, env, 0), 0);
	assert_string_equal(f->result.out.text, "||yes\n");
}

/* The program sleeps far longer than the timeout: no race decides this. */
static void a_hung_command_times_out(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = { "hang", NULL };

	script(f, "hang", "exec sleep 300");
	assert_int_equal(invoke(f, argv, NULL, 1), -1);
	assert_int_equal(f->result.end, COMMAND_TIMED_OUT);
	assert_non_null(strstr(f->err.text, "hang failed (timed out after 1 s"));
}

static void id_lists(void **state)
{
	const uint32_t ids[] = { 12, 13, 4294967295u };
	char *s;

	(void)state;
	assert_string_equal(s = slurm_id_list("--jobs=", ids, 3), "--jobs=12,13,4294967295");
	free(s);
	assert_string_equal(s = slurm_id_list("--jobs=", ids, 1), "--jobs=12");
	free(s);
	assert_string_equal(s = slurm_id_list("--jobs=", ids, 0), "--jobs=");
	free(s);
	assert_string_equal(s = slurm_id_list("", ids + 1, 2), "13,4294967295");
	free(s);
}

static void the_error_line_is_picked(void **state)
{
	char buf[64];

	(void)state;
	slurm_error_line("first\nsecond: ERROR here\nthird error\n", buf, sizeof buf);
	assert_string_equal(buf, "second: ERROR here");
	slurm_error_line("\n\n  \nplain trouble\nmore\n", buf, sizeof buf);
	assert_string_equal(buf, "  ");  /* blank is not empty */
	slurm_error_line("\n\nplain trouble\nmore\n", buf, sizeof buf);
	assert_string_equal(buf, "plain trouble");
	slurm_error_line("last line Error", buf, sizeof buf);
	assert_string_equal(buf, "last line Error");
	slurm_error_line("", buf, sizeof buf);
	assert_string_equal(buf, "");
	slurm_error_line("\n\n\n", buf, sizeof buf);
	assert_string_equal(buf, "");
	strcpy(buf, "stale");
	slurm_error_line(NULL, buf, sizeof buf);
	assert_string_equal(buf, "");
}

static void the_error_line_is_cut_to_fit(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'x', sizeof buf);
	slurm_error_line("error: something long\n", buf, sizeof buf);
	assert_string_equal(buf, "error: ");
	slurm_error_line("ab\n", buf, 3);
	assert_string_equal(buf, "ab");
}

static void contains_looks_at_one_line(void **state)
{
	(void)state;
	assert_true(slurm_line_contains("Invalid job id specified", "invalid"));
	assert_true(slurm_line_contains("x ERROR y\nz", "error"));
	assert_true(slurm_line_contains("error", "error"));
	assert_true(slurm_line_contains("the end: eRRoR", "Error"));
	assert_false(slurm_line_contains("fine\nerror on the next line", "error"));
	assert_false(slurm_line_contains("erro", "error"));
	assert_false(slurm_line_contains("", "error"));
	assert_false(slurm_line_contains("\nerror", "error"));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(success_keeps_the_output),
		T(a_failure_quotes_its_error_line),
		T(without_stderr_stdout_speaks),
		T(a_silent_failure_says_only_how),
		T(a_signal_is_named),
		T(a_missing_program_is_not_run),
		T(the_environment_is_added),
		T(a_hung_command_times_out),
		cmocka_unit_test(id_lists),
		cmocka_unit_test(the_error_line_is_picked),
		cmocka_unit_test(the_error_line_is_cut_to_fit),
		cmocka_unit_test(contains_looks_at_one_line),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
