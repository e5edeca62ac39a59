/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading tasks.jsonl (see dx_task_line): each task's latest attempt and
 * state, the attempts each node ran, the durations and requests per
 * component, and the peaks of failed attempts into groups by class and
 * pattern. Rows that only move an attempt along (submitted, running,
 * requeued) are read up to their state and no further: they are most of
 * the file. */
#include <stdlib.h>
#include <string.h>

#include "diagnose/diagnose_impl.h"
#include "diagnose/diagnose_pattern.h"
#include "diagnose/diagnose_scan.h"
#include "rundir/record_fields.h"

struct task_fields {
	struct jspan component, worker, failure_class, error_message;
	int64_t task_id, attempt;
	int state;                     /* enum task_state; -1 unknown */
	double duration;
	int64_t max_rss, memory, walltime;
};

static int parse_state(struct jspan v)
{
	char name[16];
	enum task_state state;

	if (!jscan_string(v, name, sizeof name, NULL) || !task_state_from_name(name, &state))
		return -1;
	return (int)state;
}

/* Whether the row says everything a non-final row can say. */
static bool enough(const struct task_fields *f)
{
	return f->state >= 0 && !task_state_is_final((enum task_state)f->state) &&
	       f->task_id >= 0 && f->attempt >= 0 && f->component.p;
}

/* Reads one member into f. */
static void read_member(struct jspan k, struct jspan v, struct task_fields *f)
{
	if (jscan_key_is(k, RECORD_TASK_ID))
		(void)jscan_int(v, &f->task_id);
	else if (jscan_key_is(k, RECORD_COMPONENT))
		f->component = v;
	else if (jscan_key_is(k, RECORD_ATTEMPT))
		(void)jscan_int(v, &f->attempt);
	else if (jscan_key_is(k, RECORD_STATE))
		f->state = parse_state(v);
	else if (jscan_key_is(k, RECORD_DURATION_S))
		(void)jscan_number(v, &f->duration);
	else if (jscan_key_is(k, RECORD_WORKER))
		f->worker = v;
	else if (jscan_key_is(k, RECORD_MAX_RSS_BYTES))
		(void)jscan_int(v, &f->max_rss);
	else if (jscan_key_is(k, RECORD_REQUESTED_MEMORY_BYTES))
		(void)jscan_int(v, &f->memory);
	else if (jscan_key_is(k, RECORD_REQUESTED_WALLTIME_S))
		(void)jscan_int(v, &f->walltime);
	else if (jscan_key_is(k, RECORD_FAILURE_CLASS))
		f->failure_class = v;
	else if (jscan_key_is(k, RECORD_ERROR_MESSAGE))
		f->error_message = v;
}

static bool read_fields(const char *line, size_t len, struct task_fields *f)
{
	struct jscan s;
	struct jspan k, v;

	memset(f, 0, sizeof *f);
	f->task_id = f->attempt = f->max_rss = f->memory = f->walltime = -1;
	f->state = -1;
	f->duration = -1;
	if (!jscan_begin(&s, (struct jspan){ line, len }))
		return false;
	while (jscan_next(&s, &k, &v)) {
		read_member(k, v, f);
		if (enough(f))
			return true;
	}
	return !s.bad && s.done && f->state >= 0 && f->task_id >= 0 &&
	       f->task_id < DX_TASK_ID_MAX && f->component.p;
}

/* How far along an attempt a state is (enum task_state + 1 as stored). */
static int progress(unsigned state)
{
	switch (state) {
	case 0: return 0;
	case TASK_SUBMITTED + 1: return 1;
	case TASK_REQUEUED + 1: return 2;
	case TASK_RUNNING + 1: return 3;
	default: return 4;  /* succeeded, failed, cancelled, cached */
	}
}

bool dx_task_moves_on(const struct dx_task_state *was, uint32_t attempt, unsigned state)
{
	return attempt > was->attempt ||
	       (attempt == was->attempt && progress(state) >= progress(was->state));
}

/* Moves the task's latest attempt along. */
static void note_state(struct dx_component *c, const struct task_fields *f)
{
	struct dx_task_state *t = &c->tasks[f->task_id];
	uint32_t attempt = f->attempt > 0 ? (uint32_t)f->attempt : 1;

	if (dx_task_moves_on(t, attempt, (unsigned)f->state + 1)) {
		t->attempt = attempt;
		t->state = (uint8_t)(f->state + 1);
	}
}

/* Appends value to a growing array of floats (durations, peaks). */
static int add_value(float **values, size_t *n, size_t *cap, double value)
{
	if (*n == *cap) {
		size_t grown_cap = *cap ? *cap * 2 : 256;
		float *grown = realloc(*values, grown_cap * sizeof *grown);

		if (!grown)
			return -1;
		*values = grown;
		*cap = grown_cap;
	}
	(*values)[(*n)++] = (float)value;
	return 0;
}

