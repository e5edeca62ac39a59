/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Stages on the local target, with real processes (run_stages.h): a
 * downstream scenario is skipped when its upstream failed for good (its
 * attempt names the upstream and class), waits through its upstream's
 * retry and then runs; a fan-in is skipped or runs by its when; resume
 * runs the upstream failure, then the skipped task, then the fan-in again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "run/run_close.h"
#include "run/run_follow.h"
#include "run/run_resume.h"
#include "run/run_session.h"
#include "run/run_stages.h"
#include "run/run_submit.h"
#include "testing/orch_helpers.h"
#include "test/tmpdir.h"

/* prepare-1 fails with exit 65 while fail-1 is there; prepare-2 exits 75
 * (transient: retried) on its first attempt only. */
static const char yaml_head[] =
	"version: 1\n"
	"project: stages\n"
	"targets:\n"
	"  here: {provider: local, local: {concurrency: 2}}\n"
	"scenarios:\n"
	"  range: {name: n, start: 0, stop: 3}\n"
	"retry:\n"
	"  transient: {max_attempts: 2, backoff: {initial: 0s}}\n"
	"components:\n"
	"  prepare:\n"
	"    command: >-\n"
	"      if [ {{ n }} = 1 ] && [ -e fail-1 ]; then exit 65; fi;\n"
	"      if [ {{ n }} = 2 ] && [ $SCALABLE_ATTEMPT = 1 ]; then exit 75; fi\n"
	"  model: {command: 'true', after: [prepare]}\n"
	"  agg: {command: 'wc -l < \"$SCALABLE_SUCCEEDED_FILE\" > seen.$SCALABLE_ATTEMPT', "
	"after: all";

struct fixture {
	char *dir, *root, *run_id;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	f->dir = tmpdir_create();
	assert_true(asprintf(&f->root, "%s/runs", f->dir) > 0);
	assert_int_equal(chdir(f->dir), 0);  /* where the commands' files go */
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	tmpdir_remove(f->dir);
	free(f->root);
	free(f->run_id);
	free(f);
	return 0;
}

static enum run_status follow_and_close(struct run_session *s)
{
	struct follow_options o = { .poll_interval_s = 1 };
	enum follow_end end;
	enum run_status status;
	struct error err;

	if (run_follow(s, &o, &end, &err) != 0)
		fail_msg("%s", err.text);
	assert_int_equal(end, FOLLOW_FINISHED);
	status = run_final_status(s);
	if (run_session_close(s, status, &err) != 0)
		fail_msg("%s", err.text);
	return status;
}

/* A run of the config with the fan-in's when; followed to its end (not freed). */
static struct run_session *run(struct fixture *f, const char *when, enum run_status *status)
{
	char yaml[2048];
	struct config *config;
	struct run_create_options o = { .runs_root = f->root };
	struct run_session *s;
	struct plan *plan;
	struct error err;

	snprintf(yaml, sizeof yaml, "%s, when: %s}\n", yaml_head, when);
	config = load_config_text(f->dir, yaml);
	if (run_session_create_with(config, config_target(config, NULL), &o, &s, &plan, &err))
		fail_msg("%s", err.text);
	assert_int_equal(plan->n_groups, 1);  /* the first wave: stage 0 only */
	free(f->run_id);
	f->run_id = strdup(s->run->id);
	if (run_submit_plan(s, plan, &err) != 0)
		fail_msg("%s", err.text);
	plan_free(plan);
	*status = follow_and_close(s);
	return s;
}

static enum task_state latest_state(const struct run_session *s, const char *c, size_t i)
{
	const struct task_attempt *a = tracker_latest(s->tracker, c, i);

	assert_non_null(a);
	return a->state;
}

static void test_skipped_and_waiting(void **state)
{
	struct fixture *f = *state;
	enum run_status status;
	struct run_session *s;
	const struct task_attempt *a;

	tmpdir_write(f->dir, "fail-1", "");
	s = run(f, "all_succeeded", &status);
	assert_int_equal(status, RUN_STATUS_FAILED);
	assert_int_equal(latest_state(s, "model", 0), TASK_SUCCEEDED);
	/* prepare-1 failed for good: model-1 never ran */
	a = tracker_latest(s->tracker, "model", 1);
	assert_int_equal(a->state, TASK_SKIPPED);
	assert_int_equal(a->attempt, 1);
	assert_non_null(a->skip);
	assert_string_equal(a->skip->upstream.component, "prepare");
	assert_int_equal(a->skip->upstream.index, 1);
	assert_string_equal(a->skip->upstream.failure_class, "input_error");
	assert_string_equal(a->error_type, "upstream_failed");
	/* prepare-2's transient failure was retried: model-2 waited and ran */
	assert_int_equal(tracker_latest(s->tracker, "prepare", 2)->attempt, 2);
	assert_int_equal(latest_state(s, "model", 2), TASK_SUCCEEDED);
	/* all_succeeded does not hold: the fan-in is skipped, naming prepare-1 */
	a = tracker_latest(s->tracker, "agg", 0);
	assert_int_equal(a->state, TASK_SKIPPED);
	assert_string_equal(a->skip->upstream.component, "prepare");
	assert_null(tracker_latest(s->tracker, "agg", 1));  /* one task */
	assert_false(run_stages_pending(s));
	run_session_free(s);
}

static void test_any_succeeded_runs_the_fan_in(void **state)
{
	struct fixture *f = *state;
	enum run_status status;
	struct run_session *s;
	char *seen;

	tmpdir_write(f->dir, "fail-1", "");
	s = run(f, "any_succeeded", &status);
	assert_int_equal(status, RUN_STATUS_FAILED);
	assert_int_equal(latest_state(s, "agg", 0), TASK_SUCCEEDED);
	seen = tmpdir_read(f->dir, "seen.1");
	assert_int_equal(atoi(seen), 3 + 3);  /* prepare 0 2 3, model 0 2 3 */
	free(seen);
	run_session_free(s);
}

static void test_resume_runs_the_skipped_after_their_upstream(void **state)
{
	struct fixture *f = *state;
	struct run_session_spec spec = { .command = "resume" };
	struct run_resume_outcome out;
	enum run_status status;
	struct run_session *s;
	struct error err;
	char *seen;

	tmpdir_write(f->dir, "fail-1", "");
	run_session_free(run(f, "all_succeeded", &status));
	assert_int_equal(unlink("fail-1"), 0);
	spec.runs_root = f->root;
	spec.run = f->run_id;
	if (run_session_attach(&spec, &s, &err) != 0)
		fail_msg("%s", err.text);
	if (run_session_resume(s, false, &out, &err) != 0)
		fail_msg("%s", err.text);
	assert_int_equal(out.resubmitted, 1);  /* prepare-1 only: the rest follows it */
	assert_int_equal(out.staged, 2);      /* model-1 and the fan-in */
	assert_int_equal(follow_and_close(s), RUN_STATUS_COMPLETED);
	assert_int_equal(tracker_latest(s->tracker, "model", 1)->attempt, 2);
	assert_int_equal(latest_state(s, "model", 1), TASK_SUCCEEDED);
	assert_int_equal(latest_state(s, "agg", 0), TASK_SUCCEEDED);
	seen = tmpdir_read(f->dir, "seen.2");
	assert_int_equal(atoi(seen), 8);
	free(seen);
	run_session_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_skipped_and_waiting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_any_succeeded_runs_the_fan_in, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_resume_runs_the_skipped_after_their_upstream,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
