/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The SCALABLE_CRASH_AT test seam (crash_point.h). In a test build: a
 * process passing the named point dies of SIGKILL on the pass asked for, and
 * only then; other points, no spec, or a malformed one do nothing; the first
 * pass says on stderr that the seam is armed; arming from the environment
 * takes the variable out of it. In a build without seams: the variable is
 * ignored, said so on stderr, and taken out all the same. Each case runs in
 * a forked child, whose stderr the parent reads. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/util/crash_point.h"

struct outcome {
	int died_on;     /* the pass it died on (1-based), 0 when it lived */
	char err[512];   /* what it said on stderr */
};

/* In the child: arms (from SCALABLE_CRASH_AT when from_env, else with
 * crash_point_arm), then makes `passes` passes of point; exits 3 when the
 * variable is still in the environment after arming from it. */
static void child(const char *spec, int from_env, const char *point, int passes, int fd)
{
	if (from_env) {
		setenv("SCALABLE_CRASH_AT", spec, 1);
		crash_point_arm_from_env();
		if (getenv("SCALABLE_CRASH_AT"))
			_exit(3);
	} else {
#ifdef SCALABLE_TEST_SEAMS
		crash_point_arm(spec);
#endif
	}
	for (unsigned char n = 1; n <= passes; n++) {
		/* the pass about to be made, for the parent to read after a kill */
		if (write(fd, &n, 1) != 1)
			_exit(2);
		crash_point("other");
		crash_point(point);
	}
	_exit(0);
}

/* Reads fd to its end into buf (size len, NUL-terminated). */
static void read_all(int fd, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t r;

	while (got + 1 < len && (r = read(fd, buf + got, len - 1 - got)) > 0)
		got += (size_t)r;
	buf[got] = '\0';
}

static struct outcome run(const char *spec, int from_env, const char *point, int passes)
{
	struct outcome o = { 0, "" };
	int status, fds[2], errs[2];
	unsigned char reached = 0;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	assert_int_equal(pipe(errs), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		close(errs[0]);
		dup2(errs[1], STDERR_FILENO);
		child(spec, from_env, point, passes, fds[1]);
	}
	close(fds[1]);
	close(errs[1]);
	while (read(fds[0], &reached, 1) == 1)
		;
	close(fds[0]);
	read_all(errs[0], o.err, sizeof o.err);
	close(errs[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status)) {
		assert_int_equal(WTERMSIG(status), SIGKILL);
		o.died_on = reached;
		return o;
	}
	assert_int_equal(WEXITSTATUS(status), 0);
	return o;
}

static int dies_on_pass(const char *spec, const char *point, int passes)
{
	return run(spec, 0, point, passes).died_on;
}

#ifdef SCALABLE_TEST_SEAMS
static void crashes_on_the_pass_asked_for(void **state)
{
	(void)state;
	assert_int_equal(dies_on_pass("intent", "intent", 3), 1);
	assert_int_equal(dies_on_pass("intent:1", "intent", 3), 1);
	assert_int_equal(dies_on_pass("task_row:3", "task_row", 5), 3);
	assert_int_equal(dies_on_pass("task_row:6", "task_row", 5), 0);  /* never due */
}

static void other_points_and_bad_values_do_nothing(void **state)
{
	(void)state;
	assert_int_equal(dies_on_pass(NULL, "intent", 3), 0);
	assert_int_equal(dies_on_pass("", "intent", 3), 0);
	assert_int_equal(dies_on_pass("sbatch", "intent", 3), 0);
	assert_int_equal(dies_on_pass("inten", "intent", 3), 0);   /* no prefix match */
	assert_int_equal(dies_on_pass("intent:0", "intent", 3), 0);
	assert_int_equal(dies_on_pass("intent:x", "intent", 3), 0);
	assert_int_equal(dies_on_pass(":2", "intent", 3), 0);
}

static void armed_says_so_once_on_the_first_pass(void **state)
{
	struct outcome o = run("task_row:9", 0, "task_row", 3);

	(void)state;
	assert_int_equal(o.died_on, 0);
	assert_string_equal(o.err, "scalable: test seam armed: SCALABLE_CRASH_AT=task_row:9\n");
	o = run("intent:x", 0, "intent", 3);
	assert_string_equal(o.err, "scalable: test seam SCALABLE_CRASH_AT=intent:x not "
			    "understood (<point>[:<n>]): nothing armed\n");
	assert_string_equal(run(NULL, 0, "intent", 3).err, "");
}

/* From the environment: armed, and the variable gone (else the child exits 3). */
static void armed_from_the_environment_takes_it_out(void **state)
{
	struct outcome o = run("task_row:2", 1, "task_row", 5);

	(void)state;
	assert_int_equal(o.died_on, 2);
	assert_non_null(strstr(o.err, "test seam armed: SCALABLE_CRASH_AT=task_row:2"));
}
#else
/* Without seams: nothing dies, the variable is gone and said to be ignored. */
static void ignored_without_seams_and_said_so(void **state)
{
	struct outcome o = run("intent", 1, "intent", 3);

	(void)state;
	assert_int_equal(o.died_on, 0);
	assert_string_equal(o.err, "scalable: SCALABLE_CRASH_AT ignored: this build has "
			    "no test seams\n");
	assert_int_equal(dies_on_pass("intent", "intent", 3), 0);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
#ifdef SCALABLE_TEST_SEAMS
		cmocka_unit_test(crashes_on_the_pass_asked_for),
		cmocka_unit_test(other_points_and_bad_values_do_nothing),
		cmocka_unit_test(armed_says_so_once_on_the_first_pass),
		cmocka_unit_test(armed_from_the_environment_takes_it_out),
#else
		cmocka_unit_test(ignored_without_seams_and_said_so),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
