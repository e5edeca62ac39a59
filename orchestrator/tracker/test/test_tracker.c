/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The tracker: transitions driven by step events, states Slurm settles,
 * jobs gone without an end, requeues by restart_count (the same attempt
 * goes on), classification into failures.jsonl, and exactly one row per
 * change across a re-attach (rebuild, then everything replayed); the
 * counts kept up to date at each change agree with a recount after every
 * step of every test (counts_agree). */
#include <jansson.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/util/jsonl_file.h"
#include "slurm/slurm_job.h"
#include "event_reader.h"
#include "tracker/run_summary.h"
#include "test/tmpdir.h"
#include "tracker/tracker.h"

#define RUN_ID "run-20260101T000000Z-energy-0badcafe"
#define ARRAY 500u

struct fixture {
	char *dir;
	struct tracker *t;
	bool local;
	int decisions;
};

/* A stand-in for the retry module's decision, which the tracker only keeps,
 * has written and has read back (it never looks into it). */
struct retry_decision {
	char action[8];
};

static struct retry_decision *decision(const char *action)
{
	struct retry_decision *d = action ? calloc(1, sizeof *d) : NULL;

	if (d)
		snprintf(d->action, sizeof d->action, "%s", action);
	return d;
}

static struct retry_decision *decide(const struct task_attempt *a, void *ctx)
{
	struct fixture *f = ctx;

	f->decisions++;
	return decision(a->failure_class == FAILURE_OOM ? "retry" : "fail");
}

static json_t *decision_json(const struct retry_decision *d, void *ctx)
{
	(void)ctx;
	return json_pack("{s:s}", "action", d->action);
}

static struct retry_decision *decision_read(const json_t *retry, const struct task_attempt *a,
					    void *ctx)
{
	(void)a;
	(void)ctx;
	return decision(json_string_value(json_object_get(retry, "action")));
}

static void counts_agree(const struct tracker *t);

static struct tracker *open_tracker(struct fixture *f)
{
	struct tracker_options o = {
		.run_dir = f->dir, .run_id = RUN_ID, .provider = f->local ? "local" : "slurm",
		.settle_on_end_event = f->local,
		.retry = { .decide = decide, .write = decision_json, .read = decision_read,
			   .ctx = f },
	};
	struct error err;
	struct tracker *t = tracker_new(&o, &err);

