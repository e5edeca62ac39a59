/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The step event reader against the writer: what step_event_to_json_line
 * writes, step_event_parse reads back field for field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "step_event.h"
#include "step_event_parse.h"

/* An end event with every field set, none of them to a default. */
static struct step_event full_end(void)
{
	struct step_event ev;

	memset(&ev, 0, sizeof ev);
	ev.event = "end";
	strcpy(ev.timestamp, "2026-11-27T20:00:00.123Z");
	ev.id = (struct step_identity){
		.job_id = 4000000001U, .array_job_id = 3999999999LL, .array_task_id = 77,
		.step_id = 12, .restart_count = 3, .node = "node-017", .uid = 1234, .pid = 56789,
		.run_id = "run-\"quoted\"\n", .task_id = 1077, .attempt = 2,
		.time_limit_s = 3600, .mem_limit_bytes = 8LL << 30,
	};
	ev.outcome = (struct exit_outcome){ .exit_code = 137, .signal = 9, .core_dumped = true };
	ev.has_outcome = true;
	ev.elapsed_s = 12.625;
	ev.max_rss_bytes = 5LL << 32;
	ev.oom_kill_count = 2;
	ev.inferred_cause = "oom";
	ev.ntasks = 4;
	return ev;
}

/* Writes ev as a line and reads it back; the caller json_decrefs *json. */
static void round_trip(const struct step_event *ev, struct step_event_fields *f, json_t **json)
{
	char *line = step_event_to_json_line(ev, NULL);

	assert_non_null(line);
	assert_int_equal(step_event_parse_line(line, f, json), 0);
	assert_non_null(*json);
	free(line);
}

static void assert_int_is(struct step_event_int got, int64_t want)
{
	assert_true(got.set);
	assert_int_equal(got.value, want);
}

static void assert_unset(struct step_event_int got)
{
	assert_false(got.set);
	assert_int_equal(got.value, -1);
}

static void assert_identity(const struct step_event_fields *f, const struct step_identity *id)
{
	assert_int_equal(f->job_id, id->job_id);
	assert_int_is(f->array_job_id, id->array_job_id);
	assert_int_is(f->array_task_id, id->array_task_id);
	assert_int_is(f->step_id, id->step_id);
	assert_string_equal(f->step_name, "12");
	assert_int_is(f->restart_count, id->restart_count);
	assert_string_equal(f->node, id->node);
	assert_int_is(f->uid, id->uid);
	assert_int_is(f->pid, id->pid);
	assert_string_equal(f->run_id, id->run_id);
	assert_int_is(f->task_id, id->task_id);
	assert_int_is(f->attempt, id->attempt);
	assert_int_is(f->time_limit_s, id->time_limit_s);
	assert_int_is(f->mem_limit_bytes, id->mem_limit_bytes);
}

static void every_field_of_an_end_reads_back(void **state)
{
	(void)state;
	struct step_event ev = full_end();
	struct step_event_fields f;
	json_t *json;

	round_trip(&ev, &f, &json);
	assert_string_equal(f.event_type, "step");
	assert_int_is(f.schema_version, STEP_EVENT_SCHEMA_VERSION);
	assert_string_equal(f.event, "end");
	assert_string_equal(f.timestamp, ev.timestamp);
	assert_identity(&f, &ev.id);
	assert_int_is(f.exit_code, ev.outcome.exit_code);
	assert_int_is(f.signal, ev.outcome.signal);
	assert_true(f.core_dumped.set);
	assert_true(f.core_dumped.value);
	assert_true(f.elapsed_s.set);
	assert_true(f.elapsed_s.value == ev.elapsed_s);
	assert_int_is(f.max_rss_bytes, ev.max_rss_bytes);
	assert_int_is(f.oom_kill_count, ev.oom_kill_count);
	assert_string_equal(f.inferred_cause, ev.inferred_cause);
	assert_int_is(f.ntasks, ev.ntasks);
	json_decref(json);
}

