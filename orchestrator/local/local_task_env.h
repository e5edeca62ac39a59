/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The environment of one local array task: what Slurm's batch environment
 * would give the script, the chunk's additions, and the caller's own.
 *
 * Tests: orchestrator/local/test/test_local_executor.c. */
#ifndef SCALABLE_LOCAL_TASK_ENV_H
#define SCALABLE_LOCAL_TASK_ENV_H

#include <stdint.h>

/* Slurm's view of one array task. */
struct local_task_slurm_vars {
	uint32_t job_id, array_job_id, array_task_id;
	uint32_t task_count, task_min, task_max;   /* of the whole array */
	const char *job_name;
	unsigned cpus_per_task;                    /* 0: not set */
	const char *node;
	const char *submit_dir;
};

/* Builds a NULL-terminated environment: Slurm's variables first, then own
 * (this task's NAME=VALUE, or NULL), the chunk's additions, then the
 * inherited ones; a name appears once (the first wins)
 * and inherited SLURM_* / SLURMD_* are left out, since they describe some
 * other job, and so are API keys (secret_env.h). Returns NULL on allocation failure. */
char **local_task_env_build(char *const inherited[], char *const additions[],
			    const char *own, const struct local_task_slurm_vars *v);

/* A NULL-terminated deep copy of list (empty for NULL); NULL on failure. */
char **local_task_env_copy(char *const list[]);

void local_task_env_free(char **env);

/* The value of name in a NAME=VALUE list, or NULL. */
const char *local_task_env_get(char *const env[], const char *name);

#endif
