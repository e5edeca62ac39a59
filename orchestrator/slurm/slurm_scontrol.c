/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scontrol: Slurm's view of jobs where there is no accounting (see
 * slurm_commands.h). 22.05's `scontrol show job` takes a single id, so one
 * call lists every job and the run's are picked out here. */
#include "slurm/slurm_commands.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "slurm/slurm_fields.h"
#include "slurm/slurm_invoke.h"

struct scontrol_context {
	const uint32_t *ids;
	size_t n_ids;
	uid_t uid;               /* only this user's jobs are ours */
	struct slurm_jobs *jobs;
};

/* True when s starts a "Name=" pair: a letter, then letters, digits and
 * _:/ up to the "=" ("CPUs/Task=", "AllocNode:Sid="). */
static bool is_pair_start(const char *s)
{
	if (!isalpha((unsigned char)*s))
		return false;
	while (isalnum((unsigned char)*s) || *s == '_' || *s == ':' || *s == '/')
		s++;
	return *s == '=';
}

/* The start of the next pair after p, or the end of the line; a value may
 * hold spaces (Command=, WorkDir=) but no word that looks like "Name=". */
static const char *next_pair(const char *p)
{
	for (; *p; p++)
		if (*p == ' ' && is_pair_start(p + 1))
			return p + 1;
	return p;
}

/* The pair of key in line at or after p, or NULL. */
static const char *find_pair(const char *p, const char *key, size_t klen)
{
	for (; *p; p = next_pair(p))
		if (strncmp(p, key, klen) == 0 && p[klen] == '=')
			return p;
	return NULL;
}

/* A malloc'd copy of key's value in line ("" when the key is absent: for
 * scontrol an absent key and an empty value say the same); NULL when out of
 * memory. *twice is set when the key is there twice: a free-text value
 * (JobName, Comment, Command) of someone's job says "Key=" itself. */
static char *value_of(const char *line, const char *key, bool *twice)
{
	size_t klen = strlen(key);
	const char *p = find_pair(line, key, klen), *end;

	if (!p)
		return strdup("");
	p += klen + 1;
	end = next_pair(p);
	if (find_pair(end, key, klen))
		*twice = true;
	while (end > p && end[-1] == ' ')
		end--;
	return strndup(p, (size_t)(end - p));
}

/* Whether UserId's "name(uid)" is uid. */
static bool user_is(const char *text, uid_t uid)
{
	const char *open = strrchr(text, '(');
	char *end;
	unsigned long v;

	if (!open || !isdigit((unsigned char)open[1]))
		return false;
	v = strtoul(open + 1, &end, 10);
	return end[0] == ')' && end[1] == '\0' && v == (unsigned long)uid;
}

static bool wanted(const struct scontrol_context *c, const struct slurm_job *job)
{
	if (c->n_ids == 0)
		return true;
	for (size_t i = 0; i < c->n_ids; i++)
		if (c->ids[i] == job->job_id || c->ids[i] == job->array_job_id)
			return true;
	return false;
}

/* The keys read, in this order. */
enum { S_JOB_ID, S_ARRAY_JOB_ID, S_ARRAY_TASK_ID, S_STATE, S_REASON, S_RESTARTS, S_EXIT_CODE,
       S_DERIVED, S_NODES, S_SUBMIT, S_START, S_END, S_RUN_TIME, S_TIME_LIMIT, S_COMMENT,
       S_MEM_NODE, S_MEM_CPU, S_CPUS, S_USER, S_KEYS };

static const char *const keys[S_KEYS] = {
	"JobId", "ArrayJobId", "ArrayTaskId", "JobState", "Reason", "Restarts", "ExitCode",
	"DerivedExitCode", "NodeList", "SubmitTime", "StartTime", "EndTime", "RunTime",
	"TimeLimit", "Comment", "MinMemoryNode", "MinMemoryCPU", "NumCPUs", "UserId",
};

/* Memory asked for: per node, else per CPU times the CPUs; false when a
 * value cannot be read. */
static bool read_memory(char **v, struct slurm_job *job)
{
	uint64_t per_cpu, cpus;

	if (*v[S_MEM_NODE])
		return slurm_parse_size(v[S_MEM_NODE], 'M', &job->req_mem_bytes);
	if (!*v[S_MEM_CPU])
		return true;
	if (!slurm_parse_size(v[S_MEM_CPU], 'M', &per_cpu) || !slurm_parse_uint(v[S_CPUS], &cpus))
		return false;
	job->req_mem_bytes = per_cpu * cpus;
	return true;
}

/* The numbers and times; returns the index of the first key whose value
 * cannot be read, or -1. */
