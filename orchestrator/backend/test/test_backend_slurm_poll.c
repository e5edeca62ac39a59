/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One poll of Slurm for a whole run (backend_slurm_poll.c, through the Slurm
 * backend), with shims first on PATH: one squeue for every open array, one
 * sacct for what squeue no longer lists (its records of tasks squeue still
 * lists are ignored), scontrol when there is no accounting (said once), and
 * nothing settled when squeue cannot answer. A task that neither mentions
 * is held TRACKER_GONE_POLLS polls in which accounting answered. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testing/orch_helpers.h"
#include "backend/backend.h"
#include "testing/slurm_shims.h"
#include "test/tmpdir.h"
#include "tracker/tracker.h"

struct fixture {
	char *dir, *old_path;
	struct tracker *tracker;
	struct backend *backend;
	unsigned notes;
	char said[4096];    /* the notes, one a line */
};

static void count_note(void *ctx, const char *text)
{
	struct fixture *f = ctx;
	size_t len = strlen(f->said);

	f->notes++;
	snprintf(f->said + len, sizeof f->said - len, "%s\n", text);
}

/* Notes that contained text. */
static unsigned notes_with(const struct fixture *f, const char *text)
{
	unsigned n = 0;

	for (const char *p = f->said; (p = strstr(p, text)); p += strlen(text))
		n++;
	return n;
}

