/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scalable report: escaping (HTML, Markdown, UTF-8 for JSON), the
 * timeline's buckets, the Markdown and JSON of the tutorial's run, hostile
 * messages in the HTML, runs in progress, crashed and without failures, a
 * run of 100,000 tasks whose page stays small, and report_write. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "testing/diagnose_fixture.h"
#include "lib/util/exit_codes.h"
#include "report/report_impl.h"
#include "lib/util/utf8_text.h"
#include "test/tmpdir.h"

/* What fn writes for text, as a string. */
static char *escaped(void (*fn)(FILE *, const char *), const char *text)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_non_null(out);
	fn(out, text);
	assert_int_equal(fclose(out), 0);
	return buf;
}

static void html_escapes_markup_quotes_and_controls(void **state)
{
	char *s = escaped(report_html_text, "<script>alert('x')</script> & \"q\"\x01\x1b[31m\n\tok");

	(void)state;
	assert_string_equal(s, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
			       "[31m\n\tok");
	free(s);
	s = escaped(report_html_text, NULL);
	assert_string_equal(s, "");
	free(s);
}

static void markdown_escapes_what_makes_markup(void **state)
{
	char *s = escaped(report_md_text, "a|b *c* _d_ <img src=x> [l](u) `e` ~f~ &amp; \\\nnext");

	(void)state;
	assert_string_equal(s, "a\\|b \\*c\\* \\_d\\_ \\<img src=x\\> \\[l\\](u) \\`e\\` \\~f\\~ "
			       "\\&amp; \\\\ next");
	free(s);
}

static void invalid_utf8_becomes_question_marks(void **state)
{
	char text[] = "ok \xc3\xa9 \xff \xe2\x82 \xc0\xaf \xed\xa0\x80 \xf0\x9f\x98\x80";

	(void)state;
	utf8_fix(text);
	assert_string_equal(text, "ok \xc3\xa9 ? ?? ?? ??? \xf0\x9f\x98\x80");
}

static struct dx_task_state st(unsigned attempt, enum task_state s)
{
	return (struct dx_task_state){ attempt, (uint8_t)(s + 1) };
}

static void outcomes_tell_retries_apart(void **state)
{
	(void)state;
	assert_int_equal(report_outcome_of(st(1, TASK_SUCCEEDED)), REPORT_SUCCEEDED);
	assert_int_equal(report_outcome_of(st(3, TASK_SUCCEEDED)), REPORT_RETRIED);
	assert_int_equal(report_outcome_of(st(2, TASK_FAILED)), REPORT_FAILED);
	assert_int_equal(report_outcome_of(st(1, TASK_RUNNING)), REPORT_ACTIVE);
	assert_int_equal(report_outcome_of(st(1, TASK_REQUEUED)), REPORT_ACTIVE);
	assert_int_equal(report_outcome_of(st(1, TASK_CACHED)), REPORT_CACHED);
	assert_int_equal(report_outcome_of(st(1, TASK_CANCELLED)), REPORT_CANCELLED);
	assert_int_equal(report_outcome_of((struct dx_task_state){ 0, 0 }), REPORT_UNSEEN);
}

static size_t outcomes_in(const struct report_bucket *b)
{
	size_t n = 0;

	for (int o = 0; o < REPORT_OUTCOMES; o++)
		n += b->outcomes[o];
	return n;
}

