/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tasks.jsonl and failures.jsonl: the exact field sets, null for what is
 * unknown, torn last lines skipped by readers and cut off by the next
 * writer, and the tutorial's own analysis (json.loads per line) on them. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/util/jsonl_file.h"
#include "rundir/telemetry.h"
#include "test/tmpdir.h"

#define RUN_ID "run-20260101T000000Z-energy-0badcafe"
#define COUNT(a) (sizeof (a) / sizeof (a)[0])

static const char *const task_fields[] = {
	"event_type", "schema_version", "run_id", "task_id", "task_name", "component", "tag",
	"attempt", "state", "timestamp", "duration_s", "worker", "job_id", "array_job_id",
	"array_task_id", "exit_code", "signal", "max_rss_bytes", "requested_memory_bytes",
	"requested_walltime_s", "failure_class", "error_type", "error_message",
	"wave", "restart_count",  /* added */
};

static const char *const failure_fields[] = {
	"event_type", "schema_version", "run_id", "failure_class", "message", "timestamp",
	"provider", "task_id", "details",
	"task_name", "component", "attempt", "error_type",  /* added */
};

static const char *const detail_fields[] = {
	"phase", "task_id", "worker_id", "attempt", "job_id", "slurm_state", "exit_code",
	"signal", "traceback", "retry",
	"evidence", "error_type", "restart_count",  /* added */
};

static void expect_fields(json_t *object, const char *const *fields, size_t n)
{
	const char *key;
	json_t *value;

	assert_int_equal(json_object_size(object), n);
	json_object_foreach(object, key, value) {
		bool listed = false;

		for (size_t i = 0; i < n; i++)
			listed = listed || !strcmp(fields[i], key);
		if (!listed)
			fail_msg("unexpected field %s", key);
	}
}

static void a_task_row_has_the_contract_fields(void **state)
{
	struct task_row row;
	json_t *json;

	(void)state;
	task_row_init(&row);
	row.component = "model";
	row.index = 7;
	row.attempt = 2;
	row.state = TASK_RUNNING;
	row.job_id = 1234;
	row.worker = "node1";
	json = task_row_json(&row, RUN_ID);
	expect_fields(json, task_fields, COUNT(task_fields));
	assert_string_equal(json_string_value(json_object_get(json, "event_type")), "task");
	assert_int_equal(json_integer_value(json_object_get(json, "schema_version")), 1);
	assert_int_equal(json_integer_value(json_object_get(json, "task_id")), 7);
	assert_string_equal(json_string_value(json_object_get(json, "task_name")), "model-7");
	assert_string_equal(json_string_value(json_object_get(json, "state")), "running");
	assert_int_equal(json_integer_value(json_object_get(json, "job_id")), 1234);
	assert_true(json_is_null(json_object_get(json, "exit_code")));
	assert_true(json_is_null(json_object_get(json, "duration_s")));
	assert_true(json_is_null(json_object_get(json, "failure_class")));
	assert_non_null(strchr(json_string_value(json_object_get(json, "timestamp")), 'Z'));
	json_decref(json);
}

static void a_failure_row_has_the_contract_fields(void **state)
{
	struct failure_row row;
	json_t *json, *retry = json_pack("{s:s}", "action", "retry");

	(void)state;
	failure_row_init(&row);
	row.component = "model";
	row.index = 7;
	row.attempt = 1;
	row.failure_class = FAILURE_OOM;
	row.message = "OOM: scenario 7 exceeded memory limit";
	row.exit_code = 1;
	row.signal = 0;
	row.retry = retry;
	json = failure_row_json(&row, RUN_ID, "slurm");
	expect_fields(json, failure_fields, COUNT(failure_fields));
	expect_fields(json_object_get(json, "details"), detail_fields, COUNT(detail_fields));
	assert_string_equal(json_string_value(json_object_get(json, "failure_class")), "oom");
	assert_string_equal(json_string_value(json_object_get(json, "provider")), "slurm");
	assert_string_equal(json_string_value(json_object_get(json_object_get(json, "details"),
							      "phase")), "run");
	assert_true(json_equal(json_object_get(json_object_get(json, "details"), "retry"), retry));
	json_decref(json);
	json_decref(retry);
}

static void write_task(struct telemetry *t, size_t index, enum task_state s)
{
	struct task_row row;
	struct error err;

	task_row_init(&row);
	row.component = "model";
	row.index = index;
	row.attempt = 1;
	row.state = s;
	if (telemetry_write_task(t, &row, &err) != 0)
		fail_msg("%s", err.text);
}

static int count_record(json_t *record, void *ctx)
{
	(void)record;
	(*(int *)ctx)++;
	return 0;
}

