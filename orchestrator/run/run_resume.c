/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Resuming a run in a new wave (see run_resume.h). */
#include "run/run_resume.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "retry/retry_decision.h"
#include "retry/retry_wave.h"
#include "run/run_cache.h"
#include "run/run_outputs.h"
#include "run/run_submit.h"
#include "run/run_stages.h"
#include "run/run_window.h"
#include "scenarios/scenarios.h"

/* Per (component, index), component-major: the latest attempt and the
 * highest attempt number anything gave the task. */
struct task_table {
	const struct config *config;
	size_t n_scenarios;
	const struct task_attempt **latest;
	unsigned *max_attempt;
};

static long component_slot(const struct config *config, const char *name)
{
	for (size_t c = 0; name && c < config->n_components; c++)
		if (strcmp(config->components[c].name, name) == 0)
			return (long)c;
	return -1;
}

static void take_attempt(const struct task_attempt *a, bool latest, void *ctx)
{
	struct task_table *t = ctx;
	long c = component_slot(t->config, a->component);
	size_t at;

	if (c < 0 || a->index >= t->n_scenarios)
		return;
	at = (size_t)c * t->n_scenarios + a->index;
	if (latest)
		t->latest[at] = a;
	if (a->attempt > t->max_attempt[at])
		t->max_attempt[at] = a->attempt;
}

/* Attempts the journal gave, submitted or not (a refused chunk's too). */
static void take_journal(struct task_table *t, const struct journal_replay *replay)
{
	for (size_t s = 0; s < replay->count; s++) {
		const struct journal_submission *sub = &replay->submissions[s];
		long c = component_slot(t->config, sub->component);

		for (size_t k = 0; c >= 0 && k < sub->n_tasks; k++) {
			const struct plan_task *task = &sub->tasks[k];
			size_t at = (size_t)c * t->n_scenarios + task->index;

			if (task->index < t->n_scenarios && task->attempt > t->max_attempt[at])
				t->max_attempt[at] = task->attempt;
		}
	}
}

static int table_fill(struct run_session *s, struct task_table *t, struct error *err)
{
	size_t n = s->config->n_components * t->n_scenarios;

	t->config = s->config;
	t->latest = calloc(n + 1, sizeof *t->latest);
	t->max_attempt = calloc(n + 1, sizeof *t->max_attempt);
	if (!t->latest || !t->max_attempt) {
		errno = ENOMEM;
		error_system(err, "reading the tasks of %s", s->run->id);
		return -1;
	}
	tracker_foreach(s->tracker, take_attempt, t);
	take_journal(t, journal_state(s->journal));
	return 0;
}

/* A retry decided and not submitted yet, or a scenario its pack never
 * started: the follow loop's to submit. */
static bool retry_pending_for(const struct task_attempt *a)
{
	if (a->state == TASK_CANCELLED && a->not_started)
		return true;
	return a->state == TASK_FAILED && a->retry && a->retry->action == RETRY_RESUBMIT &&
	       a->retry->next_attempt > a->attempt;
}

/* The next attempt's resources (see run_resume.h), into d. */
static void resume_resources(const struct run_session *s, const struct component *c,
			     const struct task_attempt *last, struct retry_decision *d)
{
	d->resources = component_resources(c, s->target);
	d->exclude[0] = '\0';
	if (!last)
		return;
	if (last->retry && last->retry->action == RETRY_RESUBMIT) {
		d->resources = last->retry->resources;
		memcpy(d->exclude, last->retry->exclude, sizeof d->exclude);
		return;
	}
	if (last->requested.memory_bytes > d->resources.memory_bytes)
		d->resources.memory_bytes = last->requested.memory_bytes;
	if (last->requested.walltime_s > d->resources.walltime_s)
		d->resources.walltime_s = last->requested.walltime_s;
}

/* What one task needs: nothing (false), or a new attempt into d. */
static bool wants_resume(const struct run_session *s, const struct component *c, size_t index,
			 const struct task_attempt *last, unsigned max_attempt, bool outputs_gone,
			 struct run_resume_outcome *out, struct retry_decision *d)
{
	if (last && (last->state == TASK_SUCCEEDED || last->state == TASK_CACHED) &&
	    !outputs_gone)
		return false;
	if (!last && run_window_owns_unsubmitted(s)) {
		out->in_flight++;  /* the window submits it under its chunk's key */
		return false;
	}
	/* a closed run has no follower left to submit a decided retry: take it */
	if (last && (!task_state_is_final(last->state) ||
		     (s->record.status == RUN_STATUS_RUNNING &&
		      retry_pending_for(last)))) {
		out->in_flight++;
		return false;
	}
	memset(d, 0, sizeof *d);
	d->action = RETRY_RESUBMIT;
	d->component = c;
	d->index = index;
	d->attempt = max_attempt;
	d->next_attempt = max_attempt + 1;
	resume_resources(s, c, last, d);
	return true;
}

/* Every task to resume: the growing arrays of decisions and, for each, its
 * cache source (NULL: submit it). */
