/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Run directories for diagnose's tests (see diagnose_fixture.h). */
#include "testing/diagnose_fixture.h"

#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "diagnose/diagnose.h"
#include "failure_class.h"
#include "lib/util/jsonl_file.h"
#include "rundir/run_record.h"
#include "rundir/telemetry.h"
#include "test/tmpdir.h"

static void append_json(struct strbuf *sb, json_t *record)
{
	char *text = json_dumps(record, JSON_COMPACT | JSON_PRESERVE_ORDER |
				JSON_REAL_PRECISION(JSONL_REAL_DIGITS));

	if (!text)
		abort();
	strbuf_puts(sb, text);
	strbuf_puts(sb, "\n");
	free(text);
	json_decref(record);
}

void fixture_begin(struct dx_fixture *fx, const char *status)
{
	struct run_record r = { 0 };
	struct error err;

	memset(fx, 0, sizeof *fx);
	fx->root = tmpdir_create();
	if (asprintf(&fx->dir, "%s/%s", fx->root, FIXTURE_RUN_ID) < 0)
		abort();
	tmpdir_write(fx->dir, "events/.keep", "");
	r.run_id = FIXTURE_RUN_ID;
	r.project_name = "energy";
	r.target_name = "hpc";
	r.provider_name = "slurm";
	snprintf(r.manifest_digest, sizeof r.manifest_digest, "%064d", 0);
	r.source_manifest_path = "/home/u/energy/scalable.yaml";
	snprintf(r.started_at, sizeof r.started_at, "2026-01-01T00:00:00.000Z");
	if (strcmp(status, "running") != 0)
		snprintf(r.finished_at, sizeof r.finished_at, "2026-01-01T08:00:00.000Z");
	if (!run_status_from_name(status, &r.status) || run_record_write(fx->dir, &r, &err) != 0)
		abort();
}

void fixture_scenario(struct dx_fixture *fx, size_t index, const char *parameters)
{
	strbuf_printf(&fx->scenarios, "{\"event_type\":\"scenario\",\"schema_version\":1,"
		      "\"index\":%zu,\"parameters\":%s}\n", index, parameters);
}

/* The failure record of a failed attempt. */
static void failure_record(struct dx_fixture *fx, const struct attempt_spec *a,
			   const struct task_row *t)
{
	struct failure_row row;
	json_t *evidence = json_pack("{s:s, s:f, s:I}", "decided_by", "fixture",
				     "elapsed_s", a->duration, "time_limit_s",
				     (json_int_t)(a->walltime ? a->walltime : 3600));

	failure_row_init(&row);
	row.component = t->component;
	row.index = t->index;
	row.attempt = t->attempt;
	if (!failure_class_from_name(a->failure_class, &row.failure_class))
		abort();
	row.message = a->message;
	row.error_type = a->error_type;
	row.timestamp = t->timestamp;
	row.worker = a->worker;
	row.job_id = 1000 + (int64_t)t->index;
	row.exit_code = a->exit_code;
	row.signal = 0;
	row.traceback = a->traceback ? a->traceback : a->message;
	row.evidence = evidence;
	row.retry = a->give_up ? json_pack("{s:s, s:s, s:s, s:I}", "action", "give_up",
					   "summary", "give up: ...", "reason", a->give_up,
					   "attempt", (json_int_t)t->attempt) : NULL;
	append_json(&fx->failures, failure_row_json(&row, FIXTURE_RUN_ID, "slurm"));
	json_decref(evidence);
	json_decref(row.retry);
}

void fixture_attempt(struct dx_fixture *fx, const struct attempt_spec *a)
{
	const char *state = a->state ? a->state : "succeeded";
	struct task_row row;

	task_row_init(&row);
	row.component = a->component ? a->component : "model";
	row.index = a->index;
	row.attempt = a->attempt ? a->attempt : 1;
	row.timestamp = "2026-01-01T01:00:00.000Z";
	row.wave = "w001";
	row.job_id = row.array_job_id = 1000;
	row.array_task_id = (int64_t)a->index;
	row.requested_memory_bytes = a->memory ? a->memory : -1;
	row.requested_walltime_s = a->walltime ? a->walltime : -1;
	row.state = TASK_SUBMITTED;
	append_json(&fx->tasks, task_row_json(&row, FIXTURE_RUN_ID));
	row.state = TASK_RUNNING;
	row.worker = a->worker;
	append_json(&fx->tasks, task_row_json(&row, FIXTURE_RUN_ID));
	if (!strcmp(state, "running"))
		return;
	if (!task_state_from_name(state, &row.state))
		abort();
	row.duration_s = a->duration;
	row.max_rss_bytes = a->rss ? a->rss : -1;
	row.exit_code = a->exit_code;
	row.signal = 0;
	if (row.state == TASK_FAILED) {
		failure_record(fx, a, &row);
		row.failure_class = a->failure_class;
		row.error_type = a->error_type;
		row.error_message = a->message;
	}
	append_json(&fx->tasks, task_row_json(&row, FIXTURE_RUN_ID));
}

void fixture_plan(struct dx_fixture *fx, const char *text)
{
	tmpdir_write(fx->dir, "plan.json", text);
}