	if (!t || tracker_rebuild(t, &err) != 0)
		fail_msg("%s", err.text);
	counts_agree(t);
	return t;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	f->dir = tmpdir_create();
	tmpdir_write(f->dir, "events/.keep", "");
	tmpdir_write(f->dir, "logs/.keep", "");
	f->t = open_tracker(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f->t)
		counts_agree(f->t);
	tracker_free(f->t);
	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

/* Submits indices [first, first + n) of component "model" as one array. */
static void submit(struct fixture *f, uint32_t array_job_id, size_t first, size_t n,
		   unsigned attempt, const char *wave)
{
	struct plan_task tasks[64];
	struct tracker_submission s = {
		.component = "model", .wave = wave, .offset = 0, .tasks = tasks, .n_tasks = n,
		.resources = { 1, 2ull << 30, 3600 }, .array_job_id = array_job_id,
	};
	struct error err;

	for (size_t i = 0; i < n; i++)
		tasks[i] = (struct plan_task){ first + i, attempt };
	if (tracker_add_submission(f->t, &s, &err) != 0)
		fail_msg("%s", err.text);
	counts_agree(f->t);
}

struct event {
	const char *event, *step;
	uint32_t array_job_id, task, restart;
	int exit_code, signal;
	int64_t oom_kills, max_rss;
	double elapsed;
	const char *cause, *run_id;
	bool fanned;     /* in layout 2's events/<array job>/<task / 1000>/ */
	uint32_t nodes, node_index;  /* a step on several nodes: one file per node */
};

/* Appends a step event as the plugin writes it (job id = array job + task + 1000). */
static void write_event(struct fixture *f, struct event e)
{
	char name[128], path[4200];
	uint32_t job_id = e.array_job_id + e.task + 1000;
	json_t *json = json_pack("{s:s, s:i, s:s, s:s, s:I, s:I, s:I, s:s, s:I, s:s, s:I, s:s?}",
				 "event_type", "step", "schema_version", 1, "event", e.event,
				 "timestamp", "2026-01-01T01:00:00.000Z", "job_id", (json_int_t)job_id,
				 "array_job_id", (json_int_t)e.array_job_id,
				 "array_task_id", (json_int_t)e.task, "step_id", e.step ? e.step : "batch",
				 "restart_count", (json_int_t)e.restart, "node", "node7",
				 "time_limit_s", (json_int_t)3600,
				 "run_id", e.run_id ? e.run_id : RUN_ID);
	char *line;
	FILE *file;

	if (!strcmp(e.event, "end")) {
		json_object_set_new(json, "exit_code", json_integer(e.exit_code));
		json_object_set_new(json, "signal", json_integer(e.signal));
		json_object_set_new(json, "oom_kill_count", json_integer(e.oom_kills));
		json_object_set_new(json, "max_rss_bytes", json_integer(e.max_rss));
		json_object_set_new(json, "elapsed_s", json_real(e.elapsed));
		json_object_set_new(json, "inferred_cause",
				    json_string(e.cause ? e.cause : "exited"));
	}
	if (e.nodes > 1) {
		json_object_set_new(json, "node_index", json_integer(e.node_index));
		json_object_set_new(json, "node_count", json_integer(e.nodes));
		snprintf(name, sizeof name, "%u.%s.%u.%u.jsonl", job_id, e.step, e.restart,
			 e.node_index);
	} else {
		snprintf(name, sizeof name, "%u.%s.%u.jsonl", job_id, e.step ? e.step : "batch",
			 e.restart);
	}
	snprintf(path, sizeof path, "%s/events/%s", f->dir, name);
	if (e.fanned) {
		char rel[128];

		snprintf(rel, sizeof rel, "events/%u/%u/.keep", e.array_job_id, e.task / 1000);
		tmpdir_write(f->dir, rel, "");
		snprintf(path, sizeof path, "%s/events/%u/%u/%s", f->dir, e.array_job_id,
			 e.task / 1000, name);
	}
	line = json_dumps(json, JSON_COMPACT);
	assert_non_null(file = fopen(path, "a"));
	fprintf(file, "%s\n", line);
	fclose(file);
	free(line);
	json_decref(json);
}

static void start(struct fixture *f, uint32_t array_job_id, uint32_t task, uint32_t restart)
{
	write_event(f, (struct event){ .event = "start", .array_job_id = array_job_id,
				       .task = task, .restart = restart });
}

static void end(struct fixture *f, uint32_t array_job_id, uint32_t task, uint32_t restart,
		int exit_code, int signal)
{
	write_event(f, (struct event){ .event = "end", .array_job_id = array_job_id, .task = task,
				       .restart = restart, .exit_code = exit_code,
				       .signal = signal, .max_rss = 1 << 30, .elapsed = 12.5 });
}

struct recount {
	struct tracker_counts c;
	size_t not_final;
	uint32_t open_arrays[16];  /* of every attempt not final, each once */
	size_t n_open_arrays;
};

static void recount_array(struct recount *r, const struct task_attempt *a)
{
	if (!a->array_job_id || task_state_is_final(a->state))
		return;
	for (size_t i = 0; i < r->n_open_arrays; i++)
		if (r->open_arrays[i] == a->array_job_id)
			return;
	assert_true(r->n_open_arrays < 16);
	r->open_arrays[r->n_open_arrays++] = a->array_job_id;
}

static int compare_ids(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

static void recount_latest(const struct task_attempt *a, bool latest, void *ctx)
{
	struct recount *r = ctx;

	assert_int_equal(a->latest, latest);
	recount_array(r, a);
	if (!latest)
		return;
	r->c.tasks++;
	r->c.by_state[a->state]++;
	r->c.awaiting_slurm += a->end_seen && !task_state_is_final(a->state);
	r->not_final += !task_state_is_final(a->state);
}

/* The totals the tracker keeps as it goes equal a count from scratch, over
 * every component and over the only one, "model"; so do the arrays it
 * would poll. */
static void counts_agree(const struct tracker *t)
{
	struct recount r;
	struct tracker_counts kept, model;

	memset(&r, 0, sizeof r);
	tracker_foreach(t, recount_latest, &r);
	tracker_counts(t, NULL, &kept);
	tracker_counts(t, "model", &model);
	assert_memory_equal(&kept, &r.c, sizeof kept);
	assert_memory_equal(&model, &r.c, sizeof model);
	assert_int_equal(tracker_all_final(t), r.not_final == 0);
	/* the arrays to poll, kept as attempts change, are those of a recount */
	uint32_t *ids;
	size_t n = tracker_jobs_to_poll(t, &ids);

	qsort(r.open_arrays, r.n_open_arrays, sizeof *r.open_arrays, compare_ids);
	assert_int_equal(n, r.n_open_arrays);
	if (n)
		assert_memory_equal(ids, r.open_arrays, n * sizeof *ids);
	free(ids);
}

static void poll_events(struct fixture *f)
{
	struct error err;

	if (tracker_poll_events(f->t, &err) < 0)
		fail_msg("%s", err.text);
	counts_agree(f->t);
}

static struct job_record job(uint32_t array_job_id, uint32_t task, const char *state, bool gone)
{
	struct job_record r;

	job_record_init(&r);
	r.job_id = array_job_id + task + 1000;
	r.array_job_id = array_job_id;
	r.array_task_id = task;
	r.is_array = true;
	r.gone = gone;
	r.restarts = 0;
	snprintf(r.state, sizeof r.state, "%s", state);
	return r;
}

static void apply(struct fixture *f, struct job_record r)
{
	struct error err;

	if (tracker_apply_jobs(f->t, &r, 1, &err) != 0)
		fail_msg("%s", err.text);
	counts_agree(f->t);
}

struct row_query {
	size_t index;
	unsigned attempt;
	const char *state;
	int matches;
	json_t *last;
};

static int match_row(json_t *row, void *ctx)
{
	struct row_query *q = ctx;

	if ((size_t)json_integer_value(json_object_get(row, "task_id")) != q->index ||
	    (q->attempt && json_integer_value(json_object_get(row, "attempt")) != q->attempt) ||
	    (q->state && strcmp(json_string_value(json_object_get(row, "state")), q->state)))
		return 0;
	q->matches++;
	json_decref(q->last);
	q->last = json_incref(row);
	return 0;
}

/* The rows of tasks.jsonl (or failures.jsonl) for index in state (NULL: any);
 * *last gets the last one (decref it) when asked. */
static int rows(struct fixture *f, const char *file, size_t index, const char *state,
		json_t **last)
{
	struct row_query q = { index, 0, state, 0, NULL };
	char path[4200];
	struct error err;

	snprintf(path, sizeof path, "%s/%s", f->dir, file);
	assert_int_equal(jsonl_read(path, match_row, &q, NULL, &err), 0);
	if (last)
		*last = q.last;
	else
		json_decref(q.last);
	return q.matches;
}

static const char *str(json_t *row, const char *key)
{
	return json_string_value(json_object_get(row, key));
}

static json_int_t num(json_t *row, const char *key)
{
	return json_integer_value(json_object_get(row, key));
}

static void events_drive_the_states(void **state)
{
	struct fixture *f = *state;
	struct tracker_counts counts;
	json_t *row;

	submit(f, ARRAY, 0, 3, 1, "w001");
	assert_int_equal(rows(f, "tasks.jsonl", 0, "submitted", &row), 1);
	assert_int_equal(num(row, "array_job_id"), ARRAY);
	assert_int_equal(num(row, "requested_memory_bytes"), 2ll << 30);
	assert_string_equal(str(row, "wave"), "w001");
	json_decref(row);
	start(f, ARRAY, 0, 0);
	start(f, ARRAY, 1, 0);
	poll_events(f);
	assert_int_equal(rows(f, "tasks.jsonl", 0, "running", &row), 1);
	assert_string_equal(str(row, "worker"), "node7");
	assert_int_equal(num(row, "job_id"), ARRAY + 1000);
	json_decref(row);
	end(f, ARRAY, 0, 0, 0, 0);
	poll_events(f);
	assert_int_equal(rows(f, "tasks.jsonl", 0, "succeeded", &row), 1);
	assert_int_equal(num(row, "exit_code"), 0);
	assert_int_equal(num(row, "max_rss_bytes"), 1 << 30);
	assert_true(json_real_value(json_object_get(row, "duration_s")) == 12.5);
	json_decref(row);
	tracker_counts(f->t, NULL, &counts);
	assert_int_equal(counts.tasks, 3);
	assert_int_equal(counts.by_state[TASK_SUCCEEDED], 1);
	assert_int_equal(counts.by_state[TASK_RUNNING], 1);
	assert_int_equal(counts.by_state[TASK_SUBMITTED], 1);
	assert_false(tracker_all_final(f->t));
}

/* An srun step on two nodes leaves one file per node: the attempt takes
 * the OOM kills of either node and the larger peak, and its class is oom
 * whatever Slurm's state says of the job. */
static void a_step_on_two_nodes_merges_its_nodes(void **state)
{
	struct fixture *f = *state;
	json_t *row;

	submit(f, ARRAY, 0, 1, 1, "w001");
	start(f, ARRAY, 0, 0);
	write_event(f, (struct event){ .event = "end", .step = "0", .array_job_id = ARRAY,
				       .nodes = 2, .node_index = 0, .max_rss = 100 << 20 });
	write_event(f, (struct event){ .event = "end", .step = "0", .array_job_id = ARRAY,
				       .nodes = 2, .node_index = 1, .exit_code = 0, .signal = 9,
				       .oom_kills = 1, .max_rss = 900 << 20, .cause = "oom" });
	write_event(f, (struct event){ .event = "end", .array_job_id = ARRAY, .exit_code = 137,
				       .max_rss = 10 << 20 });
	poll_events(f);
	apply(f, job(ARRAY, 0, "FAILED", true));
	assert_int_equal(rows(f, "tasks.jsonl", 0, "failed", &row), 1);
	assert_string_equal(str(row, "failure_class"), "oom");
	assert_int_equal(num(row, "max_rss_bytes"), 900 << 20);
	json_decref(row);
}

/* A run's events in both layouts (an older plugin's in events/, a newer
 * one's fanned out) drive the same tasks. */
static void events_of_both_layouts(void **state)
{
	struct fixture *f = *state;
	struct tracker_counts counts;

	submit(f, ARRAY, 0, 1, 1, "w001");
	submit(f, ARRAY + 5000, 1000, 2, 1, "w001");
	start(f, ARRAY, 0, 0);
	end(f, ARRAY, 0, 0, 0, 0);
	for (uint32_t task = 1000; task < 1002; task++) {
		write_event(f, (struct event){ .event = "start", .array_job_id = ARRAY + 5000,
					       .task = task, .fanned = true });
		write_event(f, (struct event){ .event = "end", .array_job_id = ARRAY + 5000,
					       .task = task, .fanned = true, .elapsed = 1 });
	}
	poll_events(f);
	tracker_counts(f->t, NULL, &counts);
	assert_int_equal(counts.tasks, 3);
	assert_int_equal(counts.by_state[TASK_SUCCEEDED], 3);
	assert_true(tracker_all_final(f->t));
}

/* A failed end waits for Slurm; Slurm's final state settles the class. */
static void slurm_settles_what_events_cannot(void **state)
{
	static const struct {
		const char *state;
		const char *class;
	} table[] = {
		{ "TIMEOUT", "timeout" }, { "PREEMPTED", "preempted" },
		{ "OUT_OF_MEMORY", "oom" }, { "NODE_FAIL", "node_fail" }, { "FAILED", "runtime_error" },
	};
	struct fixture *f = *state;
	struct tracker_counts counts;
	json_t *row;

	submit(f, ARRAY, 0, 5, 1, "w001");
	for (uint32_t i = 0; i < 5; i++) {
		start(f, ARRAY, i, 0);
		end(f, ARRAY, i, 0, 143, 15);
	}
	poll_events(f);
	tracker_counts(f->t, NULL, &counts);
	assert_int_equal(counts.awaiting_slurm, 5);
	assert_int_equal(rows(f, "tasks.jsonl", 0, "failed", NULL), 0);
	for (uint32_t i = 0; i < 5; i++) {
		apply(f, job(ARRAY, i, table[i].state, false));
		assert_int_equal(rows(f, "tasks.jsonl", i, "failed", &row), 1);
		assert_string_equal(str(row, "failure_class"), table[i].class);
		json_decref(row);
		assert_int_equal(rows(f, "failures.jsonl", i, NULL, &row), 1);
		assert_string_equal(str(row, "failure_class"), table[i].class);
		assert_string_equal(str(json_object_get(row, "details"), "slurm_state"),
				    table[i].state);
		json_decref(row);
	}
	assert_true(tracker_all_final(f->t));
	assert_int_equal(f->decisions, 5);
}

static void a_job_gone_without_an_end_fails(void **state)
{
	struct fixture *f = *state;
	struct job_record stuck;
	json_t *row;

	submit(f, ARRAY, 0, 3, 1, "w001");
	start(f, ARRAY, 0, 0);
	start(f, ARRAY, 1, 0);
	start(f, ARRAY, 2, 0);
	poll_events(f);
	/* no accounting, and squeue no longer lists it: the node died with it */
	apply(f, job(ARRAY, 0, "", true));
	assert_int_equal(rows(f, "tasks.jsonl", 0, "failed", &row), 1);
	assert_string_equal(str(row, "failure_class"), "node_fail");
	assert_non_null(strstr(str(row, "error_message"), "never ended"));
	json_decref(row);
	/* sacct knows it failed */
	stuck = job(ARRAY, 1, "FAILED", true);
	stuck.exit_code = 2;
	apply(f, stuck);
	assert_int_equal(rows(f, "tasks.jsonl", 1, "failed", &row), 1);
	assert_int_equal(num(row, "exit_code"), 2);
	json_decref(row);
	/* accounting still says RUNNING for a job squeue lost: believed a while */
	stuck = job(ARRAY, 2, "RUNNING", true);
	apply(f, stuck);
	apply(f, stuck);
	assert_int_equal(rows(f, "tasks.jsonl", 2, "failed", NULL), 0);
	apply(f, stuck);
	assert_int_equal(rows(f, "tasks.jsonl", 2, "failed", NULL), 1);
	assert_true(tracker_all_final(f->t));
}

static void slurm_alone_settles_success_and_cancel(void **state)
{
	struct fixture *f = *state;
	json_t *row;

	submit(f, ARRAY, 0, 2, 1, "w001");
	apply(f, job(ARRAY, 0, "RUNNING", false));
	assert_int_equal(rows(f, "tasks.jsonl", 0, "running", NULL), 1);
	apply(f, job(ARRAY, 0, "COMPLETED", true));
	assert_int_equal(rows(f, "tasks.jsonl", 0, "succeeded", &row), 1);
	assert_int_equal(num(row, "exit_code"), 0);
	json_decref(row);
	apply(f, job(ARRAY, 1, "CANCELLED by 1000", true));
	assert_int_equal(rows(f, "tasks.jsonl", 1, "cancelled", NULL), 1);
	assert_int_equal(rows(f, "failures.jsonl", 1, NULL, NULL), 0);
}

static void a_requeue_is_the_same_attempt(void **state)
{
	struct fixture *f = *state;
	struct job_record old;
	json_t *row;

	submit(f, ARRAY, 0, 2, 1, "w001");
	start(f, ARRAY, 0, 0);
	end(f, ARRAY, 0, 0, 143, 15);  /* preempted: SIGTERM */
	poll_events(f);
	start(f, ARRAY, 0, 1);         /* Slurm ran it again */
	poll_events(f);
	assert_int_equal(rows(f, "tasks.jsonl", 0, "requeued", &row), 1);
	assert_int_equal(num(row, "attempt"), 1);
	assert_int_equal(num(row, "restart_count"), 1);
	json_decref(row);
	assert_int_equal(rows(f, "tasks.jsonl", 0, "running", &row), 2);
	assert_int_equal(num(row, "restart_count"), 1);
	json_decref(row);
	assert_int_equal(rows(f, "tasks.jsonl", 0, "failed", NULL), 0);
	/* sacct -D still lists the run before the requeue: old news */
	old = job(ARRAY, 0, "PREEMPTED", true);
	apply(f, old);
	assert_int_equal(rows(f, "tasks.jsonl", 0, "failed", NULL), 0);
	end(f, ARRAY, 0, 1, 0, 0);
	poll_events(f);
	assert_int_equal(rows(f, "tasks.jsonl", 0, "succeeded", NULL), 1);
	assert_null(tracker_find(f->t, "model", 0, 2));
	/* squeue's restart count says the same for a task never started; a
	 * requeued job shows COMPLETING while the run before it is cleaned up:
	 * that is no start of the next run */
	old = job(ARRAY, 1, "COMPLETING", false);
	old.restarts = 1;
	apply(f, old);
	assert_int_equal(rows(f, "tasks.jsonl", 1, "requeued", NULL), 1);
	assert_int_equal(rows(f, "tasks.jsonl", 1, "running", NULL), 0);
	old = job(ARRAY, 1, "PENDING", false);
	old.restarts = 1;
	apply(f, old);
	assert_int_equal(rows(f, "tasks.jsonl", 1, "requeued", NULL), 1);
	apply(f, old);
	assert_int_equal(rows(f, "tasks.jsonl", 1, "requeued", NULL), 1);
	assert_int_equal(rows(f, "failures.jsonl", 0, NULL, NULL), 0);
}

/* A later stage's task held in Slurm: a DependencyNeverSatisfied reason is
 * kept (any other pending reason is not), and skipping the queued attempt
 * writes a final skipped row naming its upstream, without a failure. */
static void a_held_task_is_skipped(void **state)
{
	struct fixture *f = *state;
	struct job_record r = job(ARRAY, 2, "PENDING", false);
	const struct task_upstream why = { "prepare", 2, 1, "failed", "input_error" };
	const struct task_attempt *a;
	struct error err;
	json_t *row;

	submit(f, ARRAY, 0, 3, 1, "w002");
	snprintf(r.reason, sizeof r.reason, "Dependency");
	apply(f, r);
	a = tracker_find(f->t, "model", 2, 1);
	assert_string_equal(a->slurm_reason, "");
	snprintf(r.reason, sizeof r.reason, "DependencyNeverSatisfied");
	apply(f, r);
	assert_string_equal(a->slurm_reason, "DependencyNeverSatisfied");
	assert_int_equal(a->state, TASK_SUBMITTED);
	if (tracker_add_skipped(f->t, "model", 2, 1, &why, &err) != 0)
		fail_msg("%s", err.text);
	assert_int_equal(a->state, TASK_SKIPPED);
	assert_int_equal(rows(f, "tasks.jsonl", 2, "skipped", &row), 1);
	assert_string_equal(str(row, "error_type"), "upstream_failed");
	assert_string_equal(str(json_object_get(row, "upstream"), "task_name"), "prepare-2");
	assert_string_equal(str(json_object_get(row, "upstream"), "failure_class"),
			    "input_error");
	assert_true(json_is_null(json_object_get(row, "failure_class")));
	json_decref(row);
	/* once final, nothing moves it: not a second skip, not Slurm's cancel */
	if (tracker_add_skipped(f->t, "model", 2, 1, &why, &err) != 0)
		fail_msg("%s", err.text);
	apply(f, job(ARRAY, 2, "CANCELLED", true));
	assert_int_equal(rows(f, "tasks.jsonl", 2, NULL, NULL), 2);
	assert_int_equal(rows(f, "failures.jsonl", 2, NULL, NULL), 0);
	assert_true(tracker_latest(f->t, "model", 2) == a);
	counts_agree(f->t);
}

static int count_lines(struct fixture *f, const char *name)
{
	return tmpdir_count_lines(f->dir, name);
}

/* Kill the orchestrator anywhere: the next one writes only what is missing. */
static void a_rebuild_writes_nothing_twice(void **state)
{
	struct fixture *f = *state;
	struct job_record failed = job(ARRAY, 1, "OUT_OF_MEMORY", true);
	int tasks_lines, failure_lines;
	const struct task_attempt **list;
	json_t *row;

	tmpdir_write(f->dir, "logs/model-1.1.err", "MemoryError\n");
	submit(f, ARRAY, 0, 4, 1, "w001");
	start(f, ARRAY, 0, 0);
	end(f, ARRAY, 0, 0, 0, 0);
	start(f, ARRAY, 1, 0);
	end(f, ARRAY, 1, 0, 137, 9);
	start(f, ARRAY, 2, 0);
	end(f, ARRAY, 2, 0, 143, 15);
	start(f, ARRAY, 3, 0);
	end(f, ARRAY, 3, 0, 143, 15);
	start(f, ARRAY, 3, 1);
	poll_events(f);
	apply(f, failed);
	tasks_lines = count_lines(f, "tasks.jsonl");
	failure_lines = count_lines(f, "failures.jsonl");
	assert_int_equal(failure_lines, 1);

	/* re-attach: rebuild, journal replayed, events from offset 0, Slurm again */
	tracker_free(f->t);
	f->t = open_tracker(f);
	submit(f, ARRAY, 0, 4, 1, "w001");
	poll_events(f);
	apply(f, failed);
	assert_int_equal(count_lines(f, "tasks.jsonl"), tasks_lines);
	assert_int_equal(count_lines(f, "failures.jsonl"), failure_lines);
	assert_int_equal(f->decisions, 1);
	assert_int_equal(tracker_failed_attempts(f->t, &list), 1);
	assert_int_equal(list[0]->index, 1);
	assert_int_equal(list[0]->failure_class, FAILURE_OOM);
	assert_string_equal(list[0]->retry->action, "retry");
	free(list);
	/* what was pending before the crash still settles, once */
	apply(f, job(ARRAY, 2, "TIMEOUT", true));
	assert_int_equal(count_lines(f, "tasks.jsonl"), tasks_lines + 1);
	assert_int_equal(rows(f, "tasks.jsonl", 2, "failed", &row), 1);
	assert_string_equal(str(row, "failure_class"), "timeout");
	json_decref(row);
	assert_int_equal(rows(f, "tasks.jsonl", 3, "requeued", NULL), 1);
}

/* Re-attached, the events of steps whose attempts tasks.jsonl already has
 * final are not read again: only the running one's file is opened. */
static void a_rebuild_reads_no_finished_step_again(void **state)
{
	struct fixture *f = *state;
	struct event_reader_stats st;
	json_t *row;

	submit(f, ARRAY, 0, 3, 1, "w001");
	start(f, ARRAY, 0, 0);
	end(f, ARRAY, 0, 0, 0, 0);
	start(f, ARRAY, 1, 0);
	end(f, ARRAY, 1, 0, 0, 0);
	start(f, ARRAY, 2, 0);
	poll_events(f);
	tracker_free(f->t);
	f->t = open_tracker(f);
	submit(f, ARRAY, 0, 3, 1, "w001");
	poll_events(f);
	tracker_event_stats(f->t, &st);
	assert_int_equal(st.files, 3);
	assert_int_equal(st.skipped, 2);
	assert_int_equal(st.opens, 1);
	/* the running one goes on as before */
	end(f, ARRAY, 2, 0, 0, 0);
	poll_events(f);
	assert_int_equal(rows(f, "tasks.jsonl", 2, "succeeded", &row), 1);
	json_decref(row);
	assert_true(tracker_all_final(f->t));
}

/* What a task may leave in events/ (issue 11): a link named like an event
 * file does not fail the poll, and task 1's end copied into task 0's file
 * does not settle task 1; both are said once. */
static void what_a_task_leaves_in_events_is_skipped_and_said_once(void **state)
{
	struct fixture *f = *state;
	char name0[64], name1[64], path[4200], text[640], *lines, *last;

	submit(f, ARRAY, 0, 2, 1, "w001");
	start(f, ARRAY, 0, 0);
	start(f, ARRAY, 1, 0);
	end(f, ARRAY, 1, 0, 0, 0);
	snprintf(name0, sizeof name0, "events/%u.batch.0.jsonl", ARRAY + 1000);
	snprintf(name1, sizeof name1, "events/%u.batch.0.jsonl", ARRAY + 1001);
	lines = tmpdir_read(f->dir, name1);
	last = strchr(lines, '\n') + 1;  /* task 1's end, moved into task 0's file */
	snprintf(path, sizeof path, "%s/%s", f->dir, name0);
	FILE *file = fopen(path, "a");
	assert_non_null(file);
	fputs(last, file);
	fclose(file);
	*last = '\0';
	tmpdir_write(f->dir, name1, lines);
	free(lines);
	snprintf(path, sizeof path, "%s/events/x.jsonl", f->dir);
	assert_int_equal(symlink("/dev/zero", path), 0);
	poll_events(f);
	assert_int_equal(rows(f, "tasks.jsonl", 1, "succeeded", NULL), 0);
	assert_true(tracker_events_trouble(f->t, text, sizeof text));
	assert_string_equal(text, "1 unreadable entry in events/ (first: x.jsonl: a symbolic "
				  "link, not followed); 1 line skipped in events/ (1 of them "
				  "claimed another step)");
	poll_events(f);
	assert_false(tracker_events_trouble(f->t, text, sizeof text));
	end(f, ARRAY, 1, 0, 0, 0);  /* its own file: it counts */
	poll_events(f);
	assert_int_equal(rows(f, "tasks.jsonl", 1, "succeeded", NULL), 1);
}

/* Killed between the failures.jsonl row and the tasks.jsonl row. */
static void a_crash_between_the_two_rows(void **state)
{
	struct fixture *f = *state;
	char *text, *last;

	submit(f, ARRAY, 0, 1, 1, "w001");
	start(f, ARRAY, 0, 0);
	end(f, ARRAY, 0, 0, 1, 0);
	poll_events(f);
	apply(f, job(ARRAY, 0, "FAILED", true));
	tracker_free(f->t);
	f->t = NULL;
	text = tmpdir_read(f->dir, "tasks.jsonl");
	last = strrchr(text, '\n');
	*last = '\0';
	*(strrchr(text, '\n') + 1) = '\0';  /* the failed row never made it */
	tmpdir_write(f->dir, "tasks.jsonl", text);
	free(text);
	assert_int_equal(rows(f, "tasks.jsonl", 0, "failed", NULL), 0);
	f->t = open_tracker(f);
	submit(f, ARRAY, 0, 1, 1, "w001");
	poll_events(f);
	apply(f, job(ARRAY, 0, "FAILED", true));
	assert_int_equal(rows(f, "tasks.jsonl", 0, "failed", NULL), 1);
	assert_int_equal(rows(f, "failures.jsonl", 0, NULL, NULL), 1);
}

/* Events of a chunk whose sbatch answer was lost come before it is known. */
static void events_wait_for_their_submission(void **state)
{
	struct fixture *f = *state;

	start(f, ARRAY, 0, 0);
	end(f, ARRAY, 0, 0, 0, 0);
	write_event(f, (struct event){ .event = "start", .array_job_id = 9, .task = 0,
				       .run_id = "another-run" });
	poll_events(f);
	assert_int_equal(count_lines(f, "tasks.jsonl"), 0);
	submit(f, ARRAY, 0, 1, 1, "w001");
	assert_int_equal(rows(f, "tasks.jsonl", 0, "succeeded", NULL), 1);
	assert_int_equal(count_lines(f, "tasks.jsonl"), 3);
}

static void local_ends_settle_at_once(void **state)
{
	struct fixture *f = *state;
	json_t *row;

	tracker_free(f->t);
	f->local = true;
	f->t = open_tracker(f);
	tmpdir_write(f->dir, "logs/model-0.1.err", "Traceback (most recent call last):\n"
		     "  File \"m.py\", line 1\nRuntimeError: scenario 0 diverged\n");
	submit(f, ARRAY, 0, 1, 1, "w001");
	start(f, ARRAY, 0, 0);
	end(f, ARRAY, 0, 0, 1, 0);
	poll_events(f);
	assert_int_equal(rows(f, "tasks.jsonl", 0, "failed", &row), 1);
	assert_string_equal(str(row, "failure_class"), "runtime_error");
	assert_string_equal(str(row, "error_type"), "RuntimeError");
	assert_string_equal(str(row, "error_message"), "RuntimeError: scenario 0 diverged");
	json_decref(row);
	assert_int_equal(rows(f, "failures.jsonl", 0, NULL, &row), 1);
	assert_string_equal(str(row, "provider"), "local");
	assert_string_equal(str(row, "message"), "RuntimeError: scenario 0 diverged");
	assert_non_null(strstr(str(json_object_get(row, "details"), "traceback"), "Traceback"));
	assert_string_equal(str(json_object_get(json_object_get(row, "details"), "evidence"),
				"decided_by"), "default");
	json_decref(row);
}

static void retries_become_new_attempts(void **state)
{
	struct fixture *f = *state;
	const struct task_attempt **list;
	uint32_t *ids;
	size_t n;

	submit(f, ARRAY, 0, 2, 1, "w001");
	n = tracker_jobs_to_poll(f->t, &ids);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], ARRAY);
	free(ids);
	apply(f, job(ARRAY, 0, "OUT_OF_MEMORY", true));
	apply(f, job(ARRAY, 1, "COMPLETED", true));
	assert_int_equal(tracker_failed_attempts(f->t, &list), 1);
	free(list);
	assert_int_equal(tracker_jobs_to_poll(f->t, &ids), 0);
	free(ids);
	submit(f, ARRAY + 1, 0, 1, 2, "w002");  /* the retry */
	assert_int_equal(tracker_failed_attempts(f->t, &list), 0);
	free(list);
	assert_int_equal(tracker_jobs_to_poll(f->t, &ids), 1);
	assert_int_equal(ids[0], ARRAY + 1);
	free(ids);
	start(f, ARRAY + 1, 0, 0);
	end(f, ARRAY + 1, 0, 0, 0, 0);
	poll_events(f);
	assert_non_null(tracker_find(f->t, "model", 0, 2));
	assert_int_equal(tracker_find(f->t, "model", 0, 2)->state, TASK_SUCCEEDED);
	assert_true(tracker_all_final(f->t));
}

