/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Rendering a group's script and its tasks file. */
#include "plan/wave_script.h"
#include "plan/wave_pack.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/param_name.h"
#include "scenarios/scenarios.h"
#include "lib/util/shell_quote.h"
#include "lib/util/string_vec.h"
#include "lib/template/template.h"
#include "plan/log_paths.h"
#include "units.h"

/* What placeholders resolve to while rendering one group. */
struct render_ctx {
	const struct plan *plan;
	const struct plan_group *group;
	const char *command;   /* the rendered command, or "" */
	const char *setup;     /* the setup lines joined, or "" */
	char scratch[160];     /* the last resolved name or number */
};

/* Writes SCALABLE_PARAM_<NAME uppercased> into buf. */
static void param_env_name(const char *name, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "SCALABLE_PARAM_");

	for (; *name && n + 1 < len; name++)
		buf[n++] = (char)toupper((unsigned char)*name);
	buf[n] = '\0';
}

/* Resolves the built-ins whose value is a number or a Slurm-style text. */
static bool resolve_resource(struct render_ctx *ctx, const char *name)
{
	const struct resources *r = &ctx->group->resources;
	char *s = ctx->scratch;
	size_t len = sizeof ctx->scratch;

	s[0] = '\0';
	if (strcmp(name, "cpus") == 0)
		snprintf(s, len, "%u", r->cpus);
	else if (strcmp(name, "memory") == 0 && r->memory_bytes)
		units_format_mem(r->memory_bytes, s, len);
	else if (strcmp(name, "memory_mb") == 0 && r->memory_bytes)
		snprintf(s, len, "%llu", (unsigned long long)
			 ((r->memory_bytes + UNITS_MIB - 1) / UNITS_MIB));
	else if (strcmp(name, "walltime") == 0 && r->walltime_s)
		units_format_walltime(r->walltime_s, s, len);
	else if (strcmp(name, "walltime_s") == 0 && r->walltime_s)
		snprintf(s, len, "%llu", (unsigned long long)r->walltime_s);
	else if (strcmp(name, "memory") && strcmp(name, "memory_mb") &&
		 strcmp(name, "walltime") && strcmp(name, "walltime_s"))
		return false;
	return true;
}

/* Resolves a built-in placeholder (see param_name.c for the list). */
static bool resolve_builtin(struct render_ctx *ctx, const char *name,
			    struct template_value *v)
{
	static const struct { const char *name, *variable; } runtime[] = {
		{ "task_id", "SCALABLE_TASK_ID" },
		{ "attempt", "SCALABLE_ATTEMPT" },
		{ "run_dir", "SCALABLE_RUN_DIR" },
		{ "succeeded_file", "SCALABLE_SUCCEEDED_FILE" },  /* a fan-in's; else empty */
	};

	for (size_t i = 0; i < sizeof runtime / sizeof runtime[0]; i++) {
		if (strcmp(name, runtime[i].name) == 0) {
			*v = (struct template_value){ TEMPLATE_VARIABLE, runtime[i].variable };
			return true;
		}
	}
	if (strcmp(name, "command") == 0 || strcmp(name, "setup") == 0) {
		*v = (struct template_value){ TEMPLATE_CODE,
					      name[0] == 'c' ? ctx->command : ctx->setup };
		return true;
	}
	v->kind = TEMPLATE_LITERAL;
	if (strcmp(name, "component") == 0)
		v->text = ctx->group->component->name;
	else if (strcmp(name, "project") == 0)
		v->text = ctx->plan->config->project;
	else if (resolve_resource(ctx, name))
		v->text = ctx->scratch;
	else
		return false;
	return true;
}

static bool resolve(void *vctx, const char *name, struct template_value *v)
{
	struct render_ctx *ctx = vctx;
	const struct scenario_set *set = ctx->plan->config->scenarios;

	if (is_builtin_placeholder(name))
		return resolve_builtin(ctx, name, v);
	for (size_t p = 0; p < scenarios_param_count(set); p++) {
		if (strcmp(scenarios_param_name(set, p), name) == 0) {
			param_env_name(name, ctx->scratch, sizeof ctx->scratch);
			*v = (struct template_value){ TEMPLATE_VARIABLE, ctx->scratch };
			return true;
		}
	}
	return false;
}

/* Length of the template's leading block of #! / comment / blank lines:
 * sbatch reads #SBATCH lines only there, so the prelude goes after it. */
static size_t header_length(const char *text)
{
	const char *line = text;

	while (*line) {
		const char *p = line, *end = strchr(line, '\n');

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '#' && *p != '\n' && *p != '\0')
			break;
		line = end ? end + 1 : line + strlen(line);
	}
	return (size_t)(line - text);
}

/* export NAME=<quoted value> */
static int export_line(struct strbuf *out, const char *name, const char *value)
{
	return strbuf_printf(out, "export %s=", name) || shell_quote(out, value) ||
	       strbuf_puts(out, "\n") ? -1 : 0;
}

