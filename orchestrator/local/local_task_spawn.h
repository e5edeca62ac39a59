/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Starting one local array task: its own process group, stdin from
 * /dev/null, stdout and stderr to its "slurm" output file, default signal
 * dispositions, no inherited descriptors.
 *
 * Tests: orchestrator/local/test/test_local_executor.c. */
#ifndef SCALABLE_LOCAL_TASK_SPAWN_H
#define SCALABLE_LOCAL_TASK_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

struct local_spawned {
	pid_t pid;       /* also its process group id */
	int pidfd;       /* readable once it exits; -1 when not asked or not available */
	int output_fd;   /* the output file, kept for slurmstepd-style banners */
};

/* Creates output_path's directory if needed, opens it (truncated), and
 * starts argv (argv[0] looked up on PATH) with env. Returns 0, or an errno
 * value (the child never ran). */
int local_task_spawn(char *const argv[], char *const env[], const char *output_path,
		     bool want_pidfd, struct local_spawned *out);

/* Opens a pidfd for pid; -1 with errno where the kernel has none (< 5.3). */
int local_pidfd_open(pid_t pid);

#endif
