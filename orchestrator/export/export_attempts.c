/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tasks.jsonl into one row per attempt: each record is a state change of
 * an attempt, and the attempt keeps the latest known value of each field
 * (the file is in the order things happened). Its times: submitted at its
 * first `submitted` record, started at its last `running` one (a requeued
 * attempt starts again), ended at its final state's. */
#include <stdlib.h>
#include <string.h>

#include "export/export_impl.h"
#include "rundir/record_fields.h"
#include "rundir/task_record.h"

#define TIME_MAX 64

/* What one record says; ids DX_NO_ID and numbers -1 when it says nothing. */
struct line {
	uint32_t comp, wave, cls, node, error_type;
	int64_t index, attempt, job_id, array_job_id, array_task_id, exit_code, signal;
	int64_t peak, req_mem, req_wall, restarts, time_ms;
	double elapsed;
	int state;
	struct jspan message;
};

uint64_t ex_attempt_key(uint32_t comp, uint32_t index, uint32_t attempt)
{
	return (uint64_t)comp << 48 | (uint64_t)index << 16 | attempt;
}

static int64_t count_of(struct jspan v)
{
	int64_t n;

	return jscan_int(v, &n) && n >= 0 ? n : -1;
}

static void read_number(struct line *l, struct jspan k, struct jspan v)
{
	if (jscan_key_is(k, RECORD_TASK_ID)) l->index = count_of(v);
	else if (jscan_key_is(k, RECORD_ATTEMPT)) l->attempt = count_of(v);
	else if (jscan_key_is(k, RECORD_JOB_ID)) l->job_id = count_of(v);
	else if (jscan_key_is(k, RECORD_ARRAY_JOB_ID)) l->array_job_id = count_of(v);
	else if (jscan_key_is(k, RECORD_ARRAY_TASK_ID)) l->array_task_id = count_of(v);
	else if (jscan_key_is(k, RECORD_EXIT_CODE)) l->exit_code = count_of(v);
	else if (jscan_key_is(k, RECORD_SIGNAL)) l->signal = count_of(v);
	else if (jscan_key_is(k, RECORD_MAX_RSS_BYTES)) l->peak = count_of(v);
	else if (jscan_key_is(k, RECORD_REQUESTED_MEMORY_BYTES)) l->req_mem = count_of(v);
	else if (jscan_key_is(k, RECORD_REQUESTED_WALLTIME_S)) l->req_wall = count_of(v);
	else if (jscan_key_is(k, RECORD_RESTART_COUNT)) l->restarts = count_of(v);
	else if (jscan_key_is(k, RECORD_DURATION_S) && !jscan_number(v, &l->elapsed)) l->elapsed = -1;
}

static void read_field(struct ex_run *run, struct line *l, struct jspan k, struct jspan v)
{
	char text[TIME_MAX];
	enum task_state state;

	if (jscan_key_is(k, RECORD_COMPONENT)) l->comp = dx_intern(&run->names, v, &run->oom);
	else if (jscan_key_is(k, RECORD_WAVE)) l->wave = dx_intern(&run->names, v, &run->oom);
	else if (jscan_key_is(k, RECORD_FAILURE_CLASS)) l->cls = dx_intern(&run->names, v, &run->oom);
	else if (jscan_key_is(k, RECORD_WORKER)) l->node = dx_intern(&run->names, v, &run->oom);
	else if (jscan_key_is(k, RECORD_ERROR_TYPE))
		l->error_type = dx_intern(&run->names, v, &run->oom);
	else if (jscan_key_is(k, RECORD_ERROR_MESSAGE)) l->message = v;
	else if (jscan_key_is(k, RECORD_STATE)) {
		if (jscan_string(v, text, sizeof text, NULL) && task_state_from_name(text, &state))
			l->state = (int)state;
	} else if (jscan_key_is(k, RECORD_TIMESTAMP)) {
		if (jscan_string(v, text, sizeof text, NULL))
			l->time_ms = ex_time_ms(text);
	} else {
		read_number(l, k, v);
	}
}

/* The attempt of key, added (unknown everywhere) when new; NULL when out of memory. */
static struct ex_attempt *attempt_of(struct ex_run *run, const struct line *l)
{
	uint64_t key = ex_attempt_key(l->comp, (uint32_t)l->index, (uint32_t)l->attempt);
	uintptr_t at = (uintptr_t)u64_map_get(&run->by_key, key);
	struct ex_attempt *a;

