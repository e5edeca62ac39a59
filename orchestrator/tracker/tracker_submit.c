/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Submissions into the tracker (see tracker.h): each task of a chunk, or of
 * the cache, becomes an attempt; events kept for its jobs apply then. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracker/tracker_impl.h"

/* One task of a submission: known to the maps, and `submitted` once. */
static int add_submitted_task(struct tracker *t, const struct tracker_submission *s,
			      size_t pos, const char *wave, struct error *err)
{
	const struct plan_task *task = &s->tasks[pos];
	struct task_attempt *a = tracker_attempt(t, s->component, task->index, task->attempt, true);
	int rc = !a ? -1 : s->pack > 1 ? tracker_pack_add(t, s, pos, a)
			 : tracker_index_array(t, a, s->array_job_id,
					       (uint32_t)(task->index - s->offset));

	if (rc != 0) {
		errno = ENOMEM;
		error_system(err, "cannot track %s-%zu", s->component, task->index);
		return -1;
	}
	a->requested = s->resources;
	a->wave = wave;
	return a->recorded ? 0 : attempt_emit(t, a, TASK_SUBMITTED, s->timestamp, err);
}

int tracker_add_submission(struct tracker *t, const struct tracker_submission *s,
			   struct error *err)
{
	const char *wave = s->wave ? tracker_wave(t, s->wave) : NULL;

	for (size_t i = 0; i < s->n_tasks; i++)
		if (add_submitted_task(t, s, i, wave, err) != 0)
			return -1;
	return tracker_retry_orphans(t, err);
}

int tracker_add_cached(struct tracker *t, const char *component, size_t index,
		       unsigned attempt, struct error *err)
{
	struct task_attempt *a = tracker_attempt(t, component, index, attempt, true);

	if (!a) {
		errno = ENOMEM;
		error_system(err, "cannot track %s-%zu", component, index);
		return -1;
	}
	return a->recorded ? 0 : attempt_emit(t, a, TASK_CACHED, NULL, err);
}

/* The skip's strings copied into it; the message says what became of the upstream. */
static int describe_skip(struct task_attempt *a, const struct task_upstream *why)
{
	struct tracker_skip *k = calloc(1, sizeof *k);
	char text[400];

	if (!k)
		return -1;
	snprintf(k->component, sizeof k->component, "%s", why->component);
	snprintf(k->state, sizeof k->state, "%s", why->state ? why->state : "");
	snprintf(k->failure_class, sizeof k->failure_class, "%s",
		 why->failure_class ? why->failure_class : "");
	k->upstream = (struct task_upstream){
		.component = k->component, .index = why->index, .attempt = why->attempt,
		.state = why->state ? k->state : NULL,
		.failure_class = why->failure_class ? k->failure_class : NULL,
	};
	if (why->failure_class)
		snprintf(text, sizeof text, "skipped: upstream %s-%zu (attempt %u) %s (%s)",
			 why->component, why->index, why->attempt,
			 why->state ? why->state : "failed", why->failure_class);
	else
		snprintf(text, sizeof text, "skipped: upstream %s-%zu %s", why->component,
			 why->index, why->state ? why->state : "did not succeed");
	free(a->skip);
	free(a->error_type);
	free(a->error_message);
	a->skip = k;
	a->error_type = strdup("upstream_failed");
	a->error_message = strdup(text);
	return a->error_type && a->error_message ? 0 : -1;
}

int tracker_add_skipped(struct tracker *t, const char *component, size_t index,
			unsigned attempt, const struct task_upstream *why, struct error *err)
{
	struct task_attempt *a = tracker_attempt(t, component, index, attempt, true);

	if (a && a->recorded && task_state_is_final(a->state))
		return 0;
	if (!a || describe_skip(a, why) != 0) {
		errno = ENOMEM;
		error_system(err, "cannot track %s-%zu", component, index);
		return -1;
	}
	/* a queued one too: a later stage's array task cancelled in Slurm */
	return attempt_emit(t, a, TASK_SKIPPED, NULL, err);
}
