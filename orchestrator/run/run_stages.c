/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The later stages' tasks, decided from the tracker (see run_stages.h). */
#include "run/run_stages.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "retry/retry_decision.h"
#include "run/run_stages_wave.h"
#include "run/run_submit.h"
#include "scenarios/scenarios.h"

/* What an upstream task's latest attempt means for its downstream: ready
 * (it succeeded), depend (Slurm holds the downstream on its array: it is
 * queued or running there), wait, or doomed. */
enum verdict { UP_READY, UP_DEPEND, UP_WAIT, UP_DOOMED };

static bool queued(const struct task_attempt *a)
{
	return a->state == TASK_SUBMITTED || a->state == TASK_RUNNING ||
	       a->state == TASK_REQUEUED;
}

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

static unsigned wave_number(const char *wave)
{
	return wave && wave[0] == 'w' ? (unsigned)strtoul(wave + 1, NULL, 10) : 0;
}

/* A step: what it submits and cancels, and whether it only counts. */
struct step {
	struct run_session *s;
	struct stages_wave wave;
	long acted;              /* tasks submitted, skipped or cancelled */
	bool dry;                /* run_stages_pending: count, change nothing */
	bool holds;              /* the backend holds tasks on dependencies */
};

static enum verdict upstreams(const struct step *st, const struct component *c,
			      size_t index, uint32_t *deps, struct task_upstream *why);

/* Task index of component u: a skipped one whose upstreams are no longer
 * doomed (resumed, retried) is to run again, so it waits. */
static enum verdict task_verdict(const struct step *st, const struct component *u,
				 size_t index, const struct task_attempt **latest)
{
	struct task_upstream ignored;

	*latest = tracker_latest(st->s->tracker, u->name, index);
	if (*latest && (*latest)->state == TASK_SKIPPED &&
	    upstreams(st, u, index, NULL, &ignored) != UP_DOOMED)
		return UP_WAIT;
	return attempt_verdict(*latest);
}

/* Scenario index of c's upstreams: ready, depend (deps[k]: the array of
 * upstream k to wait for, 0 for none), wait, or doomed (why says by whom).
 * deps NULL: no dependency may be taken (a fan-in, a packed component). */
static enum verdict upstreams(const struct step *st, const struct component *c,
			      size_t index, uint32_t *deps, struct task_upstream *why)
{
	enum verdict v = UP_READY, one;

	for (size_t k = 0; k < c->n_after; k++) {
		const struct component *u = &st->s->config->components[c->after[k]];
		const struct task_attempt *a;

		one = task_verdict(st, u, index, &a);
		if (one == UP_WAIT && deps && st->holds && a && queued(a) && a->array_job_id &&
		    !a->packed)
			one = UP_DEPEND;
		if (deps)
			deps[k] = one == UP_DEPEND ? a->array_job_id : 0;
		if (one == UP_DOOMED) {
			describe(u, index, a, why);
			return UP_DOOMED;
		}
		if (one > v)
			v = one;
	}
	return v;
}

static int out_of_memory(struct step *st, struct error *err)
{
	errno = ENOMEM;
	error_system(err, "deciding the stages of %s", st->s->run->id);
	return -1;
}

static int add_task(struct step *st, const struct component *c, size_t index,
		    const struct task_attempt *latest, const uint32_t *deps, struct error *err)
{
	uint32_t kept[64];
	size_t n = 0;

	st->acted++;
	if (st->dry)
		return 0;
	for (size_t k = 0; deps && k < c->n_after && n < 64; k++)
		if (deps[k])
			kept[n++] = deps[k];
	if (stages_wave_add(&st->wave, c, kept, n, (struct plan_task){
				    index, latest ? latest->attempt + 1 : 1 }) != 0)
		return out_of_memory(st, err);
	return 0;
}

static int skip_task(struct step *st, const struct component *c, size_t index,
		     unsigned attempt, const struct task_upstream *why, struct error *err)
{
	st->acted++;
	return st->dry ? 0 : tracker_add_skipped(st->s->tracker, c->name, index, attempt, why, err);
}

/* A queued task whose upstream's array can no longer satisfy it: that
 * upstream failed, or was submitted again since (a retry, which the task
 * will wait for instead), or Slurm says DependencyNeverSatisfied. why: the
 * upstream that made it so. */
static bool held_in_vain(const struct step *st, const struct component *c, size_t index,
			 const struct task_attempt *a, const bool *cancelled,
			 struct task_upstream *why)
{
	bool never = !strcmp(a->slurm_reason, "DependencyNeverSatisfied");
	size_t n = scenarios_count(st->s->config->scenarios);

