/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A run as its report shows it (see report_load): diagnose_run, then per
 * component the timeline and the spreads, the failure classes with their
 * first records, and the run's duration. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report/report_impl.h"

/* The largest index any component has a row for, plus one; at least the
 * scenarios that scenarios.jsonl lists. (A component's task table grows in
 * powers of two: its length says nothing.) */
static size_t index_count(const struct diagnosis *dx)
{
	size_t n = dx->scen.count;

	for (size_t c = 0; c < dx->n_comps; c++) {
		const struct dx_component *comp = &dx->comps[c];
		size_t seen = comp->n_tasks;

		while (seen > n && !comp->tasks[seen - 1].state)
			seen--;
		if (seen > n)
			n = seen;
	}
	return n;
}

static int load_component(struct report *r, uint32_t id, size_t n_indices)
{
	static struct dx_component no_tasks;  /* named only in failures.jsonl */
	struct dx_component *dc = id < r->dx->n_comps ? &r->dx->comps[id] : &no_tasks;
	struct report_component *c = &r->comps[id];
	size_t n_buckets = n_indices < REPORT_BUCKETS_MAX ? n_indices : REPORT_BUCKETS_MAX;

	c->name = r->dx->components.names[id];
	for (size_t t = 0; t < dc->n_tasks; t++) {
		if (!dc->tasks[t].state)
			continue;
		c->tasks++;
		c->attempts += dc->tasks[t].attempt;
		c->by_state[dc->tasks[t].state - 1]++;
	}
	c->peak = report_spread_of(dc->peaks, dc->n_peaks);
	c->duration = report_spread_of(dc->durations, dc->n_durations);
	c->memory_request = dc->memory_request;
	c->configured_request = dx_configured_request(r->dx, id);
	if (dx_memory_crossed(r->dx, c->name, &c->above_80, &c->above_90) != 0)
		return -1;
	c->requests = &dc->requests;
	c->walltime_request = dc->walltime_request;
	if (n_buckets && !(c->buckets = calloc(n_buckets, sizeof *c->buckets)))
		return -1;
	c->n_buckets = report_buckets(dc->tasks, dc->n_tasks, n_indices, c->buckets, n_buckets);
	return 0;
}

static int by_count(const void *a, const void *b)
{
	const struct report_class *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* The classes with failures, most first. */
static int load_classes(struct report *r)
{
	const struct diagnosis *dx = r->dx;

	if (dx->classes.count && !(r->classes = calloc(dx->classes.count, sizeof *r->classes)))
		return -1;
	for (uint32_t id = 0; id < dx->classes.count; id++) {
		size_t count = 0;

		for (size_t g = 0; g < dx->groups.count; g++)
			if (dx->groups.items[g]->class_id == id)
				count += dx->groups.items[g]->count;
		if (count)
			r->classes[r->n_classes++] =
				(struct report_class){ .name = dx->classes.names[id], .count = count };
	}
	if (r->n_classes)
		qsort(r->classes, r->n_classes, sizeof *r->classes, by_count);
	return 0;
}

/* Started to finished, or to now while it runs; -1 when a time is unknown. */
static double run_duration(const struct run_record *record)
{
	struct timespec start, end;

	if (rfc3339_parse(record->started_at, &start) != 0)
		return -1;
	if (record->finished_at[0] ? rfc3339_parse(record->finished_at, &end) != 0
				   : clock_gettime(CLOCK_REALTIME, &end) != 0)
		return -1;
	return (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
}

static int load_rest(struct report *r, struct error *err)
{
	struct diagnosis *dx = r->dx;
	size_t n_indices = index_count(dx);

	/* comps grows in powers of two: its length is no count of components */
	r->n_comps = dx->components.count;
	if (r->n_comps && !(r->comps = calloc(r->n_comps, sizeof *r->comps)))
		goto oom;
	for (uint32_t c = 0; c < r->n_comps; c++)
		if (load_component(r, c, n_indices) != 0)
			goto oom;
	if (load_classes(r) != 0)
		goto oom;
	r->duration_s = run_duration(&dx->record);
	rfc3339_now(r->generated_at, sizeof r->generated_at);
	return report_samples(r, err);
oom:
	errno = ENOMEM;
	error_system(err, "cannot report on %s", dx->run_path);
	return -1;
}

int report_load(const char *run_dir, struct report **out, struct error *err)
{
	struct report *r = calloc(1, sizeof *r);

	if (!r) {
		error_system(err, "cannot report on %s", run_dir);
		return -1;
	}
	if (diagnose_run(run_dir, &r->dx, err) != 0 || load_rest(r, err) != 0) {
		report_free(r);
		return -1;
	}
	*out = r;
	return 0;
}

void report_free(struct report *r)
{
	if (!r)
		return;
	for (size_t c = 0; c < r->n_comps; c++)
		free(r->comps[c].buckets);
	free(r->comps);
	for (size_t i = 0; i < r->n_classes; i++) {
		for (size_t k = 0; k < r->classes[i].n_samples; k++) {
			free(r->classes[i].samples[k].component);
			free(r->classes[i].samples[k].worker);
			free(r->classes[i].samples[k].message);
		}
	}
	free(r->classes);
	diagnose_free(r->dx);
	free(r);
}
