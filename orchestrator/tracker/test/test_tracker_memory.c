/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The tracker's memory samples (tracker_memory.c): the highest sample and
 * the first times at 80 % and 90 % kept per attempt, the time above 90 %
 * up to the end, the same lines read twice changing nothing, the extern
 * step's samples ignored, and the live view's count and worst few. */
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

#define RUN_ID "run-20260101T000000Z-energy-0badcafe"
#define ARRAY 700u
#define GIB (1ll << 30)

struct fixture {
	char *dir;
	struct tracker *t;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct tracker_options o = { .provider = "local", .settle_on_end_event = true };
	struct plan_task tasks[8];
	struct tracker_submission s = {
		.component = "model", .tasks = tasks, .n_tasks = 8,
		.resources = { 1, 2ull << 30, 3600 }, .array_job_id = ARRAY,
	};
	struct error err;

	f->dir = tmpdir_create();
	tmpdir_write(f->dir, "events/.keep", "");
	tmpdir_write(f->dir, "logs/.keep", "");
	o.run_dir = f->dir;
	o.run_id = RUN_ID;
	for (size_t i = 0; i < 8; i++)
		tasks[i] = (struct plan_task){ i, 1 };
	f->t = tracker_new(&o, &err);
	if (!f->t || tracker_rebuild(f->t, &err) != 0 || tracker_add_submission(f->t, &s, &err))
		fail_msg("%s", err.text);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	tracker_free(f->t);
	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

/* Applies a step event of array task `task` (job id ARRAY + task + 1000). */
static void apply(struct fixture *f, uint32_t task, const char *step, const char *event,
		  const char *at, json_t *extra)
{
	struct error err;
	json_t *e = json_pack("{s:s, s:i, s:s, s:s, s:I, s:I, s:I, s:s, s:i, s:s, s:s}",
			      "event_type", "step", "schema_version", 1, "event", event,
			      "timestamp", at, "job_id", (json_int_t)(ARRAY + task + 1000),
			      "array_job_id", (json_int_t)ARRAY, "array_task_id", (json_int_t)task,
			      "step_id", step, "restart_count", 0, "node", "node7", "run_id", RUN_ID);

	if (extra)
		json_object_update(e, extra);
	json_decref(extra);
	if (tracker_apply_event(f->t, e, &err) != 0)
		fail_msg("%s", err.text);
	json_decref(e);
}

static void sample(struct fixture *f, uint32_t task, const char *step, const char *at,
		   double percent, const char *threshold)
{
	int64_t current = (int64_t)(percent / 100 * 2 * GIB);

	apply(f, task, step, "sample", at,
	      json_pack("{s:I, s:I, s:I, s:f, s:s, s:f}", "current_bytes", (json_int_t)current,
			"peak_bytes", (json_int_t)current + 1000, "limit_bytes", (json_int_t)(2 * GIB),
			"percent", percent, "threshold", threshold, "elapsed_s", 1.0));
}

static void end(struct fixture *f, uint32_t task, const char *at, int signal)
{
	apply(f, task, "batch", "end", at,
	      json_pack("{s:i, s:i, s:I, s:I, s:f, s:s}", "exit_code", signal ? -1 : 0,
			"signal", signal, "oom_kill_count", (json_int_t)(signal ? 1 : 0),
			"max_rss_bytes", (json_int_t)GIB, "elapsed_s", 60.0, "inferred_cause",
			signal ? "oom" : "exited"));
}

static void an_attempt_keeps_its_highest_sample_and_its_time_above_90(void **state)
{
	struct fixture *f = *state;
	const struct task_attempt *a;
	json_t *view;

	apply(f, 0, "batch", "start", "2026-01-01T01:00:00.000Z", NULL);
	sample(f, 0, "batch", "2026-01-01T01:00:10.000Z", 81.0, "80");
	sample(f, 0, "batch", "2026-01-01T01:00:20.000Z", 92.5, "90");
	sample(f, 0, "batch", "2026-01-01T01:00:30.000Z", 91.0, "above_90");
	a = tracker_latest(f->t, "model", 0);
	assert_int_equal(a->memory.n_samples, 3);
	assert_true(a->memory.percent == 92.5);
	assert_int_equal(a->memory.limit_bytes, 2 * GIB);
	assert_string_equal(a->memory.above_80_at, "2026-01-01T01:00:10.000Z");
	assert_string_equal(a->memory.above_90_at, "2026-01-01T01:00:20.000Z");
	assert_string_equal(a->memory.node, "node7");
	assert_true(tracker_above_90_s(a) == 10.0);  /* running: to the last sample */

	view = tracker_memory_pressure_json(f->t);
	assert_int_equal(json_integer_value(json_object_get(view, "above_80")), 1);
	assert_int_equal(json_integer_value(json_object_get(view, "above_90")), 1);
	assert_string_equal(json_string_value(json_object_get(
		json_array_get(json_object_get(view, "worst"), 0), "task")), "model-0");
	json_decref(view);

	end(f, 0, "2026-01-01T01:00:45.000Z", 9);
	a = tracker_latest(f->t, "model", 0);
	assert_true(tracker_above_90_s(a) == 25.0);  /* ended: to its end */
	view = tracker_memory_pressure_json(f->t);
	assert_int_equal(json_integer_value(json_object_get(view, "above_80")), 0);
	json_decref(view);
}

static void samples_read_twice_change_nothing(void **state)
{
	struct fixture *f = *state;
	const struct task_attempt *a;
	size_t changes;

	apply(f, 1, "batch", "start", "2026-01-01T01:00:00.000Z", NULL);
	sample(f, 1, "batch", "2026-01-01T01:00:10.000Z", 85.0, "80");
	sample(f, 1, "batch", "2026-01-01T01:00:20.000Z", 95.0, "90");
	changes = tracker_memory_changes(f->t);
	assert_true(changes > 0);
	sample(f, 1, "batch", "2026-01-01T01:00:10.000Z", 85.0, "80");
	sample(f, 1, "batch", "2026-01-01T01:00:20.000Z", 95.0, "90");
	a = tracker_latest(f->t, "model", 1);
	assert_true(a->memory.percent == 95.0);
	assert_string_equal(a->memory.above_80_at, "2026-01-01T01:00:10.000Z");
	assert_string_equal(a->memory.above_90_at, "2026-01-01T01:00:20.000Z");
	assert_int_equal(tracker_memory_changes(f->t), changes);
	/* the extern step's samples are not the task's */
	sample(f, 2, "extern", "2026-01-01T01:00:20.000Z", 99.0, "90");
	assert_int_equal(tracker_latest(f->t, "model", 2)->memory.n_samples, 0);
}

static void the_live_view_names_the_worst_few(void **state)
{
	struct fixture *f = *state;
	const double percent[8] = { 81, 97, 79, 88, 93, 84, 99, 90 };
	json_t *view, *worst;

	for (uint32_t i = 0; i < 8; i++) {
		apply(f, i, "batch", "start", "2026-01-01T01:00:00.000Z", NULL);
		sample(f, i, i % 2 ? "0" : "batch", "2026-01-01T01:00:10.000Z", percent[i],
		       percent[i] >= 90 ? "90" : "80");
	}
	view = tracker_memory_pressure_json(f->t);
	assert_int_equal(json_integer_value(json_object_get(view, "above_80")), 7);
	assert_int_equal(json_integer_value(json_object_get(view, "above_90")), 4);
	worst = json_object_get(view, "worst");
	assert_int_equal(json_array_size(worst), TRACKER_PRESSURE_WORST);
	const double expected[TRACKER_PRESSURE_WORST] = { 99, 97, 93, 90, 88 };
	for (size_t i = 0; i < TRACKER_PRESSURE_WORST; i++)
		assert_true(json_number_value(json_object_get(json_array_get(worst, i),
							      "percent")) == expected[i]);
	assert_string_equal(json_string_value(json_object_get(json_array_get(worst, 0),
							      "node")), "node7");
	json_decref(view);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			an_attempt_keeps_its_highest_sample_and_its_time_above_90, setup, teardown),
		cmocka_unit_test_setup_teardown(samples_read_twice_change_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(the_live_view_names_the_worst_few, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
