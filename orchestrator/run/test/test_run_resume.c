/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Resuming a run and the content cache on the local target, with real
 * processes. Resume (run_session_resume): what failed for good is
 * resubmitted as a new attempt in the same run and what succeeded is left
 * alone; a chunk that was never submitted is; an escalated memory is kept;
 * run.json goes back to running with resumed_at and closes again; a run
 * held by another session is refused; a config whose template changed
 * cannot resume. Cache (run_session_create_with): what an earlier run
 * stored is `cached` and out of the plan, an all-cached run completes
 * without a submission, --no-cache plans everything, a resumed task can be
 * a hit. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/util/exit_codes.h"
#include "backend/backend.h"
#include "rundir/journal.h"
#include "testing/orch_helpers.h"
#include "run/run_close.h"
#include "run/run_follow.h"
#include "run/run_resume.h"
#include "run/run_session.h"
#include "run/run_submit.h"
#include "test/tmpdir.h"

/* Index 1 fails (exit 65: input_error, given up at once) while the flag
 * file is there; index 2 says OOM (oom: retried once with twice the memory,
 * then given up) while its flag file is there. */
static const char config_yaml[] =
	"version: 1\n"
	"project: resume\n"
	"targets:\n"
	"  here: {provider: local, local: {concurrency: 2}}\n"
	"components:\n"
	"  model: {template: model.tmpl, memory: 64M}\n"
	"scenarios:\n"
	"  range: {name: n, start: 0, stop: 3}\n"
	"retry:\n"
	"  oom: {max_attempts: 2, memory_factor: 2}\n";

static const char template_text[] =
	"#!/bin/bash\n"
	"n={{ n }}\n"
	"if [ \"$n\" = 1 ] && [ -e fail-1 ]; then echo 'bad row' >&2; exit 65; fi\n"
	"if [ \"$n\" = 2 ] && [ -e oom-2 ]; then echo \"OOM: scenario $n\" >&2; exit 1; fi\n"
	"if [ \"$n\" = 3 ] && [ -e transient-3 ]; then echo 'TimeoutError' >&2; exit 75; fi\n"
	"echo \"$n $SCALABLE_ATTEMPT\" >> runs.log\n";

/* The same sweep with its component cached. */
static const char cache_yaml[] =
	"version: 1\n"
	"project: resume\n"
	"targets:\n"
	"  here: {provider: local}\n"
	"components:\n"
	"  model: {template: model.tmpl, cache: true}\n"
	"scenarios:\n"
	"  range: {name: n, start: 0, stop: 3}\n";

struct fixture {
	char *dir, *root, *run_id;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	f->dir = tmpdir_create();
	tmpdir_write(f->dir, "model.tmpl", template_text);
	assert_true(asprintf(&f->root, "%s/runs", f->dir) > 0);
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

static void touch(const struct fixture *f, const char *name)
{
	tmpdir_write(f->dir, name, "");
}

static void remove_flag(const struct fixture *f, const char *name)
{
	char *path;

	assert_true(asprintf(&path, "%s/%s", f->dir, name) > 0);
	assert_int_equal(unlink(path), 0);
	free(path);
}

/* Follows s until every task is final, and closes it. */
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

/* A new run of the fixture's config; submitted and followed unless not. */
static enum run_status first_run(struct fixture *f, bool submit)
{
	struct config *config = load_config_text(f->dir, config_yaml);
	struct run_create_options o = { .runs_root = f->root };
	struct run_session *s;
	struct plan *plan;
	struct error err;
	enum run_status status = RUN_STATUS_FAILED;

	if (run_session_create_with(config, config_target(config, NULL), &o, &s, &plan, &err))
		fail_msg("%s", err.text);
	f->run_id = strdup(s->run->id);
	if (submit) {
		if (run_submit_plan(s, plan, &err) != 0)
			fail_msg("%s", err.text);
		status = follow_and_close(s);
	} else if (run_session_close(s, status, &err) != 0) {
		fail_msg("%s", err.text);
	}
	plan_free(plan);
	run_session_free(s);
	return status;
}

/* A new run of yaml (the plan is *plan); the run id into f. */
static struct run_session *create(struct fixture *f, const char *yaml, bool no_cache,
				  struct plan **plan)
{
	struct config *config = load_config_text(f->dir, yaml);
	struct run_create_options o = { .runs_root = f->root, .no_cache = no_cache };
	struct run_session *s;
	struct error err;

	if (run_session_create_with(config, config_target(config, NULL), &o, &s, plan, &err))
		fail_msg("%s", err.text);
	free(f->run_id);
	f->run_id = strdup(s->run->id);
	return s;
}

static size_t planned_tasks(const struct plan *plan)
{
	size_t n = 0;

	for (size_t g = 0; g < plan->n_groups; g++)
		n += plan->groups[g].n_tasks;
	return n;
}

static size_t cached(const struct run_session *s)
{
	struct tracker_counts c;

	tracker_counts(s->tracker, NULL, &c);
	return c.by_state[TASK_CACHED];
}

/* Submits the plan, follows and closes; frees both. */
static enum run_status finish(struct run_session *s, struct plan *plan)
{
	struct error err;
	enum run_status status;

