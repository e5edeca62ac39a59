/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading failures.jsonl into groups (see dx_failure_line): one record per
 * failed attempt, its fields picked out by the scanner (diagnose_scan.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

#include "diagnose/diagnose_impl.h"
#include "diagnose/diagnose_pattern.h"
#include "diagnose/diagnose_scan.h"
#include "retry/retry_decision.h"
#include "rundir/record_fields.h"

static void read_evidence(struct jscan *details, struct dx_failure_fields *f)
{
	struct jscan s;
	struct jspan k, v;

	if (!jscan_enter(details, &s))
		return;
	while (jscan_next(&s, &k, &v)) {
		if (jscan_key_is(k, "elapsed_s"))
			(void)jscan_number(v, &f->elapsed);
		else if (jscan_key_is(k, "time_limit_s"))
			(void)jscan_int(v, &f->time_limit);
	}
}

/* details.retry {action, reason, ...}: what the orchestrator decided. */
static void read_retry(struct jscan *details, struct dx_failure_fields *f)
{
	struct jscan s;
	struct jspan k, v;

	if (!jscan_enter(details, &s))
		return;
	while (jscan_next(&s, &k, &v)) {
		if (jscan_key_is(k, "action"))
			f->retry_action = v;
		else if (jscan_key_is(k, "reason"))
			f->retry_reason = v;
	}
}

/* Whether the record's class, read before its details, is "timeout". */
static bool is_timeout(const struct dx_failure_fields *f)
{
	return f->failure_class.len == 9 && !memcmp(f->failure_class.p, "\"timeout\"", 9);
}

/* details {worker_id, attempt, exit_code, traceback, evidence, error_type}. */
static bool read_details(struct jscan *record, struct jspan value, struct dx_failure_fields *f)
{
	struct jscan s;
	struct jspan k, v;

	if (!jscan_enter(record, &s))
		return jscan_is_null(value);
	while (jscan_next(&s, &k, &v)) {
		if (jscan_key_is(k, RECORD_WORKER_ID))
			f->worker = v;
		else if (jscan_key_is(k, RECORD_ATTEMPT) && f->attempt < 0)
			(void)jscan_int(v, &f->attempt);
		else if (jscan_key_is(k, RECORD_EXIT_CODE))
			(void)jscan_int(v, &f->exit_code);
		else if (jscan_key_is(k, RECORD_SIGNAL))
			(void)jscan_int(v, &f->signal);
		else if (jscan_key_is(k, RECORD_TRACEBACK))
			f->traceback = v;
		else if (jscan_key_is(k, RECORD_ERROR_TYPE) && !f->error_type.p)
			f->error_type = v;
		else if (jscan_key_is(k, RECORD_EVIDENCE) && *v.p == '{' && is_timeout(f))
			read_evidence(&s, f);  /* elapsed and limit: for timeouts only */
		else if (jscan_key_is(k, RECORD_RETRY) && *v.p == '{')
			read_retry(&s, f);
	}
	return !s.bad;
}

bool dx_failure_fields(const char *line, size_t len, struct dx_failure_fields *f)
{
	struct jscan s;
	struct jspan k, v;

	memset(f, 0, sizeof *f);
	f->task_id = f->attempt = f->exit_code = f->signal = f->time_limit = -1;
	f->elapsed = -1;
	if (!jscan_begin(&s, (struct jspan){ line, len }))
		return false;
	while (jscan_next(&s, &k, &v)) {
		if (jscan_key_is(k, RECORD_FAILURE_CLASS))
			f->failure_class = v;
		else if (jscan_key_is(k, RECORD_MESSAGE))
			f->message = v;
		else if (jscan_key_is(k, RECORD_TASK_ID))
			(void)jscan_int(v, &f->task_id);
		else if (jscan_key_is(k, RECORD_COMPONENT))
			f->component = v;
		else if (jscan_key_is(k, RECORD_ATTEMPT))
			(void)jscan_int(v, &f->attempt);
		else if (jscan_key_is(k, RECORD_ERROR_TYPE))
			f->error_type = v;
		else if (jscan_key_is(k, RECORD_DETAILS) && !read_details(&s, v, f))
			return false;
	}
	return !s.bad && s.done;
}

static bool same_text(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Replaces *slot by a copy of text (NULL stays NULL); 0, or -1. */
static int replace(char **slot, const char *text)
{
	char *copy = text ? strdup(text) : NULL;

	if (text && !copy)
		return -1;
	free(*slot);
	*slot = copy;
	return 0;
}

/* Keeps the message, error type and task of the group's first record (the
 * one at the smallest offset, whichever thread reads it), its first
 * traceback, and whether the error types differ. */
static int keep_samples(struct dx_group *g, const char *message, const struct dx_failure_fields *f,
			uint32_t comp, uint64_t offset)
{
	char type[DX_NAME_MAX];
	const char *error_type = f->error_type.p &&
		jscan_string(f->error_type, type, sizeof type, NULL) && *type ? type : NULL;

	if (g->count > 1 && !same_text(g->error_type, error_type))
		g->mixed_error_types = true;
	if (g->count == 1 || offset < g->sample_offset) {
		if (replace(&g->message, message) || replace(&g->error_type, error_type))
			return -1;
		g->sample = (struct dx_task_ref){ comp, (uint32_t)f->task_id, 0 };
		g->sample_attempt = f->attempt > 0 ? (uint32_t)f->attempt : 1;
		g->sample_offset = offset;
	}
	/* Only a string: the decoder leaves the buffer of any other value unwritten. */
	if (f->traceback.p && f->traceback.len > 2 && jscan_is_string(f->traceback) &&
	    (!g->traceback || offset < g->traceback_offset)) {
		free(g->traceback);
		if (!(g->traceback = malloc(f->traceback.len)))
			return -1;
		jscan_string(f->traceback, g->traceback, f->traceback.len, NULL);
		g->traceback_offset = offset;
	}
	return 0;
}

static void count_exit(struct dx_group *g, int64_t code)
{
	size_t i;

	if (code < 0)
		return;
	for (i = 0; i < g->n_exits && g->exits[i].code != code; i++)
		;
	if (i == g->n_exits) {
		if (i == DX_EXIT_CODES)
			return;  /* beyond a few codes, the rest do not change the story */
		g->exits[g->n_exits++] = (struct dx_exit_count){ (int)code, 0 };
	}
	g->exits[i].count++;
}

/* An OOM attempt the orchestrator gave up on at retry.oom.memory_cap
 * ("oom: memory cap 64G reached", retry_decision.c): counted, with the cap. */
static void note_memory_cap(struct dx_group *g, uint32_t comp, const struct dx_failure_fields *f)
{
	static const char prefix[] = "memory cap ";
	char reason[RETRY_REASON_SIZE], size[32];
	const char *at;
	uint64_t cap;

	if (comp == DX_NO_ID || comp >= g->n_by_component || !f->retry_reason.p ||
	    !jscan_string(f->retry_reason, reason, sizeof reason, NULL) ||
	    !(at = strstr(reason, prefix)))
		return;
	g->by_component[comp].at_memory_cap++;
	if (sscanf(at + sizeof prefix - 1, "%31s", size) == 1 &&
	    units_parse_size(size, &cap, NULL) && (int64_t)cap > g->by_component[comp].memory_cap)
		g->by_component[comp].memory_cap = (int64_t)cap;
}

static int add_task_ref(struct dx_group *g, uint32_t component, int64_t task_id,
			int64_t attempt)
{
	if (g->n_tasks == g->cap_tasks) {
		size_t cap = g->cap_tasks ? g->cap_tasks * 2 : 16;
		struct dx_task_ref *grown = realloc(g->tasks, cap * sizeof *grown);

		if (!grown)
			return -1;
		g->tasks = grown;
		g->cap_tasks = cap;
	}
	g->tasks[g->n_tasks++] = (struct dx_task_ref){ component, (uint32_t)task_id,
						       attempt > 0 ? (uint32_t)attempt : 1 };
	return 0;
}

/* Counts the failure's node and component into the group. */
static int count_where(struct dx_group *g, uint32_t worker, uint32_t comp)
{
	if (worker != DX_NO_ID) {
		if (dx_grow((void **)&g->by_worker, &g->n_by_worker, worker, sizeof *g->by_worker))
			return -1;
		g->by_worker[worker]++;
	}
	if (comp != DX_NO_ID) {
		if (dx_grow((void **)&g->by_component, &g->n_by_component, comp,
			    sizeof *g->by_component))
			return -1;
		g->by_component[comp].failures++;
	}
	return 0;
}

/* Adds one failure record to its group; 1 when it is no failure record. */
static int add_failure(struct diagnosis *dx, const struct dx_failure_fields *f, uint64_t offset)
{
	char message[DX_MESSAGE_MAX], pattern[DX_MESSAGE_MAX];
	bool oom = false;
	uint32_t class_id = dx_intern(&dx->classes, f->failure_class, &oom);
	uint32_t worker = dx_intern(&dx->workers, f->worker, &oom);
	uint32_t comp = dx_intern(&dx->components, f->component, &oom);
	struct dx_group *g;

	if (oom)
		return -1;
	if (class_id == DX_NO_ID || f->task_id < 0 || f->task_id >= DX_TASK_ID_MAX)
		return 1;
	if (!f->message.p || !jscan_string(f->message, message, sizeof message, NULL))
		message[0] = '\0';
	diagnose_pattern(message, pattern, sizeof pattern);
	if (!(g = dx_group_get(dx, class_id, pattern, true)))
		return -1;
	g->count++;
	dx->failures++;
	if (f->attempt > 0 && (uint64_t)f->attempt > g->max_attempt)
		g->max_attempt = (unsigned)f->attempt;
	if (f->elapsed > g->elapsed_max)
		g->elapsed_max = f->elapsed;
	if (f->time_limit > g->time_limit)
		g->time_limit = f->time_limit;
	count_exit(g, f->exit_code);
	if (keep_samples(g, message, f, comp, offset) != 0 || count_where(g, worker, comp) != 0)
		return -1;
	if (g->failure_class == FAILURE_OOM)
		note_memory_cap(g, comp, f);
	return add_task_ref(g, comp, f->task_id, f->attempt);
}

int dx_failure_line(const char *line, size_t len, uint64_t offset, void *partial)
{
	struct diagnosis *dx = partial;
	struct dx_failure_fields f;
	int rc;

	if (!dx_failure_fields(line, len, &f)) {
		dx->failures_file.skipped++;
		return 0;
	}
	if ((rc = add_failure(dx, &f, offset)) > 0)
		dx->failures_file.skipped++;
	return rc < 0 ? -1 : 0;
}
