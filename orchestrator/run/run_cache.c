/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The content cache as a run uses it (see run_cache.h). */
#include "run/run_cache.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rundir/cache_key.h"
#include "rundir/cache_log.h"
#include "rundir/cache_outputs.h"
#include "rundir/task_outputs.h"

struct run_cache {
	struct cache_log *log;
	struct cache_key_base *bases;   /* per component of the config; scenarios
					   NULL where the component does not cache */
	size_t n_bases;
	struct cache_index index;
	bool index_loaded;
	size_t refused;                 /* hits whose outputs were not intact */
	char refused_why[512];          /* the first one's */
};

void run_cache_free(struct run_cache *cache)
{
	if (!cache)
		return;
	cache_log_close(cache->log);
	if (cache->index_loaded)
		cache_index_free(&cache->index);
	free(cache->bases);
	free(cache);
}

/* The position of c among the config's components, or -1. */
static long component_slot(const struct run_session *s, const struct component *c)
{
	if (!s->config || !s->cache || c < s->config->components ||
	    c >= s->config->components + s->config->n_components)
		return -1;
	return (long)(c - s->config->components);
}

bool run_cache_enabled(const struct run_session *s, const struct component *c)
{
	long slot = component_slot(s, c);

	return slot >= 0 && s->cache->bases[slot].scenarios != NULL;
}

int run_cache_prepare(struct run_session *s, struct error *err)
{
	const struct config *config = s->config;
	struct run_cache *cache;
	bool any = false;

	for (size_t c = 0; config && c < config->n_components; c++)
		any |= config->components[c].cache;
	if (!any || s->read_only || s->cache)
		return 0;
	if (!(cache = calloc(1, sizeof *cache)) ||
	    !(cache->bases = calloc(config->n_components, sizeof *cache->bases))) {
		free(cache);
		error_system(err, "cannot prepare the cache keys");
		return -1;
	}
	cache->n_bases = config->n_components;
	for (size_t c = 0; c < config->n_components; c++) {
		if (config->components[c].cache &&
		    cache_key_prepare(config, &config->components[c], &cache->bases[c], err) != 0) {
			run_cache_free(cache);
			return -1;
		}
	}
	s->cache = cache;
	return 0;
}

int run_cache_open(struct run_session *s, struct error *err)
{
	if (run_cache_prepare(s, err) != 0)
		return -1;
	if (!s->cache || s->cache->log)
		return 0;
	if (!(s->cache->log = cache_log_open(s->run->path, s->run->id, err))) {
		run_cache_free(s->cache);
		s->cache = NULL;
		return -1;
	}
	return 0;
}

int run_cache_load_index(struct run_session *s, struct error *err)
{
	char *copy, *runs_dir;
	int rc;

	if (!s->cache || s->cache->index_loaded)
		return 0;
	if (!(copy = strdup(s->run->path))) {
		error_system(err, "cannot read the cache");
		return -1;
	}
	runs_dir = dirname(copy);  /* the run's own runs directory */
	rc = cache_index_load(runs_dir, s->run->id, &s->cache->index, err);
	free(copy);
	s->cache->index_loaded = rc == 0;
	return rc;
}

const char *run_cache_lookup(const struct run_session *s, const struct component *c,
			     size_t index)
{
	unsigned char key[SHA256_DIGEST_SIZE];
	const struct output_files *outputs;
	const char *source;
	char why[512];

	if (!run_cache_enabled(s, c) || !s->cache->index_loaded)
		return NULL;
	cache_key_of(&s->cache->bases[component_slot(s, c)], index, key);
	source = cache_index_find(&s->cache->index, key);
	if (!source || !c->outputs.count)
		return source;
	/* the result is its files: a hit only while they are as stored */
	outputs = cache_index_outputs(&s->cache->index, key);
	if (outputs && cache_outputs_intact(outputs, why, sizeof why))
		return source;
	if (!s->cache->refused++)
		snprintf(s->cache->refused_why, sizeof s->cache->refused_why, "%s",
			 outputs ? why : "no outputs recorded");
	return NULL;
}

void run_cache_say_refused(struct run_session *s)
{
	char text[800];

	if (!s->cache || !s->cache->refused || !s->note)
		return;
	snprintf(text, sizeof text, "%zu earlier result%s not taken from the cache: %s outputs "
		 "vanished or changed (%s%s)", s->cache->refused, s->cache->refused == 1 ? "" : "s",
		 s->cache->refused == 1 ? "its" : "their", s->cache->refused == 1 ? "" : "first: ",
		 s->cache->refused_why);
	s->note(s->note_ctx, text);
	s->cache->refused = 0;
}

int run_cache_take_hit(struct run_session *s, const struct component *c, size_t index,
		       unsigned attempt, const char *source, struct error *err)
{
	char hex[SHA256_HEX_SIZE];
	struct cache_record r = {
		.component = c->name, .index = index, .key = hex, .state = CACHE_HIT,
		.source_run_id = source,
	};

	unsigned char key[SHA256_DIGEST_SIZE];

	cache_key_of(&s->cache->bases[component_slot(s, c)], index, key);
	sha256_to_hex(key, hex);
	if (c->outputs.count)  /* the source's files, vouched for again */
		r.outputs = cache_index_outputs(&s->cache->index, key);
	if (tracker_add_cached(s->tracker, c->name, index, attempt, err) != 0)
		return -1;
	return cache_log_write(s->cache->log, &r, err);
}

/* The stored record of a component with outputs: the files its patterns
 * match now, hashed (the success was just checked to have them). */
static int store_with_outputs(struct run_session *s, const struct component *c,
			      const struct task_attempt *a, struct cache_record *r,
			      struct error *err)
{
	struct task_place place = { s->config, c, a->index, a->attempt, s->run->path };
	struct output_files files;
	json_t *missing = NULL;
	int rc;

	if (task_outputs_check(&place, &missing, &files, err) != 0)
		return -1;
	if (missing) {  /* gone since the check: nothing to vouch for */
		json_decref(missing);
		output_files_free(&files);
		return 0;
	}
	r->outputs = &files;
	rc = cache_outputs_hash(&files, err) == 0 ? cache_log_write(s->cache->log, r, err) : -1;
	output_files_free(&files);
	return rc;
}

int run_cache_on_success(const struct task_attempt *a, void *ctx, struct error *err)
{
	struct run_session *s = ctx;
	char hex[SHA256_HEX_SIZE];
	struct cache_record r = {
		.component = a->component, .index = a->index, .key = hex, .state = CACHE_STORED,
	};

	for (size_t c = 0; s->cache && c < s->config->n_components; c++) {
		const struct component *component = &s->config->components[c];

		if (strcmp(component->name, a->component) != 0)
			continue;
		if (!component->cache)
			return 0;
		cache_key_hex(&s->cache->bases[c], a->index, hex);
		return component->outputs.count ? store_with_outputs(s, component, a, &r, err)
						: cache_log_write(s->cache->log, &r, err);
	}
	return 0;
}