/* The lines that send stdout and stderr to the task's logs (log_paths.h),
 * making their directory first (a test, a builtin, spares most tasks a
 * fork of mkdir). */
static int redirect_to_logs(const struct plan *plan, const char *component, struct strbuf *out)
{
	char bucket[64], stem[512];

	snprintf(bucket, sizeof bucket, "$((SCALABLE_TASK_ID / %d))", LOG_BUCKET);
	if (log_task_stem_text(plan->layout, component, "$SCALABLE_TASK_ID", bucket,
			       "$SCALABLE_ATTEMPT", stem, sizeof stem) != 0)
		return -1;
	return strbuf_printf(out,
		"scalable_log=\"$SCALABLE_RUN_DIR/%s\"\n"
		"[ -d \"${scalable_log%%/*}\" ] || mkdir -p \"${scalable_log%%/*}\" || exit 66\n"
		"exec >\"$scalable_log.out\" 2>\"$scalable_log.err\"\n"
		"unset scalable_log\n", stem);
}

/* The lines that find this index's task and set up its environment: its
 * line of the tasks file, or, when the local executor handed it over in
 * WAVE_TASK_LINE_ENV (wave_task_env), that, which spares each task an awk.
 * The handed line counts only when it names this run, wave, group and
 * index: a value inherited from elsewhere (a run started by a task) is
 * not this task's. Group names are letters, digits, '_', '-' and '.'. */
static int render_prelude(const struct render_ctx *ctx, const char *workdir,
			  struct strbuf *out)
{
	const struct plan *plan = ctx->plan;
	const struct plan_group *g = ctx->group;
	const char *c = g->component->name;
	int rc = strbuf_printf(out, "# ---- scalable prelude: run %s, wave %s, group %s ----\n",
			       plan->run_id, plan->wave, g->name) ||
		 export_line(out, "SCALABLE_RUN_DIR", plan->run_dir) ||
		 export_line(out, "SCALABLE_RUN_ID", plan->run_id) ||
		 export_line(out, "SCALABLE_COMPONENT", c) ||
		 export_line(out, "SCALABLE_WAVE", plan->wave);
	char *succeeded = g->component->fan_in ? plan_succeeded_file(plan->run_dir, c) : NULL;

	/* a fan-in reads the scenarios its upstreams succeeded for (run_stages.c) */
	if (g->component->fan_in)
		rc = rc || !succeeded || export_line(out, "SCALABLE_SUCCEEDED_FILE", succeeded);
	free(succeeded);

	rc = rc || strbuf_printf(out,
		"export SCALABLE_INDEX_OFFSET=\"${SCALABLE_INDEX_OFFSET:-0}\"\n"
		"export SCALABLE_TASK_ID=$(( ${SLURM_ARRAY_TASK_ID:?not an array task} "
		"+ SCALABLE_INDEX_OFFSET ))\n"
		"scalable_key=\"$SCALABLE_RUN_ID/$SCALABLE_WAVE/%s/$SCALABLE_TASK_ID \"\n"
		"case ${" WAVE_TASK_LINE_ENV "-} in\n"
		"\"$scalable_key\"*) scalable_task=${" WAVE_TASK_LINE_ENV "#\"$scalable_key\"} ;;\n"
		"*) scalable_task=$(awk -v id=\"$SCALABLE_TASK_ID\" "
		"'$1 == id { sub(/^[^ ]+ /, \"\"); print; exit }' "
		"\"$SCALABLE_RUN_DIR/scripts/%s/%s.$SCALABLE_INDEX_OFFSET.tasks\") ;;\n"
		"esac\n"
		"unset " WAVE_TASK_LINE_ENV " scalable_key\n"
		"if [ -z \"$scalable_task\" ]; then\n"
		"\techo \"scalable: index $SCALABLE_TASK_ID is not in wave %s\" >&2\n"
		"\texit 64\n"
		"fi\n"
		"eval \"export $scalable_task\"\n"
		"unset scalable_task\n", g->name, plan->wave, g->name, plan->wave) ||
	     redirect_to_logs(plan, c, out) || strbuf_puts(out, "cd ") ||
	     shell_quote(out, workdir) || strbuf_puts(out, " || exit 66\n");
	for (size_t i = 0; rc == 0 && i < g->component->n_env; i++)
		rc = export_line(out, g->component->env[i].name, g->component->env[i].value);
	return rc || strbuf_puts(out, "# ---- end of scalable prelude ----\n") ? -1 : 0;
}

/* Renders the component's command and joins its setup lines. */
static int render_code(struct render_ctx *ctx, struct strbuf *command, struct strbuf *setup,
		       struct error *err)
{
	const struct component *c = ctx->group->component;

	for (size_t i = 0; i < c->setup.count; i++)
		if (strbuf_printf(setup, "%s%s", i ? "\n" : "", c->setup.item[i]) != 0)
			goto oom;
	if (c->command_template &&
	    template_render(c->command_template, resolve, ctx, command, err) != 0)
		return -1;
	if (strbuf_puts(command, "") != 0 || strbuf_puts(setup, "") != 0)
		goto oom;
	ctx->command = command->text;
	ctx->setup = setup->text;
	return 0;
oom:
	error_system(err, "rendering %s", c->name);
	return -1;
}

