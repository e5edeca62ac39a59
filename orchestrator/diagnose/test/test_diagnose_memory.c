/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diagnose and the memory samples (diagnose_memory.c): an attempt the
 * kernel killed says how long it ran at 90 % or more before the kill; a
 * scenario that reached 80 % and succeeded is at risk, once, with the
 * memory to ask for; a packed array task's samples are left out (several
 * scenarios ran in it); a run without samples says nothing of them. Run
 * directories as the orchestrator writes them, with step event files as
 * the plugin writes them (both layouts). */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "diagnose/diagnose.h"
#include "test/tmpdir.h"
#include "testing/diagnose_fixture.h"

#define MIB ((int64_t)1 << 20)

/* Appends a step event of array task index (array job 1000, job 5000 + index). */
static void event(struct dx_fixture *fx, size_t index, const char *name, const char *at,
		  const char *more, bool fanned)
{
	char rel[128], line[1024];
	char *path;
	FILE *f;

	if (fanned)
		snprintf(rel, sizeof rel, "events/1000/0/%zu.batch.0.jsonl", 5000 + index);
	else
		snprintf(rel, sizeof rel, "events/%zu.batch.0.jsonl", 5000 + index);
	snprintf(line, sizeof line, "{\"event_type\":\"step\",\"schema_version\":1,\"event\":\"%s\","
		 "\"timestamp\":\"%s\",\"job_id\":%zu,\"array_job_id\":1000,\"array_task_id\":%zu,"
		 "\"step_id\":\"batch\",\"restart_count\":0,\"node\":\"c07\",\"run_id\":\"%s\"%s}\n",
		 name, at, 5000 + index, index, FIXTURE_RUN_ID, more);
	tmpdir_write(fx->dir, fanned ? "events/1000/0/.keep" : "events/.keep", "");
	assert_true(asprintf(&path, "%s/%s", fx->dir, rel) > 0);
	assert_non_null(f = fopen(path, "a"));
	fputs(line, f);
	fclose(f);
	free(path);
}

static void sample(struct dx_fixture *fx, size_t index, const char *at, double percent,
		   const char *threshold, bool fanned)
{
	char more[256];
	int64_t limit = 1024 * MIB, current = (int64_t)(percent / 100 * (double)limit);

	snprintf(more, sizeof more, ",\"elapsed_s\":5,\"current_bytes\":%lld,\"peak_bytes\":%lld,"
		 "\"limit_bytes\":%lld,\"percent\":%.1f,\"threshold\":\"%s\"", (long long)current,
		 (long long)current, (long long)limit, percent, threshold);
	event(fx, index, "sample", at, more, fanned);
}

static void run_of(struct dx_fixture *fx, size_t index, const char *state)
{
	bool failed = !strcmp(state, "failed");

	fixture_attempt(fx, &(struct attempt_spec){
		.index = index, .worker = "c07", .duration = 60, .memory = 1024 * MIB,
		.walltime = 600, .rss = 900 * MIB, .state = state,
		.failure_class = failed ? "oom" : NULL, .exit_code = failed ? 137 : 0,
		.message = failed ? "OOM: killed for exceeding its memory limit" : NULL });
}

static void killed_and_at_risk(void **state)
{
	struct dx_fixture fx;
	char *text = NULL;
	json_t *r, *mem, *k, *risk;

	(void)state;
	fixture_begin(&fx, "failed");
	for (size_t i = 0; i < 6; i++)
		run_of(&fx, i, i == 1 ? "failed" : "succeeded");
	/* array task 5 ran scenario 9 too (a pack): its samples are no one's */
	fixture_raw(&fx, "tasks", "{\"event_type\":\"task\",\"schema_version\":1,\"run_id\":\""
		    FIXTURE_RUN_ID "\",\"component\":\"model\",\"task_id\":9,\"attempt\":1,"
		    "\"timestamp\":\"2026-01-01T01:00:00.000Z\",\"state\":\"succeeded\","
		    "\"job_id\":1000,\"array_job_id\":1000,\"array_task_id\":5}\n");
	fixture_write(&fx);
	/* 1 grows to its OOM: 80 % at :10, 90 % at :20, again at :30, killed at :45 */
	sample(&fx, 1, "2026-01-01T01:00:10.000Z", 82.0, "80", false);
	sample(&fx, 1, "2026-01-01T01:00:20.000Z", 93.0, "90", false);
	sample(&fx, 1, "2026-01-01T01:00:30.000Z", 99.5, "above_90", false);
	event(&fx, 1, "end", "2026-01-01T01:00:45.000Z",
	      ",\"exit_code\":null,\"signal\":9,\"oom_kill_count\":1,\"inferred_cause\":\"oom\"",
	      false);
	/* 3 holds at 85 % and succeeds (layout 2); 4 likewise at 81 % */
	sample(&fx, 3, "2026-01-01T01:00:10.000Z", 85.0, "80", true);
	event(&fx, 3, "end", "2026-01-01T01:01:00.000Z",
	      ",\"exit_code\":0,\"signal\":null,\"oom_kill_count\":0,\"inferred_cause\":\"exited\"",
	      true);
	sample(&fx, 4, "2026-01-01T01:00:10.000Z", 81.0, "80", false);
	sample(&fx, 5, "2026-01-01T01:00:10.000Z", 88.0, "80", false);
	r = fixture_diagnose(&fx, &text);
	mem = json_object_get(r, "memory");
	assert_int_equal(json_integer_value(json_object_get(mem, "sampled_attempts")), 4);
	assert_int_equal(json_integer_value(json_object_get(mem, "killed_count")), 1);
	k = json_array_get(json_object_get(mem, "killed"), 0);
	assert_int_equal(json_integer_value(json_object_get(k, "scenario")), 1);
	assert_string_equal(json_string_value(json_object_get(k, "component")), "model");
	assert_true(json_number_value(json_object_get(k, "above_90_s")) == 25.0);
	assert_int_equal(json_integer_value(json_object_get(mem, "at_risk_count")), 2);
	risk = json_array_get(json_object_get(mem, "at_risk"), 0);
	assert_int_equal(json_integer_value(json_object_get(risk, "scenario")), 3);
	assert_true(json_number_value(json_object_get(risk, "percent")) == 85.0);
	/* 870M x 1.25 = 1088M: the next step of the ladder is 2G */
	assert_int_equal(json_integer_value(json_object_get(risk, "suggested_memory_bytes")),
			 2 * GIB);
	assert_text_contains(text, "killed   model-1 (attempt 1): 25s at 90 % or more before the kill");
	assert_text_contains(text, "at risk  model-3: succeeded at 85.0 % of 1G");
	assert_text_contains(text, "ask for 2G");
	json_decref(r);
	free(text);
	fixture_free(&fx);
}

static void no_samples_no_section(void **state)
{
	struct dx_fixture fx;
	char *text = NULL;
	json_t *r, *mem;

	(void)state;
	fixture_begin(&fx, "completed");
	run_of(&fx, 0, "succeeded");
	fixture_write(&fx);
	event(&fx, 0, "end", "2026-01-01T01:01:00.000Z",
	      ",\"exit_code\":0,\"signal\":null,\"oom_kill_count\":0", false);
	r = fixture_diagnose(&fx, &text);
	mem = json_object_get(r, "memory");
	assert_int_equal(json_integer_value(json_object_get(mem, "sampled_attempts")), 0);
	assert_int_equal(json_array_size(json_object_get(mem, "at_risk")), 0);
	assert_null(strstr(text, "memory samples"));
	json_decref(r);
	free(text);
	fixture_free(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(killed_and_at_risk),
		cmocka_unit_test(no_samples_no_section),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