static void the_summary_counts_it_all(void **state)
{
	struct fixture *f = *state;
	struct error err;
	json_t *summary, *model;

	submit(f, ARRAY, 0, 3, 1, "w001");
	for (uint32_t i = 0; i < 3; i++) {
		start(f, ARRAY, i, 0);
		end(f, ARRAY, i, 0, i == 2 ? 1 : 0, 0);
	}
	poll_events(f);
	apply(f, job(ARRAY, 2, "OUT_OF_MEMORY", true));
	submit(f, ARRAY + 1, 2, 1, 2, "w002");
	start(f, ARRAY + 1, 2, 0);
	end(f, ARRAY + 1, 2, 0, 0, 0);
	poll_events(f);
	assert_int_equal(tracker_add_cached(f->t, "model", 9, 1, &err), 0);
	summary = run_summary_json(f->t);
	assert_non_null(summary);
	assert_int_equal(num(summary, "tasks"), 4);
	assert_int_equal(num(json_object_get(summary, "counts_by_state"), "succeeded"), 3);
	assert_int_equal(num(json_object_get(summary, "counts_by_state"), "cached"), 1);
	assert_int_equal(num(json_object_get(summary, "failures_by_class"), "oom"), 1);
	assert_int_equal(json_object_size(json_object_get(summary, "final_failures_by_class")), 0);
	assert_int_equal(num(summary, "attempts"), 4);
	assert_int_equal(num(summary, "resubmissions"), 1);
	assert_true(json_real_value(json_object_get(json_object_get(summary, "duration_s"),
						    "p95")) == 12.5);
	model = json_object_get(json_object_get(summary, "components"), "model");
	assert_int_equal(num(json_object_get(model, "memory"), "peak_bytes"), 1 << 30);
	assert_true(json_real_value(json_object_get(json_object_get(model, "memory"),
						    "max_peak_to_request")) == 0.5);
	json_decref(summary);
}