	if (at)
		return &run->attempts[at - 1];
	if (run->n_attempts == run->cap_attempts) {
		size_t cap = run->cap_attempts ? run->cap_attempts * 2 : 1024;

		if (!(a = realloc(run->attempts, cap * sizeof *a)))
			return NULL;
		run->attempts = a, run->cap_attempts = cap;
	}
	a = &run->attempts[run->n_attempts];
	*a = (struct ex_attempt){
		.comp = l->comp, .index = (uint32_t)l->index, .attempt = (uint32_t)l->attempt,
		.state = TASK_STATE_COUNT, .wave = DX_NO_ID, .cls = DX_NO_ID, .node = DX_NO_ID,
		.error_type = DX_NO_ID, .exit_code = -1, .signal = -1, .restart_count = -1,
		.job_id = -1, .array_job_id = -1, .array_task_id = -1, .peak = -1, .req_mem = -1,
		.req_wall = -1, .submitted_ms = EX_NO_TIME, .start_ms = EX_NO_TIME,
		.end_ms = EX_NO_TIME, .elapsed_s = -1, .message = EX_NO_TEXT,
	};
	if (u64_map_put(&run->by_key, key, (void *)(uintptr_t)(run->n_attempts + 1)) != 0)
		return NULL;
	return &run->attempts[run->n_attempts++];
}

#define KEEP(field, value, unknown) do { if ((value) != (unknown)) a->field = (value); } while (0)

static int merge_text(struct ex_run *run, struct ex_attempt *a, struct jspan message)
{
	char buf[4096];
	size_t n;

	if (!jscan_is_string(message) || !jscan_string(message, buf, sizeof buf, &n))
		return 0;
	a->message = ex_text_add(&run->text, buf, n, &run->oom);
	return run->oom ? -1 : 0;
}

static void merge_times(struct ex_attempt *a, const struct line *l)
{
	if (l->time_ms == EX_NO_TIME || l->state < 0)
		return;
	if (l->state == TASK_SUBMITTED && a->submitted_ms == EX_NO_TIME)
		a->submitted_ms = l->time_ms;
	else if (l->state == TASK_RUNNING)
		a->start_ms = l->time_ms;
	else if (task_state_is_final((enum task_state)l->state))
		a->end_ms = l->time_ms;
}

static int merge(struct ex_run *run, struct ex_attempt *a, const struct line *l)
{
	KEEP(state, l->state, -1);
	KEEP(wave, l->wave, DX_NO_ID);
	KEEP(cls, l->cls, DX_NO_ID);
	KEEP(node, l->node, DX_NO_ID);
	KEEP(error_type, l->error_type, DX_NO_ID);
	KEEP(exit_code, (int32_t)l->exit_code, -1);
	KEEP(signal, (int32_t)l->signal, -1);
	KEEP(restart_count, (int32_t)l->restarts, -1);
	KEEP(job_id, l->job_id, -1);
	KEEP(array_job_id, l->array_job_id, -1);
	KEEP(array_task_id, l->array_task_id, -1);
	KEEP(peak, l->peak, -1);
	KEEP(req_mem, l->req_mem, -1);
	KEEP(req_wall, l->req_wall, -1);
	if (l->elapsed >= 0)
		a->elapsed_s = l->elapsed;
	merge_times(a, l);
	return merge_text(run, a, l->message);
}

static int task_line(const char *text, size_t len, uint64_t offset, void *ctx)
{
	struct ex_run *run = ctx;
	struct line l = {
		.comp = DX_NO_ID, .wave = DX_NO_ID, .cls = DX_NO_ID, .node = DX_NO_ID,
		.error_type = DX_NO_ID, .index = -1, .attempt = -1, .job_id = -1,
		.array_job_id = -1, .array_task_id = -1, .exit_code = -1, .signal = -1,
		.peak = -1, .req_mem = -1, .req_wall = -1, .restarts = -1,
		.time_ms = EX_NO_TIME, .elapsed = -1, .state = -1,
	};
	struct jspan k, v;
	struct jscan js;
	struct ex_attempt *a;

	(void)offset;
	if (!jscan_begin(&js, (struct jspan){ text, len }))
		return 0;
	while (jscan_next(&js, &k, &v))
		read_field(run, &l, k, v);
	if (run->oom)
		return -1;
	/* not an attempt this table can hold: skipped, as diagnose skips it */
	if (js.bad || l.comp == DX_NO_ID || l.comp > 0xffff || l.index < 0 ||
	    l.index >= DX_TASK_ID_MAX || l.attempt < 1 || l.attempt > 0xffff)
		return 0;
	if (!(a = attempt_of(run, &l)))
		return -1;
	return merge(run, a, &l);
}

int ex_load_attempts(struct ex_run *run, struct error *err)
{
	char *path;
	int rc;

	if (asprintf(&path, "%s/%s", run->path, TELEMETRY_TASKS_FILE) < 0) {
		error_system(err, "cannot export %s", run->path);
		return -1;
	}
	rc = dx_read_lines(path, task_line, run, &run->tasks_file, err);
	free(path);
	return rc;
}
