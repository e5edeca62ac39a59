/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The report's memory per component (issue 13): the request the config
 * gave (plan.json) and the escalations of the OOM retries apart, in HTML,
 * Markdown and JSON, never the last escalated request as the request; and
 * (issue 15) the tasks whose memory samples reached 80 % and 90 %. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "report/report.h"
#include "test/tmpdir.h"
#include "testing/diagnose_fixture.h"

#define MIB ((int64_t)1 << 20)

static char *report_of(const struct dx_fixture *fx, enum report_format format)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	struct error err;

	assert_non_null(out);
	if (report_print(out, fx->dir, format, &err) != 0)
		fail_msg("report_print: %s", err.text);
	assert_int_equal(fclose(out), 0);
	return buf;
}

static void has(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("no '%s' in the report", part);
}

static void oom(struct dx_fixture *fx, size_t index, unsigned n, int64_t request, int64_t peak)
{
	fixture_attempt(fx, &(struct attempt_spec){
		.index = index, .attempt = n, .worker = "c01", .duration = 30, .memory = request,
		.walltime = 600, .rss = peak, .state = "failed", .failure_class = "oom",
		.message = "OOM: killed for exceeding its memory limit", .exit_code = 137 });
}

/* model asks 256M (its config, in plan.json); task 0 is retried at 512M
 * and 1G, task 1 at 512M where it succeeds; post asks 1G and never grows. */
static void escalation_fixture(struct dx_fixture *fx)
{
	fixture_begin(fx, "failed");
	fixture_plan(fx, "{\"event_type\":\"plan\",\"components\":["
		     "{\"name\":\"model\",\"memory_bytes\":268435456},"
		     "{\"name\":\"post\",\"memory_bytes\":1073741824}]}");
	oom(fx, 0, 1, 256 * MIB, 250 * MIB);
	oom(fx, 0, 2, 512 * MIB, 500 * MIB);
	oom(fx, 0, 3, 1024 * MIB, 1000 * MIB);
	oom(fx, 1, 1, 256 * MIB, 255 * MIB);
	fixture_attempt(fx, &(struct attempt_spec){ .index = 1, .attempt = 2, .worker = "c01",
						    .duration = 30, .memory = 512 * MIB,
						    .rss = 300 * MIB });
	for (size_t i = 0; i < 4; i++) {
		if (i > 1)
			fixture_attempt(fx, &(struct attempt_spec){
				.index = i, .worker = "c01", .duration = 30,
				.memory = 256 * MIB, .rss = 200 * MIB });
		fixture_attempt(fx, &(struct attempt_spec){
			.component = "post", .index = i, .worker = "c01", .duration = 30,
			.memory = 1024 * MIB, .rss = 200 * MIB });
	}
	fixture_write(fx);
}

static void the_configured_request_and_its_escalations_stand_apart(void **state)
{
	struct dx_fixture fx;
	char *md, *html, *text;
	json_t *json, *comps, *memory = NULL, *esc;
	size_t i;
	json_t *c;

	(void)state;
	escalation_fixture(&fx);
	md = report_of(&fx, REPORT_MARKDOWN);
	has(md, "| component | tasks | requested (config) | escalated to |");
	has(md, "| model | 4 | 256M | 512M ×2, 1G ×1 |");
	has(md, "| post | 4 | 1G | - |");
	html = report_of(&fx, REPORT_HTML);
	has(html, "<th class=\"n\">requested (config)</th><th class=\"n\">escalated to</th>");
	has(html, "<td class=\"n\">256M</td><td class=\"n\">512M ×2, 1G ×1</td>");
	text = report_of(&fx, REPORT_JSON);
	json = json_loads(text, 0, NULL);
	assert_non_null(json);
	comps = json_object_get(json, "components");
	json_array_foreach(comps, i, c)
		if (!strcmp(json_string_value(json_object_get(c, "name")), "model"))
			memory = json_object_get(c, "memory");
	assert_non_null(memory);
	assert_int_equal(json_integer_value(json_object_get(memory, "configured_request_bytes")),
			 256 * MIB);
	esc = json_object_get(memory, "escalations");
	assert_int_equal(json_array_size(esc), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(esc, 0),
							    "request_bytes")), 512 * MIB);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(esc, 0),
							    "attempts")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(esc, 1),
							    "request_bytes")), 1024 * MIB);
	/* the field that was there stays: the largest request of any attempt */
	assert_int_equal(json_integer_value(json_object_get(memory, "request_bytes")), 1024 * MIB);
	json_decref(json);
	free(text);
	free(html);
	free(md);
	fixture_free(&fx);
}

/* A sample line of array task index (array job 1000, as the fixture's rows). */
static void sample(struct dx_fixture *fx, size_t index, const char *step, double percent,
		   const char *threshold)
{
	char file[64];

	char rel[128], line[768];
	FILE *f;
	char *path;

	snprintf(file, sizeof file, "%zu.%s.0.jsonl", 5000 + index, step);
	snprintf(rel, sizeof rel, "events/%s", file);
	snprintf(line, sizeof line, "{\"event_type\":\"step\",\"schema_version\":1,"
		 "\"event\":\"sample\",\"timestamp\":\"2026-01-01T01:00:10.000Z\",\"job_id\":%zu,"
		 "\"array_job_id\":1000,\"array_task_id\":%zu,\"step_id\":\"%s\","
		 "\"restart_count\":0,\"node\":\"c01\",\"run_id\":\"%s\",\"current_bytes\":1,"
		 "\"peak_bytes\":1,\"limit_bytes\":1,\"percent\":%.1f,\"threshold\":\"%s\"}\n",
		 5000 + index, index, step, FIXTURE_RUN_ID, percent, threshold);
	tmpdir_write(fx->dir, "events/.keep", "");
	assert_true(asprintf(&path, "%s/%s", fx->dir, rel) > 0);
	assert_non_null(f = fopen(path, "a"));
	fputs(line, f);
	fclose(f);
	free(path);
}

static void the_tasks_that_crossed_80_and_90_percent(void **state)
{
	struct dx_fixture fx;
	char *md, *html, *text;
	json_t *json, *memory;

	(void)state;
	fixture_begin(&fx, "completed");
	for (size_t i = 0; i < 4; i++)
		fixture_attempt(&fx, &(struct attempt_spec){ .index = i, .worker = "c01",
			.duration = 30, .memory = 256 * MIB, .walltime = 600, .rss = 200 * MIB });
	fixture_write(&fx);
	sample(&fx, 1, "batch", 85, "80");
	sample(&fx, 2, "batch", 82, "80");
	sample(&fx, 2, "batch", 96, "90");
	sample(&fx, 3, "0", 81, "80");  /* an srun step's: the task's too */
	md = report_of(&fx, REPORT_MARKDOWN);
	has(md, "| sampled above 80 % | above 90 % |");
	has(md, " | 3 | 1 |\n");
	html = report_of(&fx, REPORT_HTML);
	has(html, "<td class=\"n\">3</td><td class=\"n\">1</td></tr>");
	text = report_of(&fx, REPORT_JSON);
	json = json_loads(text, 0, NULL);
	assert_non_null(json);
	memory = json_object_get(json_array_get(json_object_get(json, "components"), 0), "memory");
	assert_int_equal(json_integer_value(json_object_get(memory, "tasks_above_80")), 3);
	assert_int_equal(json_integer_value(json_object_get(memory, "tasks_above_90")), 1);
	json_decref(json);
	free(text);
	free(html);
	free(md);
	fixture_free(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_configured_request_and_its_escalations_stand_apart),
		cmocka_unit_test(the_tasks_that_crossed_80_and_90_percent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
