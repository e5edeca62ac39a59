/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Peak memory, OOM-kill count and limit of the step's memory cgroup, for
 * cgroup v1 and v2. Read in task_exit: Slurm removes the cgroup before exit. */
#ifndef SCALABLE_CGROUP_MEMORY_H
#define SCALABLE_CGROUP_MEMORY_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

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

/* Keeps the larger of each field (peak, kills) of next in acc. */
void cgroup_memory_merge(struct cgroup_memory_sample *acc, const struct cgroup_memory_sample *next);

#endif
