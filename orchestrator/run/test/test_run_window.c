/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The window (run_window.h) with Slurm shims on PATH: a chunk sbatch refuses
 * for a site's limit is journaled deferred, not failed, and submitted later
 * under the same key; another refusal stays an error; max_queued cuts
 * chunks and never has more array tasks queued than it says; a crash while
 * a chunk is deferred neither loses nor doubles it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "testing/orch_helpers.h"
#include "run/run_follow.h"
#include "run/run_session.h"
#include "run/run_submit.h"
#include "run/run_window.h"
#include "testing/slurm_shims.h"
#include "test/tmpdir.h"

#define LIMIT_TEXT "sbatch: error: QOSMaxSubmitJobPerUserLimit\n" \
	"sbatch: error: Batch job submission failed: Job violates accounting/QOS policy " \
	"(job submit limit, user's size and/or time limits)\n"

struct fixture {
	char *dir, *old_path, *root;
};

static void quiet(void *ctx, const char *text)
{
	(void)ctx;
	(void)text;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	f->dir = tmpdir_create();
	f->old_path = slurm_shims_install(f->dir);
	assert_true(asprintf(&f->root, "%s/runs", f->dir) > 0);
	tmpdir_write(f->dir, "squeue.out", "");
	tmpdir_write(f->dir, "sacct.out", "");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	slurm_shims_remove(f->old_path);
	tmpdir_remove(f->dir);
	free(f->root);
	free(f);
	return 0;
}

/* A new run of 10 scenarios, chunks of at most 5 (and max_queued, if). */
static struct run_session *create(struct fixture *f, const char *max_queued,
				  struct plan **plan)
{
	char text[512];
	struct config *config;
	struct run_session *s;
	struct error err;

	snprintf(text, sizeof text,
		 "version: 1\nproject: p\n"
		 "targets:\n  hpc: {provider: slurm, max_array_size: 5%s}\n"
		 "components:\n  scenario: {command: 'true'}\n"
		 "scenarios:\n  range: {name: n, start: 0, stop: 9}\n", max_queued);
	config = load_config_text(f->dir, text);
	if (run_session_create(config, config_target(config, NULL), f->root, NULL, NULL, &s,
			       plan, &err) != 0)
		fail_msg("%s", err.text);
	return s;
}

static struct run_session *reattach(struct fixture *f, const char *run_id)
{
	struct run_session_spec spec = { .runs_root = f->root, .run = run_id,
					 .command = "watch", .note = quiet };
	struct run_session *s;
	struct error err;

	if (run_session_attach(&spec, &s, &err) != 0)
		fail_msg("%s", err.text);
	return s;
}

/* What `status` sees: the window's view from a read-only session. */
static struct run_window_view seen_by_status(struct fixture *f, const char *run_id)
{
	struct run_session_spec spec = { .runs_root = f->root, .run = run_id,
					 .command = "status", .read_only = true };
	struct run_window_view v;
	struct run_session *s;
	struct error err;

	if (run_session_attach(&spec, &s, &err) != 0)
		fail_msg("%s", err.text);
	run_window_view(s, &v);
	run_session_free(s);
	return v;
}

static enum journal_state state_of(const struct run_session *s, const char *key)
{
	const struct journal_submission *sub = journal_find(journal_state(s->journal), key);

	assert_non_null(sub);
	return sub->state;
}

static void refuse_for_a_limit(struct fixture *f)
{
	tmpdir_write(f->dir, "sbatch.rc", "1\n");
	tmpdir_write(f->dir, "sbatch.err", LIMIT_TEXT);
}

static void accept(struct fixture *f, const char *job_id)
{
	tmpdir_write(f->dir, "sbatch.rc", "0\n");
	tmpdir_write(f->dir, "sbatch.err", "");
	tmpdir_write(f->dir, "sbatch.out", job_id);
}

