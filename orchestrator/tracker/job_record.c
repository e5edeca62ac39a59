/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading Slurm job states (see job_record.h). */
#include "tracker/job_record.h"

#include <stdio.h>
#include <string.h>

static const char *const queued_states[] = {
	"PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "SUSPENDED", "RESV_DEL_HOLD",
	"SPECIAL_EXIT", "STOPPED",
};
static const char *const running_states[] = {
	"RUNNING", "COMPLETING", "CONFIGURING", "RESIZING", "SIGNALING", "STAGE_OUT",
};
static const char *const ended_states[] = {
	"COMPLETED", "FAILED", "TIMEOUT", "OUT_OF_MEMORY", "PREEMPTED", "NODE_FAIL",
	"CANCELLED", "BOOT_FAIL", "DEADLINE", "REVOKED",
};

#define COUNT(a) (sizeof (a) / sizeof (a)[0])

void job_record_init(struct job_record *record)
{
	memset(record, 0, sizeof *record);
	record->array_task_id = JOB_RECORD_NO_TASK;
	record->exit_code = record->signal = -1;
	record->restarts = -1;
	record->max_rss_bytes = -1;
	record->elapsed_s = -1;
}

bool job_state_is(const char *state, const char *name)
{
	size_t n = strlen(name);

	/* sacct appends "by <uid>", squeue may append '+' */
	return !strncmp(state, name, n) && (state[n] == '\0' || state[n] == ' ' ||
					     state[n] == '+');
}

static bool state_in(const char *state, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (job_state_is(state, names[i]))
			return true;
	return false;
}

enum job_phase job_record_phase(const struct job_record *record)
{
	if (state_in(record->state, ended_states, COUNT(ended_states)))
		return JOB_PHASE_ENDED;
	if (state_in(record->state, running_states, COUNT(running_states)))
		return JOB_PHASE_RUNNING;
	if (state_in(record->state, queued_states, COUNT(queued_states)))
		return JOB_PHASE_QUEUED;
	return JOB_PHASE_UNKNOWN;
}

void job_record_cancelled(struct job_record *record, uint32_t job_id, uint32_t array_job_id,
			  uint32_t array_task_id)
{
	job_record_init(record);
	record->job_id = job_id;
	record->array_job_id = array_job_id;
	record->array_task_id = array_task_id;
	record->is_array = true;
	record->gone = true;
	snprintf(record->state, sizeof record->state, "CANCELLED");
}