static void buckets_split_evenly_and_count_each_index_once(void **state)
{
	struct dx_task_state tasks[10];
	struct report_bucket b[REPORT_BUCKETS_MAX];
	size_t n, total = 0;

	(void)state;
	for (size_t i = 0; i < 10; i++)
		tasks[i] = st(1, TASK_SUCCEEDED);
	tasks[1] = st(1, TASK_FAILED);
	tasks[4] = st(3, TASK_SUCCEEDED);
	/* 12 indices in 4 buckets: the last two have no row (unseen) */
	n = report_buckets(tasks, 10, 12, b, 4);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(b[i].last - b[i].first + 1, 3);
		assert_int_equal(outcomes_in(&b[i]), 3);
		assert_true(i == 0 || b[i].first == b[i - 1].last + 1);
		total += outcomes_in(&b[i]);
	}
	assert_int_equal(total, 12);
	assert_int_equal(b[0].outcomes[REPORT_FAILED], 1);
	assert_int_equal(b[0].outcomes[REPORT_SUCCEEDED], 2);
	assert_int_equal(b[1].outcomes[REPORT_RETRIED], 1);
	assert_int_equal(b[1].attempts, 1 + 3 + 1);
	assert_int_equal(b[3].outcomes[REPORT_UNSEEN], 2);
	/* 10 in 4: sizes 2, 3, 2, 3 */
	n = report_buckets(tasks, 10, 10, b, 4);
	assert_int_equal(b[0].last, 1);
	assert_int_equal(b[1].last, 4);
	assert_int_equal(b[2].last, 6);
	assert_int_equal(b[3].last, 9);
	/* fewer indices than columns: one column each */
	assert_int_equal(report_buckets(tasks, 10, 3, b, REPORT_BUCKETS_MAX), 3);
	assert_int_equal(b[2].first, 2);
	assert_int_equal(b[2].last, 2);
	assert_int_equal(report_buckets(tasks, 10, 0, b, REPORT_BUCKETS_MAX), 0);
}

/* The report of fx's run in format, as a string. */
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

static void lacks(const char *text, const char *part)
{
	if (strstr(text, part))
		fail_msg("'%s' in the report", part);
}

static size_t occurrences(const char *text, const char *part)
{
	size_t n = 0;

	for (const char *p = strstr(text, part); p; p = strstr(p + 1, part))
		n++;
	return n;
}

/* The tutorial (diagnose_fixture.h): 200 tasks, 29 OOM (i % 7 == 0), 4
 * transient failures (3, 5, 10 twice) retried to success, 1 missing
 * module, 1 timeout: 35 failed attempts, 31 tasks failed, 204 attempts. */
static void markdown_has_the_key_numbers_and_findings(void **state)
{
	struct dx_fixture fx;
	char *md;

	(void)state;
	fixture_tutorial(&fx, "failed");
	fixture_write(&fx);
	md = report_of(&fx, REPORT_MARKDOWN);
	has(md, "# Run " FIXTURE_RUN_ID "\n");
	has(md, "**Status: failed**");
	has(md, "| Duration | 8:00:00 |");
	has(md, "| Config digest | " "0000000000000000000000000000000000000000000000000000000000000000 |");
	has(md, "**200 tasks**, 204 attempts, 35 failed attempts");
	has(md, "| succeeded | 169 |");
	has(md, "| failed | 31 |");
	has(md, "| oom | 29 |");
	has(md, "| transient | 4 |");
	has(md, "| dependency\\_error | 1 |");
	has(md, "| model | 200 | 24G | - | 2G | 24G | 24G |");
	has(md, "**\\[critical\\] RuntimeError (OOM)** — 29 occurrences");
	has(md, "increase model memory to 32G");
	has(md, "| oom | 0 | model | 1 | c12 | 1 | - | OOM: scenario 0 exceeded memory limit |");
	has(md, "| oom | | | | | | | and 26 more |");
	free(md);
	fixture_free(&fx);
}

static json_t *get(json_t *j, const char *path)
{
	char key[64];
	const char *dot;

	while (j && (dot = strchr(path, '.'))) {
		snprintf(key, sizeof key, "%.*s", (int)(dot - path), path);
		j = json_object_get(j, key);
		path = dot + 1;
	}
	j = j ? json_object_get(j, path) : NULL;
	if (!j)
		fail_msg("no %s", path);
	return j;
}