static void a_limit_refusal_is_deferred_then_submitted(void **state)
{
	struct fixture *f = *state;
	struct plan *plan;
	struct run_session *s = create(f, "", &plan);
	struct error err;

	refuse_for_a_limit(f);
	assert_int_equal(run_submit_first_wave(s, plan, quiet, NULL), 0);
	assert_int_equal(slurm_shims_calls(f->dir, "sbatch"), 1);
	assert_int_equal(state_of(s, "w001/scenario/0"), JOURNAL_DEFERRED);
	assert_int_equal(s->submit_failures, 0);
	assert_null(tracker_find(s->tracker, "scenario", 0, 1));
	assert_true(run_window_pending(s));
	assert_false(run_follow_finished(s));
	assert_int_equal(run_window_unsubmitted(s), 10);
	assert_int_equal(seen_by_status(f, s->run->id).unsubmitted, 10);
	assert_true(seen_by_status(f, s->run->id).refused);
	assert_int_equal(seen_by_status(f, s->run->id).max_queued, 0);
	/* the backoff: nothing is tried again at once */
	accept(f, "7000\n");
	assert_int_equal(run_submit_retries(s, &err), 0);
	assert_int_equal(slurm_shims_calls(f->dir, "sbatch"), 1);
	s->window.retry_at = 0;  /* the backoff has passed */
	if (run_submit_retries(s, &err) < 0)
		fail_msg("%s", err.text);
	assert_int_equal(slurm_shims_calls(f->dir, "sbatch"), 3);
	assert_int_equal(state_of(s, "w001/scenario/0"), JOURNAL_SUBMITTED);
	assert_int_equal(state_of(s, "w001/scenario/5"), JOURNAL_SUBMITTED);
	assert_int_equal(journal_state(s->journal)->count, 2);
	assert_true(journal_wave_is_done(journal_state(s->journal), "w001"));
	assert_non_null(tracker_find(s->tracker, "scenario", 9, 1));
	assert_false(run_window_pending(s));
	assert_int_equal(run_window_unsubmitted(s), 0);
	assert_int_equal(seen_by_status(f, s->run->id).unsubmitted, 0);
	plan_free(plan);
	run_session_free(s);
}

static void another_refusal_is_an_error(void **state)
{
	struct fixture *f = *state;
	struct plan *plan;
	struct run_session *s = create(f, "", &plan);

	tmpdir_write(f->dir, "sbatch.rc", "1\n");
	tmpdir_write(f->dir, "sbatch.err", "sbatch: error: Batch job submission failed: "
		     "Invalid partition name specified\n");
	assert_int_equal(run_submit_first_wave(s, plan, quiet, NULL), -1);
	assert_int_equal(state_of(s, "w001/scenario/0"), JOURNAL_SUBMIT_FAILED);
	assert_int_equal(s->submit_failures, 1);
	plan_free(plan);
	run_session_free(s);
}

/* max_queued 3: chunks of 2 (half the window, rounded up), five of them;
 * two do not fit in the window, so one in at a time, each once the one
 * before has ended. */
static void max_queued_cuts_chunks_and_caps_the_queue(void **state)
{
	struct fixture *f = *state;
	struct plan *plan;
	struct run_session *s = create(f, ", max_queued: 3", &plan);
	struct error err;
	char sacct[1024] = "", line[160], id[16];

	assert_int_equal(plan->groups[0].n_chunks, 5);
	for (size_t c = 0; c < 5; c++)
		assert_int_equal(plan->groups[0].chunks[c].count, 2);
	accept(f, "7000\n");
	assert_int_equal(run_submit_first_wave(s, plan, quiet, NULL), 0);
	for (unsigned wave = 1; wave <= 5; wave++) {
		assert_int_equal(slurm_shims_calls(f->dir, "sbatch"), wave);
		assert_true(run_window_queued(s) <= 3);
		assert_false(run_follow_finished(s));
		/* 2, 4, 6, 8 in: 8, 6, 4, 2 to go, then none (the wave is done) */
		assert_int_equal(run_window_unsubmitted(s), 10 - 2 * wave);
		assert_int_equal(seen_by_status(f, s->run->id).unsubmitted, 10 - 2 * wave);
		assert_int_equal(seen_by_status(f, s->run->id).max_queued, wave < 5 ? 3 : 0);
		assert_false(seen_by_status(f, s->run->id).refused);
		/* the chunk just in ends; the next goes in */
		for (unsigned t = 0; t < 2; t++) {
			snprintf(line, sizeof line, "%u_%u|%u|COMPLETED|0:0|0:0|None|vm|1795814173|"
				 "1795814173|1795814188|15|2|50M|\n", 6999 + wave, t,
				 8000 + wave * 10 + t);
			strncat(sacct, line, sizeof sacct - strlen(sacct) - 1);
		}
		tmpdir_write(f->dir, "sacct.out", sacct);
		snprintf(id, sizeof id, "%u\n", 7000 + wave);
		accept(f, id);
		if (backend_poll(s->backend, s->tracker, &err) != 0 ||
		    run_submit_retries(s, &err) < 0)
			fail_msg("%s", err.text);
	}
	assert_int_equal(slurm_shims_calls(f->dir, "sbatch"), 5);
	assert_true(journal_wave_is_done(journal_state(s->journal), "w001"));
	plan_free(plan);
	run_session_free(s);
}

