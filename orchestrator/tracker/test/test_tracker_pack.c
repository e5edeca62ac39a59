/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The tracker with packed array tasks (tracker.h, "Packs"), through its
 * seams (scenario records and step events in events/, job records): each
 * scenario settles from its own records; when the pack is killed, the
 * scenario that was running takes the array task's failure and those that
 * never started are cancelled with not_started (no failure row) and wait
 * for the next wave; a requeued pack moves on only what had not ended; a
 * re-attach writes nothing twice. What a cluster test must show for real
 * (an OOM, a walltime, a preemption of a pack) is driven here as the
 * plugin and Slurm would report it. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/util/jsonl_file.h"
#include "scenario_record.h"
#include "test/tmpdir.h"
#include "tracker/tracker.h"

#define RUN_ID "run-20260101T000000Z-pack-0badcafe"
#define ARRAY 700u
#define JOB (ARRAY + 1000u)   /* the job id of array task 0 */

struct fixture {
	char *dir;
	struct tracker *t;
	bool local;
};

static struct tracker *open_tracker(struct fixture *f)
{
	struct tracker_options o = {
		.run_dir = f->dir, .run_id = RUN_ID, .provider = f->local ? "local" : "slurm",
		.settle_on_end_event = f->local,
	};
	struct error err;
	struct tracker *t = tracker_new(&o, &err);

	if (!t || tracker_rebuild(t, &err) != 0)
		fail_msg("%s", err.text);
	return t;
}

static int setup_with(void **state, bool local)
{
	struct fixture *f = calloc(1, sizeof *f);

	f->dir = tmpdir_create();
	f->local = local;
	tmpdir_write(f->dir, "events/.keep", "");
	tmpdir_write(f->dir, "logs/.keep", "");
	f->t = open_tracker(f);
	*state = f;
	return 0;
}

static int setup_local(void **state) { return setup_with(state, true); }
static int setup_slurm(void **state) { return setup_with(state, false); }