static void json_has_summary_resources_failures_and_findings(void **state)
{
	struct dx_fixture fx;
	json_error_t jerr;
	json_t *j, *model, *oom;
	char *text;

	(void)state;
	fixture_tutorial(&fx, "failed");
	fixture_write(&fx);
	text = report_of(&fx, REPORT_JSON);
	j = json_loads(text, 0, &jerr);
	if (!j)
		fail_msg("not JSON: %s", jerr.text);
	assert_string_equal(json_string_value(get(j, "run.run_id")), FIXTURE_RUN_ID);
	assert_string_equal(json_string_value(get(j, "run.status")), "failed");
	assert_int_equal(json_real_value(get(j, "run.duration_s")), 8 * 3600);
	assert_int_equal(json_integer_value(get(j, "summary.tasks")), 200);
	assert_int_equal(json_integer_value(get(j, "summary.failures")), 35);
	assert_int_equal(json_array_size(get(j, "components")), 1);
	model = json_array_get(get(j, "components"), 0);
	assert_string_equal(json_string_value(get(model, "name")), "model");
	assert_int_equal(json_integer_value(get(model, "memory.request_bytes")), 24 * GIB);
	assert_int_equal(json_integer_value(get(model, "memory.peak_bytes.measured")), 204);
	assert_int_equal(json_integer_value(get(model, "memory.peak_bytes.max")), 24 * GIB);
	assert_int_equal(json_integer_value(get(model, "memory.peak_bytes.median")), 2 * GIB);
	assert_true(json_real_value(get(model, "duration.seconds.max")) > 600);  /* the timeout */
	assert_int_equal(json_integer_value(get(model, "tasks_by_state.failed")), 31);
	assert_int_equal(json_array_size(get(model, "timeline")), 200);  /* one per index */
	oom = json_array_get(get(j, "failures"), 0);
	assert_string_equal(json_string_value(get(oom, "failure_class")), "oom");
	assert_int_equal(json_integer_value(get(oom, "count")), 29);
	assert_int_equal(json_array_size(get(oom, "first")), REPORT_SAMPLES_PER_CLASS);
	assert_int_equal(json_integer_value(get(oom, "more")), 29 - REPORT_SAMPLES_PER_CLASS);
	assert_string_equal(json_string_value(get(json_array_get(get(oom, "first"), 1), "node")),
			    "c12");
	assert_int_equal(json_integer_value(get(json_array_get(get(oom, "first"), 1), "index")), 7);
	assert_true(json_array_size(get(j, "findings")) >= 4);
	json_decref(j);
	free(text);
	fixture_free(&fx);
}

static void html_escapes_what_comes_from_the_run(void **state)
{
	const char *hostile = "<script>alert(1)</script><img src=x onerror=alert(2)> & 'q'";
	struct attempt_spec a = { .index = 0, .state = "failed", .worker = "<b>c1</b>",
				  .duration = 5, .failure_class = "transient", .message = hostile,
				  .error_type = "X", .exit_code = 75 };
	struct dx_fixture fx;
	char *html;

	(void)state;
	fixture_begin(&fx, "failed");
	fixture_attempt(&fx, &a);
	fixture_write(&fx);
	html = report_of(&fx, REPORT_HTML);
	assert_int_equal(occurrences(html, "<script"), 2);  /* the page's own two */
	lacks(html, "<img");
	lacks(html, "<b>c1");
	has(html, "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; "
		  "&amp; &#39;q&#39;");
	has(html, "<td>&lt;b&gt;c1&lt;/b&gt;</td>");
	has(html, "Content-Security-Policy\" content=\"default-src 'none';");
	lacks(html, "http://");
	lacks(html, "https://");
	free(html);
	fixture_free(&fx);
}

