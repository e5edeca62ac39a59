/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Records of Slurm's view of jobs (see slurm_job.h). */
#include "slurm/slurm_job.h"

#include <stdlib.h>
#include <string.h>

static const char *const state_names[] = {
	[SLURM_STATE_UNKNOWN] = "UNKNOWN",
	[SLURM_STATE_PENDING] = "PENDING",
	[SLURM_STATE_RUNNING] = "RUNNING",
	[SLURM_STATE_SUSPENDED] = "SUSPENDED",
	[SLURM_STATE_COMPLETING] = "COMPLETING",
	[SLURM_STATE_CONFIGURING] = "CONFIGURING",
	[SLURM_STATE_REQUEUED] = "REQUEUED",
	[SLURM_STATE_REQUEUE_HOLD] = "REQUEUE_HOLD",
	[SLURM_STATE_REQUEUE_FED] = "REQUEUE_FED",
	[SLURM_STATE_RESIZING] = "RESIZING",
	[SLURM_STATE_SIGNALING] = "SIGNALING",
	[SLURM_STATE_STAGE_OUT] = "STAGE_OUT",
	[SLURM_STATE_STOPPED] = "STOPPED",
	[SLURM_STATE_SPECIAL_EXIT] = "SPECIAL_EXIT",
	[SLURM_STATE_RESV_DEL_HOLD] = "RESV_DEL_HOLD",
	[SLURM_STATE_COMPLETED] = "COMPLETED",
	[SLURM_STATE_CANCELLED] = "CANCELLED",
	[SLURM_STATE_FAILED] = "FAILED",
	[SLURM_STATE_TIMEOUT] = "TIMEOUT",
	[SLURM_STATE_NODE_FAIL] = "NODE_FAIL",
	[SLURM_STATE_PREEMPTED] = "PREEMPTED",
	[SLURM_STATE_BOOT_FAIL] = "BOOT_FAIL",
	[SLURM_STATE_DEADLINE] = "DEADLINE",
	[SLURM_STATE_OUT_OF_MEMORY] = "OUT_OF_MEMORY",
	[SLURM_STATE_REVOKED] = "REVOKED",
};

#define N_STATES (sizeof state_names / sizeof state_names[0])

void slurm_job_init(struct slurm_job *job)
{
	*job = (struct slurm_job){
		.array_task_id = SLURM_NO_ARRAY_TASK,
		.exit_code = -1,
		.signal = -1,
		.derived_exit_code = -1,
		.elapsed_s = -1,
	};
}

struct slurm_job *slurm_jobs_add(struct slurm_jobs *jobs)
{
	struct slurm_job *job;

	if (jobs->count == jobs->capacity) {
		size_t capacity = jobs->capacity ? jobs->capacity * 2 : 64;
		struct slurm_job *grown = realloc(jobs->items, capacity * sizeof *grown);

		if (!grown)
			return NULL;
		jobs->items = grown;
		jobs->capacity = capacity;
	}
	job = &jobs->items[jobs->count++];
	slurm_job_init(job);
	return job;
}

/* strdup that keeps NULL; false when out of memory. */
static bool dup_string(char **to, const char *from)
{
	*to = from ? strdup(from) : NULL;
	return !from || *to;
}

struct slurm_job *slurm_jobs_add_copy(struct slurm_jobs *jobs, const struct slurm_job *from)
{
	struct slurm_job *job = slurm_jobs_add(jobs);

	if (!job)
		return NULL;
	*job = *from;
	job->state_text = job->reason = job->nodes = job->comment = NULL;
	if (!dup_string(&job->state_text, from->state_text) ||
	    !dup_string(&job->reason, from->reason) || !dup_string(&job->nodes, from->nodes) ||
	    !dup_string(&job->comment, from->comment)) {
		slurm_job_free(job);
		jobs->count--;
		return NULL;
	}
	return job;
}

int slurm_jobs_add_tasks(struct slurm_jobs *jobs, const struct slurm_job *job,
			 const uint32_t *task_ids, size_t n_tasks)
{
	struct slurm_job *copy;

	if (n_tasks == 0)
		return slurm_jobs_add_copy(jobs, job) ? 0 : -1;
	for (size_t i = 0; i < n_tasks; i++) {
		if (!(copy = slurm_jobs_add_copy(jobs, job)))
			return -1;
		copy->array_task_id = task_ids[i];
	}
	return 0;
}

void slurm_job_free(struct slurm_job *job)
{
	free(job->state_text);
	free(job->reason);
	free(job->nodes);
	free(job->comment);
	job->state_text = job->reason = job->nodes = job->comment = NULL;
}

void slurm_jobs_free(struct slurm_jobs *jobs)
{
	for (size_t i = 0; i < jobs->count; i++)
		slurm_job_free(&jobs->items[i]);
	free(jobs->items);
	jobs->items = NULL;
	jobs->count = jobs->capacity = 0;
}

/* The id a record is known by: its array's, else its own. */
static uint32_t identity(const struct slurm_job *job)
{
	return job->array_job_id ? job->array_job_id : job->job_id;
}

static int compare_keys(uint32_t id_a, uint32_t task_a, unsigned restarts_a, uint32_t id_b,
			uint32_t task_b, unsigned restarts_b)
{
	if (id_a != id_b)
		return id_a < id_b ? -1 : 1;
	if (task_a != task_b)
		return task_a < task_b ? -1 : 1;
	return restarts_a < restarts_b ? -1 : restarts_a > restarts_b;
}

static int compare_jobs(const void *a, const void *b)
{
	const struct slurm_job *x = a, *y = b;

	return compare_keys(identity(x), x->array_task_id, x->restarts, identity(y),
			    y->array_task_id, y->restarts);
}

void slurm_jobs_sort(struct slurm_jobs *jobs)
{
	if (jobs->count > 1)
		qsort(jobs->items, jobs->count, sizeof *jobs->items, compare_jobs);
}

const struct slurm_job *slurm_jobs_find(const struct slurm_jobs *jobs, uint32_t array_job_id,
					uint32_t array_task_id)
{
	size_t low = 0, high = jobs->count;  /* first record after the wanted ones */
	const struct slurm_job *last;

	while (low < high) {
		size_t mid = low + (high - low) / 2;
		const struct slurm_job *job = &jobs->items[mid];

		if (compare_keys(identity(job), job->array_task_id, job->restarts, array_job_id,
				 array_task_id, UINT32_MAX) <= 0)
			low = mid + 1;
		else
			high = mid;
	}
	if (low == 0)
		return NULL;
	last = &jobs->items[low - 1];
	return identity(last) == array_job_id && last->array_task_id == array_task_id ? last : NULL;
}

enum slurm_state slurm_state_from_text(const char *text)
{
	size_t len = strcspn(text, " +");

	for (size_t s = 1; s < N_STATES; s++)
		if (strlen(state_names[s]) == len && strncmp(text, state_names[s], len) == 0)
			return (enum slurm_state)s;
	return SLURM_STATE_UNKNOWN;
}

const char *slurm_state_name(enum slurm_state state)
{
	return (size_t)state < N_STATES ? state_names[state] : state_names[0];
}

bool slurm_state_is_final(enum slurm_state state)
{
	return state >= SLURM_STATE_COMPLETED;
}