	if (run_submit_plan(s, plan, &err) != 0)
		fail_msg("%s", err.text);
	status = follow_and_close(s);
	plan_free(plan);
	run_session_free(s);
	return status;
}

static struct run_session *attach(struct fixture *f)
{
	struct run_session_spec spec = { .runs_root = f->root, .run = f->run_id,
					 .command = "resume" };
	struct run_session *s;
	struct error err;

	if (run_session_attach(&spec, &s, &err) != 0)
		fail_msg("%s", err.text);
	return s;
}

/* The run's file name, read whole (malloc'd). */
static char *run_file(const struct fixture *f, const char *name)
{
	char *path, *text;

	assert_true(asprintf(&path, "%s/%s", f->run_id, name) > 0);
	text = tmpdir_read(f->root, path);
	free(path);
	return text;
}

/* Lines of text holding every one of the (up to two) strings. */
static unsigned count_lines(const char *text, const char *a, const char *b)
{
	unsigned n = 0;

	for (const char *line = text; line && *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char *copy = strndup(line, len);

		n += strstr(copy, a) && (!b || strstr(copy, b));
		free(copy);
		line = end ? end + 1 : NULL;
	}
	return n;
}

static void resume_reruns_only_what_failed(void **state)
{
	struct fixture *f = *state;
	struct run_resume_outcome o;
	struct run_session *s;
	struct error err;
	char *tasks, *runs, *record;

	touch(f, "fail-1");
	assert_int_equal(first_run(f, true), RUN_STATUS_FAILED);
	remove_flag(f, "fail-1");
	s = attach(f);
	if (run_session_resume(s, true, &o, &err) != 0)
		fail_msg("%s", err.text);
	assert_int_equal(o.resubmitted, 1);
	assert_int_equal(o.never_submitted, 0);
	assert_int_equal(o.cached, 0);
	assert_string_equal(o.wave, "w002");
	record = run_file(f, "run.json");
	assert_non_null(strstr(record, "\"status\": \"running\""));
	assert_non_null(strstr(record, "\"resumed_at\": ["));
	assert_non_null(strstr(record, "\"summary\": null"));
	free(record);
	assert_int_equal(follow_and_close(s), RUN_STATUS_COMPLETED);
	run_session_free(s);

	tasks = run_file(f, "tasks.jsonl");
	runs = tmpdir_read(f->dir, "runs.log");
	assert_int_equal(count_lines(tasks, "\"task_id\":1,", "\"attempt\":2,\"state\":\"succeeded\""), 1);
	assert_int_equal(count_lines(tasks, "\"attempt\":2,", NULL), 3);  /* only index 1's */
	assert_int_equal(count_lines(tasks, "\"state\":\"succeeded\"", NULL), 4);
	assert_string_equal(runs + strlen(runs) - 4, "1 2\n");  /* the last to run */
	assert_int_equal(count_lines(runs, " ", NULL), 4);  /* index 1 ran once */
	free(tasks);
	free(runs);

	s = attach(f);  /* nothing left */
	assert_int_equal(run_session_resume(s, true, &o, &err), 0);
	assert_int_equal(o.resubmitted + o.cached, 0);
	assert_int_equal(s->record.status, RUN_STATUS_COMPLETED);
	run_session_free(s);
}

static void resume_submits_what_never_was(void **state)
{
	struct fixture *f = *state;
	struct run_resume_outcome o;
	struct run_session *s;
	struct error err;
	char *journal;

	/* As if sbatch refused the first wave's chunk: an intent, then submit_failed. */
	assert_int_equal(first_run(f, false), RUN_STATUS_FAILED);
	s = attach(f);
	{
		static const struct plan_task all[] = { { 0, 1 }, { 1, 1 }, { 2, 1 }, { 3, 1 } };
		struct journal_intent in = { .wave = "w001", .group = "model",
					     .component = "model", .array = "0-3", .tasks = all,
					     .n_tasks = 4, .resources = { .cpus = 1 } };
		char key[JOURNAL_KEY_MAX];

		if (journal_intent(s->journal, &in, key, &err) != 0 ||
		    journal_submit_failed(s->journal, key, "sbatch: error: refused", &err) != 0)
			fail_msg("%s", err.text);
	}
	if (run_session_resume(s, true, &o, &err) != 0)
		fail_msg("%s", err.text);
	assert_int_equal(o.resubmitted, 4);
	assert_int_equal(o.never_submitted, 4);
	assert_int_equal(follow_and_close(s), RUN_STATUS_COMPLETED);
	run_session_free(s);
	journal = run_file(f, "journal.jsonl");
	/* attempt 2: the refused chunk had given them attempt 1 */
	assert_non_null(strstr(journal, "\"tasks\":[[0,2],[1,2],[2,2],[3,2]]"));
	free(journal);
}

static void resume_keeps_escalated_memory(void **state)
{
	struct fixture *f = *state;
	struct run_resume_outcome o;
	struct run_session *s;
	struct error err;
	char *journal;

	touch(f, "oom-2");
	assert_int_equal(first_run(f, true), RUN_STATUS_FAILED);  /* 64M, 128M, given up */
	remove_flag(f, "oom-2");
	s = attach(f);
	if (run_session_resume(s, true, &o, &err) != 0)
		fail_msg("%s", err.text);
	assert_int_equal(o.resubmitted, 1);
	assert_string_equal(o.wave, "w003");
	assert_int_equal(follow_and_close(s), RUN_STATUS_COMPLETED);
	run_session_free(s);
	journal = run_file(f, "journal.jsonl");
	assert_int_equal(count_lines(journal, "\"wave\":\"w003\"", "\"tasks\":[[2,3]]"), 1);
	assert_int_equal(count_lines(journal, "\"wave\":\"w003\"", "\"memory_bytes\":134217728"), 1);
	free(journal);
}

/* A run closed while a retry was decided and not submitted (as when it was
 * followed without its config): resume submits that retry. */
static void resume_takes_a_retry_left_decided(void **state)
{
	struct fixture *f = *state;
	struct run_resume_outcome o;
	struct run_session *s;
	struct plan *plan;
	struct error err;
	char *journal;

	touch(f, "transient-3");
	s = create(f, config_yaml, false, &plan);
	if (run_submit_plan(s, plan, &err) != 0)
		fail_msg("%s", err.text);
	/* Bounded by the clock, not by rounds: a round can be much shorter than
	 * its 200 ms when the executor is due to sample memory. */
	for (time_t give_up = time(NULL) + 120;
	     backend_busy(s->backend) || !tracker_all_final(s->tracker);) {
		if (time(NULL) > give_up)
			fail_msg("the run did not end in 2 minutes");
		backend_wait(s->backend, 200);
		if (tracker_poll_events(s->tracker, &err) < 0 ||
		    backend_poll(s->backend, s->tracker, &err) != 0)
			fail_msg("%s", err.text);
	}
	assert_true(run_retries_pending(s));
	if (run_session_close(s, RUN_STATUS_FAILED, &err) != 0)
		fail_msg("%s", err.text);
	plan_free(plan);
	run_session_free(s);

	remove_flag(f, "transient-3");
	s = attach(f);
	if (run_session_resume(s, true, &o, &err) != 0)
		fail_msg("%s", err.text);
	assert_int_equal(o.resubmitted, 1);
	assert_int_equal(o.in_flight, 0);
	assert_int_equal(follow_and_close(s), RUN_STATUS_COMPLETED);
	run_session_free(s);
	journal = run_file(f, "journal.jsonl");
	assert_int_equal(count_lines(journal, "\"wave\":\"w002\"", "\"tasks\":[[3,2]]"), 1);
	assert_int_equal(count_lines(journal, "\"wave\":\"w003\"", NULL), 0);  /* once */
	free(journal);
}

static void resume_refused_while_held(void **state)
{
	struct fixture *f = *state;
	struct run_session_spec spec = { .runs_root = f->root, .command = "resume" };
	struct run_session *held, *second;
	struct error err;

	touch(f, "fail-1");
	first_run(f, true);
	held = attach(f);
	spec.run = f->run_id;
	assert_int_equal(run_session_attach(&spec, &second, &err), -1);
	assert_int_equal(err.exit_code, SCALABLE_EXIT_LOCKED);
	run_session_free(held);
}

static void resume_needs_the_same_templates(void **state)
{
	struct fixture *f = *state;
	struct run_resume_outcome o;
	struct run_session *s;
	struct error err;

	touch(f, "fail-1");
	first_run(f, true);
	tmpdir_write(f->dir, "model.tmpl", "#!/bin/bash\necho changed\n");
	s = attach(f);
	assert_null(s->config);
	assert_non_null(s->config_problem);
	assert_int_equal(run_session_resume(s, true, &o, &err), -1);
	assert_int_equal(err.exit_code, SCALABLE_EXIT_USAGE);
	run_session_free(s);
}

static void reopen_appends_to_resumed_at(void **state)
{
	struct fixture *f = *state;
	struct run_record r = { 0 }, back;
	struct error err;

	r.run_id = strdup("run-x");
	r.project_name = strdup("p");
	r.target_name = strdup("t");
	r.provider_name = strdup("local");
	r.source_manifest_path = strdup("/x/scalable.yaml");
	r.status = RUN_STATUS_FAILED;
	rfc3339_now(r.started_at, sizeof r.started_at);
	rfc3339_now(r.finished_at, sizeof r.finished_at);
	r.summary = json_pack("{s:i}", "tasks", 3);
	assert_int_equal(run_record_reopen(f->dir, &r, &err), 0);
	assert_int_equal(run_record_reopen(f->dir, &r, &err), 0);
	assert_int_equal(run_record_read(f->dir, &back, &err), 0);
	assert_int_equal(back.status, RUN_STATUS_RUNNING);
	assert_string_equal(back.finished_at, "");
	assert_null(back.summary);
	assert_int_equal(json_array_size(back.resumed_at), 2);
	run_record_clear(&back);
	run_record_clear(&r);
}

static void cache_skips_what_an_earlier_run_stored(void **state)
{
	struct fixture *f = *state;
	struct run_resume_outcome o;
	struct run_session *s;
	struct plan *plan;
	struct error err;
	char *first, *second, *text;

	touch(f, "fail-1");
	s = create(f, cache_yaml, false, &plan);
	assert_int_equal(planned_tasks(plan), 4);
	assert_int_equal(finish(s, plan), RUN_STATUS_FAILED);
	first = strdup(f->run_id);
	text = run_file(f, "cache.jsonl");
	assert_int_equal(count_lines(text, "\"state\":\"stored\"", NULL), 3);
	assert_int_equal(count_lines(text, "\"task_id\":1,", NULL), 0);  /* it failed */
	free(text);

	/* 0, 2 and 3 are cached; 1 fails again and stays to resume */
	s = create(f, cache_yaml, false, &plan);
	assert_int_equal(planned_tasks(plan), 1);
	assert_int_equal(plan->groups[0].tasks[0].index, 1);
	assert_int_equal(cached(s), 3);
	assert_int_equal(finish(s, plan), RUN_STATUS_FAILED);
	text = run_file(f, "cache.jsonl");
	assert_int_equal(count_lines(text, "\"state\":\"hit\"", first), 3);
	free(text);

	second = strdup(f->run_id);

	/* --no-cache plans every scenario */
	s = create(f, cache_yaml, true, &plan);
	assert_int_equal(planned_tasks(plan), 4);
	assert_int_equal(cached(s), 0);
	plan_free(plan);
	run_session_free(s);

	/* the second run resumed: nobody stored index 1, so it runs, and is stored */
	remove_flag(f, "fail-1");
	free(f->run_id);
	f->run_id = second;
	s = attach(f);
	if (run_session_resume(s, true, &o, &err) != 0)
		fail_msg("%s", err.text);
	assert_int_equal(o.resubmitted, 1);
	assert_int_equal(o.cached, 0);
	assert_int_equal(follow_and_close(s), RUN_STATUS_COMPLETED);
	run_session_free(s);

	/* the first run resumed: index 1 is now a hit, attempt 2 `cached` */
	f->run_id = first;
	s = attach(f);
	if (run_session_resume(s, true, &o, &err) != 0)
		fail_msg("%s", err.text);
	assert_int_equal(o.resubmitted, 0);
	assert_int_equal(o.cached, 1);
	assert_int_equal(follow_and_close(s), RUN_STATUS_COMPLETED);
	run_session_free(s);
	text = run_file(f, "tasks.jsonl");
	assert_int_equal(count_lines(text, "\"task_id\":1,", "\"attempt\":2,\"state\":\"cached\""), 1);
	free(text);
	text = run_file(f, "cache.jsonl");
	assert_int_equal(count_lines(text, "\"state\":\"hit\"", second), 1);
	free(text);
	free(second);

	/* every scenario cached: nothing planned, nothing submitted, completed */
	s = create(f, cache_yaml, false, &plan);
	assert_int_equal(plan->n_groups, 0);
	assert_int_equal(cached(s), 4);
	assert_int_equal(finish(s, plan), RUN_STATUS_COMPLETED);
	text = run_file(f, "journal.jsonl");
	assert_int_equal(count_lines(text, "\"record\":\"intent\"", NULL), 0);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(resume_reruns_only_what_failed, setup, teardown),
		cmocka_unit_test_setup_teardown(resume_submits_what_never_was, setup, teardown),
		cmocka_unit_test_setup_teardown(resume_keeps_escalated_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(resume_takes_a_retry_left_decided, setup, teardown),
		cmocka_unit_test_setup_teardown(resume_refused_while_held, setup, teardown),
		cmocka_unit_test_setup_teardown(resume_needs_the_same_templates, setup, teardown),
		cmocka_unit_test_setup_teardown(reopen_appends_to_resumed_at, setup, teardown),
		cmocka_unit_test_setup_teardown(cache_skips_what_an_earlier_run_stored, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
