/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Building sbatch command lines (see sbatch_command.h). */
#include "plan/sbatch_command.h"

#include "lib/util/strbuf.h"
#include "lib/util/string_vec.h"

/* Where the job runs and with what. */
static void add_resources(struct string_vec *v, const struct sbatch_command *cmd)
{
	if (cmd->ntasks)
		string_vec_add(v, "--ntasks=%u", cmd->ntasks);
	if (cmd->cpus_per_task)
		string_vec_add(v, "--cpus-per-task=%u", cmd->cpus_per_task);
	if (cmd->mem)
		string_vec_add(v, "--mem=%s", cmd->mem);
	if (cmd->time)
		string_vec_add(v, "--time=%s", cmd->time);
	if (cmd->partition)
		string_vec_add(v, "--partition=%s", cmd->partition);
	if (cmd->account)
		string_vec_add(v, "--account=%s", cmd->account);
	if (cmd->qos)
		string_vec_add(v, "--qos=%s", cmd->qos);
}

/* "afterany:5:7", "aftercorr:9", both joined by "," (all must hold). */
static int add_dependency(struct strbuf *sb, const char *kind, const uint32_t *ids, size_t n)
{
	int rc = n == 0 ? 0 : strbuf_printf(sb, "%s%s", sb->len ? "," : "--dependency=", kind);

	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = strbuf_printf(sb, ":%u", ids[i]);
	return rc;
}

/* When the job may start: after other jobs, or after a delay. */
static void add_start(struct string_vec *v, const struct sbatch_command *cmd)
{
	if (cmd->n_after || cmd->n_after_corr) {
		struct strbuf sb = { 0 };
		int rc = add_dependency(&sb, "afterany", cmd->after, cmd->n_after) ||
			 add_dependency(&sb, "aftercorr", cmd->after_corr, cmd->n_after_corr);

		if (rc == 0)
			string_vec_add(v, "%s", sb.text);
		else
			v->failed = true;
		strbuf_free(&sb);
		/* Slurm then never cancels the job over a dependency it cannot satisfy */
		string_vec_add(v, "--kill-on-invalid-dep=no");
	}
	if (cmd->delayed)
		string_vec_add(v, "--begin=now+%llu", (unsigned long long)cmd->begin_delay_s);
}

char **sbatch_command_argv(const struct sbatch_command *cmd)
{
	struct string_vec v = { 0 };

	string_vec_add(&v, "sbatch");
	string_vec_add(&v, "--parsable");
	string_vec_add(&v, "--job-name=%s", cmd->job_name);
	string_vec_add(&v, "--comment=%s", cmd->comment);
	if (cmd->array)
		string_vec_add(&v, "--array=%s", cmd->array);
	string_vec_add(&v, "--output=%s", cmd->output);
	string_vec_add(&v, "--export=ALL");
	add_resources(&v, cmd);
	string_vec_add(&v, cmd->requeue ? "--requeue" : "--no-requeue");
	add_start(&v, cmd);
	if (cmd->exclude)
		string_vec_add(&v, "--exclude=%s", cmd->exclude);
	for (size_t i = 0; i < cmd->n_extra; i++)
		string_vec_add(&v, "%s", cmd->extra[i]);
	if (cmd->script)
		string_vec_add(&v, "%s", cmd->script);
	else
		string_vec_add(&v, "--wrap=%s", cmd->wrap);
	return string_vec_finish(&v);
}
