/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Cutting a group into array chunks below MaxArraySize, and the command
 * line and environment of each chunk. */
#include "plan/plan_chunks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/strbuf.h"
#include "lib/util/string_vec.h"
#include "plan/job_naming.h"
#include "plan/log_paths.h"
#include "plan/sbatch_command.h"
#include "scenarios/scenarios.h"
#include "step_event.h"
#include "units.h"

#define RUN_TAG_EXTRA 256  /* room for the run id or project beside a key */

size_t plan_array_task_id(const struct plan_group *group, const struct plan_chunk *chunk,
			  size_t pos)
{
	if (group->pack > 1)
		return pos / group->pack;
	return group->tasks[chunk->first + pos].index - chunk->offset;
}

/* The --array value: runs of consecutive array task ids as ranges, and
 * %throttle. */
static char *array_spec(const struct plan_group *group, const struct plan_chunk *chunk,
			unsigned throttle)
{
	struct strbuf sb = { 0 };
	int rc = 0;

	for (size_t i = 0; i < chunk->count && rc == 0;) {
		size_t j = i, first = plan_array_task_id(group, chunk, i), last = first;

		while (j + 1 < chunk->count &&
		       plan_array_task_id(group, chunk, j + 1) <= last + 1)
			last = plan_array_task_id(group, chunk, ++j);
		rc = strbuf_printf(&sb, i ? ",%zu" : "%zu", first);
		if (rc == 0 && last > first)
			rc = strbuf_printf(&sb, "-%zu", last);
		i = j + 1;
	}
	if (rc == 0 && throttle)
		rc = strbuf_printf(&sb, "%%%u", throttle);
	if (rc != 0) {
		strbuf_free(&sb);
		return NULL;
	}
	return strbuf_release(&sb);
}

/* The attempt all tasks of a chunk share, or 0 when they differ. */
static unsigned common_attempt(const struct plan_group *group, const struct plan_chunk *chunk)
{
	const struct plan_task *t = group->tasks + chunk->first;

	for (size_t i = 1; i < chunk->count; i++)
		if (t[i].attempt != t[0].attempt)
			return 0;
	return t[0].attempt;
}

/* What the job's environment carries from submission: what the SPANK plugin
 * and the prelude read before the tasks file is consulted. */
static char **chunk_env(const struct plan *plan, const struct plan_group *group,
			const struct plan_chunk *chunk)
{
	struct string_vec v = { 0 };
	unsigned attempt = common_attempt(group, chunk);

	string_vec_add(&v, "SCALABLE_RUN_DIR=%s", plan->run_dir);
	string_vec_add(&v, "SCALABLE_RUN_ID=%s", plan->run_id);
	string_vec_add(&v, "SCALABLE_COMPONENT=%s", group->component->name);
	string_vec_add(&v, "SCALABLE_INDEX_OFFSET=%zu", chunk->offset);
	/* the plugin fans events out only when asked: older orchestrators read events/ alone */
	if (plan->layout == RUN_LAYOUT_FANNED)
		string_vec_add(&v, "%s=%d", STEP_EVENT_LAYOUT_ENV, STEP_EVENT_LAYOUT_FANNED);
	if (group->pack > 1)
		string_vec_add(&v, "SCALABLE_PACK=%u", group->pack);
	if (attempt)
		string_vec_add(&v, "SCALABLE_ATTEMPT=%u", attempt);
	/* Slurm 22.05 tells a step nothing of its limit: the plugin reads it here */
	if (group->resources.walltime_s)
		string_vec_add(&v, "SCALABLE_TIME_LIMIT_S=%llu",
			       (unsigned long long)group->resources.walltime_s);
	return string_vec_finish(&v);
}

/* The job name and comment that tag a chunk: a re-attached orchestrator
 * finds a chunk whose submission it did not see answered. */
static int chunk_tags(const struct plan *plan, const struct plan_group *group,
		      const struct plan_chunk *chunk, char *name, char *comment, size_t len)
{
	char key[JOB_NAMING_KEY_MAX];

	if (job_naming_chunk_name(plan->config->project, plan->run_id, plan->wave, group->name,
				  chunk->offset, name, len) != 0 ||
	    job_naming_chunk_key(plan->wave, group->name, chunk->offset, key, sizeof key) != 0)
		return -1;
	return job_naming_comment(plan->run_id, key, comment, len);
}

