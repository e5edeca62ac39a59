/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The Slurm layer's job records into the tracker's (see job_record.h). */
#include <stdio.h>

#include "tracker/job_record.h"
#include "slurm/slurm_job.h"

/* The state the tracker should see: a step's OOM explains a failed job. */
static const char *effective_state(const struct slurm_job *job)
{
	if (job->state == SLURM_STATE_UNKNOWN)
		return "";
	if (job->step_oom && slurm_state_is_final(job->state) &&
	    job->state != SLURM_STATE_COMPLETED)
		return slurm_state_name(SLURM_STATE_OUT_OF_MEMORY);
	return slurm_state_name(job->state);
}

void job_record_from_slurm_job(const struct slurm_job *job, bool gone, struct job_record *out)
{
	job_record_init(out);
	out->job_id = job->job_id;
	out->is_array = job->array_task_id != SLURM_NO_ARRAY_TASK && job->array_job_id != 0;
	out->array_job_id = out->is_array ? job->array_job_id : 0;
	out->array_task_id = out->is_array ? job->array_task_id : JOB_RECORD_NO_TASK;
	snprintf(out->state, sizeof out->state, "%s", effective_state(job));
	snprintf(out->reason, sizeof out->reason, "%s", job->reason ? job->reason : "");
	snprintf(out->node, sizeof out->node, "%s", job->nodes ? job->nodes : "");
	out->exit_code = job->exit_code;
	out->signal = job->signal;
	out->restarts = (int)job->restarts;
	out->max_rss_bytes = job->max_rss_bytes ? (int64_t)job->max_rss_bytes : -1;
	out->elapsed_s = job->elapsed_s >= 0 ? (double)job->elapsed_s : -1;
	out->gone = gone;
}