void fixture_raw(struct dx_fixture *fx, const char *file, const char *text)
{
	struct strbuf *sb = !strcmp(file, "tasks") ? &fx->tasks :
			    !strcmp(file, "failures") ? &fx->failures : &fx->scenarios;

	strbuf_puts(sb, text);
}

void fixture_write(struct dx_fixture *fx)
{
	tmpdir_write(fx->dir, "tasks.jsonl", fx->tasks.text ? fx->tasks.text : "");
	tmpdir_write(fx->dir, "failures.jsonl", fx->failures.text ? fx->failures.text : "");
	if (fx->scenarios.text)
		tmpdir_write(fx->dir, "scenarios.jsonl", fx->scenarios.text);
}

static void append_file(const char *dir, const char *name, struct strbuf *sb)
{
	char *path;
	FILE *f;

	if (asprintf(&path, "%s/%s", dir, name) < 0 || !(f = fopen(path, "a")))
		abort();
	if (sb->len && fwrite(sb->text, 1, sb->len, f) != sb->len)
		abort();
	if (fclose(f) != 0)
		abort();
	free(path);
	strbuf_free(sb);
}

void fixture_append(struct dx_fixture *fx)
{
	append_file(fx->dir, "tasks.jsonl", &fx->tasks);
	append_file(fx->dir, "failures.jsonl", &fx->failures);
	append_file(fx->dir, "scenarios.jsonl", &fx->scenarios);
}

void fixture_free(struct dx_fixture *fx)
{
	strbuf_free(&fx->tasks);
	strbuf_free(&fx->failures);
	strbuf_free(&fx->scenarios);
	free(fx->dir);
	tmpdir_remove(fx->root);
}

static const char *const regions[] = { "north", "south", "east", "west", "central" };
static const char *const kinds[] = { "baseline", "efficiency", "electrification",
				     "high-growth" };

/* Writes the attempts of the tutorial's task i. */
static void tutorial_task(struct dx_fixture *fx, size_t i)
{
	char message[128], worker[8];
	struct attempt_spec a = { .index = i, .memory = 24 * GIB, .walltime = 600,
				  .rss = 2 * GIB, .duration = 100 + (double)(i % 50) * 5 };

	snprintf(worker, sizeof worker, "c%02zu", i % 8 + 1);
	a.worker = worker;
	if (i % 7 == 0) {
		snprintf(message, sizeof message, "OOM: scenario %zu exceeded memory limit", i);
		a = (struct attempt_spec){ .index = i, .state = "failed", .worker = "c12",
					   .duration = 42, .rss = 24 * GIB, .memory = 24 * GIB,
					   .walltime = 600, .failure_class = "oom",
					   .message = message, .error_type = "RuntimeError",
					   .exit_code = 1 };
	} else if (i == 3 || i == 5 || i == 10) {
		struct attempt_spec t = a;

		t.state = "failed";
		t.failure_class = "transient";
		t.message = "ConnectionError: Connection timed out (db.example.org:5432)";
		t.error_type = "ConnectionError";
		t.exit_code = 75;
		fixture_attempt(fx, &t);
		if (i == 10) {
			t.attempt = 2;
			fixture_attempt(fx, &t);
		}
		a.attempt = i == 10 ? 3 : 2;
	} else if (i == 50) {
		a.state = "failed";
		a.failure_class = "dependency_error";
		a.message = "ModuleNotFoundError: No module named 'pandas'";
		a.error_type = "ModuleNotFoundError";
		a.traceback = "Traceback (most recent call last):\n"
			      "  File \"/home/u/energy/model.py\", line 3, in <module>\n"
			      "    import pandas\n"
			      "ModuleNotFoundError: No module named 'pandas'";
		a.exit_code = 1;
	} else if (i == 101) {
		a.state = "failed";
		a.failure_class = "timeout";
		a.message = "TIMEOUT: reached its time limit";
		a.duration = 600.4;
		a.exit_code = 143;
	} else if (i % 20 == 1) {
		a.worker = "c12";  /* c12 runs some tasks well too */
	}
	fixture_attempt(fx, &a);
}

void fixture_tutorial(struct dx_fixture *fx, const char *status)
{
	char params[256];

	fixture_begin(fx, status);
	for (size_t i = 0; i < 200; i++) {
		snprintf(params, sizeof params, "{\"region\":\"%s\",\"scenario\":\"%s\","
			 "\"year\":\"%zu\"}", regions[i / 40], kinds[i / 10 % 4],
			 2025 + i % 10 * 5);
		fixture_scenario(fx, i, params);
		tutorial_task(fx, i);
	}
}

json_t *fixture_diagnose(const struct dx_fixture *fx, char **text)
{
	struct diagnosis *dx;
	struct error err;
	size_t len = 0;
	FILE *out = open_memstream(text, &len);
	json_t *json;

	assert_non_null(out);
	if (diagnose_run(fx->dir, &dx, &err) != 0)
		fail_msg("diagnose_run: %s", err.text);
	json = diagnose_json(dx);
	assert_non_null(json);
	assert_int_equal(diagnose_print(out, dx, false), 0);
	fclose(out);
	diagnose_free(dx);
	return json;
}

void assert_text_contains(const char *text, const char *part)
{
	if (!text || !strstr(text, part))
		fail_msg("'%s' not in: %s", part, text ? text : "(null)");
}
