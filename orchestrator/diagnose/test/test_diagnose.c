/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scalable diagnose on run directories written as the orchestrator writes
 * them: the tutorial's sweep (classes and counts, the OOM size, the
 * walltime, the node finding, the JSON fields), what failing scenarios
 * share, a run in progress, a crashed one, one without failures, torn last
 * lines and lines that are not records, and the report for people. */
#include <jansson.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "diagnose/diagnose.h"
#include "testing/diagnose_fixture.h"
#include "test/tmpdir.h"

/* Diagnoses fx's run and returns the JSON report. */
static json_t *diagnose_json_of(const struct dx_fixture *fx)
{
	struct diagnosis *dx;
	struct error err;
	json_t *json;

	if (diagnose_run(fx->dir, &dx, &err) != 0)
		fail_msg("diagnose_run: %s", err.text);
	json = diagnose_json(dx);
	assert_non_null(json);
	diagnose_free(dx);
	return json;
}

/* The report for people, as text. */
static char *diagnose_text_of(const struct dx_fixture *fx, bool color)
{
	struct diagnosis *dx;
	struct error err;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	if (diagnose_run(fx->dir, &dx, &err) != 0)
		fail_msg("diagnose_run: %s", err.text);
	assert_int_equal(diagnose_print(out, dx, color), 0);
	fclose(out);
	diagnose_free(dx);
	return text;
}

/* The finding of a category (and class, unless NULL). */
static json_t *finding(json_t *report, const char *category, const char *failure_class)
{
	size_t i;
	json_t *f;

	json_array_foreach(json_object_get(report, "findings"), i, f) {
		const char *cls = json_string_value(json_object_get(f, "failure_class"));

		if (!strcmp(json_string_value(json_object_get(f, "category")), category) &&
		    (!failure_class || (cls && !strcmp(cls, failure_class))))
			return f;
	}
	fail_msg("no %s finding", category);
	return NULL;
}

static json_int_t summary_int(json_t *report, const char *key)
{
	return json_integer_value(json_object_get(json_object_get(report, "summary"), key));
}

static json_int_t evidence_int(json_t *f, const char *key)
{
	return json_integer_value(json_object_get(json_object_get(f, "evidence"), key));
}

static const char *evidence_str(json_t *f, const char *key)
{
	return json_string_value(json_object_get(json_object_get(f, "evidence"), key));
}

static const char *field(json_t *f, const char *key)
{
	return json_string_value(json_object_get(f, key));
}

static void the_tutorial_counts_every_class(void **state)
{
	struct dx_fixture fx;
	json_t *r, *by;

	(void)state;
	fixture_tutorial(&fx, "failed");
	fixture_write(&fx);
	r = diagnose_json_of(&fx);
	assert_int_equal(summary_int(r, "failures"), 35);
	assert_int_equal(summary_int(r, "categories"), 4);
	assert_int_equal(summary_int(r, "tasks"), 200);
	assert_int_equal(summary_int(r, "attempts"), 204);
	by = json_object_get(json_object_get(r, "summary"), "failures_by_class");
	assert_int_equal(json_integer_value(json_object_get(by, "oom")), 29);
	assert_int_equal(json_integer_value(json_object_get(by, "transient")), 4);
	assert_int_equal(json_integer_value(json_object_get(by, "dependency_error")), 1);
	assert_int_equal(json_integer_value(json_object_get(by, "timeout")), 1);
	assert_int_equal(json_array_size(json_object_get(r, "findings")), 5);
	json_decref(r);
	fixture_free(&fx);
}

static void the_oom_group_has_its_pattern_and_size(void **state)
{
	struct dx_fixture fx;
	json_t *r, *f;

	(void)state;
	fixture_tutorial(&fx, "failed");
	fixture_write(&fx);
	r = diagnose_json_of(&fx);
	f = finding(r, "memory", "oom");
	assert_string_equal(field(f, "severity"), "critical");  /* 29 of 200 failed */
	assert_string_equal(field(f, "title"), "RuntimeError (OOM)");
	assert_int_equal(json_integer_value(json_object_get(f, "count")), 29);
	assert_string_equal(field(f, "pattern"), "OOM: scenario <N> exceeded memory limit");
	assert_int_equal(evidence_int(f, "peak_bytes"), 24 * GIB);
	assert_int_equal(evidence_int(f, "requested_bytes"), 24 * GIB);
	assert_string_equal(evidence_str(f, "suggested_memory"), "32G");  /* 24G + 25% */
	assert_int_equal(evidence_int(f, "tasks_failed"), 29);
	assert_non_null(strstr(field(f, "suggestion"), "increase model memory to 32G"));
	/* index % 7 == 0 is no parameter: nothing is shared */
	assert_int_equal(json_array_size(json_object_get(json_object_get(f, "evidence"),
							 "shared_parameters")), 0);
	json_decref(r);
	fixture_free(&fx);
}

