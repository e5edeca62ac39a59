/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "spank_stubs.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <slurm/spank.h>

struct fake_spank fake;

void fake_spank_reset(void)
{
	memset(&fake, 0, sizeof(fake));
}

void slurm_verbose(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(fake.last_verbose, sizeof(fake.last_verbose), fmt, ap);
	va_end(ap);
	fake.verbose_count++;
}

void slurm_debug(const char *fmt, ...)
{
	(void)fmt;
}

int spank_remote(spank_t sp)
{
	(void)sp;
	return 1;
}

spank_err_t spank_getenv(spank_t sp, const char *var, char *buf, int len)
{
	(void)sp;
	size_t n = strlen(var);
	for (int i = 0; i < 16 && fake.env[i]; i++) {
		if (!strncmp(fake.env[i], var, n) && fake.env[i][n] == '=') {
			if ((int)strlen(fake.env[i] + n + 1) >= len)
				return ESPANK_NOSPACE;
			strcpy(buf, fake.env[i] + n + 1);
			return ESPANK_SUCCESS;
		}
	}
	return ESPANK_ENV_NOEXIST;
}

spank_err_t spank_get_item(spank_t sp, spank_item_t item, ...)
{
	(void)sp;
	va_list ap;
	va_start(ap, item);
	spank_err_t rc = ESPANK_SUCCESS;
	switch (item) {
	case S_JOB_ID: *va_arg(ap, uint32_t *) = fake.job_id; break;
	case S_JOB_STEPID: *va_arg(ap, uint32_t *) = fake.step_id; break;
	case S_SLURM_RESTART_COUNT: *va_arg(ap, uint32_t *) = fake.restart_count; break;
	case S_JOB_NODEID: *va_arg(ap, uint32_t *) = fake.node_id; break;
	case S_JOB_NNODES: *va_arg(ap, uint32_t *) = fake.nnodes; break;
	case S_JOB_ARRAY_ID: *va_arg(ap, uint32_t *) = fake.array_id; break;
	case S_JOB_ARRAY_TASK_ID: *va_arg(ap, uint32_t *) = fake.array_task_id; break;
	case S_JOB_UID: *va_arg(ap, uid_t *) = fake.uid; break;
	case S_JOB_GID: *va_arg(ap, gid_t *) = fake.gid; break;
	case S_JOB_ALLOC_MEM: *va_arg(ap, uint64_t *) = fake.job_mem_mb; break;
	case S_STEP_ALLOC_MEM: *va_arg(ap, uint64_t *) = 0; break;
	case S_TASK_EXIT_STATUS: *va_arg(ap, int *) = fake.task_exit_status; break;
	case S_TASK_PID:
		*va_arg(ap, pid_t *) = fake.task_pid;
		rc = fake.task_pid ? ESPANK_SUCCESS : ESPANK_NOT_AVAIL;
		break;
	case S_JOB_SUPPLEMENTARY_GIDS: {
		gid_t **groups = va_arg(ap, gid_t **);
		int *n = va_arg(ap, int *);
		*groups = NULL;
		*n = 0;
		break;
	}
	default: rc = ESPANK_NOT_AVAIL; break;
	}
	va_end(ap);
	return rc;
}
