/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scalable export: the tables built from a run directory (columns, types,
 * nulls, a task per planned component and scenario, attempts merged from
 * their state changes, the retry decision joined), scenario parameters
 * typed over all scenarios (mixed kinds become strings), CSV and TSV
 * escaping (quotes, commas, line breaks, tabs, UTF-8, garbage bytes), and
 * export_run's files and errors. */
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

#include "export/export_impl.h"
#include "lib/util/exit_codes.h"
#include "lib/util/utf8_text.h"
#include "test/tmpdir.h"
#include "testing/diagnose_fixture.h"

#define PLAN "{\"components\": [{\"name\": \"model\", \"memory_bytes\": 1073741824}, " \
	     "{\"name\": \"post\", \"memory_bytes\": null}]}\n"

/* Four scenarios; model: 0 succeeds, 1 fails (transient) then succeeds,
 * 2 fails for good (oom), 3 never ran; post never ran at all. */
static void small_run(struct dx_fixture *fx)
{
	struct attempt_spec ok = { .index = 0, .worker = "c01", .duration = 1.5, .rss = 100,
				   .memory = GIB };
	struct attempt_spec flaky = { .index = 1, .state = "failed", .worker = "c02",
				      .duration = 2, .rss = 300, .memory = GIB,
				      .failure_class = "transient",
				      .message = "Connection reset", .exit_code = 75 };
	struct attempt_spec oom = { .index = 2, .state = "failed", .worker = "c03",
				    .duration = 3, .rss = 2 * GIB, .memory = 2 * GIB,
				    .failure_class = "oom", .message = "OOM: \"big\", here",
				    .exit_code = 137 };

	fixture_begin(fx, "failed");
	fixture_scenario(fx, 0, "{\"year\": \"2030\", \"rate\": \"1\", \"green\": \"true\", "
				"\"tag\": \"7\", \"note\": \"a\"}");
	fixture_scenario(fx, 1, "{\"year\": \"2040\", \"rate\": \"0.5\", \"green\": \"false\", "
				"\"tag\": \"x\", \"note\": \"\"}");
	fixture_scenario(fx, 2, "{\"year\": \"-3\", \"rate\": \"2e3\", \"green\": \"true\", "
				"\"tag\": \"8\"}");
	fixture_scenario(fx, 3, "{\"year\": \"9\", \"rate\": \"3\", \"green\": \"false\", "
				"\"tag\": \"9\"}");
	fixture_attempt(fx, &ok);
	fixture_attempt(fx, &flaky);
	flaky.attempt = 2, flaky.state = "succeeded", flaky.rss = 200;
	fixture_attempt(fx, &flaky);
	fixture_attempt(fx, &oom);
	fixture_write(fx);
	tmpdir_write(fx->dir, "plan.json", PLAN);
}

struct loaded {
	struct dx_fixture fx;
	struct ex_run run;
	struct ex_table tables[EXPORT_TABLES];
	struct ex_cell cells[64];
};

static struct loaded *load_small(void)
{
	struct loaded *l = calloc(1, sizeof *l);
	struct error err;

	assert_non_null(l);
	small_run(&l->fx);
	assert_int_equal(ex_load(&l->run, l->fx.dir, &err), 0);
	assert_int_equal(ex_tables(&l->run, l->tables), 0);
	return l;
}

static void unload(struct loaded *l)
{
	ex_tables_free(l->tables);
	ex_free(&l->run);
	fixture_free(&l->fx);
	free(l);
}

static size_t column(const struct ex_table *t, const char *name)
{
	for (size_t c = 0; c < t->n_columns; c++)
		if (!strcmp(t->columns[c].name, name))
			return c;
	fail_msg("no column %s in %s", name, t->name);
	return 0;
}

/* The cell of column name in row. */
static const struct ex_cell *cell(struct loaded *l, size_t table, size_t row, const char *name)
{
	const struct ex_table *t = &l->tables[table];

	assert_true(row < t->n_rows);
	t->row(t, row, l->cells);
	return &l->cells[column(t, name)];
}

static void assert_text(const struct ex_cell *c, const char *text)
{
	assert_false(c->null);
	assert_string_equal(c->s, text);
}