static void a_run_in_progress_shows_what_is_running(void **state)
{
	struct attempt_spec a = { .worker = "c01", .duration = 5, .rss = GIB, .memory = 2 * GIB };
	struct dx_fixture fx;
	char *html, *md;

	(void)state;
	fixture_begin(&fx, "running");
	fixture_attempt(&fx, &a);
	a.index = 1;
	a.state = "running";
	fixture_attempt(&fx, &a);
	fixture_write(&fx);
	html = report_of(&fx, REPORT_HTML);
	has(html, "id=\"run-status\">running<");
	has(html, "Running for");
	has(html, "index 1: 1 in progress; 1 attempt</title>");
	has(html, "index 0: 1 succeeded; 1 attempt</title>");
	has(html, "No failures in 2 tasks.");
	md = report_of(&fx, REPORT_MARKDOWN);
	has(md, "**Status: running** (in progress, or its orchestrator died)");
	has(md, "| Finished | (not yet) |");
	free(html);
	free(md);
	fixture_free(&fx);
}

static void a_crashed_run_says_its_orchestrator_is_gone(void **state)
{
	struct attempt_spec a = { .worker = "c01", .duration = 5 };
	struct dx_fixture fx;
	char host[256] = "", lock[400];
	char *md;

	(void)state;
	fixture_begin(&fx, "running");
	a.state = "running";
	fixture_attempt(&fx, &a);
	fixture_write(&fx);
	gethostname(host, sizeof host - 1);
	/* a holder on this host whose pid cannot be running */
	snprintf(lock, sizeof lock, "{\"pid\":2147483646,\"host\":\"%s\",\"command\":\"run\","
		 "\"since\":\"2026-01-01T00:00:00.000Z\"}\n", host);
	tmpdir_write(fx.dir, ".lock", lock);
	md = report_of(&fx, REPORT_MARKDOWN);
	has(md, "its orchestrator (pid 2147483646) is gone");
	free(md);
	fixture_free(&fx);
}

/* 100,000 tasks: every 1000th (from 7) runs out of memory, every 100th
 * (from 3) fails once and succeeds on retry, the last 500 are running. */
static void write_big_run(struct dx_fixture *fx)
{
	char message[96];

	fixture_begin(fx, "running");
	for (size_t i = 0; i < 100000; i++) {
		struct attempt_spec a = { .index = i, .worker = "c01", .duration = 60 + (double)(i % 40),
					  .rss = GIB + (int64_t)(i % 100) * (GIB / 100),
					  .memory = 4 * GIB, .walltime = 3600 };

		if (i >= 99500) {
			a.state = "running";
		} else if (i % 1000 == 7) {
			snprintf(message, sizeof message, "OOM: scenario %zu exceeded memory limit", i);
			a = (struct attempt_spec){ .index = i, .state = "failed", .worker = "c12",
						   .duration = 30, .rss = 4 * GIB, .memory = 4 * GIB,
						   .walltime = 3600, .failure_class = "oom",
						   .message = message, .error_type = "RuntimeError",
						   .exit_code = 1 };
		} else if (i % 100 == 3) {
			struct attempt_spec t = a;

			t.state = "failed";
			t.failure_class = "transient";
			t.message = "ConnectionError: Connection timed out";
			t.exit_code = 75;
			fixture_attempt(fx, &t);
			a.attempt = 2;
		}
		fixture_attempt(fx, &a);
		if (i % 5000 == 4999)
			fixture_append(fx);
	}
	fixture_append(fx);
}

static void a_run_of_100000_tasks_makes_a_small_page(void **state)
{
	struct dx_fixture fx;
	struct error err;
	struct stat st;
	char *path, *html;

	(void)state;
	write_big_run(&fx);
	if (asprintf(&path, "%s/report.html", fx.dir) < 0)
		fail();
	if (report_write(fx.dir, REPORT_HTML, NULL, &err) != 0)
		fail_msg("report_write: %s", err.text);
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size < 2 * 1024 * 1024);
	html = tmpdir_read(fx.dir, "report.html");
	assert_non_null(html);
	has(html, "id=\"n-tasks\">100000<");
	has(html, "id=\"n-failed\">100<");           /* OOM: 7, 1007, ..., 99007 */
	has(html, "id=\"n-attempts\">100995<");      /* 995 retried once */
	has(html, "id=\"n-failures\">1095<");
	has(html, "100000 indices, 100000 tasks with a row");
	has(html, "up to 500 indices per column");
	assert_int_equal(occurrences(html, "<g tabindex"), REPORT_BUCKETS_MAX);
	has(html, "<title>indices 99500–99999: 500 in progress; 500 attempts</title>");
	has(html, "<td>oom</td><td class=\"n\">100</td>");
	has(html, "and 90 more");
	assert_int_equal(occurrences(html, "exceeded memory limit</td></tr>"),
			 REPORT_SAMPLES_PER_CLASS);
	free(html);
	free(path);
	fixture_free(&fx);
}