/* A whole poll: squeue's records, sacct's for the rest, and silence. */
static void a_poll_settles_what_vanished(void **state)
{
	struct fixture *f = *state;
	struct job_record queued[1], ended[1];
	uint32_t polled[] = { ARRAY };
	/* silence as the local target reads it (Slurm's grace:
	 * orchestrator/backend/test/test_backend_slurm_poll.c) */
	struct tracker_poll p = { .polled = polled, .n_polled = 1, .queued = queued,
				  .n_queued = 1, .ended = ended, .n_ended = 1,
				  .silence = TRACKER_SILENCE_FINAL };
	struct error err;
	json_t *row;

	submit(f, ARRAY, 0, 3, 1, "w001");
	queued[0] = job(ARRAY, 0, "RUNNING", false);
	ended[0] = job(ARRAY, 1, "COMPLETED", false);  /* read as gone all the same */
	assert_int_equal(tracker_apply_poll(f->t, &p, &err), 0);
	assert_int_equal(rows(f, "tasks.jsonl", 0, "running", NULL), 1);
	assert_int_equal(rows(f, "tasks.jsonl", 1, "succeeded", NULL), 1);
	assert_int_equal(rows(f, "tasks.jsonl", 2, "failed", &row), 1);  /* nobody knows it */
	assert_string_equal(str(row, "failure_class"), "node_fail");
	json_decref(row);
	/* an array not polled this time is left alone */
	submit(f, ARRAY + 1, 5, 1, 1, "w001");
	p.ended = NULL;
	p.n_ended = 0;
	assert_int_equal(tracker_apply_poll(f->t, &p, &err), 0);
	assert_int_equal(rows(f, "tasks.jsonl", 5, "failed", NULL), 0);
}