/* A packed group's prelude: the single-scenario one, its scenario taken
 * from SCALABLE_PACK_TASK (wave_pack.h). */
static int packed_prelude(const struct render_ctx *ctx, const char *workdir,
			  struct strbuf *out)
{
	struct strbuf prelude = { 0 };
	int rc = render_prelude(ctx, workdir, &prelude) || wave_pack_task_id(&prelude, out);

	strbuf_free(&prelude);
	return rc ? -1 : 0;
}

/* Assembles header, prelude and body from the rendered template. */
static int assemble(const struct render_ctx *ctx, const char *body, const char *workdir,
		    struct strbuf *out)
{
	size_t header = header_length(body);

	if (strncmp(body, "#!", 2) != 0 && strbuf_puts(out, "#!/bin/bash\n") != 0)
		return -1;
	if (strbuf_append(out, body, header) != 0 ||
	    (header && body[header - 1] != '\n' && strbuf_puts(out, "\n") != 0))
		return -1;
	if (ctx->group->pack > 1)
		return wave_pack_block(ctx->plan, ctx->group, out) ||
		       packed_prelude(ctx, workdir, out) || strbuf_puts(out, body + header) ? -1 : 0;
	return render_prelude(ctx, workdir, out) || strbuf_puts(out, body + header) ? -1 : 0;
}

int wave_script_render(const struct plan *plan, const struct plan_group *group,
		       struct strbuf *out, struct error *err)
{
	struct render_ctx ctx = { .plan = plan, .group = group };
	struct strbuf command = { 0 }, setup = { 0 }, body = { 0 };
	char *workdir = realpath(plan->config->dir, NULL);
	int rc = -1;

	if (!workdir)
		error_system(err, "cannot resolve %s", plan->config->dir);
	else if (render_code(&ctx, &command, &setup, err) == 0 &&
		 template_render(group->component->template, resolve, &ctx, &body, err) == 0) {
		rc = strbuf_puts(&body, "") || assemble(&ctx, body.text, workdir, out) ? -1 : 0;
		if (rc != 0)
			error_system(err, "rendering %s", group->name);
	}
	free(workdir);
	strbuf_free(&command);
	strbuf_free(&setup);
	strbuf_free(&body);
	return rc;
}

/* The environment names of the parameters, in order. */
static char (*param_env_names(const struct scenario_set *set))[160]
{
	size_t n = scenarios_param_count(set);
	char (*names)[160] = calloc(n ? n : 1, sizeof *names);

	for (size_t p = 0; names && p < n; p++)
		param_env_name(scenarios_param_name(set, p), names[p], sizeof names[p]);
	return names;
}

/* Appends one task's line. */
static int task_line(const struct scenario_set *set, char (*names)[160],
		     const struct plan_task *task, struct strbuf *line)
{
	struct scenario_value_buf buf;

	line->len = 0;
	if (strbuf_printf(line, "%zu SCALABLE_ATTEMPT=%u", task->index, task->attempt) != 0)
		return -1;
	for (size_t p = 0; p < scenarios_param_count(set); p++) {
		if (strbuf_printf(line, " %s=", names[p]) != 0 ||
		    shell_quote_line(line, scenarios_value(set, task->index, p, &buf)) != 0)
			return -1;
	}
	return strbuf_puts(line, "\n");
}

int wave_tasks_write(const struct plan *plan, const struct plan_group *group,
		     const struct plan_chunk *chunk, FILE *out)
{
	const struct scenario_set *set = plan->config->scenarios;
	char (*names)[160] = param_env_names(set);
	struct strbuf line = { 0 };
	int rc = names ? 0 : -1;

	for (size_t t = chunk->first; rc == 0 && t < chunk->first + chunk->count; t++) {
		rc = task_line(set, names, &group->tasks[t], &line);
		if (rc == 0 && fwrite(line.text, 1, line.len, out) != line.len)
			rc = -1;
	}
	strbuf_free(&line);
	free(names);
	return rc;
}

char **wave_task_env(const struct plan *plan, const struct plan_group *group,
		     const struct plan_chunk *chunk)
{
	const struct scenario_set *set = plan->config->scenarios;
	char (*names)[160] = param_env_names(set);
	struct string_vec env = { .failed = !names };
	struct strbuf line = { 0 };

	for (size_t i = 0; !env.failed && i < chunk->count; i++) {
		if (task_line(set, names, &group->tasks[chunk->first + i], &line) != 0)
			env.failed = true;
		else
			string_vec_add(&env, WAVE_TASK_LINE_ENV "=%s/%s/%s/%.*s", plan->run_id,
				       plan->wave, group->name, (int)(line.len - 1), line.text);
	}
	strbuf_free(&line);
	free(names);
	return string_vec_finish(&env);
}
