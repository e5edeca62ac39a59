/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tasks.jsonl and failures.jsonl records written through the telemetry
 * writer and read back through their readers (task_record.h,
 * failure_record.h): every field equal; what was unknown stays unknown; a
 * record that names no attempt is refused. */
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
#include "rundir/telemetry.h"
#include "test/tmpdir.h"

#define RUN_ID "run-20260101T000000Z-energy-0badcafe"
#define STAMP "2026-01-01T01:02:03Z"

/* The records of one file, kept (incref'd) in the order read. */
struct records {
	json_t *items[16];
	size_t n;
};

static int keep_record(json_t *record, void *ctx)
{
	struct records *r = ctx;

	assert_true(r->n < 16);
	r->items[r->n++] = json_incref(record);
	return 0;
}

static void read_records(const char *dir, const char *name, struct records *out)
{
	char path[4096];
	struct error err;
	size_t skipped = 0;

	memset(out, 0, sizeof *out);
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (jsonl_read(path, keep_record, out, &skipped, &err) != 0)
		fail_msg("%s", err.text);
	assert_int_equal(skipped, 0);
}

static void records_free(struct records *r)
{
	for (size_t i = 0; i < r->n; i++)
		json_decref(r->items[i]);
}

/* Both NULL, or the same text. */
static void assert_same_text(const char *a, const char *b)
{
	if (!a || !b)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void assert_same_task(const struct task_row *a, const struct task_row *b)
{
	assert_string_equal(a->component, b->component);
	assert_int_equal(a->index, b->index);
	assert_int_equal(a->attempt, b->attempt);
	assert_int_equal(a->state, b->state);
	assert_same_text(a->timestamp, b->timestamp);
	assert_same_text(a->wave, b->wave);
	assert_int_equal(a->restart_count, b->restart_count);
	assert_true(a->duration_s == b->duration_s);
	assert_same_text(a->worker, b->worker);
	assert_int_equal(a->job_id, b->job_id);
	assert_int_equal(a->array_job_id, b->array_job_id);
	assert_int_equal(a->array_task_id, b->array_task_id);
	assert_int_equal(a->exit_code, b->exit_code);
	assert_int_equal(a->signal, b->signal);
	assert_int_equal(a->max_rss_bytes, b->max_rss_bytes);
	assert_int_equal(a->requested_memory_bytes, b->requested_memory_bytes);
	assert_int_equal(a->requested_walltime_s, b->requested_walltime_s);
	assert_same_text(a->failure_class, b->failure_class);
	assert_same_text(a->error_type, b->error_type);
	assert_same_text(a->error_message, b->error_message);
}

/* A failed attempt with every field known. */
static void full_task(struct task_row *row)
{
	task_row_init(row);
	row->component = "model";
	row->index = 4242;
	row->attempt = 3;
	row->state = TASK_FAILED;
	row->timestamp = STAMP;
	row->wave = "wave-0002";
	row->restart_count = 2;
	row->duration_s = 61.5;
	row->worker = "node07";
	row->job_id = 123456;
	row->array_job_id = 123400;
	row->array_task_id = 4242;
	row->exit_code = 137;
	row->signal = 9;
	row->max_rss_bytes = INT64_C(8589934592);
	row->requested_memory_bytes = INT64_C(4294967296);
	row->requested_walltime_s = 3600;
	row->failure_class = "oom";
	row->error_type = "MemoryError";
	row->error_message = "OOM: scenario 4242 exceeded \"memory\" limit\n(é)";
}

/* Writes rows through the telemetry writer, reads each back, compares. */
static void round_trip_tasks(const struct task_row *rows, size_t n)
{
	char *dir = tmpdir_create();
	struct telemetry *t;
	struct records read;
	struct error err;

	assert_non_null(t = telemetry_open(dir, RUN_ID, "slurm", &err));
	for (size_t i = 0; i < n; i++)
		assert_int_equal(telemetry_write_task(t, &rows[i], &err), 0);
	telemetry_close(t);
	read_records(dir, TELEMETRY_TASKS_FILE, &read);
	assert_int_equal(read.n, n);
	for (size_t i = 0; i < n; i++) {
		struct task_row back;

		assert_int_equal(task_row_from_json(read.items[i], &back), 0);
		assert_same_task(&rows[i], &back);
	}
	records_free(&read);
	tmpdir_remove(dir);
}

static void a_task_record_reads_back_every_field(void **state)
{
	struct task_row rows[TASK_STATE_COUNT];

	(void)state;
	for (int s = 0; s < TASK_STATE_COUNT; s++) {
		full_task(&rows[s]);
		rows[s].state = (enum task_state)s;
		rows[s].index = (size_t)s;
	}
	round_trip_tasks(rows, TASK_STATE_COUNT);
}

static void a_task_record_reads_back_what_is_unknown(void **state)
{
	struct task_row row;

	(void)state;
	task_row_init(&row);
	row.component = "prep";
	row.index = 0;
	row.attempt = 1;
	row.state = TASK_SUBMITTED;
	row.timestamp = STAMP;
	round_trip_tasks(&row, 1);
}

static void assert_same_failure(const struct failure_row *a, const struct failure_row *b)
{
	assert_string_equal(a->component, b->component);
	assert_int_equal(a->index, b->index);
	assert_int_equal(a->attempt, b->attempt);
	assert_int_equal(a->restart_count, b->restart_count);
	assert_int_equal(a->failure_class, b->failure_class);
	assert_same_text(a->message, b->message);
	assert_same_text(a->error_type, b->error_type);
	assert_same_text(a->timestamp, b->timestamp);
	assert_same_text(a->phase, b->phase);
	assert_same_text(a->worker, b->worker);
	assert_int_equal(a->job_id, b->job_id);
	assert_same_text(a->slurm_state, b->slurm_state);
	assert_int_equal(a->exit_code, b->exit_code);
	assert_int_equal(a->signal, b->signal);
	assert_same_text(a->traceback, b->traceback);
	if (!a->retry || !b->retry)
		assert_ptr_equal(a->retry, b->retry);
	else
		assert_true(json_equal(a->retry, b->retry));
	if (!a->evidence || !b->evidence)
		assert_ptr_equal(a->evidence, b->evidence);
	else
		assert_true(json_equal(a->evidence, b->evidence));
}

static void round_trip_failure(const struct failure_row *row)
{
	char *dir = tmpdir_create();
	struct telemetry *t;
	struct records read;
	struct failure_row back;
	struct error err;

	assert_non_null(t = telemetry_open(dir, RUN_ID, "slurm", &err));
	assert_int_equal(telemetry_write_failure(t, row, &err), 0);
	telemetry_close(t);
	read_records(dir, TELEMETRY_FAILURES_FILE, &read);
	assert_int_equal(read.n, 1);
	assert_int_equal(failure_row_from_json(read.items[0], &back), 0);
	assert_same_failure(row, &back);
	records_free(&read);
	tmpdir_remove(dir);
}

static void a_failure_record_reads_back_every_field(void **state)
{
	json_t *retry = json_pack("{s:s, s:i}", "action", "resubmit", "next_attempt", 4);
	json_t *evidence = json_pack("{s:f, s:i}", "elapsed_s", 3599.5, "time_limit_s", 3600);
	struct failure_row row;

	(void)state;
	failure_row_init(&row);
	row.component = "model";
	row.index = 4242;
	row.attempt = 3;
	row.restart_count = 1;
	row.failure_class = FAILURE_TIMEOUT;
	row.message = "TIMEOUT: scenario 4242 ran out of walltime";
	row.error_type = "Timeout";
	row.timestamp = STAMP;
	row.phase = "run";
	row.worker = "node07";
	row.job_id = 123456;
	row.slurm_state = "TIMEOUT";
	row.exit_code = 0;
	row.signal = 15;
	row.traceback = "Traceback (most recent call last):\n  ...\n";
	row.retry = retry;
	row.evidence = evidence;
	for (int c = 0; c < FAILURE_CLASS_COUNT; c++) {
		row.failure_class = (enum failure_class)c;
		round_trip_failure(&row);
	}
	json_decref(retry);
	json_decref(evidence);
}

static void a_failure_record_reads_back_what_is_unknown(void **state)
{
	struct failure_row row;

	(void)state;
	failure_row_init(&row);
	row.component = "prep";
	row.index = 0;
	row.attempt = 1;
	row.failure_class = FAILURE_RUNTIME_ERROR;
	row.message = "";
	row.timestamp = STAMP;
	round_trip_failure(&row);
}

/* A record from text: what an older or a newer writer, or a broken one, left. */
static json_t *parse(const char *text)
{
	json_error_t error;
	json_t *json = json_loads(text, 0, &error);

	if (!json)
		fail_msg("%s: %s", text, error.text);
	return json;
}

static void records_that_name_no_attempt_are_refused(void **state)
{
	static const char *const tasks[] = {
		"{\"task_id\": 1, \"attempt\": 1, \"state\": \"running\"}",
		"{\"component\": \"m\", \"attempt\": 1, \"state\": \"running\"}",
		"{\"component\": \"m\", \"task_id\": -1, \"attempt\": 1}",
		"{\"component\": \"m\", \"task_id\": 1, \"attempt\": 0}",
		"{\"component\": \"m\", \"task_id\": 1, \"attempt\": \"1\"}",
		"{\"component\": 7, \"task_id\": 1, \"attempt\": 1}",
	};
	struct task_row task;
	struct failure_row failure;

	(void)state;
	for (size_t i = 0; i < sizeof tasks / sizeof *tasks; i++) {
		json_t *record = parse(tasks[i]);

		assert_int_equal(task_row_from_json(record, &task), -1);
		assert_int_equal(failure_row_from_json(record, &failure), -1);
		json_decref(record);
	}
}

static void unknown_states_and_classes_read_as_unknown(void **state)
{
	json_t *task = parse("{\"component\": \"m\", \"task_id\": 1, \"attempt\": 2, "
			     "\"state\": \"hibernating\", \"job_id\": null, \"exit_code\": 1.5}");
	json_t *failure = parse("{\"component\": \"m\", \"task_id\": 1, "
				"\"failure_class\": \"gremlins\", \"details\": "
				"{\"attempt\": 2, \"retry\": null, \"error_type\": \"X\"}}");
	struct task_row t;
	struct failure_row f;

	(void)state;
	assert_int_equal(task_row_from_json(task, &t), 0);
	assert_int_equal(t.state, TASK_STATE_COUNT);
	assert_int_equal(t.attempt, 2);
	assert_int_equal(t.job_id, -1);
	assert_int_equal(t.exit_code, -1);
	assert_int_equal(failure_row_from_json(failure, &f), 0);
	assert_int_equal(f.failure_class, FAILURE_CLASS_COUNT);
	assert_int_equal(f.attempt, 2);  /* from details, where older records had it */
	assert_null(f.retry);
	assert_string_equal(f.error_type, "X");
	json_decref(task);
	json_decref(failure);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_task_record_reads_back_every_field),
		cmocka_unit_test(a_task_record_reads_back_what_is_unknown),
		cmocka_unit_test(a_failure_record_reads_back_every_field),
		cmocka_unit_test(a_failure_record_reads_back_what_is_unknown),
		cmocka_unit_test(records_that_name_no_attempt_are_refused),
		cmocka_unit_test(unknown_states_and_classes_read_as_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