static void one_node_with_most_failures_is_a_finding(void **state)
{
	struct dx_fixture fx;
	json_t *r, *f;

	(void)state;
	fixture_tutorial(&fx, "failed");
	fixture_write(&fx);
	r = diagnose_json_of(&fx);
	f = finding(r, "node", NULL);
	assert_string_equal(field(f, "severity"), "high");
	assert_true(json_is_null(json_object_get(f, "failure_class")));
	assert_string_equal(evidence_str(f, "node"), "c12");
	assert_int_equal(evidence_int(f, "failures"), 29);
	assert_int_equal(evidence_int(f, "failures_total"), 35);
	assert_int_equal(evidence_int(f, "attempts_on_node"), 36);
	assert_int_equal(evidence_int(f, "attempts_total"), 204);
	assert_non_null(strstr(field(f, "suggestion"), "29 of 35 failures on node c12"));
	assert_non_null(strstr(field(f, "suggestion"), "drain or exclude it"));
	json_decref(r);
	fixture_free(&fx);
}

static void timeouts_get_a_walltime_that_fits(void **state)
{
	struct dx_fixture fx;
	json_t *r, *f;

	(void)state;
	fixture_tutorial(&fx, "failed");
	fixture_write(&fx);
	r = diagnose_json_of(&fx);
	f = finding(r, "walltime", "timeout");
	assert_string_equal(field(f, "severity"), "high");
	assert_int_equal(evidence_int(f, "time_limit_s"), 600);
	/* 600.4 s reached, + 25% = 750.5 s, rounded up to 15 minutes */
	assert_int_equal(evidence_int(f, "suggested_walltime_s"), 900);
	assert_string_equal(evidence_str(f, "suggested_walltime"), "00:15:00");
	json_decref(r);
	fixture_free(&fx);
}

static void transient_retries_say_whether_they_recovered(void **state)
{
	struct dx_fixture fx;
	json_t *r, *f;

	(void)state;
	fixture_tutorial(&fx, "failed");
	fixture_write(&fx);
	r = diagnose_json_of(&fx);
	f = finding(r, "transient", "transient");
	assert_string_equal(field(f, "severity"), "low");
	assert_int_equal(json_integer_value(json_object_get(f, "count")), 4);
	assert_int_equal(evidence_int(f, "tasks"), 3);
	assert_int_equal(evidence_int(f, "tasks_recovered"), 3);
	assert_int_equal(evidence_int(f, "max_attempt"), 2);
	assert_non_null(strstr(field(f, "suggestion"), "recovered every task"));
	json_decref(r);
	fixture_free(&fx);
}

static void a_missing_module_names_its_line_and_why_retrying_fails(void **state)
{
	struct dx_fixture fx;
	json_t *r, *f;

	(void)state;
	fixture_tutorial(&fx, "failed");
	fixture_write(&fx);
	r = diagnose_json_of(&fx);
	f = finding(r, "dependency", "dependency_error");
	assert_string_equal(field(f, "title"), "ModuleNotFoundError (Dependency error)");
	assert_string_equal(evidence_str(f, "offending_line"),
			    "File \"/home/u/energy/model.py\", line 3, in <module>: import pandas");
	assert_non_null(strstr(field(f, "suggestion"), "retrying cannot help"));
	json_decref(r);
	fixture_free(&fx);
}

static void findings_carry_the_json_fields(void **state)
{
	static const char *const keys[] = { "severity", "category", "failure_class", "count",
					    "pattern", "evidence", "suggestion" };
	struct dx_fixture fx;
	json_t *r, *f;
	size_t i;

	(void)state;
	fixture_tutorial(&fx, "failed");
	fixture_write(&fx);
	r = diagnose_json_of(&fx);
	assert_true(json_is_object(json_object_get(r, "summary")));
	json_array_foreach(json_object_get(r, "findings"), i, f) {
		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
			if (!json_object_get(f, keys[k]))
				fail_msg("finding %zu has no %s", i, keys[k]);
		assert_true(json_is_object(json_object_get(f, "evidence")));
	}
	/* most severe first */
	assert_string_equal(field(json_array_get(json_object_get(r, "findings"), 0), "severity"),
			    "critical");
	assert_string_equal(field(json_array_get(json_object_get(r, "findings"), 4), "severity"),
			    "low");
	json_decref(r);
	fixture_free(&fx);
}