static void slurm_layer_records_translate(void **state)
{
	struct slurm_job job = {
		.job_id = 1234, .array_job_id = 1200, .array_task_id = 7,
		.state = SLURM_STATE_FAILED, .reason = "OutOfMemory", .nodes = "n3",
		.restarts = 1, .exit_code = 0, .signal = 9, .elapsed_s = 61,
		.max_rss_bytes = 0, .step_oom = true,
	};
	struct job_record r;

	(void)state;
	job_record_from_slurm_job(&job, true, &r);
	assert_int_equal(r.job_id, 1234);
	assert_true(r.is_array);
	assert_int_equal(r.array_task_id, 7);
	assert_string_equal(r.state, "OUT_OF_MEMORY");
	assert_string_equal(r.node, "n3");
	assert_int_equal(r.restarts, 1);
	assert_int_equal(r.signal, 9);
	assert_int_equal(r.max_rss_bytes, -1);
	assert_true(r.elapsed_s == 61);
	assert_true(r.gone);
	assert_int_equal(job_record_phase(&r), JOB_PHASE_ENDED);
	job.state = SLURM_STATE_PENDING;
	job.array_task_id = SLURM_NO_ARRAY_TASK;
	job.array_job_id = 0;
	job_record_from_slurm_job(&job, false, &r);
	assert_string_equal(r.state, "PENDING");
	assert_false(r.is_array);
	assert_int_equal(r.array_task_id, JOB_RECORD_NO_TASK);
	assert_int_equal(job_record_phase(&r), JOB_PHASE_QUEUED);
	job.state = SLURM_STATE_UNKNOWN;
	job_record_from_slurm_job(&job, true, &r);
	assert_string_equal(r.state, "");
	assert_int_equal(job_record_phase(&r), JOB_PHASE_UNKNOWN);
}