static bool needs_peaks(const char *failure_class)
{
	return !strcmp(failure_class, "oom") || !strcmp(failure_class, "timeout");
}

/* Adds a failed attempt's peak, request and time to its group (in this
 * partial: a group without failures, merged into the failures' own). */
static int add_to_group(struct diagnosis *dx, uint32_t comp, const struct task_fields *f)
{
	char message[DX_MESSAGE_MAX], pattern[DX_MESSAGE_MAX];
	struct dx_group_component *gc;
	struct dx_group *g;
	bool oom = false;
	uint32_t class_id = dx_intern(&dx->classes, f->failure_class, &oom);

	if (class_id == DX_NO_ID)
		return oom ? -1 : 0;
	if (!needs_peaks(dx->classes.names[class_id]))
		return 0;  /* only memory and walltime findings read them */
	if (!f->error_message.p ||
	    !jscan_string(f->error_message, message, sizeof message, NULL))
		message[0] = '\0';
	diagnose_pattern(message, pattern, sizeof pattern);
	if (!(g = dx_group_get(dx, class_id, pattern, true)) ||
	    dx_grow((void **)&g->by_component, &g->n_by_component, comp, sizeof *g->by_component))
		return -1;
	gc = &g->by_component[comp];
	if (f->max_rss > 0) {
		gc->measured++;
		if (f->max_rss > gc->peak_rss)
			gc->peak_rss = f->max_rss;
	}
	if (f->memory > gc->request)
		gc->request = f->memory;
	if (f->duration > gc->elapsed_max)
		gc->elapsed_max = f->duration;
	if (f->walltime > gc->walltime)
		gc->walltime = f->walltime;
	if (!strcmp(dx->classes.names[class_id], "oom"))
		return dx_requests_add(&gc->requests, f->memory, f->max_rss);
	return 0;
}

/* What an attempt that ended tells: its node, duration, requests, peak. */
static int note_ended(struct diagnosis *dx, struct dx_component *c, uint32_t comp,
		      const struct task_fields *f)
{
	bool oom = false;
	uint32_t worker = dx_intern(&dx->workers, f->worker, &oom);

	if (oom)
		return -1;
	if (worker != DX_NO_ID) {
		if (dx_grow((void **)&dx->attempts_by_worker, &dx->n_attempts_by_worker, worker,
			    sizeof *dx->attempts_by_worker))
			return -1;
		dx->attempts_by_worker[worker]++;
	}
	if (f->duration >= 0 &&
	    add_value(&c->durations, &c->n_durations, &c->cap_durations, f->duration) != 0)
		return -1;
	if (f->max_rss > 0 &&
	    add_value(&c->peaks, &c->n_peaks, &c->cap_peaks, (double)f->max_rss) != 0)
		return -1;
	if (f->memory > c->memory_request)
		c->memory_request = f->memory;
	if (f->attempt == 1 && f->memory > 0 &&
	    (!c->first_request || f->memory < c->first_request))
		c->first_request = f->memory;
	if (dx_requests_add(&c->requests, f->memory, f->max_rss) != 0)
		return -1;
	if (f->walltime > c->walltime_request)
		c->walltime_request = f->walltime;
	if (f->state == TASK_SUCCEEDED && f->max_rss > c->peak_succeeded)
		c->peak_succeeded = f->max_rss;
	return f->state == TASK_FAILED ? add_to_group(dx, comp, f) : 0;
}

static int add_row(struct diagnosis *dx, const struct task_fields *f)
{
	bool oom = false;
	uint32_t comp = dx_intern(&dx->components, f->component, &oom);
	struct dx_component *c;

	if (comp == DX_NO_ID) {
		dx->tasks_file.skipped += !oom;  /* a row without a component */
		return oom ? -1 : 0;
	}
	if (dx_grow((void **)&dx->comps, &dx->n_comps, comp, sizeof *dx->comps))
		return -1;
	c = &dx->comps[comp];
	if (dx_grow((void **)&c->tasks, &c->n_tasks, (size_t)f->task_id, sizeof *c->tasks))
		return -1;
	note_state(c, f);
	if (f->state == TASK_SUCCEEDED || f->state == TASK_FAILED)
		return note_ended(dx, c, comp, f);
	return 0;
}

int dx_task_line(const char *line, size_t len, uint64_t offset, void *partial)
{
	struct diagnosis *dx = partial;
	struct task_fields f;

	(void)offset;
	if (!read_fields(line, len, &f) || f.task_id >= DX_TASK_ID_MAX) {
		dx->tasks_file.skipped++;
		return 0;
	}
	return add_row(dx, &f);
}
