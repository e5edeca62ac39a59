/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the tracker can tell: counts, open jobs, failed attempts (see tracker.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracker/tracker_impl.h"

/* True when the task belongs to component (NULL: any). */
static bool task_of(const struct tracker *t, const struct tracked_task *task,
		    const char *component)
{
	return !component || !strcmp(t->components.names[task->component], component);
}

static bool awaiting_slurm(const struct task_attempt *a)
{
	return a->end_seen && !task_state_is_final(a->state);
}

void tracker_counts(const struct tracker *t, const char *component,
		    struct tracker_counts *out)
{
	if (!component) {
		*out = t->totals;
		return;
	}
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < t->n_all; i++) {
		const struct task_attempt *a = tracked_task_latest(t->all[i]);

		if (!a || !task_of(t, t->all[i], component))
			continue;
		out->tasks++;
		out->by_state[a->state]++;
		out->awaiting_slurm += awaiting_slurm(a);
	}
}

size_t tracker_failed_changes(const struct tracker *t)
{
	return t->failed_changes;
}

bool tracker_all_final(const struct tracker *t)
{
	return t->not_final == 0;
}

static int compare_ids(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

/* Sorts and drops repeats; returns the count left. */
static size_t sort_unique(uint32_t *ids, size_t n)
{
	size_t kept = 0;

	qsort(ids, n, sizeof *ids, compare_ids);
	for (size_t i = 0; i < n; i++)
		if (kept == 0 || ids[kept - 1] != ids[i])
			ids[kept++] = ids[i];
	return kept;
}

static bool polled(const struct task_attempt *a)
{
	return a && !task_state_is_final(a->state) && a->array_job_id;
}

/* The arrays with attempts not final, as counted at each change. */
static size_t open_arrays(const struct tracker *t, uint32_t **ids)
{
	size_t n = 0;

	if (!(*ids = malloc((t->n_open_arrays + 1) * sizeof **ids)))
		return 0;
	for (size_t i = 0; i < t->n_open_arrays; i++)
		if (t->open_arrays[i].open)
			(*ids)[n++] = t->open_arrays[i].array_job_id;
	return n ? sort_unique(*ids, n) : 0;
}

size_t tracker_jobs_to_poll(const struct tracker *t, uint32_t **ids)
{
	size_t n = 0, open = 0;

	if (!t->open_broken)
		return open_arrays(t, ids);
	for (size_t i = 0; i < t->n_all; i++)
		for (unsigned k = 0; k < t->all[i]->n_attempts; k++)
			open += polled(t->all[i]->attempts[k]);
	if (!(*ids = malloc((open + 1) * sizeof **ids)))
		return 0;
	for (size_t i = 0; i < t->n_all; i++)
		for (unsigned k = 0; k < t->all[i]->n_attempts; k++)
			if (polled(t->all[i]->attempts[k]))
				(*ids)[n++] = t->all[i]->attempts[k]->array_job_id;
	return n ? sort_unique(*ids, n) : 0;
}

size_t tracker_failed_attempts(const struct tracker *t, const struct task_attempt ***out)
{
	size_t n = 0;

	size_t failed = t->totals.by_state[TASK_FAILED];

	*out = calloc(failed + 1, sizeof **out);
	for (size_t i = 0; *out && n < failed && i < t->n_all; i++) {
		const struct task_attempt *a = tracked_task_latest(t->all[i]);

		if (a && a->state == TASK_FAILED)
			(*out)[n++] = a;
	}
	return n;
}

void tracker_foreach(const struct tracker *t, tracker_visitor fn, void *ctx)
{
	for (size_t i = 0; i < t->n_all; i++) {
		const struct task_attempt *latest = tracked_task_latest(t->all[i]);

		for (unsigned k = 0; k < t->all[i]->n_attempts; k++)
			if (t->all[i]->attempts[k])
				fn(t->all[i]->attempts[k], t->all[i]->attempts[k] == latest, ctx);
	}
}

size_t tracker_not_started(const struct tracker *t, const struct task_attempt ***out)
{
	size_t n = 0, cancelled = t->totals.by_state[TASK_CANCELLED];

	*out = calloc(cancelled + 1, sizeof **out);
	for (size_t i = 0; *out && n < cancelled && i < t->n_all; i++) {
		const struct task_attempt *a = tracked_task_latest(t->all[i]);

		if (a && a->state == TASK_CANCELLED && a->not_started)
			(*out)[n++] = a;
	}
	return n;
}

static bool queued_state(const struct task_attempt *a)
{
	return a->latest && (a->state == TASK_SUBMITTED || a->state == TASK_RUNNING ||
			     a->state == TASK_REQUEUED);
}

size_t tracker_queued_array_tasks(const struct tracker *t)
{
	size_t n = t->totals.by_state[TASK_SUBMITTED] + t->totals.by_state[TASK_RUNNING] +
		   t->totals.by_state[TASK_REQUEUED];

	/* a pack's scenarios queued or running are one array task */
	for (size_t i = 0; i < t->n_packs; i++) {
		size_t members = 0;

		for (size_t m = 0; m < t->all_packs[i]->n_members; m++)
			members += queued_state(t->all_packs[i]->members[m]);
		if (members)
			n -= members - 1;
	}
	return n;
}

void tracker_event_stats(const struct tracker *t, struct event_reader_stats *out)
{
	event_tree_stats(t->events, out);
}

/* Whether a count is news: the first, then each doubling. */
static bool news(size_t n, size_t said)
{
	return n > said && n >= 2 * said;
}

bool tracker_events_trouble(struct tracker *t, char *text, size_t len)
{
	char first[320];
	size_t refused = event_tree_refused(t->events, first, sizeof first);
	size_t skipped = event_tree_bad_lines(t->events);
	bool say_refused = news(refused, t->refused_said), say_skipped = news(skipped, t->skipped_said);
	int n = 0;

	if (!say_refused && !say_skipped)
		return false;
	if (say_refused) {
		n = snprintf(text, len, "%zu unreadable entr%s in events/ (first: %s)", refused,
			     refused == 1 ? "y" : "ies", first);
		t->refused_said = refused;
	}
	if (say_skipped && n >= 0 && (size_t)n < len) {
		snprintf(text + n, len - (size_t)n, "%s%zu line%s skipped in events/ (%zu of them "
			 "claimed another step)", n ? "; " : "", skipped, skipped == 1 ? "" : "s",
			 event_tree_forged(t->events));
		t->skipped_said = skipped;
	}
	return true;
}
