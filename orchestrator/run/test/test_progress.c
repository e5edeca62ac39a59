/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a followed run prints when its output is not a terminal (a log): a
 * clock-stamped line when the counts change and never twice for the same
 * counts, the last state always, one line per failed attempt (the first
 * PROGRESS_MAX_FAILURE_LINES, then how many more), notes, and no colour. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "run/progress.h"
#include "test/tmpdir.h"
#include "tracker/tracker.h"

#define RUN_ID "run-20260101T000000Z-progress-0badcafe"
#define ARRAY 700u
#define MAX_LINES 64

struct fixture {
	char *dir;
	struct tracker *t;
	char *buf;
	size_t len;
	FILE *out;
	struct progress *p;
	char *line[MAX_LINES];
	size_t n_lines;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct tracker_options o = { .run_id = RUN_ID, .provider = "slurm" };
	struct error err;

	setenv("NO_COLOR", "1", 1);
	f->dir = tmpdir_create();
	tmpdir_write(f->dir, "events/.keep", "");
	tmpdir_write(f->dir, "logs/.keep", "");
	o.run_dir = f->dir;
	if (!(f->t = tracker_new(&o, &err)) || tracker_rebuild(f->t, &err) != 0)
		fail_msg("%s", err.text);
	assert_non_null(f->out = open_memstream(&f->buf, &f->len));
	assert_non_null(f->p = progress_new(f->out));
	*state = f;
	return 0;
}

