/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A local task's step events, written as the SPANK plugin writes a batch
 * step's and read back with the one reader of them: every field of the
 * start and end lines, unknowns as null, the file name, and failures. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "local/local_step_events.h"
#include "rfc3339.h"
#include "step_event_parse.h"
#include "test/tmpdir.h"

#define GIB (1024ll * 1024 * 1024)

struct fixture {
	char *dir;
	int dirfd;
	json_t *json[4];
	struct step_event_fields line[4];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	f->dir = tmpdir_create();
	f->dirfd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(f->dirfd >= 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	for (size_t i = 0; i < 4; i++)
		json_decref(f->json[i]);
	close(f->dirfd);
	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static struct step_identity identity(void)
{
	return (struct step_identity){
		.job_id = 4242, .array_job_id = 4200, .array_task_id = 42,
		.step_id = STEP_ID_BATCH, .restart_count = 0, .node = "node7", .uid = 1000,
		.pid = 12345, .run_id = "run-20260101T000000Z-x-0badcafe", .task_id = 1042,
		.attempt = 2, .time_limit_s = 3600, .mem_limit_bytes = 2 * GIB,
	};
}

/* Parses the lines of name into f->line[]; fails unless there are n. */
static void read_back(struct fixture *f, const char *name, size_t n)
{
	char *text = tmpdir_read(f->dir, name), *line, *save = NULL;
	size_t i = 0;

	if (!text)
		fail_msg("%s was not written", name);
	assert_true(strlen(text) > 0);
	assert_int_equal(text[strlen(text) - 1], '\n');  /* whole lines only */
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		assert_true(i < n);
		if (step_event_parse_line(line, &f->line[i], &f->json[i]) != 0)
			fail_msg("not a step event: %s", line);
		i++;
	}
	assert_int_equal(i, n);
	free(text);
}

static void int_is(struct step_event_int v, int64_t want)
{
	assert_true(v.set);
	assert_int_equal(v.value, want);
}

static void int_unset(struct step_event_int v)
{
	assert_false(v.set);
	assert_int_equal(v.value, -1);
}

/* What start and end share: the identity above. */
static void expect_identity(const struct step_event_fields *e, const char *event)
{
	struct timespec ts;

	assert_string_equal(e->event_type, "step");
	int_is(e->schema_version, STEP_EVENT_SCHEMA_VERSION);
	assert_string_equal(e->event, event);
	assert_int_equal(rfc3339_parse(e->timestamp, &ts), 0);
	assert_int_equal(e->job_id, 4242);
	int_is(e->array_job_id, 4200);
	int_is(e->array_task_id, 42);
	assert_string_equal(e->step_name, "batch");
	int_is(e->step_id, STEP_ID_BATCH);
	int_is(e->restart_count, 0);
	assert_string_equal(e->node, "node7");
	int_is(e->uid, 1000);
	int_is(e->pid, 12345);
	assert_string_equal(e->run_id, "run-20260101T000000Z-x-0badcafe");
	int_is(e->task_id, 1042);
	int_is(e->attempt, 2);
	int_is(e->time_limit_s, 3600);
	int_is(e->mem_limit_bytes, 2 * GIB);
}

static void a_start_line_has_the_identity_only(void **state)
{
	struct fixture *f = *state;
	struct step_identity id = identity();
	const struct step_event_fields *e = &f->line[0];

	assert_int_equal(local_step_event_start(f->dirfd, STEP_EVENT_LAYOUT_FLAT, &id), 0);
	read_back(f, "4242.batch.0.jsonl", 1);
	expect_identity(e, "start");
	int_unset(e->exit_code);
	int_unset(e->signal);
	assert_false(e->core_dumped.set);
	assert_false(e->elapsed_s.set);
	int_unset(e->max_rss_bytes);
	int_unset(e->oom_kill_count);
	assert_null(e->inferred_cause);
	int_unset(e->ntasks);
}

static void an_end_line_has_how_it_ended(void **state)
{
	struct fixture *f = *state;
	struct step_identity id = identity();
	struct local_step_end end = {
		.outcome = { .exit_code = 137, .signal = 9, .core_dumped = true },
		.elapsed_s = 12.5, .max_rss_bytes = GIB, .oom_kill_count = 1,
		.inferred_cause = "oom",
	};
	const struct step_event_fields *e = &f->line[1];

	assert_int_equal(local_step_event_start(f->dirfd, STEP_EVENT_LAYOUT_FLAT, &id), 0);
	assert_int_equal(local_step_event_end(f->dirfd, STEP_EVENT_LAYOUT_FLAT, &id, &end), 0);
	read_back(f, "4242.batch.0.jsonl", 2);  /* appended after the start */
	assert_string_equal(f->line[0].event, "start");
	expect_identity(e, "end");
	int_is(e->exit_code, 137);
	int_is(e->signal, 9);
	assert_true(e->core_dumped.set);
	assert_true(e->core_dumped.value);
	assert_true(e->elapsed_s.set);
	assert_true(e->elapsed_s.value == 12.5);
	int_is(e->max_rss_bytes, GIB);
	int_is(e->oom_kill_count, 1);
	assert_string_equal(e->inferred_cause, "oom");
	int_is(e->ntasks, 1);
}

static void a_clean_exit(void **state)
{
	struct fixture *f = *state;
	struct step_identity id = identity();
	struct local_step_end end = {
		.outcome = { .exit_code = 0, .signal = 0, .core_dumped = false },
		.elapsed_s = 0, .max_rss_bytes = 0, .oom_kill_count = 0,
		.inferred_cause = "exited",
	};
	const struct step_event_fields *e = &f->line[0];

	assert_int_equal(local_step_event_end(f->dirfd, STEP_EVENT_LAYOUT_FLAT, &id, &end), 0);
	read_back(f, "4242.batch.0.jsonl", 1);
	int_is(e->exit_code, 0);
	int_is(e->signal, 0);
	assert_true(e->core_dumped.set);
	assert_false(e->core_dumped.value);
	assert_true(e->elapsed_s.set);
	assert_true(e->elapsed_s.value == 0.0);
	int_is(e->max_rss_bytes, 0);
	int_is(e->oom_kill_count, 0);
	assert_string_equal(e->inferred_cause, "exited");
}

static void unknowns_read_back_unset(void **state)
{
	struct fixture *f = *state;
	struct step_identity id = identity();
	struct local_step_end end = { .elapsed_s = 1, .max_rss_bytes = -1,
				      .oom_kill_count = -1, .inferred_cause = NULL };
	const struct step_event_fields *e = &f->line[0];

	id.array_job_id = id.array_task_id = -1;
	id.task_id = id.attempt = id.time_limit_s = id.mem_limit_bytes = -1;
	id.run_id = NULL;
	id.node = NULL;
	assert_int_equal(local_step_event_end(f->dirfd, STEP_EVENT_LAYOUT_FLAT, &id, &end), 0);
	read_back(f, "4242.batch.0.jsonl", 1);
	int_unset(e->array_job_id);
	int_unset(e->array_task_id);
	int_unset(e->task_id);
	int_unset(e->attempt);
	int_unset(e->time_limit_s);
	int_unset(e->mem_limit_bytes);
	assert_null(e->run_id);
	assert_null(e->node);
	int_unset(e->max_rss_bytes);
	int_unset(e->oom_kill_count);
	assert_null(e->inferred_cause);
	int_is(e->exit_code, 0);  /* a local task always has an outcome */
}

static void each_restart_has_its_file(void **state)
{
	struct fixture *f = *state;
	struct step_identity id = identity();

	id.restart_count = 3;
	assert_int_equal(local_step_event_start(f->dirfd, STEP_EVENT_LAYOUT_FLAT, &id), 0);
	assert_int_equal(tmpdir_count_lines(f->dir, "4242.batch.0.jsonl"), -1);
	read_back(f, "4242.batch.3.jsonl", 1);
	int_is(f->line[0].restart_count, 3);
}

static void a_bad_directory_fails_with_errno(void **state)
{
	struct fixture *f = *state;
	struct step_identity id = identity();
	struct local_step_end end = { .inferred_cause = "exited" };
	int closed = dup(f->dirfd);

	assert_true(closed >= 0);
	close(closed);
	errno = 0;
	assert_int_equal(local_step_event_start(closed, STEP_EVENT_LAYOUT_FLAT, &id), -1);
	assert_int_equal(errno, EBADF);
	errno = 0;
	assert_int_equal(local_step_event_end(closed, STEP_EVENT_LAYOUT_FLAT, &id, &end), -1);
	assert_int_equal(errno, EBADF);
	/* a file where the events directory should be */
	tmpdir_write(f->dir, "not-a-dir", "");
	int file = openat(f->dirfd, "not-a-dir", O_RDONLY | O_CLOEXEC);
	errno = 0;
	assert_int_equal(local_step_event_start(file, STEP_EVENT_LAYOUT_FLAT, &id), -1);
	assert_int_equal(errno, ENOTDIR);
	close(file);
}

/* Layout 2: the file goes to its subdirectory, made level by level; a
 * symlink where a level should be is not followed. */
static void layout_2_fans_out(void **state)
{
	struct fixture *f = *state;
	struct step_identity id = identity();
	char link[4200];

	assert_int_equal(local_step_event_start(f->dirfd, STEP_EVENT_LAYOUT_FANNED, &id), 0);
	read_back(f, "4200/0/4242.batch.0.jsonl", 1);
	expect_identity(&f->line[0], "start");
	assert_null(tmpdir_read(f->dir, "4242.batch.0.jsonl"));
	id.array_job_id = 4300;
	snprintf(link, sizeof link, "%s/4300", f->dir);
	assert_int_equal(symlink(f->dir, link), 0);
	assert_int_equal(local_step_event_start(f->dirfd, STEP_EVENT_LAYOUT_FANNED, &id), -1);
	assert_null(tmpdir_read(f->dir, "0/4242.batch.0.jsonl"));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(a_start_line_has_the_identity_only),
		T(an_end_line_has_how_it_ended),
		T(a_clean_exit),
		T(unknowns_read_back_unset),
		T(each_restart_has_its_file),
		T(a_bad_directory_fails_with_errno),
		T(layout_2_fans_out),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
