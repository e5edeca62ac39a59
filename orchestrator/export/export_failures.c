/* SPDX-License-Identifier: GPL-2.0-or-later */
/* failures.jsonl into one row per failed attempt, each linked to its
 * attempt (which takes its retry decision). */
#include <stdlib.h>
#include <string.h>

#include "export/export_impl.h"
#include "rundir/record_fields.h"

#define TEXT_MAX 8192

struct spans {
	struct jspan message, traceback, summary;
};

static int64_t count_of(struct jspan v)
{
	int64_t n;

	return jscan_int(v, &n) && n >= 0 ? n : -1;
}

static void read_retry(struct ex_run *run, struct jscan *retry, struct ex_failure *f,
		       struct spans *s)
{
	struct jspan k, v;

	while (jscan_next(retry, &k, &v)) {
		if (jscan_key_is(k, "action"))
			f->retry_action = dx_intern(&run->names, v, &run->oom);
		else if (jscan_key_is(k, "summary"))
			s->summary = v;
		else if (jscan_key_is(k, "delay_s") && !jscan_number(v, &f->retry_delay_s))
			f->retry_delay_s = -1;
	}
}

static void read_details(struct ex_run *run, struct jscan *d, struct ex_failure *f,
			 struct spans *s)
{
	struct jspan k, v;
	struct jscan child;

	while (jscan_next(d, &k, &v)) {
		if (jscan_key_is(k, RECORD_WORKER_ID)) f->node = dx_intern(&run->names, v, &run->oom);
		else if (jscan_key_is(k, RECORD_SLURM_STATE))
			f->slurm_state = dx_intern(&run->names, v, &run->oom);
		else if (jscan_key_is(k, RECORD_JOB_ID)) f->job_id = count_of(v);
		else if (jscan_key_is(k, RECORD_EXIT_CODE)) f->exit_code = (int32_t)count_of(v);
		else if (jscan_key_is(k, RECORD_SIGNAL)) f->signal = (int32_t)count_of(v);
		else if (jscan_key_is(k, RECORD_RESTART_COUNT)) f->restart_count = (int32_t)count_of(v);
		else if (jscan_key_is(k, RECORD_TRACEBACK)) s->traceback = v;
		else if (jscan_key_is(k, RECORD_RETRY) && jscan_enter(d, &child))
			read_retry(run, &child, f, s);
		else if (jscan_key_is(k, RECORD_EVIDENCE) && jscan_enter(d, &child)) {
			while (jscan_next(&child, &k, &v))
				if (jscan_key_is(k, "decided_by"))
					f->decided_by = dx_intern(&run->names, v, &run->oom);
		}
	}
}

static void read_top(struct ex_run *run, struct jscan *js, struct ex_failure *f,
		     struct spans *s, int64_t *index, int64_t *attempt)
{
	struct jspan k, v;
	struct jscan details;
	char time[64];

	while (jscan_next(js, &k, &v)) {
		if (jscan_key_is(k, RECORD_COMPONENT)) f->comp = dx_intern(&run->names, v, &run->oom);
		else if (jscan_key_is(k, RECORD_FAILURE_CLASS))
			f->cls = dx_intern(&run->names, v, &run->oom);
		else if (jscan_key_is(k, RECORD_ERROR_TYPE))
			f->error_type = dx_intern(&run->names, v, &run->oom);
		else if (jscan_key_is(k, RECORD_MESSAGE)) s->message = v;
		else if (jscan_key_is(k, RECORD_TASK_ID)) *index = count_of(v);
		else if (jscan_key_is(k, RECORD_ATTEMPT)) *attempt = count_of(v);
		else if (jscan_key_is(k, RECORD_TIMESTAMP) && jscan_string(v, time, sizeof time, NULL))
			f->time_ms = ex_time_ms(time);
		else if (jscan_key_is(k, RECORD_DETAILS) && jscan_enter(js, &details))
			read_details(run, &details, f, s);
	}
}

static uint64_t text_of(struct ex_run *run, struct jspan v)
{
	char buf[TEXT_MAX];
	size_t n;

	if (!jscan_is_string(v) || !jscan_string(v, buf, sizeof buf, &n))
		return EX_NO_TEXT;
	return ex_text_add(&run->text, buf, n, &run->oom);
}

static struct ex_failure *next_row(struct ex_run *run)
{
	if (run->n_failures == run->cap_failures) {
		size_t cap = run->cap_failures ? run->cap_failures * 2 : 256;
		struct ex_failure *f = realloc(run->failures, cap * sizeof *f);

		if (!f)
			return NULL;
		run->failures = f, run->cap_failures = cap;
	}
	return &run->failures[run->n_failures];
}

static int failure_line(const char *line, size_t len, uint64_t offset, void *ctx)
{
	struct ex_run *run = ctx;
	struct ex_failure *f = next_row(run);
	struct spans s = { .message = { NULL, 0 } };
	int64_t index = -1, attempt = -1;
	struct jscan js;
	uintptr_t at;

	(void)offset;
	if (!f)
		return -1;
	*f = (struct ex_failure){
		.comp = DX_NO_ID, .cls = DX_NO_ID, .error_type = DX_NO_ID, .decided_by = DX_NO_ID,
		.slurm_state = DX_NO_ID, .node = DX_NO_ID, .retry_action = DX_NO_ID,
		.exit_code = -1, .signal = -1, .restart_count = -1, .job_id = -1,
		.time_ms = EX_NO_TIME, .retry_delay_s = -1,
	};
	if (!jscan_begin(&js, (struct jspan){ line, len }))
		return 0;
	read_top(run, &js, f, &s, &index, &attempt);
	if (js.bad || f->comp == DX_NO_ID || f->comp > 0xffff || index < 0 ||
	    index >= DX_TASK_ID_MAX || attempt < 1 || attempt > 0xffff)
		return run->oom ? -1 : 0;  /* names no attempt: skipped */
	f->index = (uint32_t)index, f->attempt = (uint32_t)attempt;
	f->message = text_of(run, s.message);
	f->traceback = text_of(run, s.traceback);
	f->retry_summary = text_of(run, s.summary);
	if (run->oom)
		return -1;
	at = (uintptr_t)u64_map_get(&run->by_key, ex_attempt_key(f->comp, f->index, f->attempt));
	if (at)
		run->attempts[at - 1].failure = run->n_failures + 1;
	run->n_failures++;
	return 0;
}

int ex_load_failures(struct ex_run *run, struct error *err)
{
	char *path;
	int rc;

	if (asprintf(&path, "%s/%s", run->path, TELEMETRY_FAILURES_FILE) < 0) {
		error_system(err, "cannot export %s", run->path);
		return -1;
	}
	rc = dx_read_lines(path, failure_line, run, &run->failures_file, err);
	free(path);
	return rc;
}
