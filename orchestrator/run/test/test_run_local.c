/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The run engine end to end on the local target, with real processes: a
 * run directory, its first files, the journal around each submission, the
 * local executor running the rendered scripts, and the tracker turning the
 * events into tasks.jsonl, failures.jsonl and run.json's summary; then a
 * re-attach that writes nothing twice. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "rundir/journal.h"
#include "local/local_executor.h"
#include "testing/orch_helpers.h"
#include "plan/plan.h"
#include "rundir/run_dir.h"
#include "rundir/run_record.h"
#include "run/run_start.h"
#include "tracker/run_summary.h"
#include "test/tmpdir.h"
#include "tracker/tracker.h"
#include "plan/wave_script.h"

#define HANG_GUARD_S 60

static const char config_yaml[] =
	"version: 1\n"
	"project: e2e\n"
	"targets:\n"
	"  here: {provider: local}\n"
	"components:\n"
	"  model:\n"
	"    template: model.sbatch.tmpl\n"
	"scenarios:\n"
	"  range: {name: n, start: 0, stop: 5}\n";

static const char template_text[] =
	"#!/bin/bash\n"
	"n={{ n }}\n"
	"if [ \"$n\" = 3 ]; then echo \"OOM: scenario $n exceeded memory limit\" >&2; exit 1; fi\n"
	"if [ \"$n\" = 4 ]; then echo 'TimeoutError: upstream did not answer' >&2; exit 75; fi\n"
	"echo \"ok $n\"\n";

struct run {
	char *dir;
	struct config *config;
	struct run_dir *run_dir;
	struct plan *plan;
	struct run_record record;
	struct journal *journal;
	struct tracker *tracker;
	struct local_executor *executor;
	uint32_t next_array_job_id;
};

static struct tracker *open_tracker(struct run *r)
{
	struct tracker_options o = {
		.run_dir = r->run_dir->path, .run_id = r->run_dir->id, .provider = "local",
		.rules = r->config->rules, .n_rules = r->config->n_rules,
		.settle_on_end_event = true,
	};
	struct error err;
	struct tracker *t = tracker_new(&o, &err);

	if (!t || tracker_rebuild(t, &err) != 0)
		fail_msg("%s", err.text);
	return t;
}

/* What `scalable run` does before the first submission. */
static void start_run(struct run *r)
{
	struct plan_options options = { .wave = "w001", .max_array_size = 1001 };
	struct local_executor_options xo = { 0 };
	struct error err;
	char *root;

	r->dir = tmpdir_create();
	tmpdir_write(r->dir, "model.sbatch.tmpl", template_text);
	r->config = load_config_text(r->dir, config_yaml);
	assert_true(asprintf(&root, "%s/runs", r->dir) > 0);
	assert_int_equal(run_dir_create(root, r->config->project, "run", &r->run_dir, &err), 0);
	free(root);
	options.target = config_target(r->config, NULL);
	options.run_dir = r->run_dir->path;
	options.run_id = r->run_dir->id;
	if (plan_initial(r->config, &options, &r->plan, &err) != 0 ||
	    plan_write_scripts(r->plan, &err) != 0 ||
	    run_start_files(r->run_dir, r->config, options.target, r->plan, &r->record, &err) != 0 ||
	    journal_open(r->run_dir->path, &r->journal, &err) != 0)
		fail_msg("%s", err.text);
	r->tracker = open_tracker(r);
	xo.run_dir = r->run_dir->path;
	xo.concurrency = 2;
	assert_non_null(r->executor = local_executor_new(&xo));
	r->next_array_job_id = 1000;
}

/* One chunk: intent, submission, answer, and the tracker told. */
static void submit_chunk(struct run *r, const struct plan_group *g, const struct plan_chunk *c)
{
	struct journal_intent in = {
		.wave = r->plan->wave, .group = g->name, .component = g->component->name,
		.offset = c->offset, .array = c->array, .tasks = g->tasks + c->first,
		.n_tasks = c->count, .resources = g->resources, .begin_delay_s = g->begin_delay_s,
	};
	struct tracker_submission ts = {
		.component = g->component->name, .wave = r->plan->wave, .offset = c->offset,
		.tasks = g->tasks + c->first, .n_tasks = c->count, .resources = g->resources,
	};
	struct local_chunk lc = { .argv = c->argv, .env = c->env, .n = c->count };
	char key[JOURNAL_KEY_MAX];
	size_t ids[64];
	struct error err;

	for (size_t i = 0; i < c->count; i++)
		ids[i] = g->tasks[c->first + i].index - c->offset;
	lc.array_task_ids = ids;
	lc.array_job_id = ts.array_job_id = r->next_array_job_id;
	r->next_array_job_id += (uint32_t)c->count;
	if (journal_intent(r->journal, &in, key, &err) != 0)
		fail_msg("%s", err.text);
	assert_int_equal(local_executor_submit(r->executor, &lc), 0);
	if (journal_submitted(r->journal, key, lc.array_job_id, &err) != 0 ||
	    tracker_add_submission(r->tracker, &ts, &err) != 0)
		fail_msg("%s", err.text);
}

