/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Building a local array task's environment. */
#include "local/local_task_env.h"
#include "lib/util/secret_env.h"
#include "lib/util/string_vec.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Length of the NAME in NAME=VALUE (the whole string if there is no '='). */
static size_t name_length(const char *entry)
{
	const char *eq = strchr(entry, '=');

	return eq ? (size_t)(eq - entry) : strlen(entry);
}

/* True when an entry named like entry is already in the environment. */
static bool has_name(const struct string_vec *b, const char *entry)
{
	size_t len = name_length(entry);

	for (size_t i = 0; i < b->n; i++)
		if (name_length(b->item[i]) == len && strncmp(b->item[i], entry, len) == 0)
			return true;
	return false;
}

/* Adds each entry whose name is not there yet (and, if skip_slurm, that is
 * neither Slurm's nor an API key: inherited ones describe another job, or
 * are not the task's to see). */
static void merge(struct string_vec *b, char *const list[], bool skip_slurm)
{
	for (size_t i = 0; list && list[i]; i++) {
		if (!strchr(list[i], '=') || has_name(b, list[i]))
			continue;
		if (skip_slurm && (strncmp(list[i], "SLURM_", 6) == 0 ||
				   strncmp(list[i], "SLURMD_", 7) == 0 || secret_env_is(list[i])))
			continue;
		string_vec_take(b, strdup(list[i]));
	}
}

/* Slurm's batch variables that matter to a script. */
static void add_slurm_vars(struct string_vec *b, const struct local_task_slurm_vars *v)
{
	string_vec_add(b, "SLURM_JOB_ID=%u", v->job_id);
	string_vec_add(b, "SLURM_ARRAY_JOB_ID=%u", v->array_job_id);
	string_vec_add(b, "SLURM_ARRAY_TASK_ID=%u", v->array_task_id);
	string_vec_add(b, "SLURM_ARRAY_TASK_COUNT=%u", v->task_count);
	string_vec_add(b, "SLURM_ARRAY_TASK_MIN=%u", v->task_min);
	string_vec_add(b, "SLURM_ARRAY_TASK_MAX=%u", v->task_max);
	string_vec_add(b, "SLURM_JOB_NAME=%s", v->job_name);
	if (v->cpus_per_task)
		string_vec_add(b, "SLURM_CPUS_PER_TASK=%u", v->cpus_per_task);
	string_vec_add(b, "SLURMD_NODENAME=%s", v->node);
	string_vec_add(b, "SLURM_RESTART_COUNT=0");
	string_vec_add(b, "SLURM_SUBMIT_DIR=%s", v->submit_dir);
	string_vec_add(b, "SLURM_JOB_PARTITION=local");
}

char **local_task_env_build(char *const inherited[], char *const additions[],
			    const char *own, const struct local_task_slurm_vars *v)
{
	struct string_vec b = { 0 };
	char *const own_list[] = { (char *)own, NULL };

	add_slurm_vars(&b, v);
	merge(&b, own_list, false);
	merge(&b, additions, false);
	merge(&b, inherited, true);
	return string_vec_finish(&b);
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