static void tasks_table_has_every_planned_task(void **state)
{
	struct loaded *l = load_small();
	const struct ex_table *t = &l->tables[0];

	(void)state;
	assert_string_equal(t->name, "tasks");
	assert_int_equal(t->n_rows, 8);  /* 2 components x 4 scenarios */
	assert_text(cell(l, 0, 0, "run_id"), FIXTURE_RUN_ID);
	assert_text(cell(l, 0, 0, "component"), "model");
	assert_text(cell(l, 0, 4, "component"), "post");
	assert_int_equal(cell(l, 0, 5, "scenario")->i, 1);
	/* model 1: two attempts, the latest succeeded: no failure shown */
	assert_text(cell(l, 0, 1, "state"), "succeeded");
	assert_int_equal(cell(l, 0, 1, "attempts")->i, 2);
	assert_int_equal(cell(l, 0, 1, "peak_memory_bytes")->i, 300);  /* the largest */
	assert_true(cell(l, 0, 1, "failure_class")->null);
	assert_true(cell(l, 0, 1, "failure_message")->null);
	assert_int_equal(cell(l, 0, 1, "requested_memory_bytes")->i, GIB);
	/* model 2: failed for good */
	assert_text(cell(l, 0, 2, "failure_class"), "oom");
	assert_text(cell(l, 0, 2, "failure_message"), "OOM: \"big\", here");
	assert_int_equal(cell(l, 0, 2, "last_requested_memory_bytes")->i, 2 * GIB);
	assert_text(cell(l, 0, 2, "node"), "c03");
	assert_true(cell(l, 0, 2, "duration_s")->d == 3.0);
	/* model 3 never ran: null everywhere but its keys and zero attempts */
	assert_true(cell(l, 0, 3, "state")->null);
	assert_int_equal(cell(l, 0, 3, "attempts")->i, 0);
	assert_true(cell(l, 0, 3, "first_start")->null);
	assert_true(cell(l, 0, 3, "peak_memory_bytes")->null);
	assert_true(cell(l, 0, 3, "node")->null);
	/* post: no configured memory (null in plan.json) */
	assert_true(cell(l, 0, 4, "requested_memory_bytes")->null);
	assert_false(t->columns[column(t, "scenario")].nullable);
	assert_true(t->columns[column(t, "state")].nullable);
	assert_int_equal(t->columns[column(t, "first_start")].type, EX_TIMESTAMP);
	unload(l);
}

static void parameters_are_typed_over_all_scenarios(void **state)
{
	struct loaded *l = load_small();
	const struct ex_table *t = &l->tables[0];

	(void)state;
	assert_int_equal(t->columns[column(t, "param_year")].type, EX_INT64);
	assert_int_equal(t->columns[column(t, "param_rate")].type, EX_DOUBLE);  /* 1 and 0.5 */
	assert_int_equal(t->columns[column(t, "param_green")].type, EX_BOOL);
	assert_int_equal(t->columns[column(t, "param_tag")].type, EX_STRING);   /* 7 and x */
	assert_int_equal(t->columns[column(t, "param_note")].type, EX_STRING);
	assert_int_equal(cell(l, 0, 2, "param_year")->i, -3);
	assert_true(cell(l, 0, 2, "param_rate")->d == 2000.0);
	assert_true(cell(l, 0, 0, "param_green")->b);
	assert_false(cell(l, 0, 1, "param_green")->b);
	assert_text(cell(l, 0, 0, "param_tag"), "7");
	assert_text(cell(l, 0, 1, "param_tag"), "x");
	assert_text(cell(l, 0, 0, "param_note"), "a");
	assert_true(cell(l, 0, 1, "param_note")->null);   /* empty */
	assert_true(cell(l, 0, 2, "param_note")->null);   /* missing */
	assert_int_equal(cell(l, 0, 6, "param_year")->i, -3);  /* post's scenario 2 */
	unload(l);
}

static void attempts_merge_their_rows_and_take_the_retry_decision(void **state)
{
	struct loaded *l = load_small();
	const struct ex_table *t = &l->tables[1];

	(void)state;
	assert_int_equal(t->n_rows, 4);
	assert_int_equal(cell(l, 1, 1, "scenario")->i, 1);
	assert_int_equal(cell(l, 1, 1, "attempt")->i, 1);
	assert_text(cell(l, 1, 1, "state"), "failed");
	assert_text(cell(l, 1, 1, "failure_class"), "transient");
	assert_text(cell(l, 1, 1, "error_message"), "Connection reset");
	assert_int_equal(cell(l, 1, 1, "exit_code")->i, 75);
	assert_false(cell(l, 1, 1, "submitted")->null);
	assert_false(cell(l, 1, 1, "end")->null);
	assert_int_equal(cell(l, 1, 2, "attempt")->i, 2);
	assert_text(cell(l, 1, 2, "state"), "succeeded");
	assert_true(cell(l, 1, 2, "failure_class")->null);
	assert_true(cell(l, 1, 2, "retry_action")->null);
	assert_true(cell(l, 1, 0, "error_type")->null);
	assert_true(cell(l, 1, 0, "requested_walltime_s")->null);  /* the fixture gave none */
	assert_int_equal(l->tables[2].n_rows, 2);
	assert_text(cell(l, 2, 0, "failure_class"), "transient");
	assert_text(cell(l, 2, 0, "decided_by"), "fixture");
	assert_text(cell(l, 2, 1, "message"), "OOM: \"big\", here");
	assert_int_equal(cell(l, 2, 1, "job_id")->i, 1002);
	assert_true(cell(l, 2, 1, "retry_action")->null);  /* the fixture decided nothing */
	unload(l);
}

