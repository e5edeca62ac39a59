/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The later stages' tasks, decided from the tracker (see run_stages.h). */
#include "run/run_stages.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "lib/util/atomic_file.h"
#include "retry/retry_decision.h"
#include "retry/retry_wave.h"
#include "run/run_submit.h"
#include "scenarios/scenarios.h"

/* What an upstream task's latest attempt means for its downstream. */
enum verdict { UP_READY, UP_WAIT, UP_DOOMED };

static enum verdict attempt_verdict(const struct task_attempt *a)
{
	if (!a)
		return UP_WAIT;  /* not submitted yet: its own stage comes first */
	switch (a->state) {
	case TASK_SUCCEEDED:
	case TASK_CACHED:
		return UP_READY;
	case TASK_FAILED:  /* a resubmission decided: its downstream waits for it */
		return a->retry && a->retry->action == RETRY_RESUBMIT ? UP_WAIT : UP_DOOMED;
	case TASK_CANCELLED:  /* a pack's scenario never started goes in again */
		return a->not_started ? UP_WAIT : UP_DOOMED;
	case TASK_SKIPPED:
		return UP_DOOMED;
	default:
		return UP_WAIT;
	}
}

static void describe(const struct component *u, size_t index, const struct task_attempt *a,
		     struct task_upstream *why)
{
	*why = (struct task_upstream){
		.component = u->name, .index = index, .attempt = a ? a->attempt : 0,
		.state = a ? task_state_name(a->state) : NULL,
		.failure_class = a && a->state == TASK_FAILED ? failure_class_name(a->failure_class)
							       : NULL,
	};
}

static enum verdict upstreams(const struct run_session *s, const struct component *c,
			      size_t index, struct task_upstream *why);

/* Task index of component u: a skipped one whose upstreams are no longer
 * doomed (resumed) is to run again, so it waits. */
static enum verdict task_verdict(const struct run_session *s, const struct component *u,
				 size_t index, const struct task_attempt **latest)
{
	struct task_upstream ignored;

	*latest = tracker_latest(s->tracker, u->name, index);
	if (*latest && (*latest)->state == TASK_SKIPPED &&
	    upstreams(s, u, index, &ignored) != UP_DOOMED)
		return UP_WAIT;
	return attempt_verdict(*latest);
}

/* Scenario index of c's upstreams: ready, waiting, or doomed (why says by whom). */
static enum verdict upstreams(const struct run_session *s, const struct component *c,
			      size_t index, struct task_upstream *why)
{
	enum verdict v = UP_READY;

	for (size_t k = 0; k < c->n_after; k++) {
		const struct component *u = &s->config->components[c->after[k]];
		const struct task_attempt *a;

		switch (task_verdict(s, u, index, &a)) {
		case UP_DOOMED:
			describe(u, index, a, why);
			return UP_DOOMED;
		case UP_WAIT:
			v = UP_WAIT;
			break;
		case UP_READY:
			break;
		}
	}
	return v;
}

static unsigned wave_number(const char *wave)
{
	return wave && wave[0] == 'w' ? (unsigned)strtoul(wave + 1, NULL, 10) : 0;
}

/* The decisions of one step: what goes into its wave. */
struct step {
	struct retry_decision *d;
	size_t n, cap;
	long acted;          /* submitted or skipped */
	bool dry;            /* run_stages_pending: count, change nothing */
};

static int add_task(struct step *st, const struct run_session *s, const struct component *c,
		    size_t index, const struct task_attempt *latest)
{
	struct retry_decision *d;

	st->acted++;
	if (st->dry)
		return 0;
	if (st->n == st->cap) {
		size_t cap = st->cap ? 2 * st->cap : 64;

		if (!(d = realloc(st->d, cap * sizeof *d)))
			return -1;
		st->d = d;
		st->cap = cap;
	}
	d = &st->d[st->n++];
	memset(d, 0, sizeof *d);
	d->action = RETRY_RESUBMIT;
	d->component = c;
	d->index = index;
	d->attempt = latest ? latest->attempt : 0;
	d->next_attempt = d->attempt + 1;
	d->resources = component_resources(c, s->target);
	return 0;
}

