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

static struct journal_intent intent_of(const struct plan *plan, const struct plan_group *g,
				       const struct plan_chunk *c)
{
	return (struct journal_intent){
		.wave = plan->wave, .group = g->name, .component = g->component->name,
		.offset = c->offset, .array = c->array, .tasks = g->tasks + c->first,
		.n_tasks = c->count, .resources = g->resources, .begin_delay_s = g->begin_delay_s,
	};
}

static int track(struct run_session *s, const struct plan *plan, const struct plan_group *g,
		 const struct plan_chunk *c, uint32_t job_id, struct error *err)
{
	struct tracker_submission ts = {
		.component = g->component->name, .wave = plan->wave, .offset = c->offset,
		.tasks = g->tasks + c->first, .n_tasks = c->count, .resources = g->resources,
		.array_job_id = job_id,
	};

	return tracker_add_submission(s->tracker, &ts, err);
}

/* sbatch said no: was it queued all the same? Journals the answer. */
static int settle_refusal(struct run_session *s, const char *key, struct error *err)
{
	const struct journal_submission *sub = journal_find(journal_state(s->journal), key);
	struct error why = *err, lookup;
	uint32_t job_id = 0;

	if (sub && backend_find_chunk(s->backend, sub, &job_id, &lookup) == 0 && job_id)
		return journal_submitted(s->journal, key, job_id, err) == 0 ? (int)job_id : -1;
	s->submit_failures++;
	if (journal_submit_failed(s->journal, key, why.text, err) != 0)
		return -1;
	snprintf(err->text, sizeof err->text, "submitting %.200s failed: %.700s", key, why.text);
	err->exit_code = why.exit_code;
	return -1;
}

static int submit_chunk(struct run_session *s, const struct plan *plan,
			const struct plan_group *g, const struct plan_chunk *c,
			struct error *err)
{
	struct journal_intent in = intent_of(plan, g, c);
	char key[JOURNAL_KEY_MAX];
	uint32_t job_id;
	int found;

	if (journal_intent(s->journal, &in, key, err) != 0)
		return -1;
	crash_point("intent");
	if (backend_submit(s->backend, plan, g, c, &job_id, err) != 0) {
		if ((found = settle_refusal(s, key, err)) < 0)
			return -1;
		job_id = (uint32_t)found;
	} else {
		crash_point("sbatch");
		if (journal_submitted(s->journal, key, job_id, err) != 0)
			return -1;
	}
	crash_point("submitted");
	return track(s, plan, g, c, job_id, err);
}

int run_submit_plan(struct run_session *s, const struct plan *plan, struct error *err)
{
	for (size_t g = 0; g < plan->n_groups; g++)
		for (size_t c = 0; c < plan->groups[g].n_chunks; c++)
			if (submit_chunk(s, plan, &plan->groups[g], &plan->groups[g].chunks[c],
					 err) != 0)
				return -1;
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
static bool journal_unanswered(const struct run_session *s)
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
	if (retry_pending(s->tracker, &d, &n, &err) != 0)
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

/* The first wave, when a crash cut its submission short (no wave_done): its
 * chunks that never reached Slurm (found absent, or never intended) are
 * submitted now, planned again from the run's config (reloaded only when its
 * manifest lock matched); those submitted stay as they are. Nothing else
 * would: later waves only resubmit attempts that failed. */
static int finish_first_wave(struct run_session *s, struct error *err)
{
	const struct journal_replay *j = journal_state(s->journal);
	char wave[32], key[JOURNAL_KEY_MAX];
	struct plan_options o = {
		.target = s->target, .run_dir = s->run->path, .run_id = s->run->id, .wave = wave,
	};
	struct plan *plan = NULL;
	int rc = 0;

	journal_wave_name(1, wave, sizeof wave);
	if (journal_wave_is_done(j, wave))
		return 0;  /* every poll comes here: ask Slurm nothing before this */
	o.max_array_size = run_session_max_array_size(s->target);
	if (plan_first_wave_again(s, &o, &plan, err) != 0)
		return -1;
	for (size_t g = 0; rc == 0 && g < plan->n_groups; g++) {
		for (size_t c = 0; rc == 0 && c < plan->groups[g].n_chunks; c++) {
			const struct journal_submission *sub;

			if (job_naming_chunk_key(wave, plan->groups[g].name,
						 plan->groups[g].chunks[c].offset, key,
						 sizeof key) != 0) {
				error_system(err, "naming a chunk of %s", wave);
				rc = -1;
			} else if (!(sub = journal_find(j, key)) || sub->state == JOURNAL_ABSENT) {
				rc = submit_chunk(s, plan, &plan->groups[g], &plan->groups[g].chunks[c],
						  err);
			}
		}
	}
	if (rc == 0 && (rc = journal_wave_done(s->journal, wave, err)) == 0)
		crash_point("wave_done");
	plan_free(plan);
	return rc;
}

int run_submit_wave(struct run_session *s, struct retry_wave *w, struct error *err)
{
	char wave[32];
	struct plan_options o = {
		.target = s->target, .run_dir = s->run->path, .run_id = s->run->id,
		.wave = wave, .max_array_size = run_session_max_array_size(s->target),
	};
	struct plan *plan = NULL;
	int rc;

	journal_wave_name(journal_state(s->journal)->last_wave + 1, wave, sizeof wave);
	for (size_t r = 0; r < w->n_requests; r++)
		w->requests[r].exclude = w->exclude[r];
	rc = plan_wave(s->config, &o, w->requests, w->n_requests, &plan, err) == 0 &&
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

	if (!s->config || !s->journal || !s->target || journal_unanswered(s))
		return 0;
	if (finish_first_wave(s, err) != 0)
		return -1;
	if (retry_pending(s->tracker, &d, &n, err) != 0)
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
