/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sacct: how a run's jobs ended, one call per poll where accounting exists
 * (see slurm_commands.h). */
#include "slurm/slurm_commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/util/exit_codes.h"
#include "slurm/slurm_fields.h"
#include "slurm/slurm_invoke.h"

/* The order of SLURM_SACCT_FORMAT. */
enum { A_JOB_ID, A_JOB_ID_RAW, A_STATE, A_EXIT_CODE, A_DERIVED, A_REASON, A_NODES, A_SUBMIT,
       A_START, A_END, A_ELAPSED, A_LIMIT, A_REQ_MEM, A_MAX_RSS, A_FIELDS };

static const char *const field_names[A_FIELDS] = {
	"JobID", "JobIDRaw", "State", "ExitCode", "DerivedExitCode", "Reason", "NodeList",
	"Submit", "Start", "End", "ElapsedRaw", "TimelimitRaw", "ReqMem", "MaxRSS",
};

struct sacct_context {
	struct slurm_jobs *jobs;
	size_t first;         /* records before it were there before this parse */
};

/* An exit code field that may be empty (steps that never ran). */
static bool read_exit_code(const char *text, int *code, int *signal)
{
	return !*text || slurm_parse_exit_code(text, code, signal);
}

/* The numbers and times of a run's line; returns the index of the first
 * field it cannot read, or -1. */
static int read_numbers(char **f, struct slurm_job *job)
{
	uint64_t elapsed = 0;
	int derived_signal;

	if (!read_exit_code(f[A_EXIT_CODE], &job->exit_code, &job->signal))
		return A_EXIT_CODE;
	if (!read_exit_code(f[A_DERIVED], &job->derived_exit_code, &derived_signal))
		return A_DERIVED;
	if (!slurm_parse_time(f[A_SUBMIT], &job->submit_time))
		return A_SUBMIT;
	if (!slurm_parse_time(f[A_START], &job->start_time))
		return A_START;
	if (!slurm_parse_time(f[A_END], &job->end_time))
		return A_END;
	if (*f[A_ELAPSED] && !slurm_parse_uint(f[A_ELAPSED], &elapsed))
		return A_ELAPSED;
	job->elapsed_s = *f[A_ELAPSED] && elapsed <= INT64_MAX ? (int64_t)elapsed : -1;
	if (!slurm_parse_limit_minutes(f[A_LIMIT], &job->time_limit_s))
		return A_LIMIT;
	if (*f[A_REQ_MEM] && !slurm_parse_size(f[A_REQ_MEM], 'M', &job->req_mem_bytes))
		return A_REQ_MEM;
	if (*f[A_MAX_RSS] && !slurm_parse_size(f[A_MAX_RSS], '\0', &job->max_rss_bytes))
		return A_MAX_RSS;
	return -1;
}

/* The array part of JobID ("7_3", "7_[8-20%5]"); *n stays 0 for a job that
 * is no array task. Returns false when it cannot be read. */
static bool read_array(const char *job_id, struct slurm_job *job, uint32_t **tasks, size_t *n)
{
	const char *underscore = strchr(job_id, '_');
	char master[16];
	size_t len;

	if (!underscore)
		return true;
	len = (size_t)(underscore - job_id);
	if (len >= sizeof master)
		return false;
	memcpy(master, job_id, len);
	master[len] = '\0';
	return slurm_parse_job_id(master, &job->array_job_id) &&
	       slurm_parse_array_tasks(underscore + 1, tasks, n);
}

/* The state and texts of a run's line; false when out of memory. A final
 * state without an End is not an end yet: slurmdbd records a job that ended
 * before slurmctld sent its start in two writes, the start's already with
 * the final state (exit code 0:0, End Unknown) until the completion's comes
 * with the real exit code: the job reads as still COMPLETING until then. */
static bool copy_texts(char **f, struct slurm_job *job)
{
	job->state = slurm_state_from_text(f[A_STATE]);
	if (slurm_state_is_final(job->state) && job->end_time == 0)
		job->state = SLURM_STATE_COMPLETING;
	job->state_text = strdup(f[A_STATE]);
	return job->state_text && slurm_copy_value(f[A_REASON], &job->reason) &&
	       slurm_copy_value(f[A_NODES], &job->nodes);
}

/* A run's line (an allocation: no ".step" in JobIDRaw) becomes one record,
 * or one per task of a pending array remainder. */
static int add_run(char **f, uint32_t raw_id, unsigned number, struct slurm_jobs *jobs,
		   struct error *err)
{
	struct slurm_job job;
	uint32_t *tasks = NULL;
	size_t n_tasks = 0;
	int bad, status = SLURM_OK;

	slurm_job_init(&job);
	job.job_id = raw_id;
	if (!read_array(f[A_JOB_ID], &job, &tasks, &n_tasks))
		status = slurm_bad_field(err, "sacct", number, field_names[A_JOB_ID], f[A_JOB_ID]);
	else if ((bad = read_numbers(f, &job)) >= 0)
		status = slurm_bad_field(err, "sacct", number, field_names[bad], f[bad]);
	else if (!copy_texts(f, &job) || slurm_jobs_add_tasks(jobs, &job, tasks, n_tasks) != 0) {
		error_system(err, "reading sacct's output");
		status = SLURM_FAILED;
	}
	slurm_job_free(&job);
	free(tasks);
	return status;
}

/* A step's line ("8.batch", "8.0", "8.extern") adds to the latest run of its
 * job read before it: sacct prints a run's steps right after the run. */