/* A sweep where central's scenarios from 2060 on run out of memory. */
static void shared_fixture(struct dx_fixture *fx)
{
	char params[256], message[128];

	fixture_begin(fx, "failed");
	for (size_t i = 0; i < 200; i++) {
		size_t year = 2025 + i % 10 * 5;
		const char *region = i / 40 == 4 ? "central" : i / 40 == 0 ? "north" : "south";
		struct attempt_spec a = { .index = i, .worker = "c01", .duration = 60,
					  .memory = 8 * GIB, .rss = GIB };

		snprintf(params, sizeof params, "{\"region\":\"%s\",\"year\":\"%zu\"}", region,
			 year);
		fixture_scenario(fx, i, params);
		if (!strcmp(region, "central") && year >= 2060) {
			snprintf(message, sizeof message, "MemoryError: cannot allocate %zu bytes "
				 "for /data/central/%zu.nc", 1000000 + i, year);
			a.state = "failed";
			a.failure_class = "oom";
			a.message = message;
			a.rss = 7 * GIB + GIB / 2;
			a.exit_code = 1;
		}
		fixture_attempt(fx, &a);
	}
	fixture_write(fx);
}

static void failing_scenarios_share_a_region_and_late_years(void **state)
{
	struct dx_fixture fx;
	json_t *r, *f, *shared, *s;

	(void)state;
	shared_fixture(&fx);
	r = diagnose_json_of(&fx);
	f = finding(r, "memory", "oom");
	assert_int_equal(json_integer_value(json_object_get(f, "count")), 12);
	assert_string_equal(field(f, "pattern"),
			    "MemoryError: cannot allocate <N> bytes for <PATH>");
	shared = json_object_get(json_object_get(f, "evidence"), "shared_parameters");
	assert_true(json_array_size(shared) >= 2);
	s = json_array_get(shared, 0);
	assert_string_equal(field(s, "kind"), "all");
	assert_string_equal(field(s, "parameter"), "region");
	assert_string_equal(field(s, "value"), "central");
	assert_int_equal(json_integer_value(json_object_get(s, "all")), 40);
	assert_int_equal(json_integer_value(json_object_get(s, "all_total")), 200);
	s = json_array_get(shared, 1);
	assert_string_equal(field(s, "kind"), "at_least");
	assert_string_equal(field(s, "parameter"), "year");
	assert_string_equal(field(s, "value"), "2060");
	assert_int_equal(json_integer_value(json_object_get(s, "all")), 60);
	/* 8G request + 25% = 10G: the next step is 12G */
	assert_string_equal(evidence_str(f, "suggested_memory"), "12G");
	json_decref(r);
	fixture_free(&fx);
}

/* 5000 scenarios with a distinct size each (past the 4096 values told
 * apart): the largest 100 run out of memory. */
static void failing_scenarios_have_the_largest_sizes(void **state)
{
	struct dx_fixture fx;
	char params[64];
	json_t *r, *s;

	(void)state;
	fixture_begin(&fx, "failed");
	for (size_t i = 0; i < 5000; i++) {
		struct attempt_spec a = { .index = i, .worker = "c01", .duration = 1 };

		snprintf(params, sizeof params, "{\"size\":%zu,\"kind\":\"k%zu\"}", i, i % 3);
		fixture_scenario(&fx, i, params);
		if (i >= 4900) {
			a.state = "failed";
			a.failure_class = "oom";
			a.message = "MemoryError";
		}
		fixture_attempt(&fx, &a);
	}
	fixture_write(&fx);
	r = diagnose_json_of(&fx);
	s = json_array_get(json_object_get(json_object_get(finding(r, "memory", "oom"),
							   "evidence"), "shared_parameters"), 0);
	assert_non_null(s);
	assert_string_equal(field(s, "kind"), "at_least");
	assert_string_equal(field(s, "parameter"), "size");
	assert_string_equal(field(s, "value"), "4900");
	assert_int_equal(json_integer_value(json_object_get(s, "all")), 100);
	assert_int_equal(json_integer_value(json_object_get(s, "all_total")), 5000);
	json_decref(r);
	fixture_free(&fx);
}

static void a_run_without_failures_says_so(void **state)
{
	struct dx_fixture fx;
	json_t *r;
	char *text;

	(void)state;
	fixture_begin(&fx, "completed");
	for (size_t i = 0; i < 12; i++)
		fixture_attempt(&fx, &(struct attempt_spec){ .index = i, .worker = "c01",
							     .duration = 3 });
	fixture_write(&fx);
	r = diagnose_json_of(&fx);
	assert_int_equal(summary_int(r, "failures"), 0);
	assert_int_equal(json_array_size(json_object_get(r, "findings")), 0);
	text = diagnose_text_of(&fx, false);
	assert_non_null(strstr(text, "✓ no failures in 12 tasks"));
	free(text);
	json_decref(r);
	fixture_free(&fx);
}

