/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The timeline's buckets (see report_buckets): every index counted once,
 * by what became of its latest attempt, in at most a fixed number of
 * columns however many tasks a run has. */
#include <string.h>

#include "report/report_impl.h"

enum report_outcome report_outcome_of(struct dx_task_state t)
{
	switch (t.state) {
	case 0: return REPORT_UNSEEN;
	case TASK_SUCCEEDED + 1: return t.attempt > 1 ? REPORT_RETRIED : REPORT_SUCCEEDED;
	case TASK_CACHED + 1: return REPORT_CACHED;
	case TASK_FAILED + 1: return REPORT_FAILED;
	case TASK_CANCELLED + 1: return REPORT_CANCELLED;
	case TASK_SKIPPED + 1: return REPORT_SKIPPED;
	default: return REPORT_ACTIVE;  /* submitted, running, requeued */
	}
}

const char *report_outcome_name(enum report_outcome o)
{
	static const char *const names[] = {
		"succeeded", "succeeded after retries", "cached", "failed", "cancelled",
		"in progress", "not started", "skipped",
	};

	return o < REPORT_OUTCOMES ? names[o] : "?";
}

size_t report_buckets(const struct dx_task_state *tasks, size_t n_tasks, size_t n_indices,
		      struct report_bucket *out, size_t max)
{
	size_t n = n_indices < max ? n_indices : max;

	for (size_t b = 0; b < n; b++) {
		struct report_bucket *bucket = &out[b];

		memset(bucket, 0, sizeof *bucket);
		/* b * n_indices / n: sizes differ by one at most, none is empty */
		bucket->first = (size_t)((unsigned long long)b * n_indices / n);
		bucket->last = (size_t)((unsigned long long)(b + 1) * n_indices / n) - 1;
		for (size_t i = bucket->first; i <= bucket->last; i++) {
			struct dx_task_state t = i < n_tasks ? tasks[i] : (struct dx_task_state){ 0 };

			bucket->outcomes[report_outcome_of(t)]++;
			bucket->attempts += t.attempt;
		}
	}
	return n;
}