static void free_lines(struct fixture *f)
{
	for (size_t i = 0; i < f->n_lines; i++)
		free(f->line[i]);
	f->n_lines = 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free_lines(f);
	progress_free(f->p);
	fclose(f->out);
	free(f->buf);
	tracker_free(f->t);
	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

/* Submits tasks 0..n-1 of model as one array. */
static void submit(struct fixture *f, size_t n)
{
	struct plan_task tasks[32];
	struct tracker_submission s = {
		.component = "model", .wave = "w001", .tasks = tasks, .n_tasks = n,
		.resources = { 1, 0, 0 }, .array_job_id = ARRAY,
	};
	struct error err;

	assert_true(n <= 32);
	for (size_t i = 0; i < n; i++)
		tasks[i] = (struct plan_task){ i, 1 };
	if (tracker_add_submission(f->t, &s, &err) != 0)
		fail_msg("%s", err.text);
}

/* Slurm's word on task i: RUNNING in the queue, or a final state once gone. */
static void slurm_says(struct fixture *f, uint32_t i, const char *state)
{
	struct job_record r;
	struct error err;

	job_record_init(&r);
	r.job_id = ARRAY + 1000 + i;
	r.array_job_id = ARRAY;
	r.array_task_id = i;
	r.is_array = true;
	r.gone = strcmp(state, "RUNNING") != 0;
	r.exit_code = strcmp(state, "FAILED") == 0 ? 1 : 0;
	r.signal = 0;
	snprintf(r.state, sizeof r.state, "%s", state);
	if (tracker_apply_jobs(f->t, &r, 1, &err) != 0)
		fail_msg("%s", err.text);
}

/* The output so far, cut into lines (each ends in a newline). */
static size_t lines(struct fixture *f)
{
	const char *p;

	free_lines(f);
	fflush(f->out);
	p = f->buf;
	while (p && *p) {
		const char *nl = strchr(p, '\n');

		assert_non_null(nl);
		assert_true(f->n_lines < MAX_LINES);
		f->line[f->n_lines++] = strndup(p, (size_t)(nl - p));
		p = nl + 1;
	}
	return f->n_lines;
}

static bool is_status(const char *line)
{
	unsigned h, m, s;
	char after;

	return sscanf(line, "%2u:%2u:%2u%c", &h, &m, &s, &after) == 4 && after == ' ' &&
	       h < 24 && m < 60 && s < 61 && strstr(line, " done (");
}

/* Line i is a status line saying text after its clock (an ETA may follow). */
static void status_is(struct fixture *f, size_t i, const char *text)
{
	const char *line = f->line[i], *rest;

	assert_true(i < f->n_lines);
	if (!is_status(line))
		fail_msg("not a status line: '%s'", line);
	rest = line + strlen("HH:MM:SS ");
	if (strncmp(rest, text, strlen(text)) != 0 ||
	    (rest[strlen(text)] && strncmp(rest + strlen(text), "  ETA ", 6) != 0))
		fail_msg("'%s' is not '%s'", rest, text);
}

static size_t count_status(struct fixture *f)
{
	size_t n = 0;

	for (size_t i = 0; i < lines(f); i++)
		n += is_status(f->line[i]);
	return n;
}

static void the_first_update_prints_the_counts(void **state)
{
	struct fixture *f = *state;

	submit(f, 4);
	progress_update(f->p, f->t);
	assert_int_equal(lines(f), 1);
	status_is(f, 0, "0/4 done (0%): 4 submitted");
}

static void the_same_counts_print_nothing(void **state)
{
	struct fixture *f = *state;

	submit(f, 4);
	progress_update(f->p, f->t);
	progress_update(f->p, f->t);
	progress_update(f->p, f->t);
	progress_finish(f->p);
	assert_int_equal(lines(f), 1);
}

/* Printed at once or held back for the rest of the second: either way the
 * last counts reach the log exactly once by progress_finish. */
static void the_last_state_always_reaches_the_log(void **state)
{
	struct fixture *f = *state;

	submit(f, 4);
	progress_update(f->p, f->t);
	slurm_says(f, 0, "COMPLETED");
	slurm_says(f, 1, "RUNNING");
	progress_update(f->p, f->t);
	progress_finish(f->p);
	assert_int_equal(lines(f), 2);
	status_is(f, 1, "1/4 done (25%): 1 succeeded, 1 running, 2 submitted");
}

/* Spins until the clock's second changes from since; false after 5 s. */
static bool next_second(time_t since)
{
	struct timespec nap = { 0, 10 * 1000 * 1000 };

	for (int i = 0; i < 500; i++) {
		if (time(NULL) != since)
			return true;
		nanosleep(&nap, NULL);
	}
	return false;
}

/* A change held back for the rest of a second is printed by a later update
 * even when the counts have not changed again (a long run's log would
 * otherwise show a stale state until the next change). The verdict does
 * not hang on timing: the change is either printed at once or later. */
static void a_held_back_change_is_printed_a_second_later(void **state)
{
	struct fixture *f = *state;
	time_t now;

	submit(f, 4);
	assert_true(next_second(time(NULL)));  /* the next two updates: likely one second */
	progress_update(f->p, f->t);
	slurm_says(f, 0, "RUNNING");
	now = time(NULL);
	progress_update(f->p, f->t);
	assert_true(next_second(now));
	progress_update(f->p, f->t);  /* the same counts */
	assert_int_equal(lines(f), 2);
	status_is(f, 1, "0/4 done (0%): 1 running, 3 submitted");
	progress_finish(f->p);
	assert_int_equal(lines(f), 2);
}

static void a_finished_run_is_printed_at_once(void **state)
{
	struct fixture *f = *state;

	submit(f, 4);
	progress_update(f->p, f->t);
	slurm_says(f, 0, "COMPLETED");
	slurm_says(f, 1, "COMPLETED");
	slurm_says(f, 2, "FAILED");
	slurm_says(f, 3, "CANCELLED");
	progress_update(f->p, f->t);
	assert_int_equal(count_status(f), 2);  /* not held back: nothing more will come */
	status_is(f, f->n_lines - 1, "4/4 done (100%): 2 succeeded, 1 failed, 1 cancelled");
	progress_finish(f->p);
	assert_int_equal(count_status(f), 2);
}

static void percentages_round_down(void **state)
{
	struct fixture *f = *state;

	submit(f, 3);
	slurm_says(f, 0, "COMPLETED");
	progress_update(f->p, f->t);
	assert_int_equal(lines(f), 1);
	status_is(f, 0, "1/3 done (33%): 1 succeeded, 2 submitted");
	slurm_says(f, 1, "COMPLETED");
	slurm_says(f, 2, "RUNNING");
	progress_update(f->p, f->t);
	progress_finish(f->p);
	status_is(f, lines(f) - 1, "2/3 done (66%): 2 succeeded, 1 running");
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void a_failure_is_shown_once(void **state)
{
	struct fixture *f = *state;
	size_t failures = 0;

	submit(f, 3);
	progress_update(f->p, f->t);
	slurm_says(f, 1, "FAILED");
	progress_update(f->p, f->t);
	slurm_says(f, 0, "RUNNING");
	progress_update(f->p, f->t);
	slurm_says(f, 0, "COMPLETED");
	slurm_says(f, 2, "COMPLETED");
	progress_update(f->p, f->t);
	progress_finish(f->p);
	lines(f);
	for (size_t i = 0; i < f->n_lines; i++) {
		if (!starts_with(f->line[i], "failed "))
			continue;
		failures++;
		assert_true(starts_with(f->line[i], "failed model-1 (attempt 1): "));
		assert_true(i == 1);  /* right after the first line, before its counts */
	}
	assert_int_equal(failures, 1);
	status_is(f, f->n_lines - 1, "3/3 done (100%): 2 succeeded, 1 failed");
}

static void only_the_first_failures_are_listed(void **state)
{
	struct fixture *f = *state;
	size_t failures = 0;

	submit(f, 25);
	progress_update(f->p, f->t);
	for (uint32_t i = 0; i < 25; i++)
		slurm_says(f, i, "FAILED");
	progress_update(f->p, f->t);
	progress_finish(f->p);
	lines(f);
	for (size_t i = 0; i < f->n_lines; i++)
		failures += starts_with(f->line[i], "failed model-");
	assert_int_equal(failures, PROGRESS_MAX_FAILURE_LINES);
	assert_string_equal(f->line[f->n_lines - 1],
			    "... and 5 more failed attempt(s): see `scalable status` or "
			    "failures.jsonl");
	status_is(f, f->n_lines - 2, "25/25 done (100%): 25 failed");
}

static void notes_are_lines_of_their_own(void **state)
{
	struct fixture *f = *state;

	submit(f, 2);
	progress_note(f->p, "submitted 1 array");
	progress_update(f->p, f->t);
	progress_note_cb(f->p, "cancelling");
	progress_finish(f->p);
	progress_note(f->p, "after the end");
	assert_int_equal(lines(f), 4);
	assert_string_equal(f->line[0], "submitted 1 array");
	status_is(f, 1, "0/2 done (0%): 2 submitted");
	assert_string_equal(f->line[2], "cancelling");  /* no redraw: a log is no screen */
	assert_string_equal(f->line[3], "after the end");
}

static void a_log_has_no_colour(void **state)
{
	struct fixture *f = *state;

	unsetenv("NO_COLOR");  /* not a terminal: no colour either way */
	progress_free(f->p);
	assert_non_null(f->p = progress_new(f->out));
	submit(f, 3);
	slurm_says(f, 0, "COMPLETED");
	slurm_says(f, 1, "FAILED");
	slurm_says(f, 2, "RUNNING");
	progress_update(f->p, f->t);
	progress_finish(f->p);
	fflush(f->out);
	assert_null(strchr(f->buf, '\033'));
	assert_null(strchr(f->buf, '\r'));
	assert_true(lines(f) >= 2);
	setenv("NO_COLOR", "1", 1);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(the_first_update_prints_the_counts),
		T(the_same_counts_print_nothing),
		T(the_last_state_always_reaches_the_log),
		T(a_held_back_change_is_printed_a_second_later),
		T(a_finished_run_is_printed_at_once),
		T(percentages_round_down),
		T(a_failure_is_shown_once),
		T(only_the_first_failures_are_listed),
		T(notes_are_lines_of_their_own),
		T(a_log_has_no_colour),
	};
#undef T

	progress_free(NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
