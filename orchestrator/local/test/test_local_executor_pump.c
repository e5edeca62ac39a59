/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for what the local executor does per task at scale, with real
 * processes: a task queued behind the budget waits for a slot in poll, not
 * in a spin; each task gets its own entry of the chunk's task_env; the
 * program is looked up on PATH once, when the chunk is queued. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "local/local_executor.h"
#include "test/tmpdir.h"

#define MAX_ENDS 16

struct fixture {
	char *dir;
	size_t ends;
	int exit_codes[MAX_ENDS];
};

static void on_task(const struct local_task_report *r, void *arg)
{
	struct fixture *f = arg;

	if (r->phase == LOCAL_TASK_ENDED && f->ends < MAX_ENDS)
		f->exit_codes[f->ends++] = r->outcome.exit_code;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	f->dir = tmpdir_create();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static struct local_executor *executor(struct fixture *f, unsigned concurrency)
{
	struct local_executor_options o = {
		.run_dir = f->dir, .concurrency = concurrency, .kill_wait_ms = 500,
		.sample_ms = 60000,   /* no memory sample cuts a wait short */
		.node = "testnode", .on_task = on_task, .on_task_arg = f,
	};
	struct local_executor *x = local_executor_new(&o);

	assert_non_null(x);
	return x;
}

/* Queues argv as a chunk of n tasks (ids 0..n-1), with task_env if given. */
static void submit(struct local_executor *x, char *const argv[], size_t n,
		   char *const task_env[])
{
	size_t ids[MAX_ENDS];
	struct local_chunk c = { .argv = argv, .array_task_ids = ids, .n = n,
				 .array_job_id = 100, .task_env = task_env };

	for (size_t i = 0; i < n; i++)
		ids[i] = i;
	assert_int_equal(local_executor_submit(x, &c), 0);
}

/* Pumps until nothing is left (each call may wait a minute: a stuck task
 * fails the test at the hang guard of the test driver, not here). */
static void pump(struct local_executor *x)
{
	while (local_executor_run_once(x, 60000) > 0)
		;
}

/* With one slot and two tasks, the second waits for the first to end: a
 * call with a long wait returns when the first has ended, not at once
 * (it spun, counting the queued task as due, and the follow loop above it
 * read the events directory thousands of times a second). */
static void test_queued_task_waits_in_poll(void **state)
{
	struct fixture *f = *state;
	struct local_executor *x = executor(f, 1);
	char *argv[] = { "sleep", "0.3", NULL };

	submit(x, argv, 2, NULL);
	(void)local_executor_run_once(x, 0);       /* starts the first, samples it */
	assert_int_equal(f->ends, 0);
	(void)local_executor_run_once(x, 60000);
	assert_int_equal(f->ends, 1);
	pump(x);
	assert_int_equal(f->ends, 2);
	local_executor_free(x);
}

/* Each task sees its own task_env entry, and only its own. */
static void test_task_env_per_position(void **state)
{
	struct fixture *f = *state;
	struct local_executor *x = executor(f, 2);
	char *argv[] = { "bash", "-c", "exit $(( MINE + 0 ))", NULL };
	char *task_env[] = { "MINE=3", "MINE=5", "OTHER=1", NULL };
	size_t ids[] = { 0, 1 };
	struct local_chunk short_list = { .argv = argv, .array_task_ids = ids, .n = 2,
					  .array_job_id = 200, .task_env = task_env };

	/* one entry per position, or the chunk is refused */
	assert_int_equal(local_executor_submit(x, &short_list), -1);
	assert_int_equal(errno, EINVAL);
	submit(x, argv, 3, task_env);
	pump(x);
	assert_int_equal(f->ends, 3);
	/* in the order they ended: find each code once */
	int seen[8] = { 0 };

	for (size_t i = 0; i < f->ends; i++)
		seen[f->exit_codes[i] & 7]++;
	assert_int_equal(seen[3], 1);
	assert_int_equal(seen[5], 1);
	assert_int_equal(seen[0], 1);
	local_executor_free(x);
}

/* The program is found on PATH when the chunk is queued: a PATH changed
 * afterwards does not lose it (and no task searches it again). */
static void test_program_found_once(void **state)
{
	struct fixture *f = *state;
	struct local_executor *x = executor(f, 1);
	char *argv[] = { "scalable-test-task", NULL }, path[4200], bin[4096], *search;
	char *old_path = strdup(getenv("PATH"));

	snprintf(bin, sizeof bin, "%s/bin", f->dir);
	assert_int_equal(mkdir(bin, 0755), 0);
	tmpdir_write(bin, "scalable-test-task", "#!/bin/sh\nexit 7\n");
	snprintf(path, sizeof path, "%s/scalable-test-task", bin);
	assert_int_equal(chmod(path, 0755), 0);
	assert_true(asprintf(&search, "%s:%s", bin, old_path) > 0);
	setenv("PATH", search, 1);
	free(search);
	submit(x, argv, 1, NULL);
	setenv("PATH", old_path, 1);
	pump(x);
	assert_int_equal(f->ends, 1);
	assert_int_equal(f->exit_codes[0], 7);
	free(old_path);
	local_executor_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_queued_task_waits_in_poll, setup, teardown),
		cmocka_unit_test_setup_teardown(test_task_env_per_position, setup, teardown),
		cmocka_unit_test_setup_teardown(test_program_found_once, setup, teardown),
	};

	return cmocka_run_group_tests_name("local_executor_pump", tests, NULL, NULL);
}
