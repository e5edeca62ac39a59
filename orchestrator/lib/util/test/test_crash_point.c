/* The SCALABLE_CRASH_AT test seam (crash_point.h): a process passing the
 * named point dies of SIGKILL on the pass asked for, and only then; other
 * points, no variable, or a malformed one do nothing. Each case runs in a
 * forked child, since the seam reads the variable once per process. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/util/crash_point.h"

/* Runs `passes` passes of point under SCALABLE_CRASH_AT=spec (NULL: unset)
 * in a child; returns the pass it died on (1-based), or 0 when it lived. */
static int dies_on_pass(const char *spec, const char *point, int passes)
{
	int status, fds[2];
	unsigned char reached = 0;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		if (spec)
			setenv("SCALABLE_CRASH_AT", spec, 1);
		else
			unsetenv("SCALABLE_CRASH_AT");
		for (unsigned char n = 1; n <= passes; n++) {
			/* the pass about to be made, for the parent to read after a kill */
			if (write(fds[1], &n, 1) != 1)
				_exit(2);
			crash_point("other");
			crash_point(point);
		}
		_exit(0);
	}
	close(fds[1]);
	while (read(fds[0], &reached, 1) == 1)
		;
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status)) {
		assert_int_equal(WTERMSIG(status), SIGKILL);
		return reached;
	}
	assert_int_equal(WEXITSTATUS(status), 0);
	return 0;
}

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(crashes_on_the_pass_asked_for),
		cmocka_unit_test(other_points_and_bad_values_do_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
