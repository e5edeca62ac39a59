/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Wait statuses decoded as the telemetry reports them, and the cause a node can infer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "wait_status.h"

/* The real wait status of a child that runs the shell snippet. */
static int status_of(const char *snippet)
{
	pid_t pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", snippet, (char *)NULL);
		_exit(127);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	return status;
}

static void exit_codes_and_signals(void **state)
{
	(void)state;
	struct exit_outcome o = exit_outcome_from_wait_status(status_of("exit 75"));
	assert_int_equal(o.exit_code, 75);
	assert_int_equal(o.signal, 0);
	o = exit_outcome_from_wait_status(status_of("kill -TERM $$"));
	assert_int_equal(o.signal, SIGTERM);
	assert_int_equal(o.exit_code, 128 + SIGTERM);
}

static void causes(void **state)
{
	(void)state;
	struct end_evidence ev = { { 0, 0, false }, 0, 10.0, 60 };
	assert_string_equal(infer_end_cause(&ev), "exited");
	ev.outcome.exit_code = 1;
	assert_string_equal(infer_end_cause(&ev), "exited");
	ev.oom_kill_count = 1;
	assert_string_equal(infer_end_cause(&ev), "oom");
	ev.oom_kill_count = 0;
	ev.outcome = (struct exit_outcome){ 128 + SIGTERM, SIGTERM, false };
	assert_string_equal(infer_end_cause(&ev), "signaled");
	ev.elapsed_s = 60.5;
	assert_string_equal(infer_end_cause(&ev), "timeout?");
	ev.time_limit_s = 0; /* unknown limit: no timeout guess */
	assert_string_equal(infer_end_cause(&ev), "signaled");
}

static void oom_in_a_child_that_the_script_survived_is_not_a_failure(void **state)
{
	(void)state;
	struct end_evidence ev = { { 0, 0, false }, 2, 10.0, 60 };
	assert_string_equal(infer_end_cause(&ev), "exited");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exit_codes_and_signals),
		cmocka_unit_test(causes),
		cmocka_unit_test(oom_in_a_child_that_the_script_survived_is_not_a_failure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
