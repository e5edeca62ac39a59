/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Submitting a wave through the journal (see run_submit.h). */
#include "run/run_submit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/util/crash_point.h"
#include "retry/retry_wave.h"
#include "scenarios/scenarios.h"
#include "plan/job_naming.h"
#include "plan/wave_script.h"
#include "run/run_window.h"

static struct journal_intent intent_of(const struct plan *plan, const struct plan_group *g,
				       const struct plan_chunk *c)
{
	return (struct journal_intent){
		.wave = plan->wave, .group = g->name, .component = g->component->name,
		.offset = c->offset, .array = c->array, .tasks = g->tasks + c->first,
		.n_tasks = c->count, .pack = g->pack, .resources = g->resources,
		.begin_delay_s = g->begin_delay_s,
	};
}

static int track(struct run_session *s, const struct plan *plan, const struct plan_group *g,
		 const struct plan_chunk *c, uint32_t job_id, struct error *err)
{
	struct tracker_submission ts = {
		.component = g->component->name, .wave = plan->wave, .offset = c->offset,
		.tasks = g->tasks + c->first, .n_tasks = c->count, .pack = g->pack,
		.resources = g->resources, .array_job_id = job_id,
	};

	return tracker_add_submission(s->tracker, &ts, err);
}

/* sbatch said no (limited: for a site's limit): was it queued all the
 * same? Journals the answer: the job id, 0 when deferred, -1 with err. */
static long settle_refusal(struct run_session *s, const char *key, bool limited,
			   struct error *err)
{
	const struct journal_submission *sub = journal_find(journal_state(s->journal), key);
	struct error why = *err, lookup;
	uint32_t job_id = 0;

	if (sub && backend_find_chunk(s->backend, sub, &job_id, &lookup) == 0 && job_id)
		return journal_submitted(s->journal, key, job_id, err) == 0 ? (long)job_id : -1;
	if (limited && run_window_refused(s))
		return journal_deferred(s->journal, key, why.text, err) == 0 ? 0 : -1;
	s->submit_failures++;
	if (journal_submit_failed(s->journal, key, why.text, err) != 0)
		return -1;
	snprintf(err->text, sizeof err->text, "submitting %.200s failed: %.700s", key, why.text);
	err->exit_code = why.exit_code;
	return -1;
}

/* 0: submitted and tracked; 1: deferred (refused for a site's limit);
 * -1 with err. */
static int submit_chunk(struct run_session *s, const struct plan *plan,
			const struct plan_group *g, const struct plan_chunk *c,
			struct error *err)
{
	struct journal_intent in = intent_of(plan, g, c);
	char key[JOURNAL_KEY_MAX];
	uint32_t job_id;
	long found;
	int rc;

	if (journal_intent(s->journal, &in, key, err) != 0)
		return -1;
	crash_point("intent");
	if ((rc = backend_submit(s->backend, plan, g, c, &job_id, err)) != 0) {
		if ((found = settle_refusal(s, key, rc > 0, err)) <= 0)
			return found == 0 ? 1 : -1;
		job_id = (uint32_t)found;
	} else {
		crash_point("sbatch");
		if (journal_submitted(s->journal, key, job_id, err) != 0)
			return -1;
	}
	crash_point("submitted");
	run_window_submitted(s);
	return track(s, plan, g, c, job_id, err);
}

/* A chunk, when the window lets it in: 0 submitted, 1 not (yet), -1. */
static int submit_in_window(struct run_session *s, const struct plan *plan,
			    const struct plan_group *g, const struct plan_chunk *c,
			    struct error *err)
{
	if (!run_window_admits(s, c->n_array))
		return 1;
	return submit_chunk(s, plan, g, c, err);
}