static int fold_step(char **f, uint32_t raw_id, unsigned number, struct sacct_context *c,
		     struct error *err)
{
	uint64_t max_rss = 0;

	if (*f[A_MAX_RSS] && !slurm_parse_size(f[A_MAX_RSS], '\0', &max_rss))
		return slurm_bad_field(err, "sacct", number, field_names[A_MAX_RSS], f[A_MAX_RSS]);
	for (size_t i = c->jobs->count; i > c->first; i--) {
		struct slurm_job *run = &c->jobs->items[i - 1];

		if (run->job_id != raw_id)
			continue;
		if (max_rss > run->max_rss_bytes)
			run->max_rss_bytes = max_rss;
		if (slurm_state_from_text(f[A_STATE]) == SLURM_STATE_OUT_OF_MEMORY)
			run->step_oom = true;
		break;
	}
	return SLURM_OK;
}

static int parse_sacct_line(char *line, unsigned number, void *context, struct error *err)
{
	struct sacct_context *c = context;
	char *f[A_FIELDS + 1], *step;
	uint32_t raw_id;

	if (slurm_split_fields(line, '|', f, A_FIELDS + 1) != A_FIELDS)
		return slurm_bad_field(err, "sacct", number, "line", line);
	step = strchr(f[A_JOB_ID_RAW], '.');
	if (step)
		*step++ = '\0';
	if (!slurm_parse_job_id(f[A_JOB_ID_RAW], &raw_id))
		return slurm_bad_field(err, "sacct", number, field_names[A_JOB_ID_RAW],
				       f[A_JOB_ID_RAW]);
	return step ? fold_step(f, raw_id, number, c, err) : add_run(f, raw_id, number, c->jobs, err);
}

struct run_order {
	uint32_t id, task;
	int64_t submit;
	size_t position;
};

static int compare_runs(const void *a, const void *b)
{
	const struct run_order *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (x->task != y->task)
		return x->task < y->task ? -1 : 1;
	if (x->submit != y->submit)
		return x->submit < y->submit ? -1 : 1;
	return x->position < y->position ? -1 : x->position > y->position;
}

/* With -D a requeued job has one record per run, each submitted (requeued)
 * later than the one before: numbers them 0, 1, ... as restarts. Two
 * records of one task submitted at the same time are one run told twice,
 * not a requeue: slurmdbd, behind under load, still lists an array's
 * pending range ("7_[0-1000]") over tasks that already have their own
 * record (seen at 10,000 tasks). */
static int count_restarts(struct slurm_jobs *jobs, size_t first)
{
	size_t n = jobs->count - first;
	struct run_order *order = calloc(n ? n : 1, sizeof *order);

	if (!order)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const struct slurm_job *job = &jobs->items[first + i];

		order[i] = (struct run_order){ job->array_job_id ? job->array_job_id : job->job_id,
					       job->array_task_id, job->submit_time, first + i };
	}
	qsort(order, n, sizeof *order, compare_runs);
	for (size_t i = 1; i < n; i++)
		if (order[i].id == order[i - 1].id && order[i].task == order[i - 1].task)
			jobs->items[order[i].position].restarts =
				jobs->items[order[i - 1].position].restarts +
				(order[i].submit > order[i - 1].submit);
	free(order);
	return 0;
}

int slurm_parse_sacct(const char *text, struct slurm_jobs *jobs, struct error *err)
{
	struct sacct_context c = { jobs, jobs->count };
	int status = slurm_parse_lines(text, parse_sacct_line, &c, err);

	if (status == SLURM_OK && count_restarts(jobs, c.first) != 0) {
		error_system(err, "reading sacct's output");
		status = SLURM_FAILED;
	}
	return status;
}

enum slurm_status slurm_sacct_failure(const char *stderr_text)
{
	for (const char *line = stderr_text; line && *line; line = strchr(line, '\n')) {
		line += *line == '\n';
		if (slurm_line_contains(line, "accounting storage is disabled"))
			return SLURM_NO_ACCOUNTING;
		if (slurm_line_contains(line, "Problem talking to the database") ||
		    slurm_line_contains(line, "persistent connection"))
			return SLURM_ACCOUNTING_DOWN;
	}
	return SLURM_FAILED;
}

/* -S's value for since, in local time as sacct reads it. */
static void format_since(int64_t since, char *buf, size_t len)
{
	time_t t = (time_t)since;
	struct tm tm;

	if (!localtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(buf, len, "1970-01-01T00:00:00");
}

int slurm_sacct(const uint32_t *job_ids, size_t n, int64_t since, unsigned timeout_s,
		struct slurm_jobs *jobs, struct error *err)
{
	char *ids = slurm_id_list("--jobs=", job_ids, n), start[32] = "";
	const char *argv[] = { "sacct", "-n", "-P", "-D", "--noconvert", ids,
			       "-o", SLURM_SACCT_FORMAT, NULL, NULL, NULL };
	struct command_result r;
	int status;

	if (!ids || n == 0) {
		free(ids);
		error_usage(err, "sacct: no job ids to ask about");
		return SLURM_FAILED;
	}
	if (since > 0) {
		format_since(since, start, sizeof start);
		argv[8] = "-S";
		argv[9] = start;
	}
	if (slurm_invoke(argv, slurm_read_env, timeout_s, &r, err) == 0)
		status = slurm_parse_sacct(r.out.text, jobs, err);
	else if (r.end == COMMAND_EXITED)
		status = slurm_sacct_failure(r.err.text);
	else
		status = SLURM_FAILED;
	command_result_free(&r);
	free(ids);
	return status;
}