struct picked {
	struct retry_decision *d;
	const char **hit;
	size_t n, cap;
};

static int grow(struct picked *p)
{
	size_t cap = p->cap ? 2 * p->cap : 64;
	struct retry_decision *d = realloc(p->d, cap * sizeof *d);
	const char **hit = d ? realloc(p->hit, cap * sizeof *hit) : NULL;

	if (d)
		p->d = d;
	if (!hit)
		return -1;
	p->hit = hit;
	p->cap = cap;
	return 0;
}

/* Whether a task that succeeded (or was cached) lost its outputs since. */
static int outputs_gone(const struct run_session *s, const struct component *c,
			const struct task_attempt *last, bool *gone,
			struct run_resume_outcome *out, struct error *err)
{
	bool present = true;

	*gone = false;
	if (!last || (last->state != TASK_SUCCEEDED && last->state != TASK_CACHED))
		return 0;
	if (run_outputs_present(s, c, last, &present, err) != 0)
		return -1;
	*gone = !present;
	out->outputs_gone += *gone;
	return 0;
}

static int pick(struct run_session *s, const struct task_table *t, bool use_cache,
		struct picked *p, struct run_resume_outcome *out, struct error *err)
{
	for (size_t c = 0; c < s->config->n_components; c++) {
		const struct component *component = &s->config->components[c];

		for (size_t i = 0; i < t->n_scenarios; i++) {
			size_t at = c * t->n_scenarios + i;
			bool gone;

			if (p->n == p->cap && grow(p) != 0) {
				errno = ENOMEM;
				error_system(err, "resuming %s", s->run->id);
				return -1;
			}
			if (run_stages_owns(s->config, t->latest[at], component)) {
				/* they follow their upstreams, by the same stage steps */
				out->staged += (!component->fan_in || i == 0) &&  /* a fan-in is task 0 */
					       (!t->latest[at] ||
						(t->latest[at]->state != TASK_SUCCEEDED &&
						 t->latest[at]->state != TASK_CACHED));
				continue;
			}
			if (outputs_gone(s, component, t->latest[at], &gone, out, err) != 0)
				return -1;
			if (!wants_resume(s, component, i, t->latest[at], t->max_attempt[at], gone,
					  out, &p->d[p->n]))
				continue;
			p->hit[p->n] = use_cache ? run_cache_lookup(s, component, i) : NULL;
			if (p->hit[p->n])
				out->cached++;
			else
				out->never_submitted += t->latest[at] == NULL;
			p->n++;
		}
	}
	out->resubmitted = p->n - out->cached;
	run_cache_say_refused(s);
	return 0;
}

/* The cache hits recorded, then the rest as one wave. */
static int submit(struct run_session *s, struct retry_decision *d, const char **hit, size_t n,
		  struct run_resume_outcome *out, struct error *err)
{
	struct retry_wave w;
	int rc;

	for (size_t k = 0; k < n; k++) {
		if (!hit[k])
			continue;
		if (run_cache_take_hit(s, d[k].component, d[k].index, d[k].next_attempt, hit[k],
				       err) != 0)
			return -1;
		d[k].action = RETRY_GIVE_UP;  /* not for the wave */
	}
	if (out->resubmitted == 0)
		return 0;
	if (retry_wave_group(d, n, time(NULL), &w, err) != 0)
		return -1;
	journal_wave_name(journal_state(s->journal)->last_wave + 1, out->wave, sizeof out->wave);
	rc = run_submit_wave(s, &w, err);
	retry_wave_free(&w);
	return rc;
}

int run_session_resume(struct run_session *s, bool use_cache, struct run_resume_outcome *out,
		       struct error *err)
{
	struct task_table t = { 0 };
	struct picked p = { 0 };
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (!s->config || !s->target || !s->journal) {
		error_usage(err, "cannot resume %s without the config it started with", s->run->id);
		return -1;
	}
	/* an orchestrator died: settle what ended since, so that it counts */
	if (s->record.status == RUN_STATUS_RUNNING &&
	    (tracker_poll_events(s->tracker, err) < 0 ||
	     backend_poll(s->backend, s->tracker, err) != 0))
		return -1;
	if (use_cache && run_cache_load_index(s, err) != 0)
		return -1;
	t.n_scenarios = scenarios_count(s->config->scenarios);
	s->stages_resume_wave = journal_state(s->journal)->last_wave + 1;
	if (table_fill(s, &t, err) == 0 && pick(s, &t, use_cache, &p, out, err) == 0) {
		if (p.n == 0 && !(out->staged && run_stages_pending(s)))
			out->staged = 0;  /* nor would the stages do anything now: untouched */
		if (p.n > 0)
			rc = run_record_reopen(s->run->path, &s->record, err) == 0
				     ? submit(s, p.d, p.hit, p.n, out, err) : -1;
		else  /* only the stages' (a fan-in that failed): the follow loop's */
			rc = out->staged ? run_record_reopen(s->run->path, &s->record, err) : 0;
	}
	free(t.latest);
	free(t.max_attempt);
	free(p.d);
	free(p.hit);
	return rc;
}