/* Killed while a chunk is deferred: re-attached, it is submitted once. */
static void a_crash_while_deferred_loses_and_doubles_nothing(void **state)
{
	struct fixture *f = *state;
	struct plan *plan;
	struct run_session *s = create(f, "", &plan);
	char *run_id = strdup(s->run->id);
	struct error err;

	refuse_for_a_limit(f);
	assert_int_equal(run_submit_first_wave(s, plan, quiet, NULL), 0);
	plan_free(plan);
	run_session_free(s);  /* killed here */

	accept(f, "7000\n");
	s = reattach(f, run_id);
	assert_int_equal(state_of(s, "w001/scenario/0"), JOURNAL_DEFERRED);
	assert_int_equal(slurm_shims_calls(f->dir, "sbatch"), 1);
	assert_false(run_follow_finished(s));
	if (run_submit_retries(s, &err) < 0)
		fail_msg("%s", err.text);
	assert_int_equal(slurm_shims_calls_with(f->dir, "sbatch", "w001/scenario/0"), 2);
	assert_int_equal(slurm_shims_calls_with(f->dir, "sbatch", "w001/scenario/5"), 1);
	assert_int_equal(state_of(s, "w001/scenario/0"), JOURNAL_SUBMITTED);
	assert_non_null(tracker_find(s->tracker, "scenario", 0, 1));
	run_session_free(s);

	s = reattach(f, run_id);  /* and again: nothing more */
	if (run_submit_retries(s, &err) < 0)
		fail_msg("%s", err.text);
	assert_int_equal(slurm_shims_calls(f->dir, "sbatch"), 3);
	assert_false(run_window_pending(s));
	run_session_free(s);
	free(run_id);
}

/* max_queued: auto is asked of the site once, for the new run; a
 * re-attached run keeps what plan.json recorded (its first wave's chunk
 * keys were cut to it), without asking sacctmgr again. */
static void auto_is_kept_from_the_plan_on_reattach(void **state)
{
	struct fixture *f = *state;
	static const char sacctmgr[] =
		"#!/bin/sh\necho \"sacctmgr $*\" >> \"${0%/*}/calls.log\"\n";
	char text[512], path[4096], *run_id;
	struct config *config;
	struct run_session *s;
	struct plan *plan;
	struct error err;

	tmpdir_write(f->dir, "sacctmgr", sacctmgr);
	snprintf(path, sizeof path, "%s/sacctmgr", f->dir);
	chmod(path, 0755);
	tmpdir_write(f->dir, "scontrol.out", "MaxJobCount = 8\n");
	snprintf(text, sizeof text,
		 "version: 1\nproject: p\n"
		 "targets:\n  hpc: {provider: slurm, max_array_size: 5, max_queued: auto}\n"
		 "components:\n  scenario: {command: 'true'}\n"
		 "scenarios:\n  range: {name: n, start: 0, stop: 9}\n");
	config = load_config_text(f->dir, text);
	run_resolve_max_queued(config, NULL);
	assert_int_equal(config_target(config, NULL)->max_queued, 4);  /* half of 8 */
	if (run_session_create(config, config_target(config, NULL), f->root, NULL, NULL, &s,
			       &plan, &err) != 0)
		fail_msg("%s", err.text);
	assert_int_equal(plan->groups[0].chunks[0].count, 2);
	assert_int_equal(slurm_shims_calls(f->dir, "sacctmgr"), 2);
	run_id = strdup(s->run->id);
	run_session_free(s);
	plan_free(plan);
	s = reattach(f, run_id);
	assert_int_equal(s->target->max_queued, 4);
	assert_int_equal(slurm_shims_calls(f->dir, "sacctmgr"), 2);
	run_session_free(s);
	free(run_id);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_limit_refusal_is_deferred_then_submitted, setup,
						teardown),
		cmocka_unit_test_setup_teardown(another_refusal_is_an_error, setup, teardown),
		cmocka_unit_test_setup_teardown(max_queued_cuts_chunks_and_caps_the_queue, setup,
						teardown),
		cmocka_unit_test_setup_teardown(auto_is_kept_from_the_plan_on_reattach, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_crash_while_deferred_loses_and_doubles_nothing,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