/* A run whose tasks 0-9 ended and 10-19 still run: 0 and 5 failed with OOM. */
static void in_progress_fixture(struct dx_fixture *fx)
{
	fixture_begin(fx, "running");
	for (size_t i = 0; i < 20; i++) {
		struct attempt_spec a = { .index = i, .worker = "c01", .duration = 5,
					  .state = i >= 10 ? "running" : NULL };

		if (i == 0 || i == 5) {
			a.state = "failed";
			a.failure_class = "oom";
			a.message = "OOM: killed for exceeding its memory limit";
			a.rss = a.memory = 4 * GIB;
		}
		fixture_attempt(fx, &a);
	}
	/* task 5 has been resubmitted and is waiting */
	fixture_attempt(fx, &(struct attempt_spec){ .index = 5, .attempt = 2,
						    .state = "running", .worker = "c02" });
}

/* Writes a lock holder file naming pid on this host. */
static void write_holder(const struct dx_fixture *fx, long pid)
{
	char host[256] = "", text[512];

	gethostname(host, sizeof host - 1);
	snprintf(text, sizeof text, "{\"pid\":%ld,\"host\":\"%s\",\"command\":\"run\","
		 "\"since\":\"2026-01-01T00:00:00.000Z\"}", pid, host);
	tmpdir_write(fx->dir, ".lock", text);
}

static void a_run_in_progress_is_diagnosed_so_far(void **state)
{
	struct dx_fixture fx;
	json_t *r, *f, *sum;

	(void)state;
	in_progress_fixture(&fx);
	fixture_write(&fx);
	write_holder(&fx, (long)getpid());
	r = diagnose_json_of(&fx);
	sum = json_object_get(r, "summary");
	assert_true(json_is_true(json_object_get(sum, "in_progress")));
	assert_string_equal(json_string_value(json_object_get(sum, "orchestrator")), "alive");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(sum,
			"tasks_by_state"), "running")), 11);
	f = finding(r, "memory", "oom");
	assert_int_equal(evidence_int(f, "tasks_failed"), 1);
	assert_int_equal(evidence_int(f, "tasks_pending"), 1);
	assert_string_equal(evidence_str(f, "suggested_memory"), "8G");  /* 4G + 25% = 5G */
	json_decref(r);
	fixture_free(&fx);
}

/* A pid that no process has: a child's, after it was reaped. */
static long dead_pid(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	return (long)pid;
}

static void a_crashed_run_says_its_orchestrator_is_gone(void **state)
{
	struct dx_fixture fx;
	json_t *r;
	char *text;

	(void)state;
	in_progress_fixture(&fx);
	fixture_write(&fx);
	write_holder(&fx, dead_pid());
	r = diagnose_json_of(&fx);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "summary"),
							      "orchestrator")), "gone");
	assert_int_equal(summary_int(r, "failures"), 2);
	text = diagnose_text_of(&fx, false);
	assert_non_null(strstr(text, "is gone: `scalable watch` re-attaches"));
	free(text);
	json_decref(r);
	fixture_free(&fx);
}

static void torn_last_lines_and_garbage_are_skipped(void **state)
{
	struct dx_fixture fx;
	json_t *r, *torn, *skipped;

	(void)state;
	in_progress_fixture(&fx);
	fixture_raw(&fx, "failures", "not json at all\n");
	fixture_raw(&fx, "failures", "{\"event_type\":\"failure\",\"failure_class\":\"oom\","
				     "\"message\":\"OOM: scen");
	fixture_raw(&fx, "tasks", "{\"event_type\":\"task\",\"task_id\":3,\"comp");
	fixture_write(&fx);
	r = diagnose_json_of(&fx);
	assert_int_equal(summary_int(r, "failures"), 2);
	torn = json_object_get(json_object_get(r, "summary"), "torn_lines");
	skipped = json_object_get(json_object_get(r, "summary"), "skipped_lines");
	assert_int_equal(json_integer_value(json_object_get(torn, "failures.jsonl")), 1);
	assert_int_equal(json_integer_value(json_object_get(torn, "tasks.jsonl")), 1);
	assert_int_equal(json_integer_value(json_object_get(skipped, "failures.jsonl")), 1);
	json_decref(r);
	fixture_free(&fx);
}