/* What fn writes for cell, as a string. */
static char *field_text(int (*fn)(FILE *, const struct ex_cell *, enum ex_type),
			struct ex_cell c, enum ex_type type)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_non_null(out);
	assert_int_equal(fn(out, &c, type), 0);
	assert_int_equal(fclose(out), 0);
	return buf;
}

#define CHECK_FIELD(fn, c, type, want) do { \
		char *got_ = field_text(fn, c, type); \
		assert_string_equal(got_, want); \
		free(got_); \
	} while (0)

static void csv_quotes_what_rfc4180_asks(void **state)
{
	(void)state;
	CHECK_FIELD(ex_csv_field, ((struct ex_cell){ .s = "plain" }), EX_STRING, "plain");
	CHECK_FIELD(ex_csv_field, ((struct ex_cell){ .s = "a,b" }), EX_STRING, "\"a,b\"");
	CHECK_FIELD(ex_csv_field, ((struct ex_cell){ .s = "say \"hi\"" }), EX_STRING,
		    "\"say \"\"hi\"\"\"");
	CHECK_FIELD(ex_csv_field, ((struct ex_cell){ .s = "l1\r\nl2" }), EX_STRING,
		    "\"l1\r\nl2\"");
	CHECK_FIELD(ex_csv_field, ((struct ex_cell){ .s = "tab\there" }), EX_STRING, "tab\there");
	CHECK_FIELD(ex_csv_field, ((struct ex_cell){ .s = "Zürich ✓" }), EX_STRING, "Zürich ✓");
	CHECK_FIELD(ex_csv_field, ((struct ex_cell){ .s = "" }), EX_STRING, "\"\"");
	CHECK_FIELD(ex_csv_field, ((struct ex_cell){ .null = true }), EX_STRING, "");
	CHECK_FIELD(ex_csv_field, ((struct ex_cell){ .null = true }), EX_INT64, "");
	CHECK_FIELD(ex_csv_field, ((struct ex_cell){ .i = -42 }), EX_INT64, "-42");
	CHECK_FIELD(ex_csv_field, ((struct ex_cell){ .d = 0.1 }), EX_DOUBLE, "0.1");
	CHECK_FIELD(ex_csv_field, ((struct ex_cell){ .d = 1.0 / 3 }), EX_DOUBLE,
		    "0.33333333333333331");
	CHECK_FIELD(ex_csv_field, ((struct ex_cell){ .b = true }), EX_BOOL, "true");
	CHECK_FIELD(ex_csv_field, ((struct ex_cell){ .i = 1767229200123 }), EX_TIMESTAMP,
		    "2026-01-01T01:00:00.123Z");
}

