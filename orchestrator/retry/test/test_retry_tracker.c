/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The retry hooks in a real tracker: decisions are kept as structs, land
 * in failures.jsonl's details.retry, count earlier failures per class,
 * carry excluded nodes from one attempt to the next, are the next wave's
 * pending retries, and read back from the file after a re-attach are the
 * same decisions, every field. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/util/jsonl_file.h"
#include "testing/orch_helpers.h"
#include "retry/retry_tracker.h"
#include "retry/retry_wave.h"
#include "testing/retry_assert.h"
#include "testing/slurm_shims.h"
#include "test/tmpdir.h"
#include "tracker/tracker.h"
#include "units.h"

#define RUN_ID "run-20260101T000000Z-retry-0badcafe"
#define GIB (UNITS_MIB * 1024)

static const char retry_yaml[] =
	"version: 1\n"
	"project: retry\n"
	"targets:\n"
	"  hpc: {provider: slurm, partition: batch}\n"
	"components:\n"
	"  model:\n"
	"    command: echo {{ n }}\n"
	"    memory: 4G\n"
	"    walltime: \"01:00:00\"\n"
	"scenarios:\n"
	"  range: {name: n, start: 0, stop: 99}\n"
	"retry:\n"
	"  oom: {max_attempts: 5, memory_factor: 2, memory_cap: 16G}\n"
	"  node_fail: {max_attempts: 4, backoff: {initial: 60, factor: 2, max: 600, jitter: 0}}\n"
	"  preempted: {backoff: {initial: 60, factor: 2, max: 600, jitter: 0}}\n";

struct fixture {
	char *dir;
	struct config *config;
	struct retry_context ctx;
	struct tracker *t;
	json_t *retry;     /* the last details.retry retry_of read */
};

static struct tracker *open_tracker(struct fixture *f)
{
	struct tracker_options o = {
		.run_dir = f->dir, .run_id = RUN_ID, .provider = "slurm",
		.retry = retry_tracker_hooks(&f->ctx),
	};
	struct error err;
	struct tracker *t = tracker_new(&o, &err);