static int skip_task(struct step *st, struct run_session *s, const struct component *c,
		     size_t index, const struct task_upstream *why, struct error *err)
{
	st->acted++;
	return st->dry ? 0 : tracker_add_skipped(s->tracker, c->name, index, 1, why, err);
}

/* A per-scenario component of a later stage. */
static int scenario_step(struct step *st, struct run_session *s, const struct component *c,
			 size_t n, struct error *err)
{
	struct task_upstream why;

	for (size_t i = 0; i < n; i++) {
		const struct task_attempt *latest = tracker_latest(s->tracker, c->name, i);
		enum verdict v;

		if (latest && latest->state != TASK_SKIPPED)
			continue;  /* it ran, or runs: its own retries follow it */
		v = upstreams(s, c, i, &why);
		if (v == UP_READY && add_task(st, s, c, i, latest) != 0) {
			errno = ENOMEM;
			error_system(err, "deciding the stages of %s", s->run->id);
			return -1;
		}
		if (v == UP_DOOMED && !latest && skip_task(st, s, c, i, &why, err) != 0)
			return -1;
	}
	return 0;
}

/* What a fan-in's upstreams came to; false while one is not final. */
struct fan_in_view {
	size_t succeeded, doomed;
	unsigned newest_wave;
	struct task_upstream why;  /* the first that did not succeed */
};

static bool fan_in_view(const struct run_session *s, const struct component *f, size_t n,
			struct fan_in_view *v)
{
	memset(v, 0, sizeof *v);
	for (size_t k = 0; k < f->n_after; k++) {
		const struct component *u = &s->config->components[f->after[k]];

		for (size_t i = 0; i < n; i++) {
			const struct task_attempt *a;
			enum verdict verdict = task_verdict(s, u, i, &a);

			if (verdict == UP_WAIT)
				return false;
			if (verdict == UP_DOOMED && v->doomed++ == 0)
				describe(u, i, a, &v->why);
			v->succeeded += verdict == UP_READY;
			if (wave_number(a->wave) > v->newest_wave)
				v->newest_wave = wave_number(a->wave);
		}
	}
	return true;
}

static bool when_holds(const struct component *f, const struct fan_in_view *v)
{
	switch (f->when) {
	case WHEN_ALL_SUCCEEDED: return v->doomed == 0;
	case WHEN_ANY_SUCCEEDED: return v->succeeded > 0;
	case WHEN_ALWAYS: return true;
	}
	return false;
}

/* Whether the fan-in's last attempt is out of date: never ran, skipped, or
 * ran before an upstream's later wave (or, resumed, failed before it). */
static bool fan_in_stale(const struct run_session *s, const struct task_attempt *latest,
			 const struct fan_in_view *v)
{
	unsigned ran = latest ? wave_number(latest->wave) : 0;

	if (!latest || latest->state == TASK_SKIPPED || ran < v->newest_wave)
		return true;
	return s->stages_resume_wave && ran < s->stages_resume_wave &&
	       (latest->state == TASK_FAILED || latest->state == TASK_CANCELLED);
}

/* One line per succeeded upstream scenario (docs/run-directory.md "Stages"). */
struct succeeded_ctx {
	const struct run_session *s;
	const struct component *f;
	size_t n;
};

static int write_succeeded(FILE *out, void *vctx)
{
	const struct succeeded_ctx *ctx = vctx;
	const struct scenario_set *set = ctx->s->config->scenarios;
	struct scenario_value_buf buf;

	for (size_t k = 0; k < ctx->f->n_after; k++) {
		const struct component *u = &ctx->s->config->components[ctx->f->after[k]];

		for (size_t i = 0; i < ctx->n; i++) {
			const struct task_attempt *a = tracker_latest(ctx->s->tracker, u->name, i);
			json_t *params = json_object(), *line;
			char name[300];
			int rc;

			if (attempt_verdict(a) != UP_READY) {
				json_decref(params);
				continue;
			}
			for (size_t p = 0; params && p < scenarios_param_count(set); p++)
				json_object_set_new(params, scenarios_param_name(set, p),
						    json_string(scenarios_value(set, i, p, &buf)));
			snprintf(name, sizeof name, "%s-%zu", u->name, i);
			line = json_pack("{s:s, s:I, s:s, s:I, s:s, s:o}", "component", u->name,
					 "task_id", (json_int_t)i, "task_name", name, "attempt",
					 (json_int_t)a->attempt, "state", task_state_name(a->state),
					 "parameters", params);
			rc = line ? json_dumpf(line, out, JSON_COMPACT | JSON_PRESERVE_ORDER) : -1;
			json_decref(line);
			if (rc != 0 || fputc('\n', out) == EOF)
				return -1;
		}
	}
	return 0;
}

