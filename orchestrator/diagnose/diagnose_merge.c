/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Adding a thread's partial diagnosis to the whole (see dx_merge): names
 * are mapped to the whole's ids, counts add up, maxima stay maxima, and the
 * "first" record of a group is the one at the smallest offset, so the
 * result is the same however the chunks were shared out. */
#include <stdlib.h>
#include <string.h>

#include "diagnose/diagnose_impl.h"

/* The per-id arrays grow in powers of two: past the names they hold zeros,
 * and no id to map. */
struct id_maps {
	uint32_t *classes, *components, *workers;
	size_t n_components, n_workers;
};

/* The ids of from's names among to's (added where new); NULL on ENOMEM. */
static uint32_t *map_names(struct dx_names *to, const struct dx_names *from)
{
	uint32_t *map = malloc((from->count + 1) * sizeof *map);

	for (size_t i = 0; map && i < from->count; i++) {
		if ((map[i] = dx_names_id(to, from->names[i], strlen(from->names[i]))) == DX_NO_ID) {
			free(map);
			return NULL;
		}
	}
	return map;
}

static uint32_t mapped(const uint32_t *map, uint32_t id)
{
	return id == DX_NO_ID ? DX_NO_ID : map[id];
}

static bool same_text(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Moves *from into *to (freeing what to held). */
static void take(char **to, char **from)
{
	free(*to);
	*to = *from;
	*from = NULL;
}

/* The first record's samples and whether the error types differ. */
static void merge_samples(struct dx_group *g, struct dx_group *pg, const struct id_maps *m)
{
	if (pg->count) {
		if (g->count && !same_text(g->error_type, pg->error_type))
			g->mixed_error_types = true;
		g->mixed_error_types |= pg->mixed_error_types;
		if (!g->count || pg->sample_offset < g->sample_offset) {
			take(&g->message, &pg->message);
			take(&g->error_type, &pg->error_type);
			g->sample = (struct dx_task_ref){ mapped(m->components, pg->sample.component),
							  pg->sample.task, 0 };
			g->sample_attempt = pg->sample_attempt;
			g->sample_offset = pg->sample_offset;
		}
	}
	if (pg->traceback && (!g->traceback || pg->traceback_offset < g->traceback_offset)) {
		take(&g->traceback, &pg->traceback);
		g->traceback_offset = pg->traceback_offset;
	}
}

static void merge_exits(struct dx_group *g, const struct dx_group *pg)
{
	for (size_t i = 0; i < pg->n_exits; i++) {
		size_t k;

		for (k = 0; k < g->n_exits && g->exits[k].code != pg->exits[i].code; k++)
			;
		if (k == g->n_exits && k < DX_EXIT_CODES)
			g->exits[g->n_exits++] = (struct dx_exit_count){ pg->exits[i].code, 0 };
		if (k < g->n_exits)
			g->exits[k].count += pg->exits[i].count;
	}
}

static int merge_component(struct dx_group_component *to, const struct dx_group_component *from)
{
	to->failures += from->failures;
	to->measured += from->measured;
	if (from->peak_rss > to->peak_rss)
		to->peak_rss = from->peak_rss;
	if (from->request > to->request)
		to->request = from->request;
	if (from->elapsed_max > to->elapsed_max)
		to->elapsed_max = from->elapsed_max;
	if (from->walltime > to->walltime)
		to->walltime = from->walltime;
	to->at_memory_cap += from->at_memory_cap;
	if (from->memory_cap > to->memory_cap)
		to->memory_cap = from->memory_cap;
	return dx_requests_merge(&to->requests, &from->requests);
}

/* Nodes and components, under the whole's ids. */
static int merge_where(struct dx_group *g, const struct dx_group *pg, const struct id_maps *m)
{
	for (size_t w = 0; w < pg->n_by_worker && w < m->n_workers; w++) {
		uint32_t id = m->workers[w];

		if (!pg->by_worker[w])
			continue;
		if (dx_grow((void **)&g->by_worker, &g->n_by_worker, id, sizeof *g->by_worker))
			return -1;
		g->by_worker[id] += pg->by_worker[w];
	}
	for (size_t c = 0; c < pg->n_by_component && c < m->n_components; c++) {
		uint32_t id = m->components[c];

		if (dx_grow((void **)&g->by_component, &g->n_by_component, id,
			    sizeof *g->by_component))
			return -1;
		if (merge_component(&g->by_component[id], &pg->by_component[c]) != 0)
			return -1;
	}
	return 0;
}

static int merge_task_refs(struct dx_group *g, const struct dx_group *pg, const struct id_maps *m)
{
	size_t n = g->n_tasks + pg->n_tasks;

	if (n > g->cap_tasks) {
		struct dx_task_ref *grown = realloc(g->tasks, n * sizeof *grown);

		if (!grown)
			return -1;
		g->tasks = grown;
		g->cap_tasks = n;
	}
	for (size_t i = 0; i < pg->n_tasks; i++)
		g->tasks[g->n_tasks++] = (struct dx_task_ref){
			mapped(m->components, pg->tasks[i].component), pg->tasks[i].task,
			pg->tasks[i].attempt };
	return 0;
}

/* Adds pg to its group in dx; a group of the tasks' side (no failures)
 * only adds to a group the failures made. */
static int merge_group(struct diagnosis *dx, struct dx_group *pg, const struct id_maps *m)
{
	struct dx_group *g = dx_group_get(dx, m->classes[pg->class_id], pg->pattern,
					  pg->count > 0);

	if (!g)
		return pg->count > 0 ? -1 : 0;
	merge_samples(g, pg, m);
	g->count += pg->count;
	if (pg->max_attempt > g->max_attempt)
		g->max_attempt = pg->max_attempt;
	if (pg->elapsed_max > g->elapsed_max)
		g->elapsed_max = pg->elapsed_max;
	if (pg->time_limit > g->time_limit)
		g->time_limit = pg->time_limit;
	merge_exits(g, pg);
	if (merge_where(g, pg, m) != 0)
		return -1;
	return merge_task_refs(g, pg, m);
}

/* Appends from's values to a growing array of floats (durations, peaks). */
static int append_values(float **to, size_t *n_to, size_t *cap_to, const float *from,
			 size_t n_from)
{
	size_t n = *n_to + n_from;

	if (n > *cap_to) {
		float *grown = realloc(*to, n * sizeof *grown);

		if (!grown)
			return -1;
		*to = grown;
		*cap_to = n;
	}
	if (n_from)
		memcpy(*to + *n_to, from, n_from * sizeof *from);
	*n_to = n;
	return 0;
}

/* Task states (the one further along wins), durations, peaks, requests. */
static int merge_comp(struct dx_component *to, const struct dx_component *from)
{
	if (from->n_tasks &&
	    dx_grow((void **)&to->tasks, &to->n_tasks, from->n_tasks - 1, sizeof *to->tasks))
		return -1;
	for (size_t t = 0; t < from->n_tasks; t++) {
		const struct dx_task_state *s = &from->tasks[t];

		if (s->state && dx_task_moves_on(&to->tasks[t], s->attempt, s->state))
			to->tasks[t] = *s;
	}
	if (from->memory_request > to->memory_request)
		to->memory_request = from->memory_request;
	if (from->walltime_request > to->walltime_request)
		to->walltime_request = from->walltime_request;
	if (from->peak_succeeded > to->peak_succeeded)
		to->peak_succeeded = from->peak_succeeded;
	if (from->first_request && (!to->first_request || from->first_request < to->first_request))
		to->first_request = from->first_request;
	if (dx_requests_merge(&to->requests, &from->requests) != 0)
		return -1;
	if (append_values(&to->durations, &to->n_durations, &to->cap_durations,
			  from->durations, from->n_durations) != 0)
		return -1;
	return append_values(&to->peaks, &to->n_peaks, &to->cap_peaks, from->peaks,
			     from->n_peaks);
}

static int merge_tables(struct diagnosis *dx, const struct diagnosis *p, const struct id_maps *m)
{
	for (size_t c = 0; c < p->n_comps && c < m->n_components; c++) {
		uint32_t id = m->components[c];

		if (dx_grow((void **)&dx->comps, &dx->n_comps, id, sizeof *dx->comps) ||
		    merge_comp(&dx->comps[id], &p->comps[c]))
			return -1;
	}
	for (size_t w = 0; w < p->n_attempts_by_worker && w < m->n_workers; w++) {
		uint32_t id = m->workers[w];

		if (!p->attempts_by_worker[w])
			continue;
		if (dx_grow((void **)&dx->attempts_by_worker, &dx->n_attempts_by_worker, id,
			    sizeof *dx->attempts_by_worker))
			return -1;
		dx->attempts_by_worker[id] += p->attempts_by_worker[w];
	}
	return 0;
}

static void add_stats(struct dx_file_stats *to, const struct dx_file_stats *from)
{
	to->present |= from->present;
	to->lines += from->lines;
	to->skipped += from->skipped;
	to->torn += from->torn;
}

int dx_merge(struct diagnosis *dx, struct diagnosis *p)
{
	struct id_maps m = {
		map_names(&dx->classes, &p->classes),
		map_names(&dx->components, &p->components),
		map_names(&dx->workers, &p->workers),
		p->components.count, p->workers.count,
	};
	int rc = m.classes && m.components && m.workers ? 0 : -1;

	for (size_t i = 0; rc == 0 && i < p->groups.count; i++)
		rc = merge_group(dx, p->groups.items[i], &m);
	if (rc == 0)
		rc = merge_tables(dx, p, &m);
	dx->failures += p->failures;
	add_stats(&dx->failures_file, &p->failures_file);
	add_stats(&dx->tasks_file, &p->tasks_file);
	free(m.classes);
	free(m.components);
	free(m.workers);
	return rc;
}
