/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A new run (see run_session.h): directory and lock, plan, scripts, the
 * first files, journal, tracker, backend. */
#include <stdlib.h>

#include "run/run_cache.h"
#include "run/run_session.h"
#include "run/run_start.h"
#include "scenarios/scenarios.h"
#include "slurm/slurm_config.h"
#include "slurm/slurm_submit_limit.h"
#include "plan/log_paths.h"
#include "plan/wave_script.h"

#define FIRST_WAVE "w001"

/* The site's MaxArraySize (or the target's), no more than max_queued
 * (plan_chunk_limit). */
unsigned run_session_max_array_size(const struct target *target)
{
	unsigned asked, size = PLAN_DEFAULT_MAX_ARRAY_SIZE;

	if (target->max_array_size)
		size = target->max_array_size;
	else if (target->provider == PROVIDER_SLURM && (asked = slurm_max_array_size()) > 0)
		size = asked;
	return plan_chunk_limit(size, target);
}

void run_resolve_max_queued(struct config *config, const char *target_name)
{
	const struct target *t = config_target(config, target_name);

	if (t && t->max_queued_auto && t->provider == PROVIDER_SLURM)
		config_set_max_queued(config, target_name, slurm_submit_limit(t->qos));
}

/* Which scenarios of which component earlier runs already computed: a
 * flag per (component, index), component-major; NULL (and *hits 0) when the
 * cache is off or nothing caches. */
static int find_hits(struct run_session *s, bool use_cache, bool **hit, size_t *hits,
		     struct error *err)
{
	size_t n = scenarios_count(s->config->scenarios);

	*hit = NULL;
	*hits = 0;
	if (!use_cache || !s->cache)
		return 0;
	if (run_cache_load_index(s, err) != 0)
		return -1;
	if (!(*hit = calloc(s->config->n_components * n + 1, sizeof **hit))) {
		error_system(err, "cannot look up the cache");
		return -1;
	}
	for (size_t c = 0; c < s->config->n_components; c++)
		/* a fan-in's input is the succeeded list of this run: never a hit */
		for (size_t i = 0; i < n && !s->config->components[c].fan_in; i++)
			*hits += (*hit)[c * n + i] =
				run_cache_lookup(s, &s->config->components[c], i) != NULL;
	run_cache_say_refused(s);
	return 0;
}

int run_session_plan_uncached(struct run_session *s, const struct plan_options *o,
			      const bool *hit, struct plan **plan, struct error *err)
{
	size_t n = scenarios_count(s->config->scenarios), nc = s->config->n_components;
	struct plan_request *requests = calloc(nc + 1, sizeof *requests);
	struct plan_task *tasks = calloc(nc * n + 1, sizeof *tasks);
	size_t n_requests = 0, used = 0;
	int rc = -1;

	if (!requests || !tasks) {
		error_system(err, "planning");
		goto done;
	}
	for (size_t c = 0; c < nc; c++) {
		struct plan_request *r = &requests[n_requests];

		if (s->config->components[c].stage > 0)
			continue;  /* later stages: run_stages.c, as upstreams succeed */
		*r = (struct plan_request){
			.component = &s->config->components[c],
			.resources = component_resources(&s->config->components[c], s->target),
			.tasks = tasks + used,
		};
		for (size_t i = 0; i < n; i++)
			if (!hit[c * n + i])
				tasks[used + r->n_tasks++] = (struct plan_task){ i, 1 };
		used += r->n_tasks;
		n_requests += r->n_tasks > 0;
	}
	rc = plan_wave(s->config, o, requests, n_requests, plan, err);
done:
	free(requests);
	free(tasks);
	return rc;
}

/* The first wave, planned and written under the run directory. */
static int plan_first_wave(struct run_session *s, const bool *hit, size_t hits,
			   struct plan **plan, struct error *err)
{
	struct plan_options o = {
		.target = s->target,
		.run_dir = s->run->path,
		.run_id = s->run->id,
		.wave = FIRST_WAVE,
		.max_array_size = run_session_max_array_size(s->target),
		.layout = RUN_LAYOUT_CURRENT,  /* run.json records it (run_start.c) */
	};

	if ((hits ? run_session_plan_uncached(s, &o, hit, plan, err) : plan_initial(s->config, &o, plan, err)) != 0)
		return -1;
	return plan_write_scripts(*plan, err);
}

/* The cached scenarios into tasks.jsonl and cache.jsonl. */
static int record_hits(struct run_session *s, const bool *hit, size_t hits,
		       struct error *err)
{
	size_t n = scenarios_count(s->config->scenarios);

	for (size_t c = 0; hits && c < s->config->n_components; c++) {
		const struct component *component = &s->config->components[c];

		for (size_t i = 0; i < n; i++)
			if (hit[c * n + i] &&
			    run_cache_take_hit(s, component, i, 1, run_cache_lookup(s, component, i),
					       err) != 0)
				return -1;
	}
	return 0;
}

int run_session_create_with(struct config *config, const struct target *target,
			    const struct run_create_options *o, struct run_session **out,
			    struct plan **plan, struct error *err)
{
	struct run_session *s = run_session_new(o->note, o->note_ctx, err);
	char *root = o->runs_root ? NULL : runs_dir_default();
	bool *hit = NULL;
	size_t hits = 0;

	*plan = NULL;
	if (!s) {
		free(root);
		config_free(config);
		return -1;
	}
	s->config = config;
	s->target = target;
	s->provider = target->provider;
	if (!o->runs_root && !root)
		error_system(err, "cannot find the runs directory");
	else if (run_cache_prepare(s, err) == 0 &&  /* an unreadable input: no run made */
		 run_dir_create(o->runs_root ? o->runs_root : root, config->project, "run",
				&s->run, err) == 0 &&
		 run_cache_open(s, err) == 0 && find_hits(s, !o->no_cache, &hit, &hits, err) == 0 &&
		 plan_first_wave(s, hit, hits, plan, err) == 0 &&
		 run_start_files(s->run, config, target, *plan, &s->record, err) == 0 &&
		 journal_open(s->run->path, &s->journal, err) == 0 &&
		 run_session_open_tracker(s, err) == 0 && record_hits(s, hit, hits, err) == 0 &&
		 run_session_open_backend(s, err) == 0) {
		free(hit);
		free(root);
		*out = s;
		return 0;
	}
	free(hit);
	free(root);
	plan_free(*plan);
	*plan = NULL;
	run_session_free(s);
	return -1;
}

int run_session_create(struct config *config, const struct target *target,
		       const char *runs_root, run_note_fn note, void *note_ctx,
		       struct run_session **out, struct plan **plan, struct error *err)
{
	struct run_create_options o = { .runs_root = runs_root, .note = note,
					.note_ctx = note_ctx };

	return run_session_create_with(config, target, &o, out, plan, err);
}