int run_submit_plan(struct run_session *s, const struct plan *plan, struct error *err)
{
	int rc;

	for (size_t g = 0; g < plan->n_groups; g++)
		for (size_t c = 0; c < plan->groups[g].n_chunks; c++)
			if ((rc = submit_in_window(s, plan, &plan->groups[g],
						   &plan->groups[g].chunks[c], err)) != 0)
				return rc < 0 ? -1 : 0;  /* the rest: once the queue drains */
	if (journal_wave_done(s->journal, plan->wave, err) != 0)
		return -1;
	crash_point("wave_done");
	return 0;
}

int run_submit_first_wave(struct run_session *s, const struct plan *plan, run_note_fn note,
			  void *note_ctx)
{
	struct tracker_counts counts;
	struct error err;
	char text[1200], cached[64] = "";
	size_t chunks = 0, tasks = 0;

	for (size_t g = 0; g < plan->n_groups; g++) {
		chunks += plan->groups[g].n_chunks;
		tasks += plan->groups[g].n_tasks;
	}
	tracker_counts(s->tracker, NULL, &counts);
	if (counts.by_state[TASK_CACHED])
		snprintf(cached, sizeof cached, " (%zu more cached: not run again)",
			 counts.by_state[TASK_CACHED]);
	snprintf(text, sizeof text, "run %s: %zu tasks in %zu %s on %s (%s)%s", s->run->id, tasks,
		 chunks, chunks == 1 ? "array" : "arrays", s->target->name,
		 provider_name(s->provider), cached);
	note(note_ctx, text);
	if (run_submit_plan(s, plan, &err) == 0)
		return 0;
	snprintf(text, sizeof text, "scalable: %s", err.text);
	note(note_ctx, text);
	return -1;
}

/* A chunk whose submission nobody saw answered: a wave now could repeat it. */
bool run_submit_unanswered(const struct run_session *s)
{
	const struct journal_submission **uncertain = NULL;
	size_t n = journal_uncertain(journal_state(s->journal), &uncertain);

	free(uncertain);
	return n > 0;
}

bool run_retries_pending(const struct run_session *s)
{
	struct retry_decision *d = NULL;
	struct error err;
	size_t n = 0;
	bool any = false;

	if (!s->config || !s->journal)
		return false;
	if (retry_pending(s->tracker, s->config, &d, &n, &err) != 0)
		return false;
	for (size_t i = 0; i < n && !any; i++)
		any = d[i].action == RETRY_RESUBMIT;
	free(d);
	return any;
}

/* The first wave as it was planned: without the scenarios the run took from
 * the cache (their `cached` rows were written before anything was
 * submitted), so that its chunks have the keys the journal knows. */
static int plan_first_wave_again(struct run_session *s, const struct plan_options *o,
				 struct plan **plan, struct error *err)
{
	size_t n = scenarios_count(s->config->scenarios), nc = s->config->n_components, hits = 0;
	bool *hit = calloc(nc * n + 1, sizeof *hit);
	int rc;

	if (!hit) {
		error_system(err, "planning the first wave again");
		return -1;
	}
	for (size_t c = 0; c < nc; c++) {
		for (size_t i = 0; i < n; i++) {
			const struct task_attempt *a =
				tracker_find(s->tracker, s->config->components[c].name, i, 1);

			hits += hit[c * n + i] = a && a->state == TASK_CACHED;
		}
	}
	rc = hits ? run_session_plan_uncached(s, o, hit, plan, err)
		  : plan_initial(s->config, o, plan, err);
	free(hit);
	return rc;
}

/* The chunks of the first wave not in Slurm (never intended, found absent
 * after a crash, or deferred for a site's limit), in order, as far as the
 * window lets them in: 0 all in, 1 some wait, -1 with err. */
static int submit_missing_chunks(struct run_session *s, const struct plan *plan,
				 struct error *err)
{
	const struct journal_replay *j = journal_state(s->journal);
	char key[JOURNAL_KEY_MAX];
	int rc = 0;

