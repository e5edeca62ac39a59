/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `scalable resume`: a held run (run_session_attach) gets one more wave of
 * what did not succeed, in the same run.
 *
 * What is resumed: per component of the run's recorded config, every
 * scenario whose latest attempt ended failed (a retry given up, or none
 * decided) or cancelled, and every scenario that was never submitted (a
 * chunk sbatch refused, or a run stopped before it was all in). Left
 * alone: what succeeded or was cached, what is still queued or running,
 * and, in a run still `running`, a failure whose retry is decided and not
 * yet submitted (the follow loop submits it as a retry, after its backoff;
 * a closed run, e.g. one followed without its config, resumes it). A
 * scenario that succeeded or was cached is resumed too when its component
 * declares outputs and one of its patterns matches nothing now
 * (run_outputs.h): its outputs vanished since.
 *
 * Each gets a new attempt: one more than the highest the task had in
 * tasks.jsonl or the journal. Resources: those its last retry decision
 * chose when it decided to resubmit, else the component's with memory and
 * walltime at least what the last attempt asked for (an escalation is not
 * lost). Looked up in the cache first (unless off): a scenario an earlier
 * run stored is `cached` at its new attempt instead. The rest is one wave
 * (w00N after the journal's last), grouped like retries, submitted at once.
 *
 * run.json goes back to `running` (finished_at and summary null) with the
 * time appended to resumed_at before anything is written or submitted;
 * following the run then closes it again with a fresh summary. When
 * nothing is left to resume, nothing is written. */
#ifndef SCALABLE_RUN_RESUME_H
#define SCALABLE_RUN_RESUME_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/util/error.h"
#include "run/run_session.h"

struct run_resume_outcome {
	size_t resubmitted;       /* tasks in the resume wave */
	size_t never_submitted;   /* of those, with no attempt before */
	size_t cached;            /* found in the cache instead */
	size_t in_flight;         /* still queued or running: followed */
	size_t outputs_gone;      /* succeeded or cached, outputs vanished since */
	size_t staged;            /* later stages' tasks left to run_stages.h */
	char wave[32];            /* the resume wave; "" when none */
};

/* Needs s->config (the run's recorded config). Returns 0 with *out filled
 * (resubmitted + cached 0: nothing to do, nothing written), -1 with err;
 * a chunk refused by sbatch is -1 too, with what was submitted tracked. */
int run_session_resume(struct run_session *s, bool use_cache, struct run_resume_outcome *out,
		       struct error *err);

#endif