/* Array job 100 of tasks 0..3, submitted. */
static void submit_array(struct fixture *f)
{
	static const struct plan_task tasks[] = { { 0, 1 }, { 1, 1 }, { 2, 1 }, { 3, 1 } };
	struct tracker_submission s = {
		.component = "model", .wave = "w001", .tasks = tasks, .n_tasks = 4,
		.resources = { .cpus = 1 }, .array_job_id = 100,
	};
	struct error err;

	if (tracker_add_submission(f->tracker, &s, &err) != 0)
		fail_msg("%s", err.text);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct error err;
	struct tracker_options to = { .run_id = "run-x", .provider = "slurm" };
	struct backend_options bo = { .provider = PROVIDER_SLURM, .run_id = "run-x",
					  .project = "p", .note = count_note };

	f->dir = tmpdir_create();
	f->old_path = slurm_shims_install(f->dir);
	to.run_dir = bo.run_dir = f->dir;
	bo.note_ctx = f;
	if (!(f->tracker = tracker_new(&to, &err)) || tracker_rebuild(f->tracker, &err) != 0 ||
	    !(f->backend = backend_new(&bo, &err)))
		fail_msg("%s", err.text);
	submit_array(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	slurm_shims_remove(f->old_path);
	backend_free(f->backend);
	tracker_free(f->tracker);
	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static enum task_state state_of(const struct fixture *f, size_t index)
{
	return tracker_find(f->tracker, "model", index, 1)->state;
}

static int calls(const struct fixture *f, const char *program)
{
	return slurm_shims_calls(f->dir, program);
}

static void poll_once(struct fixture *f)
{
	struct error err;

	if (backend_poll(f->backend, f->tracker, &err) != 0)
		fail_msg("%s", err.text);
}

static const char squeue_running_pending[] =
	"101|100|0|RUNNING|None|vm|0|scalable:run-x:w001/model/0|\n"
	"100|100|1|PENDING|Priority||0|scalable:run-x:w001/model/0|\n";

static void one_squeue_then_one_sacct_for_what_left(void **state)
{
	struct fixture *f = *state;

	tmpdir_write(f->dir, "squeue.out", squeue_running_pending);
	/* sacct lags: it still calls 0 (in squeue) and 3 (gone from it) RUNNING */
	tmpdir_write(f->dir, "sacct.out",
		     "100_0|101|RUNNING|0:0|0:0|None|vm|1795814173|1795814173|Unknown|5|2|50M|\n"
		     "100_2|102|COMPLETED|0:0|0:0|None|vm|1795814173|1795814173|1795814180|7|2|50M|\n"
		     "100_3|103|RUNNING|0:0|0:0|None|vm|1795814173|1795814173|Unknown|7|2|50M|\n");
	poll_once(f);
	assert_int_equal(state_of(f, 0), TASK_RUNNING);
	assert_int_equal(state_of(f, 1), TASK_SUBMITTED);
	assert_int_equal(state_of(f, 2), TASK_SUCCEEDED);
	assert_int_equal(state_of(f, 3), TASK_SUBMITTED);  /* believed a while */
	for (int i = 0; i < 3; i++)
		poll_once(f);
	/* 3 is settled after TRACKER_GONE_POLLS; 0, which squeue lists, never is */
	assert_int_equal(state_of(f, 3), TASK_FAILED);
	assert_int_equal(state_of(f, 0), TASK_RUNNING);
	assert_int_equal(calls(f, "squeue"), 4);
	assert_int_equal(calls(f, "sacct"), TRACKER_GONE_POLLS);  /* then squeue lists all */
	assert_int_equal(f->notes, 0);
}

static void without_accounting_scontrol_is_asked_and_it_is_said_once(void **state)
{
	struct fixture *f = *state;

	tmpdir_write(f->dir, "squeue.out", squeue_running_pending);
	tmpdir_write(f->dir, "sacct.err",
		     "sacct: error: Slurm accounting storage is disabled\n");
	tmpdir_write(f->dir, "sacct.rc", "1");
	for (int i = 1; i < TRACKER_GONE_POLLS; i++)
		poll_once(f);
	assert_int_equal(state_of(f, 2), TASK_SUBMITTED);  /* held a while */
	poll_once(f);
	poll_once(f);
	assert_int_equal(calls(f, "sacct"), 1);
	/* then 2 and 3 were settled */
	assert_int_equal(calls(f, "scontrol"), TRACKER_GONE_POLLS);
	assert_int_equal(notes_with(f, "keeps no accounting"), 1);
	/* the grace applies: scontrol is all there is */
	assert_int_equal(notes_with(f, "2 tasks left the queue and accounting does not "
				    "know them yet"), TRACKER_GONE_POLLS - 1);
	/* scontrol no longer knows 2 and 3: gone without a word, failed */
	assert_int_equal(state_of(f, 2), TASK_FAILED);
	assert_int_equal(state_of(f, 0), TASK_RUNNING);
}

static void a_failing_squeue_settles_nothing(void **state)
{
	struct fixture *f = *state;

	tmpdir_write(f->dir, "squeue.err",
		     "slurm_load_jobs error: Unable to contact slurm controller\n");
	tmpdir_write(f->dir, "squeue.rc", "1");
	poll_once(f);
	poll_once(f);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(state_of(f, i), TASK_SUBMITTED);
	assert_int_equal(calls(f, "sacct"), 0);
	assert_int_equal(f->notes, 1);  /* said once, not per poll */
}

static void a_job_nobody_knows_is_failed_not_running_forever(void **state)
{
	struct fixture *f = *state;

	tmpdir_write(f->dir, "squeue.out", "");
	tmpdir_write(f->dir, "sacct.out", "");
	for (int i = 0; i < TRACKER_GONE_POLLS; i++)
		poll_once(f);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(state_of(f, i), TASK_FAILED);
	assert_true(tracker_all_final(f->tracker));
}

/* Tasks 0, 1 and 3 running; 2 has left the queue. */
static const char squeue_all_but_2[] =
	"101|100|0|RUNNING|None|vm|0|scalable:run-x:w001/model/0|\n"
	"102|100|1|RUNNING|None|vm|0|scalable:run-x:w001/model/0|\n"
	"104|100|3|RUNNING|None|vm|0|scalable:run-x:w001/model/0|\n";
static const char sacct_2_completed[] =
	"100_2|103|COMPLETED|0:0|0:0|None|vm|1795814173|1795814173|1795814180|7|2|50M|\n";

/* sacct's answer: text, or slurmdbd's connection error (down). */
static void sacct_says(struct fixture *f, const char *text, bool down)
{
	tmpdir_write(f->dir, "sacct.out", down ? "" : text);
	tmpdir_write(f->dir, "sacct.err",
		     down ? "sacct: error: Problem talking to the database: "
			    "Connection refused\n" : "");
	tmpdir_write(f->dir, "sacct.rc", down ? "1" : "0");
}

/* Rows of tasks.jsonl or failures.jsonl that contain text. */
static int rows_with(const struct fixture *f, const char *file, const char *text)
{
	char *all = tmpdir_read(f->dir, file);
	int n = 0;

	for (const char *p = all; p && (p = strstr(p, text)); p += strlen(text))
		n++;
	free(all);
	return n;
}

static void sacct_that_lags_is_waited_for(void **state)
{
	struct fixture *f = *state;

	tmpdir_write(f->dir, "squeue.out", squeue_all_but_2);
	sacct_says(f, "", false);  /* 2 finished; sacct does not know it yet */
	poll_once(f);
	poll_once(f);
	assert_int_equal(state_of(f, 2), TASK_SUBMITTED);
	assert_int_equal(notes_with(f, "1 task left the queue and accounting does not know "
				    "it yet; waiting (poll 1 of 3)"), 1);
	assert_int_equal(notes_with(f, "(poll 2 of 3)"), 1);
	sacct_says(f, sacct_2_completed, false);
	poll_once(f);
	assert_int_equal(state_of(f, 2), TASK_SUCCEEDED);
	assert_int_equal(rows_with(f, "tasks.jsonl", "\"failed\""), 0);
	assert_int_equal(rows_with(f, "failures.jsonl", "\"event_type\""), 0);
	assert_int_equal(f->notes, 2);  /* nothing held at the third poll */
}

static void while_slurmdbd_is_down_nothing_unmentioned_is_settled(void **state)
{
	struct fixture *f = *state;

	tmpdir_write(f->dir, "squeue.out", squeue_all_but_2);
	sacct_says(f, "", true);  /* and scontrol, past MinJobAge, forgot 2 */
	for (int i = 0; i < 4 * TRACKER_GONE_POLLS; i++)
		poll_once(f);
	assert_int_equal(state_of(f, 2), TASK_SUBMITTED);
	assert_int_equal(calls(f, "scontrol"), 4 * TRACKER_GONE_POLLS);
	assert_int_equal(notes_with(f, "cannot reach the accounting database"), 1);
	assert_int_equal(notes_with(f, "left the queue"), 0);
	sacct_says(f, sacct_2_completed, false);
	poll_once(f);
	assert_int_equal(state_of(f, 2), TASK_SUCCEEDED);
	assert_string_equal(tracker_find(f->tracker, "model", 2, 1)->slurm_state, "COMPLETED");
	assert_int_equal(rows_with(f, "failures.jsonl", "\"event_type\""), 0);
}

/* Unmentioned while sacct answers: failed after exactly TRACKER_GONE_POLLS
 * such polls; a poll while slurmdbd is down does not count. */
static void a_task_truly_gone_fails_after_the_grace(void **state)
{
	struct fixture *f = *state;

	tmpdir_write(f->dir, "squeue.out", squeue_all_but_2);
	for (int i = 1; i < TRACKER_GONE_POLLS; i++) {
		sacct_says(f, "", false);
		poll_once(f);
		sacct_says(f, "", true);
		poll_once(f);
		assert_int_equal(state_of(f, 2), TASK_SUBMITTED);
	}
	sacct_says(f, "", false);
	poll_once(f);
	assert_int_equal(state_of(f, 2), TASK_FAILED);
	assert_int_equal(rows_with(f, "tasks.jsonl", "\"failed\""), 1);
	assert_int_equal(rows_with(f, "failures.jsonl", "\"event_type\""), 1);
	assert_int_equal(state_of(f, 0), TASK_RUNNING);
}

/* squeue listing a held task again starts its grace over. */
static void a_mention_starts_the_grace_over(void **state)
{
	struct fixture *f = *state;

	sacct_says(f, "", false);
	tmpdir_write(f->dir, "squeue.out", squeue_all_but_2);
	for (int i = 1; i < TRACKER_GONE_POLLS; i++)
		poll_once(f);
	tmpdir_write(f->dir, "squeue.out",
		     "103|100|2|RUNNING|None|vm|0|scalable:run-x:w001/model/0|\n");
	poll_once(f);
	tmpdir_write(f->dir, "squeue.out", squeue_all_but_2);
	for (int i = 1; i < TRACKER_GONE_POLLS; i++)
		poll_once(f);
	assert_int_equal(state_of(f, 2), TASK_RUNNING);
	poll_once(f);
	assert_int_equal(state_of(f, 2), TASK_FAILED);
}

/* A sweeper's pass polls once per process: no grace to count there. */
static void polled_once_per_process_silence_settles_at_once(void **state)
{
	struct fixture *f = *state;

	backend_polls_once(f->backend);
	tmpdir_write(f->dir, "squeue.out", squeue_all_but_2);
	sacct_says(f, "", true);
	poll_once(f);
	assert_int_equal(state_of(f, 2), TASK_SUBMITTED);  /* slurmdbd down: no evidence */
	sacct_says(f, "", false);
	poll_once(f);
	assert_int_equal(state_of(f, 2), TASK_FAILED);
	assert_int_equal(notes_with(f, "left the queue"), 0);
}

/* squeue still lists a task that just failed, with no exit code; the end
 * is taken from sacct, whose exit 65 makes it an input_error (with no step
 * event, as on a cluster without the plugin). */
static void an_end_squeue_lists_is_taken_from_accounting(void **state)
{
	struct fixture *f = *state;
	const struct task_attempt *a;

	tmpdir_write(f->dir, "squeue.out",
		     "101|100|0|RUNNING|None|vm|0|scalable:run-x:w001/model/0|\n"
		     "103|100|2|FAILED|NonZeroExitCode|vm|0|scalable:run-x:w001/model/0|\n");
	sacct_says(f, "100_2|103|FAILED|65:0|0:0|None|vm|1795814173|1795814173|"
		      "1795814180|7|2|50M|\n", false);
	poll_once(f);
	a = tracker_find(f->tracker, "model", 2, 1);
	assert_int_equal(a->state, TASK_FAILED);
	assert_int_equal(a->exit_code, 65);
	assert_int_equal(a->failure_class, FAILURE_INPUT_ERROR);
	assert_int_equal(calls(f, "sacct"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(one_squeue_then_one_sacct_for_what_left, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			without_accounting_scontrol_is_asked_and_it_is_said_once, setup, teardown),
		cmocka_unit_test_setup_teardown(a_failing_squeue_settles_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(a_job_nobody_knows_is_failed_not_running_forever,
						setup, teardown),
		cmocka_unit_test_setup_teardown(sacct_that_lags_is_waited_for, setup, teardown),
		cmocka_unit_test_setup_teardown(
			while_slurmdbd_is_down_nothing_unmentioned_is_settled, setup, teardown),
		cmocka_unit_test_setup_teardown(a_task_truly_gone_fails_after_the_grace, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_mention_starts_the_grace_over, setup, teardown),
		cmocka_unit_test_setup_teardown(an_end_squeue_lists_is_taken_from_accounting,
						setup, teardown),
		cmocka_unit_test_setup_teardown(polled_once_per_process_silence_settles_at_once,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
