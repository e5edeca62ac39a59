/* Cutting a group into array chunks below MaxArraySize, and the command
 * line and environment of each chunk. */
#include "plan/plan_chunks.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/strbuf.h"
#include "plan/job_naming.h"
#include "scenarios/scenarios.h"
#include "units.h"

#define RUN_TAG_EXTRA 256  /* room for the run id or project beside a key */

/* A NULL-terminated list of strings being built. */
struct string_vec {
	char **item;
	size_t n, capacity;
	bool failed;
};

static void vec_add(struct string_vec *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Appends a formatted string; a failure is remembered, not returned. */
static void vec_add(struct string_vec *v, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	if (v->failed)
		return;
	if (v->n + 2 > v->capacity) {
		size_t capacity = v->capacity ? 2 * v->capacity : 32;
		char **grown = realloc(v->item, capacity * sizeof *grown);

		if (!grown) {
			v->failed = true;
			return;
		}
		v->item = grown;
		v->capacity = capacity;
	}
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		v->failed = true;
		return;
	}
	v->item[v->n++] = s;
	v->item[v->n] = NULL;
}

/* Hands the list over, or frees it and returns NULL if anything failed. */
static char **vec_finish(struct string_vec *v)
{
	if (v->failed || !v->item) {
		for (size_t i = 0; i < v->n; i++)
			free(v->item[i]);
		free(v->item);
		return NULL;
	}
	return v->item;
}

/* The --array value: runs of consecutive indices as ranges, and %throttle. */
static char *array_spec(const struct plan_group *group, const struct plan_chunk *chunk,
			unsigned throttle)
{
	const struct plan_task *t = group->tasks + chunk->first;
	struct strbuf sb = { 0 };
	int rc = 0;

	for (size_t i = 0; i < chunk->count && rc == 0;) {
		size_t j = i;

		while (j + 1 < chunk->count && t[j + 1].index == t[j].index + 1)
			j++;
		rc = strbuf_printf(&sb, i ? ",%zu" : "%zu", t[i].index - chunk->offset);
		if (rc == 0 && j > i)
			rc = strbuf_printf(&sb, "-%zu", t[j].index - chunk->offset);
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

	vec_add(&v, "SCALABLE_RUN_DIR=%s", plan->run_dir);
	vec_add(&v, "SCALABLE_RUN_ID=%s", plan->run_id);
	vec_add(&v, "SCALABLE_COMPONENT=%s", group->component->name);
	vec_add(&v, "SCALABLE_INDEX_OFFSET=%zu", chunk->offset);
	if (attempt)
		vec_add(&v, "SCALABLE_ATTEMPT=%u", attempt);
	/* Slurm 22.05 tells a step nothing of its limit: the plugin reads it here */
	if (group->resources.walltime_s)
		vec_add(&v, "SCALABLE_TIME_LIMIT_S=%llu",
			(unsigned long long)group->resources.walltime_s);
	return vec_finish(&v);
}

/* sbatch's resource options for a group. */
static void add_resources(struct string_vec *v, const struct resources *r)
{
	char text[64];

	vec_add(v, "--cpus-per-task=%u", r->cpus);
	if (r->memory_bytes) {
		units_format_mem(r->memory_bytes, text, sizeof text);
		vec_add(v, "--mem=%s", text);
	}
	if (r->walltime_s) {
		units_format_walltime(r->walltime_s, text, sizeof text);
		vec_add(v, "--time=%s", text);
	}
}

/* The sbatch command line that submits a chunk. */
static char **sbatch_argv(const struct plan *plan, const struct plan_group *group,
			  const struct plan_chunk *chunk)
{
	const struct target *target = plan->target;
	struct string_vec v = { 0 };
	char key[JOB_NAMING_KEY_MAX], tag[JOB_NAMING_KEY_MAX + RUN_TAG_EXTRA];

	vec_add(&v, "sbatch");
	vec_add(&v, "--parsable");
	/* the chunk's key in its name and comment: a re-attached orchestrator
	 * finds a chunk whose submission it did not see answered */
	if (job_naming_chunk_name(plan->config->project, plan->run_id, plan->wave, group->name,
				  chunk->offset, tag, sizeof tag) != 0)
		v.failed = true;
	vec_add(&v, "--job-name=%s", tag);
	if (job_naming_chunk_key(plan->wave, group->name, chunk->offset, key, sizeof key) != 0 ||
	    job_naming_comment(plan->run_id, key, tag, sizeof tag) != 0)
		v.failed = true;
	vec_add(&v, "--comment=%s", tag);
	vec_add(&v, "--array=%s", chunk->array);
	vec_add(&v, "--output=%s/logs/slurm-%%A_%%a.out", plan->run_dir);
	vec_add(&v, "--export=ALL");
	add_resources(&v, &group->resources);
	if (target->partition)
		vec_add(&v, "--partition=%s", target->partition);
	if (target->account)
		vec_add(&v, "--account=%s", target->account);
	if (target->qos)
		vec_add(&v, "--qos=%s", target->qos);
	vec_add(&v, target->requeue ? "--requeue" : "--no-requeue");
	if (group->begin_delay_s)
		vec_add(&v, "--begin=now+%llu", (unsigned long long)group->begin_delay_s);
	/* a node_fail retry stays off the nodes its task failed on */
	if (group->exclude)
		vec_add(&v, "--exclude=%s", group->exclude);
	for (size_t i = 0; i < target->sbatch_options.count; i++)
		vec_add(&v, "%s", target->sbatch_options.item[i]);
	vec_add(&v, "%s", group->script_path);
	return vec_finish(&v);
}

/* The local target runs the script itself, once per index of the chunk. */
static char **local_argv(const struct plan_group *group)
{
	struct string_vec v = { 0 };

	vec_add(&v, "bash");
	vec_add(&v, "%s", group->script_path);
	return vec_finish(&v);
}

/* Fills a chunk's array spec, argv and env. */
static int describe_chunk(const struct plan *plan, const struct plan_group *group,
			  struct plan_chunk *chunk)
{
	chunk->array = array_spec(group, chunk, plan->target->throttle);
	if (!chunk->array)
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

int plan_group_chunk(const struct plan *plan, struct plan_group *group, struct error *err)
{
	size_t block_size = plan->max_array_size;
	size_t n = count_chunks(group, block_size);

	group->chunks = calloc(n ? n : 1, sizeof *group->chunks);
	if (!group->chunks) {
		error_system(err, "planning");
		return -1;
	}
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
	for (size_t c = 0; c < group->n_chunks; c++) {
		if (describe_chunk(plan, group, &group->chunks[c]) != 0) {
			error_system(err, "planning");
			return -1;
		}
	}
	return 0;
}
