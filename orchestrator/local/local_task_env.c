/* Building a local array task's environment. */
#include "local/local_task_env.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct env_builder {
	char **item;
	size_t n, capacity;
	bool failed;
};

/* Length of the NAME in NAME=VALUE (the whole string if there is no '='). */
static size_t name_length(const char *entry)
{
	const char *eq = strchr(entry, '=');

	return eq ? (size_t)(eq - entry) : strlen(entry);
}

/* True when an entry named like entry is already in the environment. */
static bool has_name(const struct env_builder *b, const char *entry)
{
	size_t len = name_length(entry);

	for (size_t i = 0; i < b->n; i++)
		if (name_length(b->item[i]) == len && strncmp(b->item[i], entry, len) == 0)
			return true;
	return false;
}

/* Takes ownership of entry (NULL records a failure). */
static void push(struct env_builder *b, char *entry)
{
	if (!entry || b->failed) {
		b->failed = true;
		free(entry);
		return;
	}
	if (b->n + 2 > b->capacity) {
		size_t capacity = b->capacity ? 2 * b->capacity : 64;
		char **grown = realloc(b->item, capacity * sizeof *grown);

		if (!grown) {
			b->failed = true;
			free(entry);
			return;
		}
		b->item = grown;
		b->capacity = capacity;
	}
	b->item[b->n++] = entry;
	b->item[b->n] = NULL;
}

static void setf(struct env_builder *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Adds a formatted NAME=VALUE. */
static void setf(struct env_builder *b, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	push(b, n < 0 ? NULL : s);
}

/* Adds each entry whose name is not there yet (and, if skip_slurm, that is
 * not Slurm's). */
static void merge(struct env_builder *b, char *const list[], bool skip_slurm)
{
	for (size_t i = 0; list && list[i]; i++) {
		if (!strchr(list[i], '=') || has_name(b, list[i]))
			continue;
		if (skip_slurm && (strncmp(list[i], "SLURM_", 6) == 0 ||
				   strncmp(list[i], "SLURMD_", 7) == 0))
			continue;
		push(b, strdup(list[i]));
	}
}

/* Slurm's batch variables that matter to a script. */
static void add_slurm_vars(struct env_builder *b, const struct local_task_slurm_vars *v)
{
	setf(b, "SLURM_JOB_ID=%u", v->job_id);
	setf(b, "SLURM_ARRAY_JOB_ID=%u", v->array_job_id);
	setf(b, "SLURM_ARRAY_TASK_ID=%u", v->array_task_id);
	setf(b, "SLURM_ARRAY_TASK_COUNT=%u", v->task_count);
	setf(b, "SLURM_ARRAY_TASK_MIN=%u", v->task_min);
	setf(b, "SLURM_ARRAY_TASK_MAX=%u", v->task_max);
	setf(b, "SLURM_JOB_NAME=%s", v->job_name);
	if (v->cpus_per_task)
		setf(b, "SLURM_CPUS_PER_TASK=%u", v->cpus_per_task);
	setf(b, "SLURMD_NODENAME=%s", v->node);
	setf(b, "SLURM_RESTART_COUNT=0");
	setf(b, "SLURM_SUBMIT_DIR=%s", v->submit_dir);
	setf(b, "SLURM_JOB_PARTITION=local");
}

char **local_task_env_build(char *const inherited[], char *const additions[],
			    const struct local_task_slurm_vars *v)
{
	struct env_builder b = { 0 };

	add_slurm_vars(&b, v);
	merge(&b, additions, false);
	merge(&b, inherited, true);
	if (b.failed) {
		local_task_env_free(b.item);
		return NULL;
	}
	return b.item;
}

char **local_task_env_copy(char *const list[])
{
	size_t n = 0;
	char **copy;

	while (list && list[n])
		n++;
	copy = calloc(n + 1, sizeof *copy);
	for (size_t i = 0; copy && i < n; i++) {
		copy[i] = strdup(list[i]);
		if (!copy[i]) {
			local_task_env_free(copy);
			return NULL;
		}
	}
	return copy;
}

void local_task_env_free(char **env)
{
	for (size_t i = 0; env && env[i]; i++)
		free(env[i]);
	free(env);
}

const char *local_task_env_get(char *const env[], const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; env && env[i]; i++)
		if (strncmp(env[i], name, len) == 0 && env[i][len] == '=')
			return env[i] + len + 1;
	return NULL;
}
