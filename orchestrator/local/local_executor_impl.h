/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The local executor's internals, shared by local_executor.c (queue and
 * pump), local_task_launch.c (start and end of one task) and
 * local_task_limits.c (walltime, memory, cancel). Not for other callers. */
#ifndef SCALABLE_LOCAL_EXECUTOR_IMPL_H
#define SCALABLE_LOCAL_EXECUTOR_IMPL_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "local/local_executor.h"
#include "monotonic.h"
#include "local/process_tree_memory.h"

/* A submitted chunk, alive while any of its tasks is unfinished. */
struct chunk {
	char **argv, **env;          /* copies */
	char **task_env;             /* a copy, n entries, or NULL */
	uint32_t *ids;               /* array task ids */
	size_t n;
	uint32_t array_job_id, task_min, task_max;
	char *job_name;
	unsigned cpus_per_task;      /* as given (0: unset) */
	unsigned slots;              /* CPUs each task takes from the budget */
	unsigned throttle;
	uint64_t mem_limit, walltime_s;   /* effective; 0: none */
	int64_t eligible_at_ms;      /* --begin */
	char *run_id;                /* SCALABLE_RUN_ID or NULL */
	int64_t index_offset, attempt;    /* attempt -1: unknown */
	int events_layout;           /* STEP_EVENT_LAYOUT_*, from its env as the plugin reads it */
	char *output_pattern;        /* its own --output, or NULL: the executor's */
	size_t next;                 /* the next position to start */
	size_t running, unfinished;
};

/* A started task. */
struct task {
	struct chunk *chunk;
	size_t pos;
	pid_t pid;                   /* also its process group */
	int pidfd, output_fd;
	int64_t started_ms, walltime_at_ms, kill_at_ms;   /* 0: none */
	bool terminating, killed, oom_killed, timed_out, cancelled;
	bool abandoned;              /* killed by free(): no end event */
	uint64_t peak_rss;
	/* memory samples said (docs/telemetry.md "Memory samples"): the first
	 * at 80 % and at 90 %, and when the last was written */
	bool said_80, said_90;
	int64_t said_at_ms;
};

struct local_executor {
	char *run_dir, *node, *submit_dir, *output_pattern, *user;
	uint64_t memory_limit, walltime_s;
	unsigned kill_wait_ms, sample_ms;
	local_task_callback on_task;
	void *on_task_arg;
	int events_dirfd;
	bool use_pidfd;
	int wake_fd;                 /* the SIGCHLD pipe; -1 with pidfds */
	unsigned slots, slots_used;
	struct chunk **chunks;       /* in submission order */
	size_t n_chunks, cap_chunks;
	size_t queued;
	struct task *running;        /* capacity: slots */
	size_t n_running;
	struct pollfd *pollfds;      /* capacity: slots + 1 */
	struct pgroup_rss *scan;     /* capacity: slots */
	int64_t next_sample_ms;
};

/* A copy of a submitted chunk with its effective limits (errno set on
 * failure); local_chunk_free frees one. */
struct chunk *local_chunk_copy(const struct local_executor *x, const struct local_chunk *in,
			       int64_t now);
void local_chunk_free(struct chunk *c);


/* Starts position pos of chunk c (a launch failure ends it at once). */
void local_task_start(struct local_executor *x, struct chunk *c, size_t pos, int64_t now);

/* Reaps running task i if it has ended; returns true when it did (the task
 * was removed from x->running). */
bool local_task_reap(struct local_executor *x, size_t i);

/* Tells the callback that position pos of c was dropped unstarted. */
void local_task_report_dropped(struct local_executor *x, const struct chunk *c, size_t pos);

/* Walltime, KillWait and memory: what is due at now. */
void local_limits_enforce(struct local_executor *x, int64_t now);
/* Appends a `sample` event of t at rss bytes (its limit set). */
void local_task_sample_event(const struct local_executor *x, const struct task *t,
			     uint64_t rss, const char *threshold, int64_t now);

/* The earliest time a limit needs attention (INT64_MAX: none). */
int64_t local_limits_next_ms(const struct local_executor *x);

/* Ends t like scancel (reason NULL) or the time limit ("TIME LIMIT"):
 * slurmstepd's banner, SIGTERM, SIGKILL after kill_wait. */
void local_task_terminate(struct local_executor *x, struct task *t, const char *reason,
			  int64_t now);

#endif
