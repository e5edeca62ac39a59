/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The window: how many of a run's array tasks may be queued at once. A
 * site caps MaxJobCount and, per user, account or QOS, MaxSubmitJobs; a
 * sweep bigger than that goes in as earlier chunks drain. Two rules, both
 * checked before each chunk's sbatch:
 *   - the target's max_queued: the run's queued and running tasks plus the
 *     chunk's stay at or below it (chunks are cut to at most max_queued
 *     tasks, run_session_max_array_size);
 *   - after sbatch refused a chunk for a limit (slurm_limits.h; the chunk is
 *     journaled `deferred`), the next one goes only when the run's queued
 *     and running tasks dropped since the refusal (or none are left), and
 *     not before a backoff (5 s, doubling, at most 5 minutes).
 * A chunk refused for a limit while nothing of the run is queued, six times
 * in a row, never fits: it is a submit failure after all.
 *
 * Tests: orchestrator/run/test/test_run_window.c. */
#ifndef SCALABLE_RUN_WINDOW_H
#define SCALABLE_RUN_WINDOW_H

#include <stdbool.h>
#include <stddef.h>

#include "run/run_session.h"

#define RUN_WINDOW_GIVE_UP 6u

/* The run's tasks queued or running (their latest attempt). */
size_t run_window_queued(const struct run_session *s);
/* Whether a chunk of n tasks may be submitted now. */
bool run_window_admits(struct run_session *s, size_t n);
/* sbatch refused a chunk for a limit: closes the window until the queue
 * drains. False when waiting is hopeless (see above). */
bool run_window_refused(struct run_session *s);
/* A chunk went in: the window is open again. */
void run_window_submitted(struct run_session *s);
/* Whether chunks of the first wave are still to go in (deferred, or not yet
 * intended): the run is not over. */
bool run_window_pending(const struct run_session *s);
/* Whether the window (not `resume`) is to submit the first wave's
 * scenarios that have no attempt yet: it is pending and a chunk of it was
 * deferred, or max_queued holds its chunks back. */
bool run_window_owns_unsubmitted(const struct run_session *s);

/* What the window holds back, as `status` shows it (a read-only session
 * too: the first wave's tasks and max_queued come from plan.json). */
struct run_window_view {
	size_t unsubmitted;   /* first-wave tasks with no attempt yet; 0: none */
	unsigned max_queued;  /* the target's; 0: no cap */
	bool refused;         /* a chunk of the first wave is deferred (a site's limit) */
};
/* All zero unless the run is running and its first wave not all in. */
void run_window_view(const struct run_session *s, struct run_window_view *v);
/* The max_queued the run began with (plan.json); 0: none, or unreadable. */
unsigned run_window_recorded_max_queued(const struct run_session *s);
/* run_window_view's count alone. */
size_t run_window_unsubmitted(const struct run_session *s);

#endif
