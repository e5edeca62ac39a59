/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Submissions into the tracker (see tracker.h): each task of a chunk, or of
 * the cache, becomes an attempt; events kept for its jobs apply then. */
#include <errno.h>

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
