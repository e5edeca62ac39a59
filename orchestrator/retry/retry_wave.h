/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A later wave from one round of retry decisions: the resubmissions grouped
 * by (component, resources, excluded nodes) into as few plan_requests as
 * possible, so each group is one array (per MaxArraySize chunk) however
 * many indices it has.
 *
 * A group begins at its latest member's not_before: no task is retried
 * sooner than its own backoff allows (the backoff is there to give a
 * struggling service, or the job that preempted ours, time), and the
 * others wait at most the spread of one wave's delays, which is small:
 * members share a component and resources, mostly a class and an attempt
 * too. Taking the earliest instead would resubmit into the trouble the
 * backoff is for. The delay is relative to now, so a wave built late (after
 * a re-attach) waits only what is left; it becomes sbatch --begin=now+N.
 *
 * Excluded nodes must match exactly: merging exclude lists would keep tasks
 * off nodes they never failed on, and on a small partition off every node.
 *
 * Tests: orchestrator/retry/test/test_retry.c,
 * orchestrator/retry/test/test_retry_tracker.c. */
#ifndef SCALABLE_RETRY_WAVE_H
#define SCALABLE_RETRY_WAVE_H

#include <stddef.h>
#include <time.h>

#include "lib/util/error.h"
#include "plan/plan.h"
#include "retry/retry_decision.h"

struct retry_wave {
	struct plan_request *requests;  /* for plan_wave, sorted by component
					   name, resources, exclude */
	char **exclude;                 /* per request: --exclude value, NULL: none */
	size_t n_requests;
	struct plan_task *tasks;        /* what the requests point into */
	size_t n_tasks;
};

/* Groups the RETRY_RESUBMIT decisions among d[0..n) (the others are
 * skipped). An index resubmitted twice for one component is an error.
 * An empty wave has no requests. */
int retry_wave_group(const struct retry_decision *d, size_t n, time_t now,
		     struct retry_wave *out, struct error *err);
void retry_wave_free(struct retry_wave *wave);

#endif
