/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for orchestrator/command_runner: capture, timeouts, errors. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/util/secret_env.h"
#include "lib/subprocess/command_runner.h"
#include "test/tmpdir.h"

#define BIG (1500 * 1000)

static double seconds_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Runs /bin/sh -c script with the given options; fails the test if it
 * could not start. */
static void run_sh(const char *script, const struct command_options *o, struct command_result *r)
{
	const char *argv[] = { "sh", "-c", script, NULL };

	if (command_run(argv, o, r) != 0)
		fail_msg("sh did not start: %s", r->error);
}

static size_t count_char(const struct strbuf *sb, char c)
{
	size_t n = 0;

	for (size_t i = 0; i < sb->len; i++)
		n += sb->text[i] == c;
	return n;
}

static void test_captures_both_streams_and_status(void **state)
{
	struct command_result r;

	(void)state;
	run_sh("echo out; echo err >&2; exit 3", NULL, &r);
	assert_int_equal(r.end, COMMAND_EXITED);
	assert_int_equal(r.exit_code, 3);
	assert_string_equal(r.out.text, "out\n");
	assert_string_equal(r.err.text, "err\n");
	assert_false(command_succeeded(&r));
	command_result_free(&r);
}

/* Both streams fill far beyond a pipe's buffer at the same time. */
static void test_big_output_on_both_streams(void **state)
{
	struct command_result r;

	(void)state;
	run_sh("yes o | head -c 1500000 & yes e | head -c 1500000 >&2; wait", NULL, &r);
	assert_true(command_succeeded(&r));
	assert_int_equal(r.out.len, BIG);
	assert_int_equal(r.err.len, BIG);
	assert_int_equal(count_char(&r.out, 'o'), BIG / 2);
	assert_int_equal(count_char(&r.err, 'e'), BIG / 2);
	assert_false(r.out_truncated || r.err_truncated);
	command_result_free(&r);
}

static void test_output_cap(void **state)
{
	struct command_options o = { .max_output = 1000 };
	struct command_result r;

	(void)state;
	run_sh("yes | head -c 100000", &o, &r);
	assert_true(command_succeeded(&r));
	assert_int_equal(r.out.len, 1000);
	assert_true(r.out_truncated);
	assert_false(r.err_truncated);
	command_result_free(&r);
}

/* True once pid no longer exists (or is a zombie awaiting its new parent). */
static bool gone(pid_t pid)
{
	char path[64], buf[512];
	FILE *f;
	bool zombie = false;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return true;
	if (fgets(buf, sizeof buf, f)) {
		char *paren = strrchr(buf, ')');

		zombie = paren && paren[1] == ' ' && paren[2] == 'Z';
	}
	fclose(f);
	return zombie;
}

/* The timeout ends the whole process group, background children included,
 * although they hold the output pipes open. */
static void test_timeout_kills_the_group(void **state)
{
	struct command_options o = { .timeout_ms = 300, .grace_ms = 500 };
	struct command_result r;
	double start = seconds_now();
	long grandchild;

	(void)state;
	run_sh("sleep 30 & echo $!; sleep 30", &o, &r);
	assert_true(seconds_now() - start < 5);
	assert_int_equal(r.end, COMMAND_TIMED_OUT);
	assert_int_equal(r.signal, SIGTERM);
	assert_non_null(r.out.text);
	grandchild = strtol(r.out.text, NULL, 10);
	assert_true(grandchild > 1);
	for (int i = 0; i < 100 && !gone((pid_t)grandchild); i++)
		usleep(10000);
	assert_true(gone((pid_t)grandchild));
	command_result_free(&r);
}

/* A child that ignores SIGTERM gets SIGKILL after the grace period. */
static void test_timeout_escalates_to_sigkill(void **state)
{
	struct command_options o = { .timeout_ms = 200, .grace_ms = 300 };
	struct command_result r;
	double start = seconds_now();
	char text[128];

	(void)state;
	run_sh("trap '' TERM; echo ready; sleep 30", &o, &r);
	assert_true(seconds_now() - start < 5);
	assert_int_equal(r.end, COMMAND_TIMED_OUT);
	assert_int_equal(r.signal, SIGKILL);
	assert_string_equal(r.out.text, "ready\n");
	command_describe(&r, &o, text, sizeof text);
	assert_non_null(strstr(text, "timed out after 0.2 s"));
	command_result_free(&r);
}

static void test_missing_program_is_a_clear_error(void **state)
{
	const char *argv[] = { "scalable-no-such-program", "--version", NULL };
	struct command_result r;
	char text[600];

	(void)state;
	assert_int_equal(command_run(argv, NULL, &r), -1);
	assert_int_equal(r.end, COMMAND_NOT_RUN);
	assert_string_equal(r.error, "cannot run scalable-no-such-program: "
				     "No such file or directory (not found on PATH)");
	command_describe(&r, NULL, text, sizeof text);
	assert_string_equal(text, r.error);
	command_result_free(&r);
}

/* A file found on PATH that cannot be executed is reported as execvp would. */
static void test_program_not_executable(void **state)
{
	const char *argv[] = { "scalable-not-executable", NULL };
	char *dir = tmpdir_create(), *old_path = strdup(getenv("PATH"));
	struct command_result r;

	(void)state;
	tmpdir_write(dir, "scalable-not-executable", "#!/bin/sh\n");
	setenv("PATH", dir, 1);
	assert_int_equal(command_run(argv, NULL, &r), -1);
	setenv("PATH", old_path, 1);
	assert_string_equal(r.error, "cannot run scalable-not-executable: Permission denied");
	command_result_free(&r);
	tmpdir_remove(dir);
	free(old_path);
}