/* Any string can be a class in failures.jsonl: the tables stop at
 * REPORT_CLASSES_LISTED, the counts do not. */
static void many_classes_get_tables_up_to_a_cap(void **state)
{
	size_t classes = REPORT_CLASSES_LISTED + 5;
	struct dx_fixture fx;
	char line[256], *html;

	(void)state;
	fixture_begin(&fx, "failed");
	for (size_t i = 0; i < classes; i++) {
		snprintf(line, sizeof line, "{\"failure_class\":\"class%02zu\",\"message\":\"m\","
			 "\"task_id\":%zu,\"component\":\"model\",\"details\":{\"attempt\":1}}\n",
			 i, i);
		fixture_raw(&fx, "failures", line);
	}
	fixture_write(&fx);
	html = report_of(&fx, REPORT_HTML);
	assert_int_equal(occurrences(html, "<table class=\"failures\">"), REPORT_CLASSES_LISTED);
	has(html, "and 5 more classes");
	has(html, "<td>class24</td>");  /* counted all the same */
	free(html);
	fixture_free(&fx);
}

static void report_write_names_its_file_and_refuses_a_non_run(void **state)
{
	struct dx_fixture fx;
	struct error err;
	char *md, *other;

	(void)state;
	fixture_tutorial(&fx, "completed");
	fixture_write(&fx);
	assert_int_equal(report_write(fx.dir, REPORT_MARKDOWN, NULL, &err), 0);
	md = tmpdir_read(fx.dir, "report.md");
	assert_non_null(md);
	assert_int_equal(strncmp(md, "# Run ", 6), 0);
	free(md);
	if (asprintf(&other, "%s/elsewhere.json", fx.root) < 0)
		fail();
	assert_int_equal(report_write(fx.dir, REPORT_JSON, other, &err), 0);
	md = tmpdir_read(fx.root, "elsewhere.json");
	assert_non_null(md);
	assert_non_null(strstr(md, "\"report_version\": 1"));
	free(md);
	free(other);
	assert_int_equal(report_write(fx.root, REPORT_HTML, NULL, &err), -1);
	assert_int_equal(err.exit_code, SCALABLE_EXIT_NOT_FOUND);
	fixture_free(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(html_escapes_markup_quotes_and_controls),
		cmocka_unit_test(markdown_escapes_what_makes_markup),
		cmocka_unit_test(invalid_utf8_becomes_question_marks),
		cmocka_unit_test(outcomes_tell_retries_apart),
		cmocka_unit_test(buckets_split_evenly_and_count_each_index_once),
		cmocka_unit_test(markdown_has_the_key_numbers_and_findings),
		cmocka_unit_test(json_has_summary_resources_failures_and_findings),
		cmocka_unit_test(html_escapes_what_comes_from_the_run),
		cmocka_unit_test(a_run_in_progress_shows_what_is_running),
		cmocka_unit_test(a_crashed_run_says_its_orchestrator_is_gone),
		cmocka_unit_test(a_run_of_100000_tasks_makes_a_small_page),
		cmocka_unit_test(many_classes_get_tables_up_to_a_cap),
		cmocka_unit_test(report_write_names_its_file_and_refuses_a_non_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
