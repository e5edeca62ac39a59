/* SPDX-License-Identifier: GPL-2.0-or-later */
/* squeue: the live view of a run's jobs, one call per poll (see
 * slurm_commands.h). */
#include "slurm/slurm_commands.h"

#include <stdlib.h>
#include <string.h>

#include "slurm/slurm_fields.h"
#include "slurm/slurm_invoke.h"

/* The order of SLURM_SQUEUE_FORMAT. */
enum { Q_JOB_ID, Q_ARRAY_JOB_ID, Q_ARRAY_TASK_ID, Q_STATE, Q_REASON, Q_NODES, Q_RESTARTS,
       Q_COMMENT, Q_FIELDS };

static const char *const field_names[Q_FIELDS] = {
	"JobID", "ArrayJobID", "ArrayTaskID", "State", "Reason", "NodeList", "RestartCnt", "Comment",
};

/* Fills job from one line's fields; returns the index of the first field it
 * cannot read, or -1. The array's task ids go to *tasks (none: *n 0). */
static int read_fields(char **f, struct slurm_job *job, uint32_t **tasks, size_t *n)
{
	uint64_t restarts;

	if (!slurm_parse_job_id(f[Q_JOB_ID], &job->job_id))
		return Q_JOB_ID;
	if (strcmp(f[Q_ARRAY_TASK_ID], "N/A") != 0) {
		if (!slurm_parse_job_id(f[Q_ARRAY_JOB_ID], &job->array_job_id))
			return Q_ARRAY_JOB_ID;
		if (!slurm_parse_array_tasks(f[Q_ARRAY_TASK_ID], tasks, n))
			return Q_ARRAY_TASK_ID;
	}
	if (!*f[Q_STATE])
		return Q_STATE;
	job->state = slurm_state_from_text(f[Q_STATE]);
	if (!slurm_parse_uint(f[Q_RESTARTS], &restarts) || restarts > UINT32_MAX)
		return Q_RESTARTS;
	job->restarts = (unsigned)restarts;
	return -1;
}

/* The strings of a record; false when out of memory. */
static bool copy_texts(char **f, struct slurm_job *job)
{
	job->state_text = strdup(f[Q_STATE]);
	return job->state_text && slurm_copy_value(f[Q_REASON], &job->reason) &&
	       slurm_copy_value(f[Q_NODES], &job->nodes) &&
	       slurm_copy_value(f[Q_COMMENT], &job->comment);
}

/* One line: "JOBID|ARRAYJOBID|TASKS|STATE|REASON|NODES|RESTARTS|COMMENT|". */
static int parse_squeue_line(char *line, unsigned number, void *context, struct error *err)
{
	struct slurm_jobs *jobs = context;
	struct slurm_job job;
	char *f[Q_FIELDS];
	uint32_t *tasks = NULL;
	size_t len = strlen(line), n_tasks = 0;
	int bad, status = SLURM_OK;

	if (len && line[len - 1] == '|')
		line[len - 1] = '\0';  /* the last field's suffix */
	if (slurm_split_fields(line, '|', f, Q_FIELDS) != Q_FIELDS)
		return slurm_bad_field(err, "squeue", number, "line", line);
	slurm_job_init(&job);
	if ((bad = read_fields(f, &job, &tasks, &n_tasks)) >= 0)
		status = slurm_bad_field(err, "squeue", number, field_names[bad], f[bad]);
	else if (!copy_texts(f, &job) || slurm_jobs_add_tasks(jobs, &job, tasks, n_tasks) != 0) {
		error_system(err, "reading squeue's output");
		status = SLURM_FAILED;
	}
	slurm_job_free(&job);
	free(tasks);
	return status;
}

int slurm_parse_squeue(const char *text, struct slurm_jobs *jobs, struct error *err)
{
	return slurm_parse_lines(text, parse_squeue_line, jobs, err);
}

/* squeue's way of saying that the only job asked about is gone. */
static bool no_such_job(const struct command_result *r)
{
	return r->end == COMMAND_EXITED && r->err.text &&
	       strstr(r->err.text, "Invalid job id specified");
}

int slurm_squeue(const uint32_t *job_ids, size_t n, unsigned timeout_s,
		 struct slurm_jobs *jobs, struct error *err)
{
	char *ids = slurm_id_list("--jobs=", job_ids, n);
	const char *argv[] = { "squeue", "-h", "-r", "--states=all", n ? ids : "--me",
			       "-O", SLURM_SQUEUE_FORMAT, NULL };
	struct command_result r;
	int status;

	if (!ids) {
		error_system(err, "squeue");
		return SLURM_FAILED;
	}
	if (slurm_invoke(argv, slurm_read_env, timeout_s, &r, err) == 0)
		status = slurm_parse_squeue(r.out.text, jobs, err);
	else
		status = no_such_job(&r) ? SLURM_OK : SLURM_FAILED;
	command_result_free(&r);
	free(ids);
	return status;
}