static void follow(struct run *r)
{
	time_t give_up = time(NULL) + HANG_GUARD_S;
	struct error err;
	size_t left;

	do {
		left = local_executor_run_once(r->executor, 100);
		if (tracker_poll_events(r->tracker, &err) < 0)
			fail_msg("%s", err.text);
		assert_true(time(NULL) < give_up);
	} while (left > 0 || !tracker_all_final(r->tracker));
}

static void finish(struct run *r)
{
	struct tracker_counts counts;
	struct error err;

	tracker_counts(r->tracker, NULL, &counts);
	if (run_record_close(r->run_dir->path, &r->record,
			     counts.by_state[TASK_SUCCEEDED] == counts.tasks ? RUN_STATUS_COMPLETED
									  : RUN_STATUS_FAILED,
			     run_summary_json(r->tracker), &err) != 0 ||
	    journal_closed(r->journal, "failed", &err) != 0)
		fail_msg("%s", err.text);
}

static void free_run(struct run *r)
{
	local_executor_free(r->executor);
	tracker_free(r->tracker);
	journal_close(r->journal);
	run_record_clear(&r->record);
	plan_free(r->plan);
	run_dir_free(r->run_dir);
	config_free(r->config);
	tmpdir_remove(r->dir);
}

static int count(const char *dir, const char *file)
{
	return tmpdir_count_lines(dir, file);
}

/* What `scalable watch` does after a crash: rebuild, replay, read again. */
static void reattach(struct run *r)
{
	const struct journal_replay *replay = journal_state(r->journal);
	struct error err;

	tracker_free(r->tracker);
	r->tracker = open_tracker(r);
	for (size_t i = 0; i < replay->count; i++) {
		const struct journal_submission *s = &replay->submissions[i];
		struct tracker_submission ts = {
			.component = s->component, .wave = s->wave, .offset = s->offset,
			.tasks = s->tasks, .n_tasks = s->n_tasks, .resources = s->resources,
			.array_job_id = s->job_id, .timestamp = s->intent_at,
		};

		assert_int_equal(s->state, JOURNAL_SUBMITTED);
		if (tracker_add_submission(r->tracker, &ts, &err) != 0)
			fail_msg("%s", err.text);
	}
	if (tracker_poll_events(r->tracker, &err) < 0)
		fail_msg("%s", err.text);
}

static void a_local_run_leaves_its_telemetry(void **state)
{
	struct run r = { 0 };
	const struct task_attempt *three;
	struct run_record back;
	struct error err;
	int tasks_lines;
	json_t *summary;

	(void)state;
	start_run(&r);
	for (size_t g = 0; g < r.plan->n_groups; g++)
		for (size_t c = 0; c < r.plan->groups[g].n_chunks; c++)
			submit_chunk(&r, &r.plan->groups[g], &r.plan->groups[g].chunks[c]);
	assert_int_equal(journal_wave_done(r.journal, "w001", &err), 0);
	follow(&r);
	finish(&r);

	/* 6 submitted, 6 running, 4 succeeded, 2 failed */
	assert_int_equal(count(r.run_dir->path, "tasks.jsonl"), 18);
	assert_int_equal(count(r.run_dir->path, "failures.jsonl"), 2);
	three = tracker_find(r.tracker, "model", 3, 1);
	assert_int_equal(three->state, TASK_FAILED);
	assert_int_equal(three->failure_class, FAILURE_OOM);
	assert_string_equal(three->error_message, "OOM: scenario 3 exceeded memory limit");
	assert_int_equal(tracker_find(r.tracker, "model", 4, 1)->failure_class, FAILURE_TRANSIENT);
	assert_int_equal(run_record_read(r.run_dir->path, &back, &err), 0);
	assert_int_equal(back.status, RUN_STATUS_FAILED);
	summary = back.summary;
	assert_int_equal(json_integer_value(json_object_get(
		json_object_get(summary, "counts_by_state"), "succeeded")), 4);
	assert_int_equal(json_integer_value(json_object_get(
		json_object_get(summary, "failures_by_class"), "oom")), 1);
	run_record_clear(&back);

	/* kill -9 now, and re-attach: not one row more */
	tasks_lines = count(r.run_dir->path, "tasks.jsonl");
	reattach(&r);
	assert_int_equal(count(r.run_dir->path, "tasks.jsonl"), tasks_lines);
	assert_int_equal(count(r.run_dir->path, "failures.jsonl"), 2);
	assert_true(tracker_all_final(r.tracker));
	free_run(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_local_run_leaves_its_telemetry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