static void test_empty_argv_is_an_error(void **state)
{
	const char *argv[] = { NULL };
	struct command_result r;

	(void)state;
	assert_int_equal(command_run(argv, NULL, &r), -1);
	assert_int_equal(r.end, COMMAND_NOT_RUN);
	command_result_free(&r);
}

static void test_killed_by_signal(void **state)
{
	struct command_result r;
	char text[128];

	(void)state;
	run_sh("kill -KILL $$", NULL, &r);
	assert_int_equal(r.end, COMMAND_SIGNALED);
	assert_int_equal(r.signal, SIGKILL);
	command_describe(&r, NULL, text, sizeof text);
	assert_non_null(strstr(text, "killed by signal 9"));
	command_result_free(&r);
}

static void test_extra_env_overrides(void **state)
{
	const char *env[] = { "SCALABLE_TEST_A=new", "SCALABLE_TEST_B=added", NULL };
	struct command_options o = { .env = env };
	struct command_result r;

	(void)state;
	setenv("SCALABLE_TEST_A", "old", 1);
	run_sh("printf '%s,%s' \"$SCALABLE_TEST_A\" \"$SCALABLE_TEST_B\"", &o, &r);
	assert_string_equal(r.out.text, "new,added");
	assert_string_equal(getenv("SCALABLE_TEST_A"), "old");
	command_result_free(&r);
	unsetenv("SCALABLE_TEST_A");
}

/* sbatch exports what it gets to every job: no API key reaches a child,
 * whether a built-in name or one a config's ai.api_key_env gave. */
static void test_api_keys_stay_home(void **state)
{
	struct command_result r;

	(void)state;
	setenv("SCALABLE_AI_KEY", "k1", 1);
	setenv("OPENAI_API_KEY", "k2", 1);
	setenv("SCALABLE_TEST_MY_KEY", "k3", 1);
	setenv("SCALABLE_TEST_MY_KEYRING", "kept", 1);   /* only the exact name goes */
	assert_int_equal(secret_env_add("SCALABLE_TEST_MY_KEY"), 0);
	run_sh("printf '%s,%s,%s,%s' \"${SCALABLE_AI_KEY-unset}\" \"${OPENAI_API_KEY-unset}\" "
	       "\"${SCALABLE_TEST_MY_KEY-unset}\" \"$SCALABLE_TEST_MY_KEYRING\"", NULL, &r);
	assert_string_equal(r.out.text, "unset,unset,unset,kept");
	assert_string_equal(getenv("SCALABLE_AI_KEY"), "k1");   /* ours still has it */
	command_result_free(&r);
	unsetenv("SCALABLE_AI_KEY");
	unsetenv("OPENAI_API_KEY");
	unsetenv("SCALABLE_TEST_MY_KEY");
	unsetenv("SCALABLE_TEST_MY_KEYRING");
}

static void test_stdin_is_dev_null(void **state)
{
	struct command_result r;

	(void)state;
	run_sh("cat; readlink /proc/$$/fd/0", NULL, &r);
	assert_string_equal(r.out.text, "/dev/null\n");
	command_result_free(&r);
}

/* The targets of the parent's open descriptors, one per line ("pipe:[123]"),
 * and their number. */
static char *parent_fd_targets(int *count)
{
	DIR *d = opendir("/proc/self/fd");
	struct strbuf targets = { 0 };
	struct dirent *e;

	assert_non_null(d);
	*count = 0;
	while ((e = readdir(d))) {
		char path[300], target[256];
		ssize_t n;

		snprintf(path, sizeof path, "/proc/self/fd/%s", e->d_name);
		n = readlink(path, target, sizeof target - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		strbuf_printf(&targets, "%s\n", target);
		(*count)++;
	}
	closedir(d);
	return strbuf_release(&targets);
}

/* The child's pipes are its stdout and stderr, or ones it inherited from
 * outside the test; the parent keeps no descriptor. */
static void test_no_descriptor_leaks(void **state)
{
	struct command_result r;
	int before, after;
	char *targets = parent_fd_targets(&before), *unused;

	(void)state;
	run_sh("ls -l /proc/$$/fd", NULL, &r);
	for (char *line = strtok(r.out.text, "\n"); line; line = strtok(NULL, "\n")) {
		char *arrow = strstr(line, " -> pipe:"), *fd;

		if (!arrow || strstr(targets, arrow + 4))
			continue;
		for (fd = arrow; fd > line && fd[-1] != ' '; fd--)
			;
		if (strncmp(fd, "1 ", 2) != 0 && strncmp(fd, "2 ", 2) != 0)
			fail_msg("the child inherited a pipe: %s", line);
	}
	command_result_free(&r);
	unused = parent_fd_targets(&after);
	assert_int_equal(after, before);
	free(unused);
	free(targets);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_captures_both_streams_and_status),
		cmocka_unit_test(test_big_output_on_both_streams),
		cmocka_unit_test(test_output_cap),
		cmocka_unit_test(test_timeout_kills_the_group),
		cmocka_unit_test(test_timeout_escalates_to_sigkill),
		cmocka_unit_test(test_missing_program_is_a_clear_error),
		cmocka_unit_test(test_program_not_executable),
		cmocka_unit_test(test_empty_argv_is_an_error),
		cmocka_unit_test(test_killed_by_signal),
		cmocka_unit_test(test_extra_env_overrides),
		cmocka_unit_test(test_api_keys_stay_home),
		cmocka_unit_test(test_stdin_is_dev_null),
		cmocka_unit_test(test_no_descriptor_leaks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
