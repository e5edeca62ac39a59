/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where a run's chunks go and how their jobs are asked about: Slurm (sbatch,
 * then one squeue and at most one sacct or scontrol per poll) or the local
 * executor (the same scripts as child processes). The follow loop and the
 * commands see only this.
 *
 * Tests: orchestrator/backend/test/test_backend_slurm_poll.c (Slurm, through
 * shims), orchestrator/run/test/test_run_local.c (local). */
#ifndef SCALABLE_BACKEND_H
#define SCALABLE_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config_file.h"
#include "lib/util/error.h"
#include "rundir/journal.h"
#include "plan/plan.h"
#include "tracker/tracker.h"

/* Something worth telling the user once (no accounting, squeue failing). */
typedef void (*run_note_fn)(void *ctx, const char *text);

struct backend_options {
	enum provider provider;
	const char *run_dir, *run_id, *project;
	const struct target *target;  /* NULL: defaults (re-attached without the config) */
	int64_t since;                /* the run's start, Unix seconds (sacct -S) */
	uint32_t next_local_job_id;   /* local: the first free array job id (>= 1) */
	run_note_fn note;             /* optional */
	void *note_ctx;
};

struct backend;

struct backend *backend_new(const struct backend_options *o, struct error *err);
void backend_free(struct backend *b);

/* Submits one chunk of a plan; *job_id is its (array) job id. 0; 1 when
 * the scheduler refused it for a site's limit on queued jobs (nothing
 * queued: submit it again once earlier jobs drain; err says what it said);
 * -1 with err for any other refusal. */
int backend_submit(struct backend *b, const struct plan *plan,
		       const struct plan_group *group, const struct plan_chunk *chunk,
		       uint32_t *job_id, struct error *err);
/* Lets time pass, at most ms (the local target runs its tasks meanwhile);
 * returns early on a signal. */
void backend_wait(struct backend *b, unsigned ms);
/* Tells the tracker what the scheduler knows about the run's open jobs. */
int backend_poll(struct backend *b, struct tracker *t, struct error *err);
/* For a process that polls once (a sweeper's pass): the grace of a task
 * gone without a word (tracker.h, TRACKER_SILENCE_GRACE) is counted in
 * memory and cannot carry over to the next process, so such a task is
 * settled at its first poll; while slurmdbd is down nothing is all the
 * same. */
void backend_polls_once(struct backend *b);
/* Cancels the given (array) jobs, in one call. */
int backend_cancel(struct backend *b, const uint32_t *ids, size_t n,
		       struct error *err);
/* One task of an array job. */
struct backend_array_task {
	uint32_t array_job_id, array_task_id;
};
/* Cancels the given array tasks in one call (Slurm: one scancel, one
 * JOB_[1,5,9] per array job); the local target, which holds no task on a
 * dependency, has nothing to cancel. */
int backend_cancel_tasks(struct backend *b, const struct backend_array_task *tasks, size_t n,
			 struct error *err);
/* True when the scheduler holds a later stage's task on its upstream's
 * (Slurm's aftercorr); the local target submits it once that succeeded. */
bool backend_holds_dependencies(const struct backend *b);
/* True when the backend still runs something itself (local tasks). */
bool backend_busy(const struct backend *b);
/* Looks for the job of a chunk whose submission was never answered (its
 * key in a job comment or name); *job_id is 0 when there is none. */
int backend_find_chunk(struct backend *b, const struct journal_submission *s,
			   uint32_t *job_id, struct error *err);

#endif