static void the_report_has_the_agreed_shape(void **state)
{
	struct dx_fixture fx;
	char *text, *colored;

	(void)state;
	fixture_tutorial(&fx, "failed");
	fixture_write(&fx);
	text = diagnose_text_of(&fx, false);
	assert_non_null(strstr(text, "⚠ 35 failures detected across 4 categories:\n"));
	assert_non_null(strstr(text, "\n1. [critical] RuntimeError (OOM) — 29 occurrences\n"
				     "   Pattern: OOM: scenario <N> exceeded memory limit\n"
				     "   Evidence: peak 24G against a 24G request"));
	assert_non_null(strstr(text, "   Suggestion: increase model memory to 32G"));
	assert_non_null(strstr(text, "[high] Node c12 — 29 occurrences"));
	assert_null(strchr(text, '\033'));
	colored = diagnose_text_of(&fx, true);
	assert_non_null(strchr(colored, '\033'));
	free(colored);
	free(text);
	fixture_free(&fx);
}

/* Through the test seam SCALABLE_DIAGNOSE_CHUNK (diagnose.h): test builds only. */
static void small_chunks_on_threads_give_the_same_report(void **state)
{
#ifdef SCALABLE_TEST_SEAMS
	struct dx_fixture fx;
	json_t *whole, *chunked;

	(void)state;
	fixture_tutorial(&fx, "failed");
	fixture_write(&fx);
	whole = diagnose_json_of(&fx);
	diagnose_chunk_arm("1500");  /* a few lines a chunk */
	chunked = diagnose_json_of(&fx);
	diagnose_chunk_arm(NULL);
	assert_true(json_equal(whole, chunked));
	json_decref(whole);
	json_decref(chunked);
	fixture_free(&fx);
#else
	(void)state;
	skip();  /* no test seams in this build (configure --enable-test-seams) */
#endif
}

static void a_run_that_has_written_nothing_yet(void **state)
{
	struct dx_fixture fx;
	json_t *r;

	(void)state;
	fixture_begin(&fx, "running");  /* no tasks.jsonl, failures.jsonl or scenarios */
	r = diagnose_json_of(&fx);
	assert_int_equal(summary_int(r, "tasks"), 0);
	assert_int_equal(summary_int(r, "failures"), 0);
	json_decref(r);
	fixture_free(&fx);
}

static void a_directory_without_run_json_is_no_run(void **state)
{
	struct diagnosis *dx = NULL;
	struct error err;
	char *dir = tmpdir_create();

	(void)state;
	assert_int_equal(diagnose_run(dir, &dx, &err), -1);
	assert_int_equal(err.exit_code, 5);
	assert_null(dx);
	tmpdir_remove(dir);
}

static void an_unreadable_file_is_an_io_error(void **state)
{
	struct dx_fixture fx;
	struct diagnosis *dx = NULL;
	struct error err;
	char *path;

	(void)state;
	fixture_begin(&fx, "failed");
	assert_true(asprintf(&path, "%s/failures.jsonl", fx.dir) > 0);
	assert_int_equal(mkdir(path, 0755), 0);  /* read(2) fails with EISDIR */
	assert_int_equal(diagnose_run(fx.dir, &dx, &err), -1);
	assert_int_equal(err.exit_code, 3);
	assert_non_null(strstr(err.text, "failures.jsonl"));
	free(path);
	fixture_free(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_tutorial_counts_every_class),
		cmocka_unit_test(the_oom_group_has_its_pattern_and_size),
		cmocka_unit_test(one_node_with_most_failures_is_a_finding),
		cmocka_unit_test(timeouts_get_a_walltime_that_fits),
		cmocka_unit_test(transient_retries_say_whether_they_recovered),
		cmocka_unit_test(a_missing_module_names_its_line_and_why_retrying_fails),
		cmocka_unit_test(findings_carry_the_json_fields),
		cmocka_unit_test(failing_scenarios_share_a_region_and_late_years),
		cmocka_unit_test(failing_scenarios_have_the_largest_sizes),
		cmocka_unit_test(a_run_without_failures_says_so),
		cmocka_unit_test(a_run_in_progress_is_diagnosed_so_far),
		cmocka_unit_test(a_crashed_run_says_its_orchestrator_is_gone),
		cmocka_unit_test(torn_last_lines_and_garbage_are_skipped),
		cmocka_unit_test(the_report_has_the_agreed_shape),
		cmocka_unit_test(small_chunks_on_threads_give_the_same_report),
		cmocka_unit_test(a_run_that_has_written_nothing_yet),
		cmocka_unit_test(a_directory_without_run_json_is_no_run),
		cmocka_unit_test(an_unreadable_file_is_an_io_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
