/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The tracker's outputs hook: an attempt that exited 0 while the hook says
 * outputs are missing is `failed`, class output_missing, with a
 * failures.jsonl row naming them and no success hook call; one whose
 * outputs are there succeeds; the class reads back after a re-attach. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "test/tmpdir.h"
#include "tracker/tracker.h"

#define RUN_ID "run-20260101T000000Z-outputs-0badcafe"
#define ARRAY 700u

struct fixture {
	char *dir;
	size_t asked, succeeded;   /* hook calls */
	size_t missing_index;      /* the scenario whose outputs are missing */
};

static int check_outputs(const struct task_attempt *a, void *ctx, json_t **missing,
			 struct error *err)
{
	struct fixture *f = ctx;

	(void)err;
	f->asked++;
	*missing = a->index == f->missing_index
			   ? json_pack("[{s:s, s:s}]", "pattern", "out/{{ n }}.csv", "path",
				       "/work/out/1.csv")
			   : NULL;
	return 0;
}

static int on_success(const struct task_attempt *a, void *ctx, struct error *err)
{
	struct fixture *f = ctx;

	(void)a;
	(void)err;
	f->succeeded++;
	return 0;
}

static struct tracker *open_tracker(struct fixture *f, bool read_only)
{
	struct tracker_options o = {
		.run_dir = f->dir, .run_id = RUN_ID, .provider = "local",
		.settle_on_end_event = true, .read_only = read_only,
		.on_success = on_success, .on_success_ctx = f,
		.check_outputs = check_outputs, .check_outputs_ctx = f,
	};
	struct error err;
	struct tracker *t = tracker_new(&o, &err);

	if (!t || tracker_rebuild(t, &err) != 0)
		fail_msg("%s", err.text);
	return t;
}

/* A step event of array task `task` as the local executor writes it. */
static void step_event(struct fixture *f, const char *event, uint32_t task)
{
	char name[64], *line;
	json_t *json = json_pack("{s:s, s:i, s:s, s:s, s:I, s:I, s:I, s:s, s:i, s:s, s:s}",
				 "event_type", "step", "schema_version", 1, "event", event,
				 "timestamp", "2026-01-01T01:00:00.000Z",
				 "job_id", (json_int_t)(ARRAY + task + 1000),
				 "array_job_id", (json_int_t)ARRAY, "array_task_id",
				 (json_int_t)task, "step_id", "batch", "restart_count", 0,
				 "node", "node7", "run_id", RUN_ID);
	FILE *file;
	char path[4200];

	if (!strcmp(event, "end")) {
		json_object_set_new(json, "exit_code", json_integer(0));
		json_object_set_new(json, "signal", json_integer(0));
		json_object_set_new(json, "elapsed_s", json_real(1.5));
		json_object_set_new(json, "inferred_cause", json_string("exited"));
	}
	snprintf(name, sizeof name, "%u.batch.0.jsonl", ARRAY + task + 1000);
	snprintf(path, sizeof path, "%s/events/%s", f->dir, name);
	line = json_dumps(json, JSON_COMPACT);
	assert_non_null(file = fopen(path, "a"));
	fprintf(file, "%s\n", line);
	fclose(file);
	free(line);
	json_decref(json);
}

static void submit_two(struct fixture *f, struct tracker *t)
{
	struct plan_task tasks[2] = { { 0, 1 }, { 1, 1 } };
	struct tracker_submission s = {
		.component = "model", .wave = "w001", .tasks = tasks, .n_tasks = 2,
		.resources = { 1, 1ull << 30, 600 }, .array_job_id = ARRAY,
	};
	struct error err;

	(void)f;
	if (tracker_add_submission(t, &s, &err) != 0)
		fail_msg("%s", err.text);
}

static void run_both(struct fixture *f, struct tracker *t)
{
	struct error err;

	for (uint32_t task = 0; task < 2; task++) {
		step_event(f, "start", task);
		step_event(f, "end", task);
	}
	if (tracker_poll_events(t, &err) < 0)
		fail_msg("%s", err.text);
}

struct seen {
	enum task_state state[2];
	enum failure_class class[2];
};

static void take(const struct task_attempt *a, bool latest, void *ctx)
{
	struct seen *s = ctx;

	if (latest && a->index < 2) {
		s->state[a->index] = a->state;
		s->class[a->index] = a->failure_class;
	}
}

static void test_missing_outputs_fail(void **state)
{
	struct fixture f = { .dir = tmpdir_create(), .missing_index = 1 };
	struct tracker *t;
	struct seen seen = { 0 };
	char *failures;

	(void)state;
	tmpdir_write(f.dir, "events/.keep", "");
	tmpdir_write(f.dir, "logs/.keep", "");
	t = open_tracker(&f, false);
	submit_two(&f, t);
	run_both(&f, t);
	assert_int_equal(f.asked, 2);
	assert_int_equal(f.succeeded, 1);  /* the cache hears of index 0 only */
	tracker_foreach(t, take, &seen);
	assert_int_equal(seen.state[0], TASK_SUCCEEDED);
	assert_int_equal(seen.state[1], TASK_FAILED);
	assert_int_equal(seen.class[1], FAILURE_OUTPUT_MISSING);
	tracker_free(t);

	assert_int_equal(tmpdir_count_lines(f.dir, "failures.jsonl"), 1);
	failures = tmpdir_read(f.dir, "failures.jsonl");
	assert_non_null(strstr(failures, "\"failure_class\":\"output_missing\""));
	assert_non_null(strstr(failures, "exited 0 without its outputs: out/{{ n }}.csv "
					 "(/work/out/1.csv)"));
	assert_non_null(strstr(failures, "\"decided_by\":\"outputs\""));
	assert_non_null(strstr(failures, "\"exit_code\":0"));
	free(failures);

	/* re-attached: the class reads back; nothing is asked or written again */
	memset(&seen, 0, sizeof seen);
	t = open_tracker(&f, false);
	run_both(&f, t);
	tracker_foreach(t, take, &seen);
	assert_int_equal(seen.state[1], TASK_FAILED);
	assert_int_equal(seen.class[1], FAILURE_OUTPUT_MISSING);
	assert_int_equal(f.asked, 2);
	assert_int_equal(tmpdir_count_lines(f.dir, "failures.jsonl"), 1);
	tracker_free(t);
	tmpdir_remove(f.dir);
}

/* A reader without the lock (status) asks nothing: the writer decides. */
static void test_read_only_does_not_ask(void **state)
{
	struct fixture f = { .dir = tmpdir_create(), .missing_index = 1 };
	struct tracker *t;

	(void)state;
	tmpdir_write(f.dir, "events/.keep", "");
	tmpdir_write(f.dir, "logs/.keep", "");
	t = open_tracker(&f, true);
	submit_two(&f, t);
	run_both(&f, t);
	assert_int_equal(f.asked, 0);
	assert_int_equal(tmpdir_count_lines(f.dir, "failures.jsonl"), -1);
	tracker_free(t);
	tmpdir_remove(f.dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing_outputs_fail),
		cmocka_unit_test(test_read_only_does_not_ask),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
