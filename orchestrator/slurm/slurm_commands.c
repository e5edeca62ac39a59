/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The commands that change what Slurm runs: sbatch (one per array chunk) and
 * scancel (one for a whole run). See slurm_commands.h. */
#include "slurm/slurm_commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/exit_codes.h"
#include "lib/util/strbuf.h"
#include "slurm/slurm_fields.h"
#include "slurm/slurm_invoke.h"
#include "slurm/slurm_limits.h"

/* The last line of text that is not empty, copied into buf. */
static void last_line(const char *text, char *buf, size_t len)
{
	const char *end = text + strlen(text), *start;
	size_t n;

	while (end > text && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
		end--;
	for (start = end; start > text && start[-1] != '\n'; start--)
		;
	n = (size_t)(end - start) < len ? (size_t)(end - start) : len - 1;
	memcpy(buf, start, n);
	buf[n] = '\0';
}

int slurm_parse_sbatch(const char *text, uint32_t *job_id, struct error *err)
{
	static const char banner[] = "Submitted batch job ";
	char line[256], *id = line;

	last_line(text ? text : "", line, sizeof line);
	if (strncmp(line, banner, sizeof banner - 1) == 0)
		id += sizeof banner - 1;
	id[strcspn(id, "; ")] = '\0';  /* --parsable: "N" or "N;cluster" */
	if (slurm_parse_job_id(id, job_id))
		return SLURM_OK;
	snprintf(err->text, sizeof err->text, "sbatch printed no job id (its output: \"%s\")", line);
	err->exit_code = SCALABLE_EXIT_SYSTEM;
	return SLURM_FAILED;
}

int slurm_sbatch(const char *const *argv, const char *const *env, unsigned timeout_s,
		 uint32_t *job_id, struct error *err)
{
	struct command_result r;
	int status = SLURM_FAILED;

	if (slurm_invoke(argv, env, timeout_s, &r, err) == 0)
		status = slurm_parse_sbatch(r.out.text, job_id, err);
	else if (r.end == COMMAND_EXITED &&
		 (slurm_refusal_is_limit(r.err.text) || slurm_refusal_is_limit(r.out.text)))
		status = SLURM_LIMIT;
	else if (r.end == COMMAND_TIMED_OUT)
		snprintf(err->text + strlen(err->text), sizeof err->text - strlen(err->text),
			 "; the job may have been submitted all the same");
	command_result_free(&r);
	return status;
}

/* True when scancel said something and only that some jobs had already
 * ended. */
static bool only_ended_jobs(const char *stderr_text)
{
	bool said = false;

	for (const char *line = stderr_text; line && *line; line = strchr(line, '\n')) {
		line += *line == '\n';
		if (!*line || *line == '\n')
			continue;
		if (!slurm_line_contains(line, "already completing or completed") &&
		    !slurm_line_contains(line, "Invalid job id specified"))
			return false;
		said = true;
	}
	return said;
}

/* One scancel of the given arguments (job ids, or JOB_[1,5,9]). */
static int scancel_args(char *const *args, size_t n, unsigned timeout_s, struct error *err)
{
	const char **argv = calloc(n + 2, sizeof *argv);
	struct command_result r;
	int status = SLURM_FAILED;

	if (!argv) {
		error_system(err, "scancel");
		return SLURM_FAILED;
	}
	argv[0] = "scancel";
	for (size_t i = 0; i < n; i++)
		argv[i + 1] = args[i];
	if (slurm_invoke(argv, NULL, timeout_s, &r, err) == 0 ||
	    (r.end == COMMAND_EXITED && only_ended_jobs(r.err.text)))
		status = SLURM_OK;
	command_result_free(&r);
	free(argv);
	return status;
}

int slurm_scancel(const uint32_t *job_ids, size_t n, unsigned timeout_s, struct error *err)
{
	char **args, (*ids)[16];
	int status = SLURM_FAILED;

	if (n == 0)
		return SLURM_OK;
	args = calloc(n + 1, sizeof *args);
	ids = calloc(n, sizeof *ids);
	if (args && ids) {
		for (size_t i = 0; i < n; i++) {
			snprintf(ids[i], sizeof ids[i], "%u", (unsigned)job_ids[i]);
			args[i] = ids[i];
		}
		status = scancel_args(args, n, timeout_s, err);
	} else {
		error_system(err, "scancel");
	}
	free(ids);
	free(args);
	return status;
}

int slurm_scancel_array_tasks(const struct slurm_array_task *tasks, size_t n,
			      unsigned timeout_s, struct error *err)
{
	char **args;
	size_t n_args = 0;
	int status;

	if (n == 0)
		return SLURM_OK;
	if (!(args = slurm_array_task_args(tasks, n, &n_args))) {
		error_system(err, "scancel");
		return SLURM_FAILED;
	}
	status = scancel_args(args, n_args, timeout_s, err);
	for (size_t i = 0; i < n_args; i++)
		free(args[i]);
	free(args);
	return status;
}

/* Sorted by job, then task. */
static int by_job_and_task(const void *a, const void *b)
{
	const struct slurm_array_task *x = a, *y = b;

	if (x->array_job_id != y->array_job_id)
		return x->array_job_id < y->array_job_id ? -1 : 1;
	return x->array_task_id < y->array_task_id ? -1 : x->array_task_id > y->array_task_id;
}

char **slurm_array_task_args(const struct slurm_array_task *tasks, size_t n, size_t *n_args)
{
	struct slurm_array_task *sorted = malloc((n ? n : 1) * sizeof *sorted);
	char **args = calloc(n + 1, sizeof *args);
	struct strbuf sb = { 0 };
	bool failed = !sorted || !args;

	size_t m = 0;

	*n_args = 0;
	if (!failed) {
		memcpy(sorted, tasks, n * sizeof *tasks);
		qsort(sorted, n, sizeof *sorted, by_job_and_task);
		for (size_t i = 0; i < n; i++)  /* each task once */
			if (m == 0 || by_job_and_task(&sorted[m - 1], &sorted[i]) != 0)
				sorted[m++] = sorted[i];
	}
	for (size_t i = 0; !failed && i < m; i++) {
		bool first = i == 0 || sorted[i].array_job_id != sorted[i - 1].array_job_id;
		bool last = i + 1 == m || sorted[i + 1].array_job_id != sorted[i].array_job_id;

		failed = (first ? strbuf_printf(&sb, "%u_[", (unsigned)sorted[i].array_job_id)
				: strbuf_puts(&sb, ",")) != 0 ||
			 strbuf_printf(&sb, "%u", (unsigned)sorted[i].array_task_id) != 0 ||
			 (last && (strbuf_puts(&sb, "]") != 0 ||
				   !(args[(*n_args)++] = strbuf_release(&sb))));
	}
	free(sorted);
	strbuf_free(&sb);
	if (failed) {
		for (size_t i = 0; args && i < *n_args; i++)
			free(args[i]);
		free(args);
		*n_args = 0;
		return NULL;
	}
	return args;
}