static int read_numbers(char **v, struct slurm_job *job)
{
	uint64_t restarts = 0, run_time;
	int derived_signal;

	if (*v[S_RESTARTS] && (!slurm_parse_uint(v[S_RESTARTS], &restarts) || restarts > UINT32_MAX))
		return S_RESTARTS;
	job->restarts = (unsigned)restarts;
	if (*v[S_EXIT_CODE] && !slurm_parse_exit_code(v[S_EXIT_CODE], &job->exit_code, &job->signal))
		return S_EXIT_CODE;
	if (*v[S_DERIVED] &&
	    !slurm_parse_exit_code(v[S_DERIVED], &job->derived_exit_code, &derived_signal))
		return S_DERIVED;
	if (!slurm_parse_time(v[S_SUBMIT], &job->submit_time))
		return S_SUBMIT;
	if (!slurm_parse_time(v[S_START], &job->start_time))
		return S_START;
	if (!slurm_parse_time(v[S_END], &job->end_time))
		return S_END;
	if (*v[S_RUN_TIME] && !slurm_parse_clock(v[S_RUN_TIME], &run_time))
		return S_RUN_TIME;
	job->elapsed_s = *v[S_RUN_TIME] ? (int64_t)run_time : -1;
	if (!slurm_parse_clock(v[S_TIME_LIMIT], &job->time_limit_s))
		return S_TIME_LIMIT;
	return read_memory(v, job) ? -1 : S_MEM_NODE;
}

/* The job's own and its array's ids; returns the index of the first key
 * whose value cannot be read, or -1. */
static int read_ids(char **v, struct slurm_job *job)
{
	if (!slurm_parse_job_id(v[S_JOB_ID], &job->job_id))
		return S_JOB_ID;
	if (*v[S_ARRAY_JOB_ID] && !slurm_parse_job_id(v[S_ARRAY_JOB_ID], &job->array_job_id))
		return S_ARRAY_JOB_ID;
	return -1;
}

/* Array tasks, state, numbers and times; returns the index of the first
 * key whose value cannot be read, or -1. */
static int read_details(char **v, struct slurm_job *job, uint32_t **tasks, size_t *n)
{
	if (*v[S_ARRAY_TASK_ID] && !slurm_parse_array_tasks(v[S_ARRAY_TASK_ID], tasks, n))
		return S_ARRAY_TASK_ID;
	if (!*v[S_STATE])
		return S_STATE;
	job->state = slurm_state_from_text(v[S_STATE]);
	return read_numbers(v, job);
}

/* Moves the texts into job (v's entries become NULL); false when out of
 * memory. */
static bool take_texts(char **v, struct slurm_job *job)
{
	job->state_text = v[S_STATE];
	v[S_STATE] = NULL;
	return slurm_copy_value(v[S_REASON], &job->reason) &&
	       slurm_copy_value(v[S_NODES], &job->nodes) &&
	       slurm_copy_value(v[S_COMMENT], &job->comment);
}

/* Reads the keys of one job's line into a record (several for a pending
 * array remainder) if the run asked about it; other jobs are not read
 * further. */
static int add_job(char **v, unsigned number, struct scontrol_context *c, struct error *err)
{
	struct slurm_job job;
	uint32_t *tasks = NULL;
	size_t n_tasks = 0;
	int bad, status = SLURM_OK;

	if (!user_is(v[S_USER], c->uid))  /* another user's job is never ours */
		return SLURM_OK;
	slurm_job_init(&job);
	if ((bad = read_ids(v, &job)) < 0 && !wanted(c, &job))
		return SLURM_OK;
	if (bad >= 0 || (bad = read_details(v, &job, &tasks, &n_tasks)) >= 0) {
		status = slurm_bad_field(err, "scontrol", number, keys[bad], v[bad]);
	} else if (!take_texts(v, &job) ||
		   slurm_jobs_add_tasks(c->jobs, &job, tasks, n_tasks) != 0) {
		error_system(err, "reading scontrol's output");
		status = SLURM_FAILED;
	}
	slurm_job_free(&job);
	free(tasks);
	return status;
}

static int parse_scontrol_line(char *line, unsigned number, void *context, struct error *err)
{
	char *v[S_KEYS] = { 0 };
	int status = SLURM_OK;
	size_t got = 0;
	bool twice = false;

	if (strncmp(line, "JobId=", 6) != 0)  /* "No jobs in the system" */
		return strstr(line, "No jobs") ? SLURM_OK
					       : slurm_bad_field(err, "scontrol", number, "line", line);
	while (got < S_KEYS && (v[got] = value_of(line, keys[got], &twice)))
		got++;
	if (got < S_KEYS) {
		error_system(err, "reading scontrol's output");
		status = SLURM_FAILED;
	} else if (!twice) {  /* an ambiguous line is not taken for ours */
		status = add_job(v, number, context, err);
	}
	for (size_t i = 0; i < got; i++)
		free(v[i]);
	return status;
}

int slurm_parse_scontrol_jobs(const char *text, const uint32_t *job_ids, size_t n, uid_t uid,
			      struct slurm_jobs *jobs, struct error *err)
{
	struct scontrol_context c = { job_ids, n, uid, jobs };

	return slurm_parse_lines(text, parse_scontrol_line, &c, err);
}

int slurm_scontrol_jobs(const uint32_t *job_ids, size_t n, unsigned timeout_s,
			struct slurm_jobs *jobs, struct error *err)
{
	const char *argv[] = { "scontrol", "-o", "show", "job", NULL };
	struct command_result r;
	int status = SLURM_FAILED;

	if (slurm_invoke(argv, slurm_read_env, timeout_s, &r, err) == 0)
		status = slurm_parse_scontrol_jobs(r.out.text, job_ids, n, getuid(), jobs, err);
	command_result_free(&r);
	return status;
}
