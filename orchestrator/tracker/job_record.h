/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the tracker is told about Slurm's jobs at each poll: one record per
 * job or array task, filled by the Slurm layer (squeue, then sacct or
 * scontrol for what left the queue) or by the local executor. The tracker
 * knows nothing of how they were obtained.
 *
 * Contract for the filler: report every job of the run it asked about
 * (tracker_jobs_to_poll); a job that left squeue comes with gone = true and
 * the final state sacct/scontrol gave, or "" when nobody knows any more. A
 * job absent from the list is "no news" to tracker_apply_jobs; to
 * tracker_apply_poll it is "gone without a word" (tracker.h, enum
 * tracker_silence).
 *
 * Tests: orchestrator/tracker/test/test_tracker.c,
 * orchestrator/retry/test/test_retry_tracker.c. */
#ifndef SCALABLE_JOB_RECORD_H
#define SCALABLE_JOB_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#define JOB_RECORD_NO_TASK UINT32_MAX   /* array_task_id of a non-array job */

struct job_record {
	uint32_t job_id, array_job_id, array_task_id;
	bool is_array;
	/* PENDING, RUNNING, COMPLETING, COMPLETED, FAILED, OUT_OF_MEMORY,
	 * TIMEOUT, PREEMPTED, NODE_FAIL, CANCELLED, REQUEUED, BOOT_FAIL,
	 * DEADLINE, ...; "CANCELLED by 1000" is read as CANCELLED; "" unknown. */
	char state[32];
	char reason[64];
	int exit_code, signal;         /* -1: unknown */
	char node[64];
	int restarts;                  /* Slurm's restart count; -1: unknown */
	int64_t max_rss_bytes;         /* -1: unknown */
	double elapsed_s;              /* < 0: unknown */
	bool gone;                     /* absent from squeue */
};

enum job_phase {
	JOB_PHASE_UNKNOWN,     /* a state this code does not know, or none */
	JOB_PHASE_QUEUED,      /* PENDING, REQUEUED, REQUEUE_HOLD, SUSPENDED, ... */
	JOB_PHASE_RUNNING,     /* RUNNING, COMPLETING, CONFIGURING, ... */
	JOB_PHASE_ENDED,       /* COMPLETED, FAILED, TIMEOUT, ... */
};

struct slurm_job;

/* A record with every field unknown. */
void job_record_init(struct job_record *record);
/* A record saying that an array task was cancelled and has left the queue
 * (what `scalable cancel` and a local task dropped before it started tell
 * the tracker). */
void job_record_cancelled(struct job_record *record, uint32_t job_id, uint32_t array_job_id,
			  uint32_t array_task_id);
/* What the record's state says about the job's life. */
enum job_phase job_record_phase(const struct job_record *record);
/* True when the state's first word is name ("CANCELLED by 0" is CANCELLED). */
bool job_state_is(const char *state, const char *name);

/* The Slurm layer's record (slurm_job.h) as the tracker reads it; gone says
 * it came from sacct or scontrol because squeue no longer listed the job. A
 * job whose step ended OUT_OF_MEMORY while the job itself says FAILED or
 * CANCELLED is reported OUT_OF_MEMORY. */
void job_record_from_slurm_job(const struct slurm_job *job, bool gone, struct job_record *out);

#endif