static void tsv_follows_nextflows_trace(void **state)
{
	(void)state;
	CHECK_FIELD(ex_tsv_field, ((struct ex_cell){ .null = true }), EX_STRING, "-");
	CHECK_FIELD(ex_tsv_field, ((struct ex_cell){ .null = true }), EX_DOUBLE, "-");
	CHECK_FIELD(ex_tsv_field, ((struct ex_cell){ .s = "a\tb\nc\r\nd" }), EX_STRING,
		    "a b c  d");
	CHECK_FIELD(ex_tsv_field, ((struct ex_cell){ .s = "q \"x\", y" }), EX_STRING,
		    "q \"x\", y");
	CHECK_FIELD(ex_tsv_field, ((struct ex_cell){ .i = 7 }), EX_INT64, "7");
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

/* A failure whose message holds bytes that are no UTF-8 and a NUL. */
static void garbage_stays_valid_utf8(void **state)
{
	struct dx_fixture fx;
	struct export_result r;
	struct error err;
	char *csv, *out;

	(void)state;
	fixture_begin(&fx, "failed");
	fixture_raw(&fx, "failures", "{\"component\": \"model\", \"task_id\": 0, \"attempt\": 1, "
		    "\"failure_class\": \"runtime_error\", \"message\": \"bad \xff\xfe bytes\\u0000 "
		    "and\\nline, \\\"q\\\" \xc3\"}\n");
	fixture_write(&fx);
	assert_true(asprintf(&out, "%s/out", fx.root) > 0);
	assert_int_equal(export_run(fx.dir, EXPORT_CSV, out, &r, &err), 0);
	assert_int_equal(r.files[2].rows, 1);
	csv = read_all(r.files[2].path);
	/* valid UTF-8 throughout: the stray bytes replaced, the NUL dropped */
	for (const char *p = csv; *p; ) {
		size_t n = utf8_char_length((const unsigned char *)p);

		assert_true(n > 0);
		p += n;
	}
	assert_non_null(strstr(csv, "\"bad ?? bytes and\nline, \"\"q\"\" ?\""));
	free(csv);
	export_result_free(&r);
	free(out);
	fixture_free(&fx);
}

static void export_run_writes_three_whole_files(void **state)
{
	struct dx_fixture fx;
	struct export_result r;
	struct error err;
	char *text, *path;

	(void)state;
	small_run(&fx);
	assert_int_equal(export_run(fx.dir, EXPORT_TSV, NULL, &r, &err), 0);
	assert_string_equal(r.run_id, FIXTURE_RUN_ID);
	assert_int_equal(r.n_files, 3);
	assert_int_equal(r.files[0].rows, 8);
	assert_true(asprintf(&path, "%s/export/tasks.tsv", fx.dir) > 0);
	assert_string_equal(r.files[0].path, path);
	text = read_all(path);
	assert_int_equal(strncmp(text, "run_id\tcomponent\tscenario\tstate\t", 32), 0);
	assert_non_null(strstr(text, "\tmodel\t3\t-\t0\t-\t"));  /* never ran */
	free(text);
	free(path);
	assert_true(asprintf(&path, "%s/export/tasks.tsv.tmp", fx.dir) > 0);
	assert_int_equal(access(path, F_OK), -1);
	free(path);
	export_result_free(&r);
	assert_int_equal(export_run(fx.dir, EXPORT_CSV, NULL, &r, &err), 0);
	text = read_all(r.files[1].path);
	assert_int_equal(strncmp(text, "run_id,component,scenario,attempt,", 34), 0);
	assert_non_null(strstr(text, "\r\n"));
	free(text);
	export_result_free(&r);
	fixture_free(&fx);
}

static void export_run_errors(void **state)
{
	struct dx_fixture fx;
	struct export_result r;
	struct error err;
	char *blocked, *no_run;

	(void)state;
	small_run(&fx);
	assert_true(asprintf(&no_run, "%s/none", fx.root) > 0);
	assert_int_equal(export_run(no_run, EXPORT_CSV, NULL, &r, &err), -1);
	assert_int_equal(err.exit_code, SCALABLE_EXIT_NOT_FOUND);
	export_result_free(&r);
	/* the output directory is a file: nothing can be written */
	assert_true(asprintf(&blocked, "%s/blocked", fx.root) > 0);
	tmpdir_write(fx.root, "blocked", "x");
	assert_int_equal(export_run(fx.dir, EXPORT_CSV, blocked, &r, &err), -1);
	assert_int_equal(err.exit_code, SCALABLE_EXIT_SYSTEM);
	export_result_free(&r);
	free(blocked);
	free(no_run);
	fixture_free(&fx);
}

static void format_names(void **state)
{
	enum export_format f;

	(void)state;
	assert_true(export_format_from_name("parquet", &f));
	assert_int_equal(f, EXPORT_PARQUET);
	assert_true(export_format_from_name("tsv", &f));
	assert_string_equal(export_format_name(f), "tsv");
	assert_false(export_format_from_name("xlsx", &f));
	assert_false(export_format_from_name("CSV", &f));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tasks_table_has_every_planned_task),
		cmocka_unit_test(parameters_are_typed_over_all_scenarios),
		cmocka_unit_test(attempts_merge_their_rows_and_take_the_retry_decision),
		cmocka_unit_test(csv_quotes_what_rfc4180_asks),
		cmocka_unit_test(tsv_follows_nextflows_trace),
		cmocka_unit_test(garbage_stays_valid_utf8),
		cmocka_unit_test(export_run_writes_three_whole_files),
		cmocka_unit_test(export_run_errors),
		cmocka_unit_test(format_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