	if (a->state != TASK_SUBMITTED || !a->array_job_id)
		return false;
	/* Slurm can say so before the tracker has settled the upstream that
	 * failed: wait for that, or the task would go in again on the same
	 * array, and be held in vain again (issue 13's sweep, on the cluster) */
	for (size_t k = 0; never && k < c->n_after; k++) {
		const struct task_attempt *up = tracker_latest(
			st->s->tracker, st->s->config->components[c->after[k]].name, index);

		if (up && queued(up))
			return false;
	}
	for (size_t k = 0; k < c->n_after; k++) {
		const struct component *u = &st->s->config->components[c->after[k]];
		const struct task_attempt *up = tracker_latest(st->s->tracker, u->name, index);
		enum verdict v = attempt_verdict(up);

		if (never || (up && !queued(up) && v != UP_READY)) {
			describe(u, index, up, why);
			return true;
		}
		if (up && wave_number(up->wave) > wave_number(a->wave)) {
			/* resubmitted since: the attempt it waited for is the one before */
			const struct task_attempt *was =
				up->attempt > 1 ? tracker_find(st->s->tracker, u->name, index,
							       up->attempt - 1) : NULL;

			describe(u, index, was ? was : up, why);
			return true;
		}
		/* an upstream cancelled in this same step dooms it too: one scancel */
		if (cancelled[c->after[k] * n + index]) {
			describe(u, index, up, why);
			why->state = task_state_name(TASK_SKIPPED);
			why->failure_class = NULL;
			return true;
		}
	}
	return false;
}

/* Slurm: the queued tasks held in vain are cancelled (one scancel) and
 * skipped; the steps after decide what becomes of them. */
/* The queued tasks to cancel and skip, and why. */
struct held {
	struct { const struct component *c; size_t index; const struct task_attempt *a;
		 struct task_upstream why; } *task;
	size_t n, cap;
	bool *cancelled;         /* per (component, index), component-major */
};

/* Component c's tasks held in vain into h (and the step's cancel list). */
static int collect_held(struct step *st, size_t c, struct held *h, struct error *err)
{
	const struct component *comp = &st->s->config->components[c];
	size_t n = scenarios_count(st->s->config->scenarios);

	for (size_t i = 0; i < n; i++) {
		const struct task_attempt *a = tracker_latest(st->s->tracker, comp->name, i);
		struct task_upstream why;

		if (!a || !held_in_vain(st, comp, i, a, h->cancelled, &why))
			continue;
		st->acted++;
		h->cancelled[c * n + i] = true;
		if (st->dry)
			continue;
		if (h->n == h->cap) {
			void *grown = realloc(h->task, (h->cap = h->cap ? 2 * h->cap : 32) *
							     sizeof *h->task);

			if (!grown)
				return out_of_memory(st, err);
			h->task = grown;
		}
		h->task[h->n].c = comp;
		h->task[h->n].index = i;
		h->task[h->n].a = a;
		h->task[h->n++].why = why;
		if (stages_wave_cancel(&st->wave, a) != 0)
			return out_of_memory(st, err);
	}
	return 0;
}

static int settle_held(struct step *st, struct error *err)
{
	const struct config *config = st->s->config;
	struct held h = { .cancelled = calloc(config->n_components *
					      scenarios_count(config->scenarios) + 1, 1) };
	struct error why_not;
	int rc = h.cancelled ? 0 : out_of_memory(st, err);

	/* stage by stage, so that a task cancelled here takes its own downstream along */
	for (unsigned stage = 1; rc == 0 && stage < config_stage_count(config); stage++)
		for (size_t c = 0; rc == 0 && c < config->n_components; c++)
			if (config->components[c].stage == stage && !config->components[c].fan_in)
				rc = collect_held(st, c, &h, err);
	/* one scancel for all; if it fails they stay queued, and the next step tries again */
	if (rc == 0 && h.n && backend_cancel_tasks(st->s->backend, st->wave.cancel,
						   st->wave.n_cancel, &why_not) != 0) {
		if (st->s->note)
			st->s->note(st->s->note_ctx, why_not.text);
		h.n = 0;
	}
	for (size_t k = 0; rc == 0 && k < h.n; k++)
		rc = tracker_add_skipped(st->s->tracker, h.task[k].c->name, h.task[k].index,
					 h.task[k].a->attempt, &h.task[k].why, err);
	free(h.task);
	free(h.cancelled);
	return rc;
}

/* A per-scenario component of a later stage. */
static int scenario_step(struct step *st, const struct component *c, size_t n,
			 struct error *err)
{
	uint32_t *deps = calloc(c->n_after + 1, sizeof *deps);
	struct task_upstream why;
	int rc = deps ? 0 : out_of_memory(st, err);