static int write_succeeded_file(const struct run_session *s, const struct component *f,
				size_t n, struct error *err)
{
	struct succeeded_ctx ctx = { s, f, n };
	char *dir = NULL, *path = plan_succeeded_file(s->run->path, f->name);
	int rc = -1;

	if (path && asprintf(&dir, "%s/stages", s->run->path) >= 0 &&
	    (mkdir(dir, 0755) == 0 || errno == EEXIST))
		rc = atomic_write_with(path, 0644, write_succeeded, &ctx, err);
	else
		error_system(err, "cannot make %s/stages", s->run->path);
	free(dir);
	free(path);
	return rc;
}

static int fan_in_step(struct step *st, struct run_session *s, const struct component *f,
		       size_t n, struct error *err)
{
	const struct task_attempt *latest = tracker_latest(s->tracker, f->name, 0);
	struct fan_in_view v;

	if (latest && (!task_state_is_final(latest->state) ||
		       attempt_verdict(latest) == UP_WAIT))
		return 0;  /* running, or its own retry is decided */
	if (!fan_in_view(s, f, n, &v) || !fan_in_stale(s, latest, &v))
		return 0;
	if (!when_holds(f, &v)) {
		if (latest)
			return 0;  /* skipped (or ran) already: nothing new */
		if (!v.doomed)  /* any_succeeded with no upstream task at all */
			v.why = (struct task_upstream){ .component = s->config->components[
							    f->after[0]].name };
		return skip_task(st, s, f, 0, &v.why, err);
	}
	if (!st->dry && write_succeeded_file(s, f, n, err) != 0)
		return -1;
	if (add_task(st, s, f, 0, latest) != 0) {
		errno = ENOMEM;
		error_system(err, "deciding the stages of %s", s->run->id);
		return -1;
	}
	return 0;
}

static long step(struct run_session *s, bool dry, struct error *err)
{
	size_t n = scenarios_count(s->config->scenarios);
	struct step st = { .dry = dry };
	struct retry_wave w = { 0 };
	unsigned stages = config_stage_count(s->config);
	int rc = 0;

	/* stage by stage: a task skipped here dooms its own downstream in the same step */
	for (unsigned stage = 1; rc == 0 && stage < stages; stage++) {
		for (size_t c = 0; rc == 0 && c < s->config->n_components; c++) {
			const struct component *comp = &s->config->components[c];

			if (comp->stage != stage)
				continue;
			rc = comp->fan_in ? fan_in_step(&st, s, comp, n, err)
					  : scenario_step(&st, s, comp, n, err);
		}
	}
	if (rc == 0 && st.n > 0) {
		rc = retry_wave_group(st.d, st.n, time(NULL), &w, err);
		if (rc == 0 && w.n_requests)
			rc = run_submit_wave(s, &w, err);
		retry_wave_free(&w);
	}
	free(st.d);
	return rc == 0 ? st.acted : -1;
}

long run_stages_step(struct run_session *s, struct error *err)
{
	if (!s->config || !s->target || !s->journal || config_stage_count(s->config) < 2 ||
	    run_submit_unanswered(s))
		return 0;
	return step(s, false, err);
}

bool run_stages_pending(const struct run_session *s)
{
	struct error err;

	if (!s->config || !s->target || !s->journal || config_stage_count(s->config) < 2)
		return false;
	return step((struct run_session *)s, true, &err) != 0;
}

bool run_stages_owns(const struct config *config, const struct task_attempt *latest,
		     const struct component *component)
{
	(void)config;
	if (component->fan_in)
		return true;
	return component->stage > 0 && (!latest || latest->state == TASK_SKIPPED);
}