/* `scalable status` on a run whose orchestrator is gone: the state moves on
 * from the events, and nothing is written. */
static void a_reader_writes_nothing(void **state)
{
	struct fixture *f = *state;
	struct tracker_options o = { .run_dir = f->dir, .run_id = RUN_ID, .read_only = true };
	struct tracker_counts counts;
	struct tracker *reader;
	struct error err;
	int lines;

	submit(f, ARRAY, 0, 2, 1, "w001");
	start(f, ARRAY, 0, 0);
	poll_events(f);
	end(f, ARRAY, 0, 0, 0, 0);
	end(f, ARRAY, 1, 0, 1, 0);
	lines = count_lines(f, "tasks.jsonl");
	reader = tracker_new(&o, &err);
	assert_non_null(reader);
	assert_int_equal(tracker_rebuild(reader, &err), 0);
	assert_true(tracker_poll_events(reader, &err) >= 0);
	tracker_counts(reader, NULL, &counts);
	assert_int_equal(counts.by_state[TASK_SUCCEEDED], 1);
	assert_int_equal(counts.awaiting_slurm, 1);
	assert_int_equal(count_lines(f, "tasks.jsonl"), lines);
	assert_int_equal(count_lines(f, "failures.jsonl"), 0);
	tracker_free(reader);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(events_drive_the_states, setup, teardown),
		cmocka_unit_test_setup_teardown(a_step_on_two_nodes_merges_its_nodes, setup, teardown),
		cmocka_unit_test_setup_teardown(events_of_both_layouts, setup, teardown),
		cmocka_unit_test_setup_teardown(slurm_settles_what_events_cannot, setup, teardown),
		cmocka_unit_test_setup_teardown(a_job_gone_without_an_end_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(slurm_alone_settles_success_and_cancel, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_requeue_is_the_same_attempt, setup, teardown),
		cmocka_unit_test_setup_teardown(a_held_task_is_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(a_rebuild_writes_nothing_twice, setup, teardown),
		cmocka_unit_test_setup_teardown(what_a_task_leaves_in_events_is_skipped_and_said_once,
						setup, teardown),
		cmocka_unit_test_setup_teardown(a_rebuild_reads_no_finished_step_again, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_crash_between_the_two_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(events_wait_for_their_submission, setup, teardown),
		cmocka_unit_test_setup_teardown(local_ends_settle_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(retries_become_new_attempts, setup, teardown),
		cmocka_unit_test_setup_teardown(the_summary_counts_it_all, setup, teardown),
		cmocka_unit_test_setup_teardown(a_poll_settles_what_vanished, setup, teardown),
		cmocka_unit_test(slurm_layer_records_translate),
		cmocka_unit_test_setup_teardown(a_reader_writes_nothing, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