static int teardown(void **state)
{
	struct fixture *f = *state;

	tracker_free(f->t);
	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

/* Scenarios 0..3, attempt 1, as one pack of 4: array task 0 of ARRAY. */
static void submit_pack(struct fixture *f)
{
	struct plan_task tasks[4] = { { 0, 1 }, { 1, 1 }, { 2, 1 }, { 3, 1 } };
	struct tracker_submission s = {
		.component = "model", .wave = "w001", .tasks = tasks, .n_tasks = 4, .pack = 4,
		.resources = { 1, 1ull << 30, 600 }, .array_job_id = ARRAY,
	};
	struct error err;

	if (tracker_add_submission(f->t, &s, &err) != 0)
		fail_msg("%s", err.text);
}

static void append(const char *path, const char *line)
{
	FILE *file = fopen(path, "a");

	assert_non_null(file);
	fputs(line, file);
	fclose(file);
}

/* A scenario record as pack-exec writes it (end: with exit_code). */
static void scenario(struct fixture *f, bool end, size_t index, unsigned restart,
		     int exit_code)
{
	struct scenario_pack_id id = { RUN_ID, "model", "node7", JOB, ARRAY, 0, restart };
	struct scenario_record r = { .end = end, .task_id = (int64_t)index, .attempt = 1,
				     .pid = 42, .exit_code = exit_code,
				     .elapsed_s = end ? 2.5 : -1,
				     .max_rss_bytes = end ? 100 << 20 : -1 };
	char path[4096], restart_text[16];
	size_t len;
	char *line = scenario_record_line(&id, &r, &len);

	snprintf(restart_text, sizeof restart_text, "%u", restart);
	assert_int_equal(scenario_record_path(path, sizeof path, f->dir, NULL, "700", "0",
					      restart_text), 0);
	append(path, line);
	free(line);
}

/* The pack's batch step event, as the plugin writes it. */
static json_t *batch_event(const char *event, unsigned restart, int exit_code, int signal,
			   int oom_kills, const char *cause)
{
	json_t *e = json_pack("{s:s, s:i, s:s, s:s, s:i, s:i, s:i, s:s, s:i, s:s, s:s, s:i}",
			      "event_type", "step", "schema_version", 1, "event", event,
			      "timestamp", "2026-01-01T01:00:00.000Z", "job_id", JOB,
			      "array_job_id", ARRAY, "array_task_id", 0, "step_id", "batch",
			      "restart_count", restart, "node", "node7", "run_id", RUN_ID,
			      "time_limit_s", 600);

	if (!strcmp(event, "end")) {
		json_object_set_new(e, "exit_code", json_integer(exit_code));
		json_object_set_new(e, "signal", json_integer(signal));
		json_object_set_new(e, "oom_kill_count", json_integer(oom_kills));
		json_object_set_new(e, "max_rss_bytes", json_integer(1 << 30));
		json_object_set_new(e, "elapsed_s", json_real(30));
		json_object_set_new(e, "inferred_cause", json_string(cause));
	}
	return e;
}

static void write_batch(struct fixture *f, json_t *e, unsigned restart)
{
	char path[4096];
	char *line = json_dumps(e, JSON_COMPACT);

	snprintf(path, sizeof path, "%s/events/%u.batch.%u.jsonl", f->dir, JOB, restart);
	append(path, line);
	append(path, "\n");
	free(line);
	json_decref(e);
}

static void poll_events(struct fixture *f)
{
	struct error err;

	if (tracker_poll_events(f->t, &err) < 0)
		fail_msg("%s", err.text);
}

static void apply(struct fixture *f, const char *state, bool gone, int restarts)
{
	struct job_record r;
	struct error err;

	job_record_init(&r);
	r.job_id = JOB;
	r.array_job_id = ARRAY;
	r.array_task_id = 0;
	r.is_array = true;
	r.gone = gone;
	r.restarts = restarts;
	snprintf(r.state, sizeof r.state, "%s", state);
	if (tracker_apply_jobs(f->t, &r, 1, &err) != 0)
		fail_msg("%s", err.text);
}

struct query {
	size_t index;
	const char *state;
	int matches;
	json_t *last;
};

static int match(json_t *row, void *ctx)
{
	struct query *q = ctx;
	const char *state = json_string_value(json_object_get(row, "state"));

	if ((size_t)json_integer_value(json_object_get(row, "task_id")) != q->index ||
	    (q->state && (!state || strcmp(state, q->state))))
		return 0;
	q->matches++;
	json_decref(q->last);
	q->last = json_incref(row);
	return 0;
}

/* Rows of file for index in state (NULL: any); *last the last one. */
static int rows(struct fixture *f, const char *file, size_t index, const char *state,
		json_t **last)
{
	struct query q = { index, state, 0, NULL };
	char path[4096];
	struct error err;

	snprintf(path, sizeof path, "%s/%s", f->dir, file);
	assert_int_equal(jsonl_read(path, match, &q, NULL, &err), 0);
	if (last)
		*last = q.last;
	else
		json_decref(q.last);
	return q.matches;
}

static const struct task_attempt *find(struct fixture *f, size_t index)
{
	const struct task_attempt *a = tracker_find(f->t, "model", index, 1);

	assert_non_null(a);
	return a;
}

static size_t not_started(struct fixture *f)
{
	const struct task_attempt **list = NULL;
	size_t n = tracker_not_started(f->t, &list);

	free(list);
	return n;
}

/* Scenario 0 ended 0, 1 ended 75, 2 was running, 3 never started. */
static void pack_half_done(struct fixture *f)
{
	submit_pack(f);
	write_batch(f, batch_event("start", 0, 0, 0, 0, NULL), 0);
	scenario(f, false, 0, 0, 0);
	scenario(f, true, 0, 0, 0);
	scenario(f, false, 1, 0, 0);
	scenario(f, true, 1, 0, 75);
	scenario(f, false, 2, 0, 0);
	poll_events(f);
}

/* Each scenario moves on its own records, before the pack ends. */
static void test_own_records(void **state)
{
	struct fixture *f = *state;
	json_t *row;

	pack_half_done(f);
	assert_int_equal(find(f, 0)->state, TASK_SUCCEEDED);
	assert_int_equal(rows(f, "tasks.jsonl", 0, "succeeded", &row), 1);
	assert_int_equal(json_integer_value(json_object_get(row, "max_rss_bytes")), 100 << 20);
	assert_int_equal(json_integer_value(json_object_get(row, "array_task_id")), 0);
	assert_int_equal(json_integer_value(json_object_get(row, "job_id")), JOB);
	json_decref(row);
	assert_int_equal(find(f, 1)->state, TASK_FAILED);
	assert_int_equal(find(f, 1)->failure_class, FAILURE_TRANSIENT);
	assert_int_equal(rows(f, "failures.jsonl", 1, NULL, NULL), 1);
	assert_int_equal(find(f, 2)->state, TASK_RUNNING);
	assert_int_equal(find(f, 3)->state, TASK_SUBMITTED);
	assert_false(tracker_all_final(f->t));
	/* a site's limit counts the pack once */
	assert_int_equal(tracker_queued_array_tasks(f->t), 1);
}

/* A scenario the kernel killed for memory inside a pack that went on: its
 * own record's OOM kills make it oom, and the pack is not blamed. */
static void test_scenario_oom_in_living_pack(void **state)
{
	struct fixture *f = *state;
	struct scenario_pack_id id = { RUN_ID, "model", "node7", JOB, ARRAY, 0, 0 };
	struct scenario_record r = { .end = true, .task_id = 1, .attempt = 1, .pid = 42,
				     .exit_code = 137, .signal = 9, .elapsed_s = 1,
				     .max_rss_bytes = 1 << 30, .oom_kill_count = 1 };
	char path[4096];
	size_t len;
	char *line = scenario_record_line(&id, &r, &len);

	submit_pack(f);
	scenario(f, false, 1, 0, 0);
	assert_int_equal(scenario_record_path(path, sizeof path, f->dir, NULL, "700", "0", "0"), 0);
	append(path, line);
	free(line);
	poll_events(f);
	assert_int_equal(find(f, 1)->state, TASK_FAILED);
	assert_int_equal(find(f, 1)->failure_class, FAILURE_OOM);
	assert_int_equal(find(f, 0)->state, TASK_SUBMITTED);
}

/* Local target: the pack's batch step ended killed for memory. */
static void test_killed_pack_local(void **state)
{
	struct fixture *f = *state;
	json_t *row;

	pack_half_done(f);
	write_batch(f, batch_event("end", 0, 137, 9, 1, "oom"), 0);
	poll_events(f);
	assert_int_equal(find(f, 2)->state, TASK_FAILED);
	assert_int_equal(find(f, 2)->failure_class, FAILURE_OOM);
	assert_int_equal(find(f, 2)->max_rss_bytes, 1 << 30);   /* the pack's peak */
	assert_int_equal(rows(f, "failures.jsonl", 2, NULL, NULL), 1);
	assert_int_equal(tracker_queued_array_tasks(f->t), 0);
	assert_int_equal(find(f, 3)->state, TASK_CANCELLED);
	assert_true(find(f, 3)->not_started);
	assert_int_equal(rows(f, "failures.jsonl", 3, NULL, NULL), 0);
	assert_int_equal(rows(f, "tasks.jsonl", 3, "cancelled", &row), 1);
	assert_true(json_is_true(json_object_get(row, "not_started")));
	json_decref(row);
	assert_int_equal(not_started(f), 1);
	/* what ended on its own keeps its own outcome */
	assert_int_equal(find(f, 0)->state, TASK_SUCCEEDED);
	assert_int_equal(find(f, 1)->failure_class, FAILURE_TRANSIENT);
	assert_true(tracker_all_final(f->t));
}

/* The batch end comes before the event reader has seen the pack's file:
 * its records are read directly when it settles. */
static void test_records_read_at_settle(void **state)
{
	struct fixture *f = *state;
	json_t *end = batch_event("end", 0, 143, 15, 0, "timeout?");
	struct error err;

	submit_pack(f);
	scenario(f, false, 0, 0, 0);
	scenario(f, true, 0, 0, 0);
	scenario(f, false, 1, 0, 0);
	assert_int_equal(tracker_apply_event(f->t, end, &err), 0);
	json_decref(end);  /* borrowed: the tracker keeps a reference if it needs one */
	assert_int_equal(find(f, 0)->state, TASK_SUCCEEDED);
	assert_int_equal(find(f, 1)->state, TASK_FAILED);
	assert_int_equal(find(f, 2)->state, TASK_CANCELLED);
	assert_int_equal(not_started(f), 2);
}

/* tracker_apply_event of an event made for it: the tracker only borrows it. */
static int apply_owned(struct tracker *t, json_t *event, struct error *err)
{
	int rc = tracker_apply_event(t, event, err);

	json_decref(event);
	return rc;
}

/* The records read directly at the pack's end are read as the event
 * reader reads them (a task writes there): a FIFO in the file's place
 * blocks nothing (the alarm turns a hang into a failure, it times
 * nothing), and a record of another array task in it does not count. */
static void test_records_read_at_settle_safely(void **state)
{
	struct fixture *f = *state;
	struct scenario_pack_id other = { RUN_ID, "model", "node7", JOB + 1, ARRAY, 1, 0 };
	struct scenario_record r = { .end = true, .task_id = 1, .attempt = 1, .pid = 42,
				     .elapsed_s = 1, .max_rss_bytes = 1 };
	char path[4096];
	struct error err;
	size_t len;
	char *line = scenario_record_line(&other, &r, &len);

	submit_pack(f);
	assert_int_equal(scenario_record_path(path, sizeof path, f->dir, NULL, "700", "0", "0"), 0);
	assert_int_equal(mkfifo(path, 0644), 0);
	alarm(60);
	assert_int_equal(apply_owned(f->t, batch_event("start", 0, 0, 0, 0, NULL), &err), 0);
	assert_int_equal(apply_owned(f->t, batch_event("end", 0, 143, 15, 0,
								"timeout?"), &err), 0);
	alarm(0);
	assert_int_equal(not_started(f), 4);
	assert_int_equal(unlink(path), 0);
	scenario(f, false, 0, 1, 0);
	scenario(f, false, 1, 1, 0);
	other.restart_count = 1;
	free(line);
	line = scenario_record_line(&other, &r, &len);
	assert_int_equal(scenario_record_path(path, sizeof path, f->dir, NULL, "700", "0", "1"), 0);
	append(path, line);  /* task 1's end, in the file of task 0 */
	free(line);
	assert_int_equal(apply_owned(f->t, batch_event("end", 1, 143, 15, 0,
								"timeout?"), &err), 0);
	assert_int_equal(find(f, 1)->state, TASK_FAILED);  /* started, not ended: the pack's failure */
}

/* Slurm: nothing settles on the batch end; Slurm's final state does. */
static void test_preempted_pack_slurm(void **state)
{
	struct fixture *f = *state;

	pack_half_done(f);
	write_batch(f, batch_event("end", 0, 143, 15, 0, "timeout?"), 0);
	poll_events(f);
	assert_int_equal(find(f, 2)->state, TASK_RUNNING);
	assert_int_equal(find(f, 3)->state, TASK_SUBMITTED);
	apply(f, "PREEMPTED", true, 0);
	assert_int_equal(find(f, 2)->state, TASK_FAILED);
	assert_int_equal(find(f, 2)->failure_class, FAILURE_PREEMPTED);
	assert_int_equal(find(f, 3)->state, TASK_CANCELLED);
	assert_true(find(f, 3)->not_started);
	assert_int_equal(find(f, 0)->state, TASK_SUCCEEDED);
	assert_int_equal(rows(f, "failures.jsonl", 3, NULL, NULL), 0);
}

/* Slurm requeued the pack: what ended stays as it ended (no row), the rest
 * goes on in the same attempt at restart 1. */
static void test_requeued_pack(void **state)
{
	struct fixture *f = *state;

	pack_half_done(f);
	apply(f, "PENDING", false, 1);
	assert_int_equal(rows(f, "tasks.jsonl", 0, "requeued", NULL), 0);
	assert_int_equal(rows(f, "tasks.jsonl", 1, "requeued", NULL), 0);
	assert_int_equal(rows(f, "tasks.jsonl", 2, "requeued", NULL), 1);
	assert_int_equal(rows(f, "tasks.jsonl", 3, "requeued", NULL), 1);
	scenario(f, false, 2, 1, 0);
	scenario(f, true, 2, 1, 0);
	scenario(f, false, 3, 1, 0);
	scenario(f, true, 3, 1, 0);
	poll_events(f);
	assert_int_equal(find(f, 2)->state, TASK_SUCCEEDED);
	assert_int_equal(find(f, 2)->restart_count, 1);
	assert_int_equal(find(f, 3)->state, TASK_SUCCEEDED);
	/* a late record of the run before the requeue changes nothing */
	scenario(f, true, 2, 0, 1);
	poll_events(f);
	assert_int_equal(find(f, 2)->state, TASK_SUCCEEDED);
	assert_int_equal(rows(f, "tasks.jsonl", 0, "succeeded", NULL), 1);
	assert_int_equal(rows(f, "failures.jsonl", 2, NULL, NULL), 0);
}

/* Slurm said PREEMPTED, then requeued the pack all the same: what the
 * pack's end settled goes on at restart 1, what ended on its own does not. */
static void test_requeue_after_settle(void **state)
{
	struct fixture *f = *state;

	pack_half_done(f);
	apply(f, "PREEMPTED", true, 0);
	assert_int_equal(find(f, 2)->state, TASK_FAILED);
	assert_int_equal(not_started(f), 1);
	apply(f, "PENDING", false, 1);
	assert_int_equal(find(f, 2)->state, TASK_REQUEUED);
	assert_int_equal(find(f, 3)->state, TASK_REQUEUED);
	assert_false(find(f, 3)->not_started);
	assert_int_equal(not_started(f), 0);
	assert_int_equal(find(f, 0)->state, TASK_SUCCEEDED);
	assert_int_equal(find(f, 1)->state, TASK_FAILED);
	assert_int_equal(rows(f, "tasks.jsonl", 1, "requeued", NULL), 0);
	scenario(f, false, 3, 1, 0);
	scenario(f, true, 3, 1, 0);
	poll_events(f);
	assert_int_equal(find(f, 3)->state, TASK_SUCCEEDED);
}

/* scancel of the pack: what had not ended is cancelled, not requeued. */
static void test_cancelled_pack(void **state)
{
	struct fixture *f = *state;

	pack_half_done(f);
	apply(f, "CANCELLED", true, 0);
	assert_int_equal(find(f, 2)->state, TASK_CANCELLED);
	assert_int_equal(find(f, 3)->state, TASK_CANCELLED);
	assert_false(find(f, 3)->not_started);
	assert_int_equal(not_started(f), 0);
}

/* Re-attach: rebuilt from tasks.jsonl, everything replayed, nothing
 * written twice, and the scenario that never started is still waiting. */
static void test_reattach(void **state)
{
	struct fixture *f = *state;
	char *before, *after;

	pack_half_done(f);
	write_batch(f, batch_event("end", 0, 137, 9, 1, "oom"), 0);
	poll_events(f);
	before = tmpdir_read(f->dir, "tasks.jsonl");
	tracker_free(f->t);
	f->t = open_tracker(f);
	assert_true(find(f, 3)->not_started);
	submit_pack(f);
	poll_events(f);
	after = tmpdir_read(f->dir, "tasks.jsonl");
	assert_string_equal(before, after);
	assert_int_equal(not_started(f), 1);
	free(before);
	free(after);
}

/* Re-attach while the pack runs, a member's row the last one of the
 * pack's job id: the pack's batch step file is still read (its end settles
 * the members left open), not skipped as that member's. */
static void test_reattach_running_pack(void **state)
{
	struct fixture *f = *state;

	submit_pack(f);
	write_batch(f, batch_event("start", 0, 0, 0, 0, NULL), 0);
	scenario(f, false, 2, 0, 0);
	scenario(f, false, 0, 0, 0);
	scenario(f, true, 0, 0, 0);
	poll_events(f);
	assert_int_equal(find(f, 0)->state, TASK_SUCCEEDED);
	tracker_free(f->t);
	f->t = open_tracker(f);
	submit_pack(f);
	poll_events(f);
	assert_int_equal(find(f, 2)->state, TASK_RUNNING);
	write_batch(f, batch_event("end", 0, 137, 9, 1, "oom"), 0);
	poll_events(f);
	assert_true(task_state_is_final(find(f, 2)->state));
	assert_true(find(f, 3)->not_started);
}

/* One poll through tracker_apply_poll: squeue's records as queued. */
static struct tracker_poll poll_with(struct fixture *f, const struct job_record *queued,
				     size_t n_queued)
{
	static const uint32_t polled[] = { ARRAY };
	struct tracker_poll p = { .polled = polled, .n_polled = 1, .queued = queued,
				  .n_queued = n_queued, .silence = TRACKER_SILENCE_GRACE };
	struct error err;

	if (tracker_apply_poll(f->t, &p, &err) != 0)
		fail_msg("%s", err.text);
	return p;
}

/* A poll names the pack once for all its members: none of them is gone
 * without a word; its array is polled while a member is open (a member is
 * an attempt of the array); unmentioned, the pack is held as one, and its
 * open members settle after TRACKER_GONE_POLLS polls. */
static void test_polled_pack(void **state)
{
	struct fixture *f = *state;
	struct job_record r;
	struct tracker_poll p;
	uint32_t *ids = NULL;

	pack_half_done(f);
	assert_int_equal(tracker_jobs_to_poll(f->t, &ids), 1);
	assert_int_equal(ids[0], ARRAY);
	free(ids);
	job_record_init(&r);
	r.job_id = JOB;
	r.array_job_id = ARRAY;
	r.array_task_id = 0;
	r.is_array = true;
	snprintf(r.state, sizeof r.state, "RUNNING");
	for (int i = 0; i < TRACKER_GONE_POLLS + 1; i++) {
		p = poll_with(f, &r, 1);
		assert_int_equal(p.held, 0);
	}
	assert_int_equal(find(f, 2)->state, TASK_RUNNING);
	assert_int_equal(find(f, 3)->state, TASK_SUBMITTED);
	for (int i = 1; i < TRACKER_GONE_POLLS; i++) {
		p = poll_with(f, NULL, 0);
		assert_int_equal(p.held, 1);
		assert_int_equal(p.held_polls, i);
	}
	p = poll_with(f, NULL, 0);
	assert_int_equal(p.held, 0);
	assert_int_not_equal(find(f, 2)->state, TASK_RUNNING);
	assert_true(task_state_is_final(find(f, 3)->state));
	assert_int_equal(tracker_jobs_to_poll(f->t, &ids), 0);
	free(ids);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_own_records, setup_slurm, teardown),
		cmocka_unit_test_setup_teardown(test_scenario_oom_in_living_pack, setup_slurm,
						teardown),
		cmocka_unit_test_setup_teardown(test_killed_pack_local, setup_local, teardown),
		cmocka_unit_test_setup_teardown(test_records_read_at_settle, setup_local, teardown),
		cmocka_unit_test_setup_teardown(test_records_read_at_settle_safely, setup_local,
						teardown),
		cmocka_unit_test_setup_teardown(test_preempted_pack_slurm, setup_slurm, teardown),
		cmocka_unit_test_setup_teardown(test_requeued_pack, setup_slurm, teardown),
		cmocka_unit_test_setup_teardown(test_requeue_after_settle, setup_slurm, teardown),
		cmocka_unit_test_setup_teardown(test_cancelled_pack, setup_slurm, teardown),
		cmocka_unit_test_setup_teardown(test_reattach, setup_local, teardown),
		cmocka_unit_test_setup_teardown(test_polled_pack, setup_slurm, teardown),
		cmocka_unit_test_setup_teardown(test_reattach_running_pack, setup_local, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