static void a_start_has_no_end_fields(void **state)
{
	(void)state;
	struct step_event ev = full_end();
	struct step_event_fields f;
	json_t *json;

	ev.event = "start";
	round_trip(&ev, &f, &json);
	assert_string_equal(f.event, "start");
	assert_identity(&f, &ev.id);
	assert_unset(f.exit_code);
	assert_unset(f.signal);
	assert_false(f.core_dumped.set);
	assert_false(f.elapsed_s.set);
	assert_true(f.elapsed_s.value == -1);
	assert_unset(f.max_rss_bytes);
	assert_unset(f.oom_kill_count);
	assert_null(f.inferred_cause);
	assert_unset(f.ntasks);
	json_decref(json);
}

/* A sample carries the identity, the cgroup's memory and which threshold,
 * and none of an end's outcome. */
static void every_field_of_a_sample_reads_back(void **state)
{
	(void)state;
	struct step_event ev = full_end();
	struct step_event_fields f;
	json_t *json;

	ev.event = "sample";
	ev.sample = (struct step_memory_sample){
		.current_bytes = 7LL << 30, .peak_bytes = (7LL << 30) + 5, .limit_bytes = 8LL << 30,
		.percent = 87.46, .threshold = "80", .oom_count = 1, .oom_kill_count = 3,
		.max_count = 17, .high_count = 4,
	};
	round_trip(&ev, &f, &json);
	assert_string_equal(f.event, "sample");
	assert_identity(&f, &ev.id);
	assert_int_is(f.current_bytes, 7LL << 30);
	assert_int_is(f.peak_bytes, (7LL << 30) + 5);
	assert_int_is(f.limit_bytes, 8LL << 30);
	assert_true(f.percent.set);
	assert_true(f.percent.value == 87.5);   /* one decimal */
	assert_string_equal(f.threshold, "80");
	assert_int_is(f.oom_count, 1);
	assert_int_is(f.oom_kill_count, 3);
	assert_int_is(f.max_count, 17);
	assert_int_is(f.high_count, 4);
	assert_true(f.elapsed_s.set);
	assert_true(f.elapsed_s.value == ev.elapsed_s);
	assert_unset(f.exit_code);      /* an end's fields are not there */
	assert_unset(f.max_rss_bytes);
	assert_null(f.inferred_cause);
	json_decref(json);
}

/* What cgroup v1 lacks (oom, high) is written null and reads back unset;
 * an end or a start has no sample fields. */
static void a_sample_without_v2_counters_and_an_end_without_samples(void **state)
{
	(void)state;
	struct step_event ev = full_end();
	struct step_event_fields f;
	json_t *json;

	ev.event = "sample";
	ev.sample = (struct step_memory_sample){ 95, 95, 100, 95.0, "above_90", -1, 0, 3, -1 };
	round_trip(&ev, &f, &json);
	assert_true(json_is_null(json_object_get(json, "oom_count")));
	assert_true(json_is_null(json_object_get(json, "high_count")));
	assert_unset(f.oom_count);
	assert_unset(f.high_count);
	assert_int_is(f.oom_kill_count, 0);
	assert_string_equal(f.threshold, "above_90");
	json_decref(json);
	ev = full_end();
	round_trip(&ev, &f, &json);
	assert_null(json_object_get(json, "current_bytes"));
	assert_null(json_object_get(json, "threshold"));
	assert_unset(f.current_bytes);
	assert_false(f.percent.set);
	json_decref(json);
}

static void unknowns_read_back_as_unset(void **state)
{
	(void)state;
	struct step_event ev = full_end();
	struct step_event_fields f;
	json_t *json;

	ev.id.array_job_id = ev.id.array_task_id = ev.id.task_id = ev.id.attempt = -1;
	ev.id.time_limit_s = ev.id.mem_limit_bytes = -1;
	ev.id.run_id = NULL;
	ev.has_outcome = false;
	ev.max_rss_bytes = ev.oom_kill_count = -1;
	ev.inferred_cause = NULL;
	round_trip(&ev, &f, &json);
	assert_unset(f.array_job_id);
	assert_unset(f.array_task_id);
	assert_unset(f.task_id);
	assert_unset(f.attempt);
	assert_unset(f.time_limit_s);
	assert_unset(f.mem_limit_bytes);
	assert_null(f.run_id);
	assert_unset(f.exit_code);
	assert_unset(f.signal);
	assert_false(f.core_dumped.set);
	assert_unset(f.max_rss_bytes);
	assert_unset(f.oom_kill_count);
	assert_null(f.inferred_cause);
	assert_int_is(f.ntasks, 4);
	json_decref(json);
}

