/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scalable diagnose in the details (issue 13), on run directories written
 * as the orchestrator writes them: a finding counts as failed only the
 * tasks whose final failure was its own and says what became of the others
 * (a transient error then an input error; a timeout then an OOM); OOM
 * evidence sets each request against its own peaks; a task that reached
 * retry.oom.memory_cap says so and is offered the next step above the
 * largest size tried, never one already tried. */
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
#include "testing/diagnose_fixture.h"

#define MIB ((int64_t)1 << 20)

static json_t *finding(json_t *report, const char *failure_class)
{
	size_t i;
	json_t *f;

	json_array_foreach(json_object_get(report, "findings"), i, f) {
		const char *cls = json_string_value(json_object_get(f, "failure_class"));

		if (cls && !strcmp(cls, failure_class))
			return f;
	}
	fail_msg("no %s finding", failure_class);
	return NULL;
}

static json_t *evidence(json_t *f, const char *key)
{
	return json_object_get(json_object_get(f, "evidence"), key);
}

static const char *field(json_t *f, const char *key)
{
	return json_string_value(json_object_get(f, key));
}

static void lacks(const char *text, const char *part)
{
	if (text && strstr(text, part))
		fail_msg("'%s' in: %s", part, text);
}

static void attempt(struct dx_fixture *fx, size_t index, unsigned n, const char *failure_class,
		    int exit_code, const char *message)
{
	fixture_attempt(fx, &(struct attempt_spec){
		.index = index, .attempt = n, .worker = "c01", .duration = 30,
		.memory = 256 * MIB, .walltime = 600, .rss = 100 * MIB,
		.state = failure_class ? "failed" : NULL, .failure_class = failure_class,
		.message = message, .exit_code = exit_code });
}

/* Eleven tasks: 3 and 5 fail once with a transient error and then succeed;
 * 10's retry gets past the transient error and fails for good with an
 * input error; 12 times out, then runs out of memory for good. */
static void mixed_fixture(struct dx_fixture *fx)
{
	static const char *const transient = "ConnectionError: connection reset (db:5432)";

	fixture_begin(fx, "failed");
	for (size_t i = 0; i <= 12; i++) {
		if (i == 3 || i == 5 || i == 10)
			attempt(fx, i, 1, "transient", 75, transient);
		if (i == 10)
			attempt(fx, i, 2, "input_error", 65, "ValueError: bad input file in.csv");
		else if (i == 12)
			attempt(fx, i, 1, "timeout", 0, "TIMEOUT: reached its time limit");
		else if (i != 11)
			attempt(fx, i, i == 3 || i == 5 ? 2 : 1, NULL, 0, NULL);
		if (i == 12)
			attempt(fx, i, 2, "oom", 137, "OOM: killed for exceeding its memory limit");
	}
	fixture_write(fx);
}

static void a_finding_blames_only_tasks_whose_final_failure_is_its_class(void **state)
{
	struct dx_fixture fx;
	char *text = NULL;
	json_t *r, *f;

	(void)state;
	mixed_fixture(&fx);
	r = fixture_diagnose(&fx, &text);
	f = finding(r, "transient");
	assert_int_equal(json_integer_value(evidence(f, "tasks")), 3);
	assert_int_equal(json_integer_value(evidence(f, "tasks_failed")), 0);
	assert_int_equal(json_integer_value(evidence(f, "tasks_recovered")), 2);
	assert_int_equal(json_integer_value(evidence(f, "tasks_failed_later")), 1);
	assert_int_equal(json_integer_value(json_object_get(evidence(f, "failed_later_with"),
							    "input_error")), 1);
	lacks(field(f, "suggestion"), "still failed after their retries");
	lacks(field(f, "suggestion"), "max_attempts");
	assert_text_contains(field(f, "suggestion"), "1 then failed with input_error (see that finding)");
	assert_text_contains(field(f, "evidence_text"), "2 recovered on a retry, 1 then failed with "
		 "input_error (see that finding)");
	assert_string_not_equal(field(f, "severity"), "high");
	assert_string_not_equal(field(f, "severity"), "critical");
	/* the input error is the one that failed task 10 for good */
	f = finding(r, "input_error");
	assert_int_equal(json_integer_value(evidence(f, "tasks_failed")), 1);
	assert_int_equal(json_integer_value(evidence(f, "tasks_failed_later")), 0);
	/* the same rule for every class: the timeout of task 12 was not its end */
	f = finding(r, "timeout");
	assert_int_equal(json_integer_value(evidence(f, "tasks_failed")), 0);
	assert_int_equal(json_integer_value(json_object_get(evidence(f, "failed_later_with"),
							    "oom")), 1);
	assert_text_contains(field(f, "evidence_text"), "1 then failed with oom (see that finding)");
	f = finding(r, "oom");
	assert_int_equal(json_integer_value(evidence(f, "tasks_failed")), 1);
	assert_text_contains(text, "then failed with input_error");
	json_decref(r);
	free(text);
	fixture_free(&fx);
}

static void oom(struct dx_fixture *fx, size_t index, unsigned n, int64_t request, int64_t peak,
		const char *give_up)
{
	fixture_attempt(fx, &(struct attempt_spec){
		.index = index, .attempt = n, .worker = "c01", .duration = 30, .memory = request,
		.walltime = 600, .rss = peak, .state = "failed", .failure_class = "oom",
		.message = "OOM: killed for exceeding its memory limit", .exit_code = 137,
		.give_up = give_up });
}

