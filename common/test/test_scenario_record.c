/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Scenario records: the path of a pack's record file, and what
 * scenario_record_line writes, scenario_record_parse reads back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "scenario_record.h"

static const struct scenario_pack_id id = {
	.run_id = "run-1", .component = "model", .node = "n7",
	.job_id = 1042, .array_job_id = 1040, .array_task_id = 2, .restart_count = 1,
};

static json_t *parse_line(const char *line, size_t len)
{
	assert_int_equal(line[len - 1], '\n');
	assert_null(memchr(line, '\n', len - 1));  /* one line */
	return json_loadb(line, len, 0, NULL);
}

static void test_path(void **state)
{
	char buf[128], small[16];

	(void)state;
	assert_int_equal(scenario_record_path(buf, sizeof buf, "/r", NULL, "1040", "2", "0"), 0);
	assert_string_equal(buf, "/r/events/pack.1040_2.0.jsonl");
	/* layout 2: in the array task's directory of step events */
	assert_int_equal(scenario_record_path(buf, sizeof buf, "/r", "1040/2", "1040", "2002", "1"),
			 0);
	assert_string_equal(buf, "/r/events/1040/2/pack.1040_2002.1.jsonl");
	assert_int_equal(scenario_record_path(buf, sizeof buf, "${d}", NULL, "${A}", "${T}", "\"*\""),
			 0);
	assert_string_equal(buf, "${d}/events/pack.${A}_${T}.\"*\".jsonl");
	assert_int_equal(scenario_record_path(small, sizeof small, "/r", NULL, "1040", "2", "0"), -1);
}

static void test_end_round_trip(void **state)
{
	struct scenario_record r = {
		.end = true, .task_id = 77, .attempt = 3, .timestamp = "2026-12-01T00:00:00.000Z",
		.pid = 99, .exit_code = 137, .signal = 9, .elapsed_s = 1.5,
		.max_rss_bytes = 5LL << 30,
	};
	struct scenario_record_fields f;
	size_t len = 0;
	char *line = scenario_record_line(&id, &r, &len);
	json_t *json = parse_line(line, len);

	(void)state;
	assert_int_equal(scenario_record_parse(json, &f), 0);
	assert_true(f.end);
	assert_string_equal(f.run_id, "run-1");
	assert_string_equal(f.component, "model");
	assert_string_equal(f.node, "n7");
	assert_int_equal(f.task_id, 77);
	assert_int_equal(f.attempt, 3);
	assert_int_equal(f.job_id, 1042);
	assert_int_equal(f.array_job_id, 1040);
	assert_int_equal(f.array_task_id, 2);
	assert_int_equal(f.restart_count, 1);
	assert_int_equal(f.exit_code, 137);
	assert_int_equal(f.signal, 9);
	assert_true(f.elapsed_s == 1.5);
	assert_int_equal(f.max_rss_bytes, 5LL << 30);
	assert_false(scenario_record_is_pack_end(json));
	/* not an end for a reader that stops at a step's end */
	assert_string_not_equal(json_string_value(json_object_get(json, "event")), "end");
	json_decref(json);
	free(line);
}

static void test_start_has_no_outcome(void **state)
{
	struct scenario_record r = { .task_id = 5, .attempt = 1, .pid = -1, .elapsed_s = -1,
				     .max_rss_bytes = -1 };
	struct scenario_record_fields f;
	size_t len = 0;
	char *line = scenario_record_line(&id, &r, &len);
	json_t *json = parse_line(line, len);

	(void)state;
	assert_int_equal(scenario_record_parse(json, &f), 0);
	assert_false(f.end);
	assert_int_equal(f.exit_code, -1);
	assert_null(json_object_get(json, "exit_code"));
	assert_true(json_is_null(json_object_get(json, "pid")));
	json_decref(json);
	free(line);
}

static void test_pack_end_and_others(void **state)
{
	struct scenario_record_fields f;
	size_t len = 0;
	char *line = scenario_record_pack_end_line(&id, 3, 2, 75, &len);
	json_t *json = parse_line(line, len);
	json_t *step = json_pack("{s:s, s:s, s:i}", "event_type", "step", "event", "end",
				 "job_id", 1);
	json_t *no_attempt = json_pack("{s:s, s:s, s:s, s:i}", "event_type", "scenario",
				       "event", "scenario_end", "component", "m", "task_id", 1);

	(void)state;
	assert_true(scenario_record_is_pack_end(json));
	assert_int_equal(json_integer_value(json_object_get(json, "ran")), 2);
	assert_int_equal(json_integer_value(json_object_get(json, "exit_code")), 75);
	assert_int_equal(scenario_record_parse(json, &f), -1);
	assert_int_equal(scenario_record_parse(step, &f), -1);
	assert_false(scenario_record_is_pack_end(step));
	assert_int_equal(scenario_record_parse(no_attempt, &f), -1);
	json_decref(json);
	json_decref(step);
	json_decref(no_attempt);
	free(line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_end_round_trip),
		cmocka_unit_test(test_start_has_no_outcome),
		cmocka_unit_test(test_pack_end_and_others),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
