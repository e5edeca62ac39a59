/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Slurm's view of a job: one record per job or array task, as squeue, sacct
 * or scontrol reports it. Sources fill what they know; the rest stays at the
 * "unknown" values that slurm_jobs_add gives (see each field).
 *
 * Tests: orchestrator/slurm/test/test_slurm_parse.c,
 * orchestrator/tracker/test/test_tracker.c. */
#ifndef SCALABLE_SLURM_JOB_H
#define SCALABLE_SLURM_JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SLURM_NO_ARRAY_TASK UINT32_MAX

enum slurm_state {
	SLURM_STATE_UNKNOWN = 0,
	/* still in the queue */
	SLURM_STATE_PENDING,
	SLURM_STATE_RUNNING,
	SLURM_STATE_SUSPENDED,
	SLURM_STATE_COMPLETING,
	SLURM_STATE_CONFIGURING,
	SLURM_STATE_REQUEUED,
	SLURM_STATE_REQUEUE_HOLD,
	SLURM_STATE_REQUEUE_FED,
	SLURM_STATE_RESIZING,
	SLURM_STATE_SIGNALING,
	SLURM_STATE_STAGE_OUT,
	SLURM_STATE_STOPPED,
	SLURM_STATE_SPECIAL_EXIT,
	SLURM_STATE_RESV_DEL_HOLD,
	/* ended (a preempted or failed job may come back as a new record when
	 * Slurm requeues it) */
	SLURM_STATE_COMPLETED,
	SLURM_STATE_CANCELLED,
	SLURM_STATE_FAILED,
	SLURM_STATE_TIMEOUT,
	SLURM_STATE_NODE_FAIL,
	SLURM_STATE_PREEMPTED,
	SLURM_STATE_BOOT_FAIL,
	SLURM_STATE_DEADLINE,
	SLURM_STATE_OUT_OF_MEMORY,
	SLURM_STATE_REVOKED,
};

struct slurm_job {
	uint32_t job_id;          /* its own id (each array task has one) */
	uint32_t array_job_id;    /* 0: not part of an array */
	uint32_t array_task_id;   /* SLURM_NO_ARRAY_TASK: not an array task */
	enum slurm_state state;
	char *state_text;         /* as Slurm wrote it: "CANCELLED by 1000" */
	char *reason;             /* NULL: none */
	char *nodes;              /* NULL: none assigned */
	char *comment;            /* squeue, scontrol: the run tag; NULL: none */
	unsigned restarts;        /* times Slurm requeued it before this record */
	int exit_code, signal;    /* ExitCode "N:S"; -1: unknown */
	int derived_exit_code;    /* sacct: the largest exit code of its steps; -1: unknown */
	int64_t submit_time, start_time, end_time;  /* Unix seconds; 0: unknown */
	int64_t elapsed_s;        /* -1: unknown */
	uint64_t time_limit_s;    /* 0: unknown or unlimited */
	uint64_t req_mem_bytes;   /* 0: unknown */
	uint64_t max_rss_bytes;   /* sacct: the largest of its steps; 0: unknown */
	bool step_oom;            /* sacct: one of its steps ended OUT_OF_MEMORY */
};

struct slurm_jobs {
	struct slurm_job *items;
	size_t count, capacity;
};

/* Sets every field of job to unknown. */
void slurm_job_init(struct slurm_job *job);
/* Appends a record with every field unknown; NULL when out of memory. */
struct slurm_job *slurm_jobs_add(struct slurm_jobs *jobs);
/* Appends a copy of job (strings duplicated); NULL when out of memory. */
struct slurm_job *slurm_jobs_add_copy(struct slurm_jobs *jobs, const struct slurm_job *job);
/* Appends a copy of job per array task id given, or one copy as it is when
 * n_tasks is 0; -1 when out of memory. */
int slurm_jobs_add_tasks(struct slurm_jobs *jobs, const struct slurm_job *job,
			 const uint32_t *task_ids, size_t n_tasks);
void slurm_jobs_free(struct slurm_jobs *jobs);
void slurm_job_free(struct slurm_job *job);

/* Orders by array job (or job) id, array task id, then restarts. */
void slurm_jobs_sort(struct slurm_jobs *jobs);
/* The latest record of an array task (or, with SLURM_NO_ARRAY_TASK, of the
 * job id) in sorted jobs; NULL when absent. */
const struct slurm_job *slurm_jobs_find(const struct slurm_jobs *jobs, uint32_t array_job_id,
					uint32_t array_task_id);

/* "CANCELLED by 1000", "CANCELLED+" and "OUT_OF_MEMORY" name their states;
 * anything else is SLURM_STATE_UNKNOWN. */
enum slurm_state slurm_state_from_text(const char *text);
const char *slurm_state_name(enum slurm_state state);
/* True when the record has ended (it may still be requeued as a new one). */
bool slurm_state_is_final(enum slurm_state state);

#endif