/* memory_factor 1.5 and memory_cap 576M: task 0 asks 256M, 384M, 576M
 * and gives up at the cap; task 1 fails at 256M and succeeds at 384M. */
static void escalation_fixture(struct dx_fixture *fx, bool with_plan)
{
	fixture_begin(fx, "failed");
	if (with_plan)
		fixture_plan(fx, "{\"event_type\":\"plan\",\"components\":[{\"name\":\"model\","
			     "\"memory_bytes\":268435456}],\"retry\":{\"oom\":{\"memory_factor\""
			     ":1.5,\"memory_cap_bytes\":603979776}}}");
	oom(fx, 0, 1, 256 * MIB, 250 * MIB, NULL);
	oom(fx, 0, 2, 384 * MIB, 380 * MIB, NULL);
	oom(fx, 0, 3, 576 * MIB, 570 * MIB, "oom: memory cap 576M reached");
	oom(fx, 1, 1, 256 * MIB, 255 * MIB, NULL);
	fixture_attempt(fx, &(struct attempt_spec){ .index = 1, .attempt = 2, .worker = "c01",
						    .duration = 30, .memory = 384 * MIB,
						    .rss = 300 * MIB });
	for (size_t i = 2; i < 8; i++)
		fixture_attempt(fx, &(struct attempt_spec){ .index = i, .worker = "c01",
							    .duration = 30, .memory = 256 * MIB,
							    .rss = 200 * MIB });
	fixture_write(fx);
}

static json_t *by_request(json_t *f, size_t i, const char *key)
{
	return json_object_get(json_array_get(evidence(f, "by_request"), i), key);
}

static void oom_evidence_sets_each_request_against_its_own_peak(void **state)
{
	struct dx_fixture fx;
	char *text = NULL;
	json_t *r, *f;

	(void)state;
	escalation_fixture(&fx, true);
	r = fixture_diagnose(&fx, &text);
	f = finding(r, "oom");
	lacks(field(f, "evidence_text"), "against a 576M request (4 of 4");
	assert_text_contains(field(f, "evidence_text"), "failed attempts by request: 256M peaked at 255M "
		 "(2 attempts), 384M at 380M (1), 576M at 570M (1)");
	assert_int_equal(json_array_size(evidence(f, "by_request")), 3);
	assert_int_equal(json_integer_value(by_request(f, 0, "requested_bytes")), 256 * MIB);
	assert_int_equal(json_integer_value(by_request(f, 0, "attempts")), 2);
	assert_int_equal(json_integer_value(by_request(f, 0, "peak_bytes")), 255 * MIB);
	assert_int_equal(json_integer_value(by_request(f, 2, "requested_bytes")), 576 * MIB);
	assert_int_equal(json_integer_value(by_request(f, 2, "peak_bytes")), 570 * MIB);
	assert_int_equal(json_integer_value(evidence(f, "configured_request_bytes")), 256 * MIB);
	/* the fields that were there stay */
	assert_int_equal(json_integer_value(evidence(f, "requested_bytes")), 576 * MIB);
	json_decref(r);
	free(text);
	fixture_free(&fx);
}

static void a_task_at_the_memory_cap_is_offered_a_size_not_yet_tried(void **state)
{
	struct dx_fixture fx;
	char *text = NULL;
	json_t *r, *f;

	(void)state;
	escalation_fixture(&fx, true);
	r = fixture_diagnose(&fx, &text);
	f = finding(r, "oom");
	assert_int_equal(json_integer_value(evidence(f, "tasks_at_memory_cap")), 1);
	assert_int_equal(json_integer_value(evidence(f, "memory_cap_bytes")), 576 * MIB);
	assert_text_contains(field(f, "evidence_text"), "1 task reached retry.oom.memory_cap (576M)");
	/* 576M x memory_factor 1.5: the next step, above every size tried */
	assert_int_equal(json_integer_value(evidence(f, "suggested_memory_bytes")), 864 * MIB);
	assert_text_contains(field(f, "suggestion"), "raise retry.oom.memory_cap in scalable.yaml to 864M");
	assert_text_contains(field(f, "suggestion"), "chunk");
	lacks(field(f, "suggestion"), "to 1G");
	lacks(field(f, "suggestion"), "to 576M");
	json_decref(r);
	free(text);
	fixture_free(&fx);
	/* without plan.json's retry policy: the cap from the decision's reason
	 * and the built-in memory_factor 2 */
	escalation_fixture(&fx, false);
	r = fixture_diagnose(&fx, &text);
	f = finding(r, "oom");
	assert_int_equal(json_integer_value(evidence(f, "memory_cap_bytes")), 576 * MIB);
	assert_int_equal(json_integer_value(evidence(f, "suggested_memory_bytes")), 1152 * MIB);
	assert_text_contains(field(f, "suggestion"), "raise retry.oom.memory_cap in scalable.yaml to 1152M");
	json_decref(r);
	free(text);
	fixture_free(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_finding_blames_only_tasks_whose_final_failure_is_its_class),
		cmocka_unit_test(oom_evidence_sets_each_request_against_its_own_peak),
		cmocka_unit_test(a_task_at_the_memory_cap_is_offered_a_size_not_yet_tried),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
