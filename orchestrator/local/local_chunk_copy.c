/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A submitted chunk, copied with its effective limits and the ids its
 * events need (run id, index offset, attempt) read from its env. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "local/local_executor_impl.h"
#include "local/local_task_env.h"
#include "lib/subprocess/child_spawn.h"
#include "step_event.h"

/* A non-negative integer from the env, or fallback when absent or not one. */
static int64_t env_integer(char *const env[], const char *name, int64_t fallback)
{
	const char *text = local_task_env_get(env, name);
	char *end;
	long long v;

	if (!text || !*text)
		return fallback;
	errno = 0;
	v = strtoll(text, &end, 10);
	return errno || *end || v < 0 ? fallback : (int64_t)v;
}

/* sbatch's default job name: the script's file name (argv's last word). */
static char *default_job_name(char *const argv[])
{
	const char *last = argv[0], *slash;

	for (size_t i = 1; argv[i]; i++)
		last = argv[i];
	slash = strrchr(last, '/');
	return strdup(slash ? slash + 1 : last);
}

/* Array task ids as uint32, and their min and max. */
static int copy_ids(struct chunk *c, const struct local_chunk *in)
{
	c->ids = malloc(in->n * sizeof *c->ids);
	if (!c->ids)
		return -1;
	c->task_min = UINT32_MAX;
	for (size_t i = 0; i < in->n; i++) {
		if (in->array_task_ids[i] > UINT32_MAX) {
			errno = EINVAL;
			return -1;
		}
		c->ids[i] = (uint32_t)in->array_task_ids[i];
		if (c->ids[i] < c->task_min)
			c->task_min = c->ids[i];
		if (c->ids[i] > c->task_max)
			c->task_max = c->ids[i];
	}
	c->n = in->n;
	return 0;
}

/* Fills what the env tells about the events' run_id, task_id and attempt. */
static int read_env_ids(struct chunk *c)
{
	const char *run_id = local_task_env_get(c->env, "SCALABLE_RUN_ID");

	c->run_id = run_id ? strdup(run_id) : NULL;
	c->index_offset = env_integer(c->env, "SCALABLE_INDEX_OFFSET", 0);
	c->attempt = env_integer(c->env, "SCALABLE_ATTEMPT", -1);
	c->events_layout = env_integer(c->env, STEP_EVENT_LAYOUT_ENV, 0) == STEP_EVENT_LAYOUT_FANNED
				   ? STEP_EVENT_LAYOUT_FANNED : STEP_EVENT_LAYOUT_FLAT;
	return run_id && !c->run_id ? -1 : 0;
}

/* argv[0] searched on PATH once for the chunk's every task, not once per
 * spawn; left as given when not found (the spawn then fails as a shell would). */
static void resolve_program(char **argv)
{
	char *path;

	if (argv && child_find_program(argv[0], &path) == 0) {
		free(argv[0]);
		argv[0] = path;
	}
}

void local_chunk_free(struct chunk *c)
{
	if (!c)
		return;
	local_task_env_free(c->argv);
	local_task_env_free(c->env);
	local_task_env_free(c->task_env);
	free(c->ids);
	free(c->job_name);
	free(c->run_id);
	free(c->output_pattern);
	free(c);
}

struct chunk *local_chunk_copy(const struct local_executor *x, const struct local_chunk *in,
			       int64_t now)
{
	struct chunk *c = calloc(1, sizeof *c);
	int saved;

	if (!c)
		return NULL;
	c->array_job_id = in->array_job_id;
	c->cpus_per_task = in->cpus_per_task;
	c->slots = in->cpus_per_task ? in->cpus_per_task : 1;
	if (c->slots > x->slots)
		c->slots = x->slots;  /* a task bigger than the machine still runs, alone */
	c->throttle = in->throttle;
	c->mem_limit = in->memory_limit_bytes ? in->memory_limit_bytes : x->memory_limit;
	c->walltime_s = in->walltime_s ? in->walltime_s : x->walltime_s;
	c->eligible_at_ms = now + (int64_t)in->begin_delay_s * 1000;
	c->unfinished = in->n;
	c->argv = local_task_env_copy(in->argv);
	resolve_program(c->argv);
	c->env = local_task_env_copy(in->env);
	c->task_env = in->task_env ? local_task_env_copy(in->task_env) : NULL;
	c->job_name = in->job_name ? strdup(in->job_name) : default_job_name(in->argv);
	c->output_pattern = in->output_pattern ? strdup(in->output_pattern) : NULL;
	if (!c->argv || !c->env || !c->job_name || copy_ids(c, in) != 0 ||
	    (in->task_env && !c->task_env) ||
	    (in->output_pattern && !c->output_pattern) ||
	    read_env_ids(c) != 0) {
		saved = errno;
		local_chunk_free(c);
		errno = saved;
		return NULL;
	}
	return c;
}