static void count_rows(const char *dir, int *rows, size_t *skipped)
{
	char path[4096];
	struct error err;

	*rows = 0;
	*skipped = 0;
	snprintf(path, sizeof path, "%s/tasks.jsonl", dir);
	assert_int_equal(jsonl_read(path, count_record, rows, skipped, &err), 0);
}

static void append_text(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *file;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_non_null(file = fopen(path, "a"));
	fputs(text, file);
	fclose(file);
}

static void a_torn_last_line_is_skipped_then_cut(void **state)
{
	char *dir = tmpdir_create();
	struct telemetry *t;
	struct error err;
	size_t skipped;
	int rows;

	(void)state;
	t = telemetry_open(dir, RUN_ID, "slurm", &err);
	write_task(t, 0, TASK_SUBMITTED);
	write_task(t, 1, TASK_SUBMITTED);
	telemetry_close(t);
	append_text(dir, "tasks.jsonl", "{\"event_type\":\"task\",\"sta");  /* the crash */
	count_rows(dir, &rows, &skipped);
	assert_int_equal(rows, 2);
	assert_int_equal(skipped, 1);
	/* the next writer starts clean */
	t = telemetry_open(dir, RUN_ID, "slurm", &err);
	write_task(t, 2, TASK_RUNNING);
	telemetry_close(t);
	count_rows(dir, &rows, &skipped);
	assert_int_equal(rows, 3);
	assert_int_equal(skipped, 0);
	assert_int_equal(tmpdir_count_lines(dir, "tasks.jsonl"), 3);
	tmpdir_remove(dir);
}

static void garbage_lines_do_not_hide_the_rest(void **state)
{
	char *dir = tmpdir_create();
	size_t skipped;
	int rows;

	(void)state;
	tmpdir_write(dir, "tasks.jsonl", "{\"a\":1}\nnot json\n[1]\n\n{\"a\":2}\n");
	count_rows(dir, &rows, &skipped);
	assert_int_equal(rows, 2);
	assert_int_equal(skipped, 2);
	tmpdir_remove(dir);
}

static void write_failure(struct telemetry *t, size_t index, enum failure_class class,
			  const char *message)
{
	struct failure_row row;
	struct error err;

	failure_row_init(&row);
	row.component = "model";
	row.index = index;
	row.attempt = 1;
	row.failure_class = class;
	row.message = message;
	assert_int_equal(telemetry_write_failure(t, &row, &err), 0);
}

static const char analysis[] =
	"import collections, json, sys\n"
	"run = sys.argv[1]\n"
	"failures = [json.loads(line) for line in open(run + '/failures.jsonl')]\n"
	"by_class = collections.Counter(f['failure_class'] for f in failures)\n"
	"by_prefix = collections.Counter(f['message'].split(':')[0] for f in failures)\n"
	"done = {r['task_id'] for r in map(json.loads, open(run + '/tasks.jsonl'))\n"
	"        if r['state'] == 'succeeded'}\n"
	"print(sorted(by_class.items()), sorted(by_prefix.items()), sorted(done))\n";

/* The tutorial's own analysis, run by python3, after a crash and a reopen. */
static void the_tutorial_analysis_works_unchanged(void **state)
{
	char *dir = tmpdir_create(), command[8192], out[1024] = "";
	struct telemetry *t;
	struct error err;
	FILE *pipe;

	(void)state;
	if (system("python3 -c 'import json' >/dev/null 2>&1") != 0) {
		tmpdir_remove(dir);
		skip();  /* says so: no python3 here */
	}
	t = telemetry_open(dir, RUN_ID, "slurm", &err);
	write_failure(t, 7, FAILURE_OOM, "OOM: scenario 7 exceeded memory limit");
	write_failure(t, 14, FAILURE_OOM, "OOM: scenario 14 exceeded memory limit");
	write_failure(t, 3, FAILURE_TRANSIENT, "TimeoutError: timed out: after 30 s");
	write_task(t, 1, TASK_SUCCEEDED);
	write_task(t, 2, TASK_SUCCEEDED);
	write_task(t, 7, TASK_FAILED);
	telemetry_close(t);
	tmpdir_write(dir, "analysis.py", analysis);
	snprintf(command, sizeof command, "python3 %s/analysis.py %s", dir, dir);
	pipe = popen(command, "r");
	assert_non_null(fgets(out, sizeof out, pipe));
	assert_int_equal(pclose(pipe), 0);
	assert_string_equal(out, "[('oom', 2), ('transient', 1)] [('OOM', 2), ('TimeoutError', 1)] "
			    "[1, 2]\n");
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_task_row_has_the_contract_fields),
		cmocka_unit_test(a_failure_row_has_the_contract_fields),
		cmocka_unit_test(a_torn_last_line_is_skipped_then_cut),
		cmocka_unit_test(garbage_lines_do_not_hide_the_rest),
		cmocka_unit_test(the_tutorial_analysis_works_unchanged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