	for (size_t i = 0; rc == 0 && i < n; i++) {
		const struct task_attempt *latest = tracker_latest(st->s->tracker, c->name, i);
		enum verdict v;

		if (latest && latest->state != TASK_SKIPPED)
			continue;  /* it ran, or runs: its own retries follow it */
		/* a packed array task runs several scenarios: no index to index aftercorr */
		v = upstreams(st, c, i, c->pack == 1 ? deps : NULL, &why);
		if (v == UP_READY || v == UP_DEPEND)
			rc = add_task(st, c, i, latest, v == UP_DEPEND ? deps : NULL, err);
		else if (v == UP_DOOMED && !latest)
			rc = skip_task(st, c, i, 1, &why, err);
	}
	free(deps);
	return rc;
}

/* What a fan-in's upstreams came to; false while one is not final. */
struct fan_in_view {
	size_t succeeded, doomed;
	unsigned newest_wave;
	struct task_upstream why;  /* the first that did not succeed */
};

static bool fan_in_view(const struct step *st, const struct component *f, size_t n,
			struct fan_in_view *v)
{
	memset(v, 0, sizeof *v);
	for (size_t k = 0; k < f->n_after; k++) {
		const struct component *u = &st->s->config->components[f->after[k]];

		for (size_t i = 0; i < n; i++) {
			const struct task_attempt *a;
			enum verdict verdict = task_verdict(st, u, i, &a);

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

static int fan_in_step(struct step *st, const struct component *f, size_t n,
		       struct error *err)
{
	const struct task_attempt *latest = tracker_latest(st->s->tracker, f->name, 0);
	struct fan_in_view v;

	if (latest && (!task_state_is_final(latest->state) ||
		       attempt_verdict(latest) == UP_WAIT))
		return 0;  /* running, or its own retry is decided */
	if (!fan_in_view(st, f, n, &v) || !fan_in_stale(st->s, latest, &v))
		return 0;
	if (!when_holds(f, &v)) {
		if (latest)
			return 0;  /* skipped (or ran) already: nothing new */
		if (!v.doomed)  /* any_succeeded with no upstream task at all */
			v.why = (struct task_upstream){
				.component = st->s->config->components[f->after[0]].name };
		return skip_task(st, f, 0, 1, &v.why, err);
	}
	if (!st->dry && stages_write_succeeded(st->s, f, err) != 0)
		return -1;
	return add_task(st, f, 0, latest, NULL, err);
}

static long step(struct run_session *s, bool dry, bool hold, struct error *err)
{
	size_t n = scenarios_count(s->config->scenarios);
	struct step st = { .s = s, .dry = dry,
			   .holds = hold && s->backend && backend_holds_dependencies(s->backend) };
	unsigned stages = config_stage_count(s->config);
	int rc = st.holds ? settle_held(&st, err) : 0;

	/* stage by stage: a task skipped here dooms its own downstream in the same step */
	for (unsigned stage = 1; rc == 0 && stage < stages; stage++) {
		for (size_t c = 0; rc == 0 && c < s->config->n_components; c++) {
			const struct component *comp = &s->config->components[c];

			if (comp->stage != stage)
				continue;
			rc = comp->fan_in ? fan_in_step(&st, comp, n, err)
					  : scenario_step(&st, comp, n, err);
		}
	}
	if (rc == 0 && !dry)
		rc = stages_wave_submit(s, &st.wave, err);
	stages_wave_free(&st.wave);
	return rc == 0 ? st.acted : -1;
}

long run_stages_step(struct run_session *s, bool hold, struct error *err)
{
	if (!s->config || !s->target || !s->journal || config_stage_count(s->config) < 2 ||
	    run_submit_unanswered(s))
		return 0;
	long total = 0, acted = 0;

	/* with Slurm holding each stage on the one before, the next stage can go
	 * in at once: one more step per stage, while the last one acted */
	for (unsigned i = 0; i < config_stage_count(s->config); i++) {
		if ((acted = step(s, false, hold, err)) < 0)
			return -1;
		total += acted;
		if (acted == 0 || !hold || !backend_holds_dependencies(s->backend))
			break;
	}
	return total;
}

bool run_stages_pending(const struct run_session *s)
{
	struct error err;

	if (!s->config || !s->target || !s->journal || config_stage_count(s->config) < 2)
		return false;
	/* a held task counts: a sweeper's pass (no hold) is not asked this */
	return step((struct run_session *)s, true, true, &err) != 0;
}

bool run_stages_owns(const struct config *config, const struct task_attempt *latest,
		     const struct component *component)
{
	(void)config;
	if (component->fan_in)
		return true;
	return component->stage > 0 && (!latest || latest->state == TASK_SKIPPED);
}
