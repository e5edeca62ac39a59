/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The local target's executor: runs the chunks of a plan (see plan.h) as
 * local child processes, the way Slurm would run them as array tasks.
 *
 * Each array task of a chunk runs the chunk's argv (normally `bash SCRIPT`)
 *  - in its own process group, stdin from /dev/null, stdout and stderr to
 *    the "slurm" output file (sbatch's --output pattern, default
 *    <run_dir>/logs/slurm-%A_%a.out), created by the calling user;
 *  - with the calling process's environment (minus any inherited SLURM_* and
 *    SLURMD_*), the chunk's env added, and Slurm's batch variables:
 *    SLURM_ARRAY_TASK_ID, SLURM_ARRAY_JOB_ID, SLURM_JOB_ID,
 *    SLURM_ARRAY_TASK_COUNT/MIN/MAX, SLURM_JOB_NAME, SLURM_CPUS_PER_TASK,
 *    SLURMD_NODENAME, SLURM_RESTART_COUNT=0, SLURM_SUBMIT_DIR and
 *    SLURM_JOB_PARTITION=local;
 *  - under a CPU budget (concurrency), a walltime (at the limit: slurmstepd's
 *    "DUE TO TIME LIMIT" banner into the output file, SIGTERM to the group,
 *    SIGKILL after kill_wait) and a memory limit (the summed RSS of the
 *    task's process group, sampled from /proc: above the limit the group is
 *    SIGKILLed and the end counts one OOM kill);
 *  - writing the step events the SPANK plugin writes (docs/design.md "Events from
 *    the node") into <run_dir>/events/<job_id>.batch.0.jsonl, or, when the
 *    chunk's env has SCALABLE_EVENTS_LAYOUT=2 (as the plugin reads it), into
 *    <run_dir>/events/<step_event_subdir>/<job_id>.batch.0.jsonl: a start
 *    line when it starts, an end line when it ends.
 * When the script itself exits, whatever it left running in its process
 * group is killed, as slurmstepd kills a batch job's leftovers.
 *
 * Job ids: the caller picks a chunk's array_job_id (unique within the run);
 * the task at position i of the chunk gets job id array_job_id + i, so a
 * chunk occupies ids [array_job_id, array_job_id + n) and the next chunk
 * should start at array_job_id + n or above.
 *
 * Event fields: run_id is the chunk env's SCALABLE_RUN_ID; task_id is the
 * array task id + SCALABLE_INDEX_OFFSET (as the script's prelude computes
 * it); attempt is the chunk env's SCALABLE_ATTEMPT when the chunk has one,
 * else null (the tracker maps job ids to attempts from its own records);
 * pid is the task's process (the leader of its group) rather than
 * slurmstepd's; uid is the caller's.
 *
 * Single-threaded: call everything from one thread. Children are waited for
 * by pid only (pidfds; a SIGCHLD self-pipe on kernels without them), so
 * nothing else in the process may reap with waitpid(-1). */
#ifndef SCALABLE_LOCAL_EXECUTOR_H
#define SCALABLE_LOCAL_EXECUTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "wait_status.h"

#define LOCAL_EXECUTOR_DEFAULT_KILL_WAIT_MS 5000u
#define LOCAL_EXECUTOR_DEFAULT_SAMPLE_MS 250u

enum local_task_phase {
	LOCAL_TASK_STARTED,
	LOCAL_TASK_ENDED,     /* started, and now reaped */
	LOCAL_TASK_DROPPED,   /* cancelled before it started: no events */
};

/* What the callback learns about one array task. */
struct local_task_report {
	enum local_task_phase phase;
	uint32_t job_id, array_job_id, array_task_id;
	pid_t pid;                    /* 0 when it never ran */
	/* at LOCAL_TASK_ENDED */
	struct exit_outcome outcome;
	int launch_errno;             /* non-zero: could not be started (outcome
					 then says 127 for ENOENT, else 126) */
	double elapsed_s;
	uint64_t max_rss_bytes;       /* peak of the group's summed RSS */
	bool oom_killed, timed_out, cancelled;
	const char *inferred_cause;   /* as in the end event */
};

/* Called from inside run_once, cancel and free; it must not call back into
 * the executor. */
typedef void (*local_task_callback)(const struct local_task_report *report, void *arg);

struct local_executor_options {
	const char *run_dir;             /* required: events/ go under it */
	unsigned concurrency;            /* CPUs to hand out; 0: online CPUs */
	uint64_t memory_limit_bytes;     /* per task; 0: none */
	uint64_t walltime_s;             /* per task; 0: none */
	unsigned kill_wait_ms;           /* SIGTERM to SIGKILL; 0: the default */
	unsigned sample_ms;              /* /proc memory scans; 0: the default */
	const char *node;                /* NULL: the host name */
	const char *submit_dir;          /* SLURM_SUBMIT_DIR; NULL: the cwd */
	/* sbatch --output pattern (%A %a %j %x %N %u %%, %4a pads); relative
	 * patterns start at run_dir. NULL: logs/slurm-%A_%a.out */
	const char *output_pattern;
	local_task_callback on_task;     /* optional */
	void *on_task_arg;
	bool no_pidfd;                   /* testing: use the SIGCHLD self-pipe */
};

/* One array submission: what sbatch would be given. */
struct local_chunk {
	char *const *argv;               /* NULL-terminated; argv[0] found on PATH */
	char *const *env;                /* NULL-terminated NAME=VALUE; may be NULL */
	const size_t *array_task_ids;    /* Slurm index values, as submitted */
	size_t n;
	uint32_t array_job_id;           /* > 0; see "Job ids" above */
	const char *job_name;            /* NULL: argv's last word's basename */
	unsigned cpus_per_task;          /* 0: 1 (and SLURM_CPUS_PER_TASK unset) */
	unsigned throttle;               /* the array's %N; 0: none */
	uint64_t memory_limit_bytes;     /* 0: the executor's */
	uint64_t walltime_s;             /* 0: the executor's */
	uint64_t begin_delay_s;          /* --begin=now+N */
	const char *output_pattern;      /* this chunk's --output; NULL: the executor's */
	char *const *task_env;           /* NULL, or n NAME=VALUE (NULL-terminated),
					    one per position, each in that task's
					    environment alone */
};

struct local_executor;

/* A new executor, or NULL with errno (run_dir missing or unwritable...). */
struct local_executor *local_executor_new(const struct local_executor_options *options);

/* Queues a chunk (everything is copied). Returns 0, or -1 with errno
 * (EINVAL: no argv, no tasks, array_job_id 0, job ids would wrap, or a
 * task_env of another length than n). */
int local_executor_submit(struct local_executor *x, const struct local_chunk *chunk);

/* Starts queued tasks the budget allows, reaps those that ended, enforces
 * limits; waits at most wait_ms (0: not at all) for something to happen.
 * Returns the number of tasks still queued or running. */
size_t local_executor_run_once(struct local_executor *x, int wait_ms);

/* Drops every queued task and terminates every running one like scancel:
 * banner, SIGTERM, then SIGKILL after kill_wait. Does not wait: keep calling
 * run_once until it returns 0 (at most about kill_wait). */
void local_executor_cancel(struct local_executor *x);

/* Cancels what is left, waits for it (bounded: kill_wait plus a few
 * seconds for the SIGKILLed), and frees. NULL is a no-op. A task still
 * running here, and not already being ended (cancel, limits), is killed
 * because its orchestrator leaves without closing the run (an error): it
 * gets no end event, so a re-attached orchestrator settles it as it would
 * after a crash (gone, retried) instead of as the task's own failure. */
void local_executor_free(struct local_executor *x);

#endif
