/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A fake of the few SPANK calls the plugin's parts make, so they run outside
 * slurmstepd: a table of items and a job environment the test fills. */
#ifndef SCALABLE_TEST_SPANK_STUBS_H
#define SCALABLE_TEST_SPANK_STUBS_H

#include <stdint.h>
#include <sys/types.h>

struct fake_spank {
	uint32_t job_id, step_id, restart_count, array_id, array_task_id;
	uint32_t node_id, nnodes;  /* S_JOB_NODEID, S_JOB_NNODES */
	uid_t uid;
	gid_t gid;
	uint64_t job_mem_mb;
	int task_exit_status;
	pid_t task_pid;            /* S_TASK_PID; 0: not available */
	const char *env[16];      /* "NAME=value" */
	int verbose_count;        /* slurm_verbose calls seen */
	char last_verbose[1024];
};

extern struct fake_spank fake;

void fake_spank_reset(void);

#endif
