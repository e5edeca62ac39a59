/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The summary of a run (see run_summary.h). */
#include "tracker/run_summary.h"

#include <stdlib.h>
#include <string.h>

/* What is added up for one component, or for the whole run. */
struct tally {
	const char *name;                 /* interned by the tracker; NULL: the run */
	size_t tasks, attempts, resubmissions, requeues;
	size_t by_state[TASK_STATE_COUNT];
	size_t failures[FAILURE_CLASS_COUNT], final_failures[FAILURE_CLASS_COUNT];
	double *durations;
	size_t n_durations, cap_durations;
	int64_t peak_bytes, requested_bytes;
	double max_ratio;
	bool out_of_memory;
};

struct summary {
	struct tally run;
	struct tally *components;
	size_t n_components;
	bool out_of_memory;
};

static void add_duration(struct tally *tally, double seconds)
{
	if (tally->n_durations == tally->cap_durations) {
		size_t cap = tally->cap_durations ? 2 * tally->cap_durations : 64;
		double *grown = realloc(tally->durations, cap * sizeof *grown);

		if (!grown) {
			tally->out_of_memory = true;
			return;
		}
		tally->durations = grown;
		tally->cap_durations = cap;
	}
	tally->durations[tally->n_durations++] = seconds;
}

static void add_memory(struct tally *tally, const struct task_attempt *a)
{
	int64_t requested = (int64_t)a->requested.memory_bytes;

	if (a->max_rss_bytes > tally->peak_bytes)
		tally->peak_bytes = a->max_rss_bytes;
	if (requested > 0 && requested > tally->requested_bytes)
		tally->requested_bytes = requested;
	if (a->max_rss_bytes > 0 && requested > 0 &&
	    (double)a->max_rss_bytes / (double)requested > tally->max_ratio)
		tally->max_ratio = (double)a->max_rss_bytes / (double)requested;
}

static void add_attempt(struct tally *tally, const struct task_attempt *a, bool latest)
{
	if (latest) {
		tally->tasks++;
		tally->by_state[a->state]++;
		if (a->state == TASK_FAILED)
			tally->final_failures[a->failure_class]++;
	}
	if (a->state == TASK_CACHED || a->state == TASK_SKIPPED)
		return;  /* no attempt ran */
	tally->attempts++;
	tally->resubmissions += a->attempt > 1;
	tally->requeues += a->restart_count;
	if (a->state == TASK_FAILED)
		tally->failures[a->failure_class]++;
	if (task_state_is_final(a->state) && a->duration_s >= 0)
		add_duration(tally, a->duration_s);
	add_memory(tally, a);
}

/* The component's tally, added when new (NULL when out of memory). */
static struct tally *component_tally(struct summary *s, const char *name)
{
	struct tally *grown;

	for (size_t i = 0; i < s->n_components; i++)
		if (s->components[i].name == name)
			return &s->components[i];
	grown = realloc(s->components, (s->n_components + 1) * sizeof *grown);
	if (!grown)
		return NULL;
	s->components = grown;
	memset(&grown[s->n_components], 0, sizeof *grown);
	grown[s->n_components].name = name;
	grown[s->n_components].peak_bytes = -1;
	grown[s->n_components].requested_bytes = -1;
	return &grown[s->n_components++];
}

static void visit(const struct task_attempt *a, bool latest, void *ctx)
{
	struct summary *s = ctx;
	struct tally *component = component_tally(s, a->component);

	add_attempt(&s->run, a, latest);
	if (component)
		add_attempt(component, a, latest);
	else
		s->out_of_memory = true;
}

static int compare_doubles(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

/* Nearest-rank percentile of sorted values. */
static double percentile(const double *sorted, size_t n, double p)
{
	size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999);

	return sorted[rank == 0 ? 0 : rank - 1];
}

static json_t *durations_json(struct tally *tally)
{
	if (tally->n_durations == 0)
		return json_pack("{s:n, s:n}", "p50", "p95");
	qsort(tally->durations, tally->n_durations, sizeof *tally->durations, compare_doubles);
	return json_pack("{s:f, s:f}", "p50", percentile(tally->durations, tally->n_durations, 50),
			 "p95", percentile(tally->durations, tally->n_durations, 95));
}

static json_t *states_json(const size_t *by_state)
{
	json_t *states = json_object();

	for (int i = 0; states && i < TASK_STATE_COUNT; i++)
		json_object_set_new(states, task_state_name((enum task_state)i),
				    json_integer((json_int_t)by_state[i]));
	return states;
}

/* Classes with at least one failure. */
static json_t *classes_json(const size_t *by_class)
{
	json_t *classes = json_object();

	for (int i = 0; classes && i < FAILURE_CLASS_COUNT; i++)
		if (by_class[i])
			json_object_set_new(classes, failure_class_name((enum failure_class)i),
					    json_integer((json_int_t)by_class[i]));
	return classes;
}

static json_t *int_or_null(int64_t value)
{
	return value < 0 ? json_null() : json_integer(value);
}

static json_t *memory_json(const struct tally *tally)
{
	return json_pack("{s:o, s:o, s:o}", "peak_bytes", int_or_null(tally->peak_bytes),
			 "requested_bytes", int_or_null(tally->requested_bytes),
			 "max_peak_to_request",
			 tally->max_ratio > 0 ? json_real(tally->max_ratio) : json_null());
}

static json_t *component_json(struct tally *tally)
{
	return json_pack("{s:I, s:o, s:I, s:o, s:o}", "tasks", (json_int_t)tally->tasks,
			 "counts_by_state", states_json(tally->by_state),
			 "attempts", (json_int_t)tally->attempts,
			 "duration_s", durations_json(tally), "memory", memory_json(tally));
}

static json_t *summary_json(struct summary *s)
{
	struct tally *run = &s->run;
	json_t *components = json_object();

	for (size_t i = 0; components && i < s->n_components; i++)
		json_object_set_new(components, s->components[i].name,
				    component_json(&s->components[i]));
	return json_pack("{s:I, s:o, s:o, s:o, s:I, s:I, s:I, s:o, s:o}",
			 "tasks", (json_int_t)run->tasks,
			 "counts_by_state", states_json(run->by_state),
			 "failures_by_class", classes_json(run->failures),
			 "final_failures_by_class", classes_json(run->final_failures),
			 "attempts", (json_int_t)run->attempts,
			 "resubmissions", (json_int_t)run->resubmissions,
			 "requeues", (json_int_t)run->requeues,
			 "duration_s", durations_json(run), "components", components);
}

json_t *run_summary_json(const struct tracker *t)
{
	struct summary s = { .run = { .peak_bytes = -1, .requested_bytes = -1 } };
	json_t *json = NULL;
	bool failed = false;

	tracker_foreach(t, visit, &s);
	failed = s.out_of_memory || s.run.out_of_memory;
	for (size_t i = 0; i < s.n_components; i++)
		failed = failed || s.components[i].out_of_memory;
	if (!failed)
		json = summary_json(&s);
	for (size_t i = 0; i < s.n_components; i++)
		free(s.components[i].durations);
	free(s.components);
	free(s.run.durations);
	return json;
}
