/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The window of a run's queued tasks (see run_window.h). */
#include "run/run_window.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BACKOFF_FIRST_S 5
#define BACKOFF_MAX_S 300

size_t run_window_queued(const struct run_session *s)
{
	return tracker_queued_array_tasks(s->tracker);
}

bool run_window_admits(struct run_session *s, size_t n)
{
	size_t queued = 0;
	unsigned cap = s->target ? s->target->max_queued : 0;
	bool counted = false;

	if (s->window.blocked) {
		if (time(NULL) < s->window.retry_at)
			return false;
		queued = run_window_queued(s);
		counted = true;
		if (queued && queued >= s->window.queued_at_refusal)
			return false;
	}
	if (!cap)
		return true;
	if (!counted)
		queued = run_window_queued(s);
	return queued == 0 || queued + n <= cap;
}

bool run_window_refused(struct run_session *s)
{
	size_t queued = run_window_queued(s);
	unsigned shift = s->window.refusals < 6 ? s->window.refusals : 6;
	long delay = (long)BACKOFF_FIRST_S << shift;

	s->window.blocked = true;
	s->window.queued_at_refusal = queued;
	s->window.retry_at = time(NULL) + (delay < BACKOFF_MAX_S ? delay : BACKOFF_MAX_S);
	s->window.refusals++;
	s->window.idle_refusals = queued ? 0 : s->window.idle_refusals + 1;
	return s->window.idle_refusals < RUN_WINDOW_GIVE_UP;
}

void run_window_submitted(struct run_session *s)
{
	s->window.blocked = false;
	s->window.refusals = 0;
	s->window.idle_refusals = 0;
}

/* Whether the journal says every chunk of the first wave went in. */
static bool first_wave_done(const struct journal_replay *j)
{
	char first[32];

	journal_wave_name(1, first, sizeof first);
	return journal_wave_is_done(j, first);
}

bool run_window_pending(const struct run_session *s)
{
	if (!s->config || !s->journal || !s->target)
		return false;
	return !first_wave_done(journal_state(s->journal));
}

/* Whether a chunk of the first wave is journaled deferred. */
static bool first_wave_deferred(const struct journal_replay *j)
{
	char first[32];

	journal_wave_name(1, first, sizeof first);
	for (size_t i = 0; i < j->count; i++)
		if (j->submissions[i].state == JOURNAL_DEFERRED &&
		    !strcmp(j->submissions[i].wave, first))
			return true;
	return false;
}

bool run_window_owns_unsubmitted(const struct run_session *s)
{
	if (!run_window_pending(s))
		return false;
	return s->target->max_queued || first_wave_deferred(journal_state(s->journal));
}

/* plan.json's first-wave tasks (every group's) and max_queued. */
static int read_plan(const struct run_session *s, size_t *tasks, unsigned *max_queued)
{
	char *path = NULL;
	json_t *plan, *g;
	size_t i;

	if (asprintf(&path, "%s/plan.json", s->run->path) < 0)
		return -1;
	plan = json_load_file(path, 0, NULL);
	free(path);
	if (!plan)
		return -1;
	*tasks = 0;
	json_array_foreach(json_object_get(plan, "groups"), i, g)
		*tasks += (size_t)json_integer_value(json_object_get(g, "tasks"));
	*max_queued = (unsigned)json_integer_value(json_object_get(plan, "max_queued"));
	json_decref(plan);
	return 0;
}

void run_window_view(const struct run_session *s, struct run_window_view *v)
{
	const struct journal_replay *j = run_session_journal(s);
	struct tracker_counts c;
	size_t tasks, tracked;

	memset(v, 0, sizeof *v);
	if (s->record.status != RUN_STATUS_RUNNING || first_wave_done(j) ||
	    read_plan(s, &tasks, &v->max_queued) != 0)
		return;
	if (s->target)
		v->max_queued = s->target->max_queued;
	tracker_counts(s->tracker, NULL, &c);
	tracked = c.tasks - c.by_state[TASK_CACHED];  /* cached ones are not in the plan */
	v->unsubmitted = tasks > tracked ? tasks - tracked : 0;
	v->refused = first_wave_deferred(j);
}

unsigned run_window_recorded_max_queued(const struct run_session *s)
{
	size_t tasks;
	unsigned max_queued;

	return read_plan(s, &tasks, &max_queued) == 0 ? max_queued : 0;
}

size_t run_window_unsubmitted(const struct run_session *s)
{
	struct run_window_view v;

	run_window_view(s, &v);
	return v.unsubmitted;
}