	for (size_t g = 0; rc == 0 && g < plan->n_groups; g++) {
		for (size_t c = 0; rc == 0 && c < plan->groups[g].n_chunks; c++) {
			const struct plan_group *group = &plan->groups[g];
			const struct journal_submission *sub;

			if (job_naming_chunk_key(plan->wave, group->name, group->chunks[c].offset,
						 key, sizeof key) != 0) {
				error_system(err, "naming a chunk of %s", plan->wave);
				return -1;
			}
			sub = journal_find(j, key);
			if (!sub || sub->state == JOURNAL_ABSENT || sub->state == JOURNAL_DEFERRED)
				rc = submit_in_window(s, plan, group, &group->chunks[c], err);
		}
	}
	return rc;
}

/* The first wave, when its submission was cut short (no wave_done) by a
 * crash or by the window (a site's limit, max_queued): its chunks that are
 * not in Slurm are submitted now, as the window allows, planned again from
 * the run's config (reloaded only when its manifest lock matched), with the
 * same keys; those submitted stay as they are. Nothing else would: later
 * waves only resubmit attempts that failed. */
static int finish_first_wave(struct run_session *s, struct error *err)
{
	const struct journal_replay *j = journal_state(s->journal);
	char wave[32];
	struct plan_options o = {
		.target = s->target, .run_dir = s->run->path, .run_id = s->run->id, .wave = wave,
		.layout = s->record.layout,
	};
	struct plan *plan = NULL;
	int rc;

	journal_wave_name(1, wave, sizeof wave);
	if (journal_wave_is_done(j, wave))
		return 0;  /* every poll comes here: ask Slurm nothing before this */
	if (s->window.blocked && time(NULL) < s->window.retry_at)
		return 0;  /* nor plan again while the window is shut */
	o.max_array_size = run_session_max_array_size(s->target);
	if (plan_first_wave_again(s, &o, &plan, err) != 0)
		return -1;
	rc = submit_missing_chunks(s, plan, err);
	if (rc == 0 && (rc = journal_wave_done(s->journal, wave, err)) == 0)
		crash_point("wave_done");
	plan_free(plan);
	return rc < 0 ? -1 : 0;
}

int run_submit_wave(struct run_session *s, struct retry_wave *w, struct error *err)
{
	for (size_t r = 0; r < w->n_requests; r++)
		w->requests[r].exclude = w->exclude[r];
	return run_submit_requests(s, w->requests, w->n_requests, err);
}

int run_submit_requests(struct run_session *s, const struct plan_request *requests, size_t n,
			struct error *err)
{
	char wave[32];
	struct plan_options o = {
		.target = s->target, .run_dir = s->run->path, .run_id = s->run->id,
		.wave = wave, .max_array_size = run_session_max_array_size(s->target),
		.layout = s->record.layout,  /* a run keeps the layout it was made with */
	};
	struct plan *plan = NULL;
	int rc;

	journal_wave_name(journal_state(s->journal)->last_wave + 1, wave, sizeof wave);
	rc = plan_wave(s->config, &o, requests, n, &plan, err) == 0 &&
			     plan_write_scripts(plan, err) == 0 ? 0 : -1;
	if (rc == 0) {
		crash_point("wave_scripts");
		rc = run_submit_plan(s, plan, err);
	}
	plan_free(plan);
	return rc;
}

long run_submit_retries(struct run_session *s, struct error *err)
{
	struct retry_decision *d = NULL;
	struct retry_wave w = { 0 };
	size_t n = 0;
	long submitted = -1;

	if (!s->config || !s->journal || !s->target || run_submit_unanswered(s))
		return 0;
	if (finish_first_wave(s, err) != 0)
		return -1;
	if (retry_pending(s->tracker, s->config, &d, &n, err) != 0)
		return -1;
	if (n == 0) {
		free(d);
		return 0;
	}
	if (retry_wave_group(d, n, time(NULL), &w, err) == 0)
		submitted = w.n_requests == 0 || run_submit_wave(s, &w, err) == 0
				    ? (long)w.n_tasks : -1;
	retry_wave_free(&w);
	free(d);
	return submitted;
}
