/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Grouping one round of retry decisions into plan requests (see retry_wave.h). */
#include "retry/retry_wave.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* strcmp order of the components' names (the same one: 0). */
static int compare_component(const struct component *a, const struct component *b)
{
	return a == b ? 0 : strcmp(a->name, b->name);
}

/* -1, 0 or 1 as a is below, at or above b. */
static int compare_u64(uint64_t a, uint64_t b)
{
	return (a > b) - (a < b);
}

/* The group key: component, resources, excluded nodes. */
static int compare_key(const struct retry_decision *a, const struct retry_decision *b)
{
	int c = compare_component(a->component, b->component);

	if (!c)
		c = compare_u64(a->resources.cpus, b->resources.cpus);
	if (!c)
		c = compare_u64(a->resources.memory_bytes, b->resources.memory_bytes);
	if (!c)
		c = compare_u64(a->resources.walltime_s, b->resources.walltime_s);
	return c ? c : strcmp(a->exclude, b->exclude);
}

/* qsort order: by key, then index. */
static int by_key(const void *x, const void *y)
{
	const struct retry_decision *a = *(const struct retry_decision *const *)x;
	const struct retry_decision *b = *(const struct retry_decision *const *)y;
	int c = compare_key(a, b);

	return c ? c : compare_u64(a->index, b->index);
}

/* qsort order: by component, then index (to find an index given twice). */
static int by_task(const void *x, const void *y)
{
	const struct retry_decision *a = *(const struct retry_decision *const *)x;
	const struct retry_decision *b = *(const struct retry_decision *const *)y;
	int c = compare_component(a->component, b->component);

	return c ? c : compare_u64(a->index, b->index);
}

/* The resubmissions among d, as pointers; -1 when one has no component. */
static int pick(const struct retry_decision *d, size_t n,
		const struct retry_decision **picked, size_t *count, struct error *err)
{
	*count = 0;
	for (size_t i = 0; i < n; i++) {
		if (d[i].action != RETRY_RESUBMIT)
			continue;
		if (!d[i].component || !d[i].next_attempt) {
			error_usage(err, "retry of index %zu has no component or attempt", d[i].index);
			return -1;
		}
		picked[(*count)++] = &d[i];
	}
	return 0;
}

/* Fails when a (component, index) is resubmitted twice. */
static int check_unique(const struct retry_decision **picked, size_t n, struct error *err)
{
	qsort(picked, n, sizeof *picked, by_task);
	for (size_t i = 1; i < n; i++) {
		if (by_task(&picked[i - 1], &picked[i]) == 0) {
			error_usage(err, "index %zu of component %s is retried twice in one wave",
				    picked[i]->index, picked[i]->component->name);
			return -1;
		}
	}
	return 0;
}

/* Seconds from now until t, never negative. */
static uint64_t wait_until(int64_t t, time_t now)
{
	return t > (int64_t)now ? (uint64_t)(t - (int64_t)now) : 0;
}

/* Fills the request for the members picked[first .. first + count). */
static int fill_request(struct retry_wave *w, const struct retry_decision **picked,
			size_t first, size_t count, time_t now)
{
	struct plan_request *r = &w->requests[w->n_requests];
	const struct retry_decision *lead = picked[first];

	*r = (struct plan_request){ .component = lead->component, .resources = lead->resources,
				    .tasks = &w->tasks[first], .n_tasks = count };
	for (size_t i = first; i < first + count; i++) {
		uint64_t wait = wait_until(picked[i]->not_before, now);

		w->tasks[i] = (struct plan_task){ picked[i]->index, picked[i]->next_attempt };
		if (wait > r->begin_delay_s)
			r->begin_delay_s = wait;
	}
	w->exclude[w->n_requests] = NULL;
	if (lead->exclude[0] && !(w->exclude[w->n_requests] = strdup(lead->exclude)))
		return -1;
	w->n_requests++;
	return 0;
}

/* Cuts the sorted resubmissions into runs of one key. */
static int cut_groups(struct retry_wave *w, const struct retry_decision **picked, size_t n,
		      time_t now)
{
	size_t first = 0;

	for (size_t i = 1; i <= n; i++) {
		if (i < n && compare_key(picked[first], picked[i]) == 0)
			continue;
		if (fill_request(w, picked, first, i - first, now) != 0)
			return -1;
		first = i;
	}
	return 0;
}

int retry_wave_group(const struct retry_decision *d, size_t n, time_t now,
		     struct retry_wave *out, struct error *err)
{
	const struct retry_decision **picked = malloc((n ? n : 1) * sizeof *picked);
	size_t count = 0;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (!picked)
		goto oom;
	if (pick(d, n, picked, &count, err) != 0 || check_unique(picked, count, err) != 0)
		goto done;
	qsort(picked, count, sizeof *picked, by_key);
	out->n_tasks = count;
	out->tasks = malloc((count ? count : 1) * sizeof *out->tasks);
	out->requests = malloc((count ? count : 1) * sizeof *out->requests);
	out->exclude = calloc(count ? count : 1, sizeof *out->exclude);
	if (!out->tasks || !out->requests || !out->exclude ||
	    cut_groups(out, picked, count, now) != 0)
		goto oom;
	rc = 0;
	goto done;
oom:
	errno = ENOMEM;
	error_system(err, "grouping %zu retries", count);
done:
	if (rc != 0)
		retry_wave_free(out);
	free(picked);
	return rc;
}

void retry_wave_free(struct retry_wave *wave)
{
	for (size_t r = 0; wave->exclude && r < wave->n_requests; r++)
		free(wave->exclude[r]);
	free(wave->exclude);
	free(wave->requests);
	free(wave->tasks);
	memset(wave, 0, sizeof *wave);
}
