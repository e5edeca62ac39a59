/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One pass of a sweeper over a detached run (`scalable sweep`): what one
 * tick of the follow loop (run_follow.h) does, once: the new step events,
 * one poll of Slurm for the whole run (one squeue, one sacct), and the
 * retries decided submitted as the next wave through the journal
 * (--begin=now+N for a backoff: nothing waits). Then what the next sweeper
 * is to wait for; whether the run is over is run_follow_finished's call.
 *
 * Tests: orchestrator/sweeper/test/test_sweeper.c. */
#ifndef SCALABLE_SWEEPER_PASS_H
#define SCALABLE_SWEEPER_PASS_H

#include <stddef.h>
#include <stdint.h>

#include "run/run_session.h"
#include "sweeper/sweeper_chain.h"

/* Returns the tasks resubmitted (0: none), or -1 with err. Sets
 * s->submit_failures from the first-wave chunks the journal says sbatch
 * refused, so that run_final_status cannot call such a run completed. */
long sweeper_pass(struct run_session *s, struct error *err);

/* The (array) jobs the next sweeper waits for (afterany): those with a
 * latest attempt not final that squeue listed at the last poll or that were
 * submitted since, sorted, without self (a sweeper never waits for
 * itself). None: the run waits for accounting, or for nothing Slurm holds,
 * and the next sweeper comes after a delay instead. *ids is malloc'd. */
size_t sweeper_jobs_to_wait_for(const struct tracker *t, uint32_t self, uint32_t **ids);

/* Where the sweepers of s run: the target's partition, account and qos,
 * else (re-attached without its config) those of self's job. */
void sweeper_next_job(const struct run_session *s, const struct sweeper_self *self,
		   const char *program, unsigned poll_interval_s, struct sweeper_job *job);

/* Queues the next sweeper (sweeper_chain) after the jobs t still waits for,
 * or, with none (or t NULL: the run could not be read), after
 * job->poll_interval_s. */
int sweeper_queue_next(const struct sweeper_job *job, const struct tracker *t,
		    const struct sweeper_self *self, bool pass_failed,
		    enum sweeper_outcome *outcome, uint32_t *job_id, struct error *err);

#endif