static void step_ids_read_back_by_name_and_number(void **state)
{
	(void)state;
	static const uint32_t ids[] = { 0, 1, 4294967295U, STEP_ID_BATCH, STEP_ID_EXTERN,
					STEP_ID_INTERACTIVE, STEP_ID_PENDING };
	struct step_event ev = full_end();
	struct step_event_fields f;
	json_t *json;

	for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
		ev.id.step_id = ids[i];
		round_trip(&ev, &f, &json);
		assert_int_is(f.step_id, ids[i]);
		json_decref(json);
	}
	/* what the writer never writes is kept as written but not decoded */
	assert_int_equal(step_event_parse_line("{\"event\":\"end\",\"job_id\":5,\"step_id\":\"007\"}",
					       &f, &json), 0);
	assert_string_equal(f.step_name, "007");
	assert_unset(f.step_id);
	json_decref(json);
	assert_int_equal(step_event_parse_line("{\"event\":\"end\",\"job_id\":5,"
					       "\"step_id\":\"4294967291\"}", &f, &json), 0);
	assert_unset(f.step_id);
	json_decref(json);
}

static void malformed_lines_are_refused(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"not json\n",
		"{\"event\":\"end\",\"job_id\":5,\"step_id\":\"batch\"",   /* truncated */
		"[1,2]\n",
		"{\"job_id\":5,\"step_id\":\"batch\"}\n",                  /* no event */
		"{\"event\":\"end\",\"job_id\":5}\n",                      /* no step_id */
		"{\"event\":\"end\",\"step_id\":\"batch\"}\n",             /* no job_id */
		"{\"event\":\"end\",\"job_id\":0,\"step_id\":\"batch\"}\n",
		"{\"event\":\"end\",\"job_id\":4294967296,\"step_id\":\"batch\"}\n",
		"{\"event\":\"end\",\"job_id\":\"5\",\"step_id\":\"batch\"}\n",
		"{\"event\":null,\"job_id\":5,\"step_id\":\"batch\"}\n",
	};
	struct step_event_fields f;
	json_t *json = (json_t *)&f;

	for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
		assert_int_equal(step_event_parse_line(lines[i], &f, &json), -1);
		assert_null(json);
	}
	assert_int_equal(step_event_parse(NULL, &f), -1);
}

static void wrong_types_read_as_unset(void **state)
{
	(void)state;
	struct step_event_fields f;
	json_t *json;

	assert_int_equal(step_event_parse_line("{\"event\":\"end\",\"job_id\":5,\"step_id\":\"batch\","
					       "\"exit_code\":\"0\",\"elapsed_s\":3,\"node\":7,"
					       "\"core_dumped\":0}", &f, &json), 0);
	assert_unset(f.exit_code);
	assert_true(f.elapsed_s.set);
	assert_true(f.elapsed_s.value == 3);
	assert_null(f.node);
	assert_false(f.core_dumped.set);
	assert_null(f.event_type);
	assert_unset(f.schema_version);
	json_decref(json);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_field_of_an_end_reads_back),
		cmocka_unit_test(a_start_has_no_end_fields),
		cmocka_unit_test(every_field_of_a_sample_reads_back),
		cmocka_unit_test(a_sample_without_v2_counters_and_an_end_without_samples),
		cmocka_unit_test(unknowns_read_back_as_unset),
		cmocka_unit_test(step_ids_read_back_by_name_and_number),
		cmocka_unit_test(malformed_lines_are_refused),
		cmocka_unit_test(wrong_types_read_as_unset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