	if (!t)
		fail_msg("%s", err.text);
	f->ctx.tracker = t;   /* before anything can fail an attempt */
	if (tracker_rebuild(t, &err) != 0)
		fail_msg("%s", err.text);
	return t;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	f->dir = tmpdir_create();
	tmpdir_write(f->dir, "events/.keep", "");
	tmpdir_write(f->dir, "logs/.keep", "");
	f->config = load_config_text(f->dir, retry_yaml);
	f->ctx = (struct retry_context){ .config = f->config };
	f->t = open_tracker(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	tracker_free(f->t);
	json_decref(f->retry);
	config_free(f->config);
	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

/* Submits one index as array job array_job_id, task = index. */
static void submit(struct fixture *f, uint32_t array_job_id, size_t index, unsigned attempt,
		   struct resources resources)
{
	struct plan_task task = { index, attempt };
	struct tracker_submission s = {
		.component = "model", .wave = "w001", .tasks = &task, .n_tasks = 1,
		.resources = resources, .array_job_id = array_job_id,
	};
	struct error err;

	if (tracker_add_submission(f->t, &s, &err) != 0)
		fail_msg("%s", err.text);
}

/* Slurm says the task ended in state on node. */
static void ended(struct fixture *f, uint32_t array_job_id, size_t index, const char *state,
		  const char *node, int exit_code, int64_t max_rss)
{
	struct job_record r;
	struct error err;

	job_record_init(&r);
	r.job_id = array_job_id + (uint32_t)index + 1000;
	r.array_job_id = array_job_id;
	r.array_task_id = (uint32_t)index;
	r.is_array = true;
	r.gone = true;
	r.restarts = 0;
	r.exit_code = exit_code;
	r.max_rss_bytes = max_rss;
	snprintf(r.state, sizeof r.state, "%s", state);
	snprintf(r.node, sizeof r.node, "%s", node);
	if (tracker_apply_jobs(f->t, &r, 1, &err) != 0)
		fail_msg("%s", err.text);
}

struct row_wanted {
	json_int_t index, attempt;
	json_t *retry;
};

static int take_retry(json_t *row, void *ctx)
{
	struct row_wanted *w = ctx;

	if (json_integer_value(json_object_get(row, "task_id")) == w->index &&
	    json_integer_value(json_object_get(row, "attempt")) == w->attempt) {
		json_decref(w->retry);
		w->retry = json_incref(json_object_get(json_object_get(row, "details"), "retry"));
	}
	return 0;
}

/* details.retry of the attempt's last row in failures.jsonl (valid until
 * the next call). */
static const json_t *retry_of(struct fixture *f, size_t index, unsigned attempt)
{
	struct row_wanted w = { (json_int_t)index, attempt, NULL };
	char *path = NULL;
	struct error err;

	assert_true(asprintf(&path, "%s/failures.jsonl", f->dir) > 0);
	if (jsonl_read(path, take_retry, &w, NULL, &err) != 0)
		fail_msg("%s", err.text);
	free(path);
	assert_non_null(w.retry);
	json_decref(f->retry);
	f->retry = w.retry;
	return w.retry;
}

static const char *summary_of(struct fixture *f, size_t index, unsigned attempt)
{
	return json_string_value(json_object_get(retry_of(f, index, attempt), "summary"));
}

/* The pending retries, checked for count. */
static struct retry_decision *pending(struct fixture *f, size_t expected)
{
	struct retry_decision *d;
	struct error err;
	size_t n;

	if (retry_pending(f->t, NULL, &d, &n, &err) != 0)
		fail_msg("%s", err.text);
	assert_int_equal(n, expected);
	return d;
}

static void test_oom_escalates_until_the_cap(void **state)
{
	struct fixture *f = *state;
	struct retry_decision *d;

	submit(f, 500, 7, 1, (struct resources){ 1, 4 * GIB, 3600 });
	ended(f, 500, 7, "OUT_OF_MEMORY", "n1", 0, 3 * (int64_t)GIB);
	assert_string_equal(summary_of(f, 7, 1), "retry 2/5 at once with memory 4G\u21928G");
	d = pending(f, 1);
	assert_int_equal(d[0].index, 7);
	assert_int_equal(d[0].next_attempt, 2);
	assert_int_equal(d[0].resources.memory_bytes, 8 * GIB);
	submit(f, 600, 7, 2, d[0].resources);
	free(pending(f, 0));   /* submitted: no longer pending */
	ended(f, 600, 7, "OUT_OF_MEMORY", "n1", 0, -1);
	assert_string_equal(summary_of(f, 7, 2), "retry 3/5 at once with memory 8G\u219216G");
	free(d);
	d = pending(f, 1);
	submit(f, 700, 7, 3, d[0].resources);
	ended(f, 700, 7, "OUT_OF_MEMORY", "n1", 0, -1);
	assert_string_equal(summary_of(f, 7, 3), "give up: oom: memory cap 16G reached");
	free(d);
	free(pending(f, 0));
}

/* Failures of other classes between them do not count against oom. */
static void test_classes_counted_apart(void **state)
{
	struct fixture *f = *state;
	struct retry_decision *d;

	submit(f, 500, 3, 1, (struct resources){ 1, 4 * GIB, 3600 });
	ended(f, 500, 3, "NODE_FAIL", "n4", -1, -1);
	d = pending(f, 1);
	submit(f, 600, 3, 2, d[0].resources);
	free(d);
	ended(f, 600, 3, "OUT_OF_MEMORY", "n5", 0, -1);
	assert_int_equal(json_integer_value(json_object_get(retry_of(f, 3, 2),
							     "class_failures")), 1);
	/* the node it excluded after the node_fail stays excluded */
	assert_string_equal(summary_of(f, 3, 2),
			    "retry 2/5 at once with memory 4G\u21928G excluding n4");
}

/* Each node_fail adds its node to what the attempt already excluded. */
static void test_node_exclusions_accumulate(void **state)
{
	struct fixture *f = *state;
	struct retry_decision *d;
	struct retry_wave w;
	struct error err;

	submit(f, 500, 1, 1, (struct resources){ 1, 4 * GIB, 3600 });
	ended(f, 500, 1, "NODE_FAIL", "n9", -1, -1);
	assert_string_equal(summary_of(f, 1, 1), "retry 2/4 in 60s excluding n9");
	d = pending(f, 1);
	submit(f, 600, 1, 2, d[0].resources);
	free(d);
	ended(f, 600, 1, "NODE_FAIL", "n2", -1, -1);
	assert_string_equal(summary_of(f, 1, 2), "retry 3/4 in 120s excluding n2,n9");
	d = pending(f, 1);
	assert_int_equal(retry_wave_group(d, 1, time(NULL), &w, &err), 0);
	assert_string_equal(w.exclude[0], "n2,n9");
	assert_true(w.requests[0].begin_delay_s > 100 && w.requests[0].begin_delay_s <= 120);
	retry_wave_free(&w);
	free(d);
}

/* A Slurm target asks sinfo for its partition's nodes once, at the first
 * node_fail: the partition's only node stays allowed (the retry could never
 * run without it), another node is excluded as before. */
static void test_last_node_of_the_partition_is_kept(void **state)
{
	struct fixture *f = *state;
	struct resources r = { 1, 4 * GIB, 3600 };
	char *old_path = slurm_shims_install(f->dir);
	const json_t *retry;

	tmpdir_write(f->dir, "sinfo.out", "vm|low*\nvm|high\n");
	f->ctx.slurm = true;
	f->ctx.partition = "low";
	submit(f, 500, 1, 1, r);
	ended(f, 500, 1, "NODE_FAIL", "vm", -1, -1);
	assert_string_equal(summary_of(f, 1, 1), "retry 2/4 in 60s");
	retry = retry_of(f, 1, 1);
	assert_string_equal(json_string_value(json_object_get(retry, "note")),
			    "vm not excluded: partition low would have no node left");
	submit(f, 500, 2, 1, r);
	ended(f, 500, 2, "NODE_FAIL", "n3", -1, -1);
	assert_string_equal(summary_of(f, 2, 1), "retry 2/4 in 60s excluding n3");
	assert_null(json_object_get(retry_of(f, 2, 1), "note"));
	assert_int_equal(slurm_shims_calls(f->dir, "sinfo"), 1);
	/* a failure of another class asks nothing */
	submit(f, 500, 3, 1, r);
	ended(f, 500, 3, "FAILED", "vm", 75, -1);
	assert_int_equal(slurm_shims_calls(f->dir, "sinfo"), 1);
	retry_context_clear(&f->ctx);
	slurm_shims_remove(old_path);
}

/* Fail-fast classes are kept with their reason; nothing is pending. */
static void test_input_error_gives_up(void **state)
{
	struct fixture *f = *state;

	submit(f, 500, 2, 1, (struct resources){ 1, 4 * GIB, 3600 });
	ended(f, 500, 2, "FAILED", "n1", 65, -1);
	assert_string_equal(summary_of(f, 2, 1), "give up: input_error: retrying cannot help");
	free(pending(f, 0));
}

/* Where the target requeues, a preempted attempt is followed. */
static void test_preempted_followed_when_slurm_requeues(void **state)
{
	struct fixture *f = *state;

	f->ctx.slurm_requeues = true;
	submit(f, 500, 4, 1, (struct resources){ 1, 4 * GIB, 3600 });
	ended(f, 500, 4, "PREEMPTED", "n1", -1, -1);
	assert_string_equal(json_string_value(json_object_get(retry_of(f, 4, 1), "action")),
			    "follow");
	free(pending(f, 0));
}

/* A re-attached orchestrator reads the same decisions back. */
static void test_decisions_survive_a_reattach(void **state)
{
	struct fixture *f = *state;
	struct retry_decision *before, *after;

	submit(f, 500, 7, 1, (struct resources){ 1, 4 * GIB, 3600 });
	submit(f, 501, 8, 1, (struct resources){ 1, 4 * GIB, 3600 });
	ended(f, 500, 7, "OUT_OF_MEMORY", "n1", 0, -1);
	ended(f, 501, 8, "PREEMPTED", "n1", -1, -1);
	before = pending(f, 2);
	tracker_free(f->t);
	f->t = open_tracker(f);
	after = pending(f, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(after[i].index, before[i].index);
		assert_int_equal(after[i].next_attempt, before[i].next_attempt);
		assert_int_equal(after[i].not_before, before[i].not_before);
		assert_memory_equal(&after[i].resources, &before[i].resources,
				    sizeof after[i].resources);
	}
	free(before);
	free(after);
}

/* Rebuilt from failures.jsonl, each decision is the one kept in memory,
 * every field: a resubmission, one with a node excluded, a give-up and a
 * follow. */
static void test_decisions_read_back_field_by_field(void **state)
{
	static const char *const states[] = { "OUT_OF_MEMORY", "NODE_FAIL", "FAILED",
					       "PREEMPTED" };
	static const int exit_codes[] = { 0, -1, 65, -1 };
	static const enum retry_action actions[] = { RETRY_RESUBMIT, RETRY_RESUBMIT,
						     RETRY_GIVE_UP, RETRY_FOLLOW };
	struct fixture *f = *state;
	struct retry_decision made[4];

	for (size_t i = 0; i < 4; i++) {
		f->ctx.slurm_requeues = actions[i] == RETRY_FOLLOW;
		submit(f, 500 + (uint32_t)i, i, 1, (struct resources){ 1, 4 * GIB, 3600 });
		ended(f, 500 + (uint32_t)i, i, states[i], "n7", exit_codes[i], 3 * (int64_t)GIB);
		assert_non_null(tracker_find(f->t, "model", i, 1)->retry);
		made[i] = *tracker_find(f->t, "model", i, 1)->retry;
		assert_int_equal(made[i].action, actions[i]);
	}
	assert_string_equal(made[1].exclude, "n7");
	tracker_free(f->t);
	f->t = open_tracker(f);
	for (size_t i = 0; i < 4; i++) {
		assert_non_null(tracker_find(f->t, "model", i, 1)->retry);
		assert_same_retry_decision(&made[i], tracker_find(f->t, "model", i, 1)->retry);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_oom_escalates_until_the_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_classes_counted_apart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_node_exclusions_accumulate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_input_error_gives_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_last_node_of_the_partition_is_kept, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_preempted_followed_when_slurm_requeues,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_decisions_survive_a_reattach, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decisions_read_back_field_by_field, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