/* The sbatch command line that submits a chunk. */
static char **sbatch_argv(const struct plan *plan, const struct plan_group *group,
			  const struct plan_chunk *chunk)
{
	const struct target *target = plan->target;
	const struct resources *r = &group->resources;
	char name[JOB_NAMING_KEY_MAX + RUN_TAG_EXTRA], comment[sizeof name];
	char mem[64], time[64], **argv = NULL;
	struct sbatch_command cmd = {
		.job_name = name, .comment = comment, .array = chunk->array,
		.cpus_per_task = r->cpus,
		.partition = target->partition, .account = target->account, .qos = target->qos,
		.requeue = target->requeue,
		.delayed = group->begin_delay_s != 0, .begin_delay_s = group->begin_delay_s,
		/* a node_fail retry stays off the nodes its task failed on */
		.exclude = group->exclude,
		/* a later stage's array: index i waits for index i of its upstreams' */
		.after_corr = group->after_corr, .n_after_corr = group->n_after_corr,
		.extra = target->sbatch_options.item, .n_extra = target->sbatch_options.count,
		.script = group->script_path,
	};

	if (r->memory_bytes) {
		units_format_mem(r->memory_bytes, mem, sizeof mem);
		cmd.mem = mem;
	}
	if (r->walltime_s) {
		units_format_walltime(r->walltime_s, time, sizeof time);
		cmd.time = time;
	}
	if (chunk_tags(plan, group, chunk, name, comment, sizeof name) == 0) {
		cmd.output = chunk->output;
		argv = sbatch_command_argv(&cmd);
	}
	return argv;
}

/* The local target runs the script itself, once per index of the chunk. */
static char **local_argv(const struct plan_group *group)
{
	struct string_vec v = { 0 };

	string_vec_add(&v, "bash");
	string_vec_add(&v, "%s", group->script_path);
	return string_vec_finish(&v);
}

/* Fills a chunk's array spec, argv and env. */
static int describe_chunk(const struct plan *plan, const struct plan_group *group,
			  struct plan_chunk *chunk)
{
	char output[4096], *run_dir = log_pattern_escape(plan->run_dir);
	int rc = 0;

	chunk->array = array_spec(group, chunk, plan->target->throttle);
	if (!run_dir || !chunk->array ||
	    log_slurm_output_text(plan->layout, group->component->name, chunk->offset, "%A", "%a",
				  output, sizeof output) != 0 ||
	    asprintf(&chunk->output, "%s/%s", run_dir, output) < 0)
		rc = -1;
	free(run_dir);
	if (rc != 0)
		return -1;
	chunk->argv = plan->target->provider == PROVIDER_SLURM
			      ? sbatch_argv(plan, group, chunk)
			      : local_argv(group);
	chunk->env = chunk_env(plan, group, chunk);
	if (asprintf(&chunk->tasks_path, "%s/scripts/%s/%s.%zu.tasks", plan->run_dir,
		     plan->wave, group->name, chunk->offset) < 0)
		chunk->tasks_path = NULL;
	return chunk->argv && chunk->env && chunk->tasks_path ? 0 : -1;
}

/* Number of chunks: one per aligned block of max_array_size holding tasks. */
static size_t count_chunks(const struct plan_group *group, size_t block_size)
{
	size_t n = 0;

	for (size_t t = 0; t < group->n_tasks; t++)
		n += t == 0 || group->tasks[t].index / block_size !=
				       group->tasks[t - 1].index / block_size;
	return n;
}

/* Packed: runs of max_array_size x pack tasks in the group's order, the
 * offset being the position of the first. */
static void cut_packed(struct plan_group *group, size_t tasks_per_chunk)
{
	for (size_t t = 0; t < group->n_tasks; t += tasks_per_chunk) {
		struct plan_chunk *chunk = &group->chunks[group->n_chunks++];
		size_t left = group->n_tasks - t;

		chunk->first = chunk->offset = t;
		chunk->count = left < tasks_per_chunk ? left : tasks_per_chunk;
	}
}

/* Aligned blocks of max_array_size scenario indices. */
static void cut_blocks(struct plan_group *group, size_t block_size)
{
	for (size_t t = 0; t < group->n_tasks; t++) {
		size_t block = group->tasks[t].index / block_size;
		struct plan_chunk *chunk;

		if (t > 0 && block == group->tasks[t - 1].index / block_size) {
			group->chunks[group->n_chunks - 1].count++;
			continue;
		}
		chunk = &group->chunks[group->n_chunks++];
		chunk->first = t;
		chunk->count = 1;
		chunk->offset = block * block_size;
	}
}

int plan_group_chunk(const struct plan *plan, struct plan_group *group, struct error *err)
{
	size_t block_size = plan->max_array_size, per_chunk, n;

	/* Slurm's output of a chunk shares one directory (log_paths.h) */
	if (plan->layout == RUN_LAYOUT_FANNED && block_size > LOG_SLURM_CHUNK_MAX)
		block_size = LOG_SLURM_CHUNK_MAX;
	per_chunk = block_size * group->pack;
	n = group->pack > 1 ? (group->n_tasks + per_chunk - 1) / per_chunk
			    : count_chunks(group, block_size);

	group->chunks = calloc(n ? n : 1, sizeof *group->chunks);
	if (!group->chunks) {
		error_system(err, "planning");
		return -1;
	}
	if (group->pack > 1)
		cut_packed(group, per_chunk);
	else
		cut_blocks(group, block_size);
	for (size_t c = 0; c < group->n_chunks; c++) {
		struct plan_chunk *chunk = &group->chunks[c];

		chunk->n_array = group->pack > 1 ? (chunk->count + group->pack - 1) / group->pack
						 : chunk->count;
		if (describe_chunk(plan, group, chunk) != 0) {
			error_system(err, "planning");
			return -1;
		}
	}
	return 0;
}
