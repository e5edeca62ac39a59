/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Peak memory, OOM-kill count and limit of the step's memory cgroup, for
 * cgroup v1 and v2. Read in task_exit: Slurm removes the cgroup before exit. */
#ifndef SCALABLE_CGROUP_MEMORY_H
#define SCALABLE_CGROUP_MEMORY_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Each value is -1 when unknown. */
struct cgroup_memory_sample {
	int64_t peak_bytes;
	int64_t oom_kill_count;
	int64_t limit_bytes;
};

struct cgroup_memory_location {
	int version;             /* 1 or 2 */
	char dir[PATH_MAX];      /* the step's memory cgroup directory */
};

/* Finds the step's memory cgroup from the text of /proc/<pid>/cgroup, under
 * cgroup_root (normally /sys/fs/cgroup). Prefers a v1 memory controller line;
 * cuts the path after its step_* component so a task or "slurm" leaf
 * resolves to the step. Returns 0, or -1 when the process is not in a step. */
int cgroup_memory_locate(const char *proc_cgroup_text, const char *cgroup_root,
			 struct cgroup_memory_location *loc);

/* Reads the sample from loc; fields it cannot read stay -1. */
void cgroup_memory_read(const struct cgroup_memory_location *loc,
			struct cgroup_memory_sample *out);

/* Locates and reads the calling process's step cgroup. */
void cgroup_memory_sample_self(const char *cgroup_root, struct cgroup_memory_sample *out);

/* What the sampler reads of the step's memory cgroup while the step runs;
 * each value -1 when the cgroup version does not have it. */
struct cgroup_memory_now {
	int64_t current_bytes;   /* v1 memory.usage_in_bytes, v2 memory.current */
	int64_t peak_bytes;      /* v1 memory.max_usage_in_bytes, v2 memory.peak (5.19+) */
	int64_t limit_bytes;     /* the step's limit, else its job's; -1: unlimited */
	int64_t oom_count;       /* v2 memory.events oom */
	int64_t oom_kill_count;  /* v1 memory.oom_control oom_kill (step and children), v2 memory.events */
	int64_t max_count;       /* v1 memory.failcnt, v2 memory.events max */
	int64_t high_count;      /* v2 memory.events high */
};

/* Reads loc now; returns 0, or -1 when the cgroup is gone (its usage file
 * cannot be read: Slurm removed the step's cgroup). Never writes to it. */
int cgroup_memory_read_now(const struct cgroup_memory_location *loc,
			   struct cgroup_memory_now *out);

/* Locates the step cgroup of process pid (0: the caller) under cgroup_root. */
int cgroup_memory_locate_pid(pid_t pid, const char *cgroup_root,
			     struct cgroup_memory_location *loc);

/* Keeps the larger of each field (peak, kills) of next in acc. */
void cgroup_memory_merge(struct cgroup_memory_sample *acc, const struct cgroup_memory_sample *next);

#endif
