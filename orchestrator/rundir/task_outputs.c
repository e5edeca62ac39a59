/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A component's outputs for one scenario, rendered and looked for (see
 * task_outputs.h). */
#include "rundir/task_outputs.h"

#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scenarios/scenarios.h"
#include "lib/template/template.h"
#include "lib/util/strbuf.h"

struct render_ctx {
	const struct task_place *place;
	struct strbuf value;       /* the last value, glob characters escaped */
	char number[32];
};

/* Appends text with glob's special characters escaped. */
static int put_escaped(struct strbuf *out, const char *text)
{
	for (const char *p = text; *p; p++) {
		if (strchr("*?[\\", *p) && strbuf_puts(out, "\\") != 0)
			return -1;
		if (strbuf_append(out, p, 1) != 0)
			return -1;
	}
	return strbuf_puts(out, "");
}

/* A built-in's text, or NULL for a name that is none. */
static const char *builtin(struct render_ctx *ctx, const char *name)
{
	const struct task_place *at = ctx->place;

	if (!strcmp(name, "task_id"))
		snprintf(ctx->number, sizeof ctx->number, "%zu", at->index);
	else if (!strcmp(name, "attempt"))
		snprintf(ctx->number, sizeof ctx->number, "%u", at->attempt);
	else if (!strcmp(name, "cpus"))
		snprintf(ctx->number, sizeof ctx->number, "%u", at->component->cpus);
	else if (!strcmp(name, "run_dir"))
		return at->run_dir;
	else if (!strcmp(name, "component"))
		return at->component->name;
	else if (!strcmp(name, "project"))
		return at->config->project ? at->config->project : "";
	else
		return NULL;
	return ctx->number;
}

static bool resolve(void *vctx, const char *name, struct template_value *v)
{
	struct render_ctx *ctx = vctx;
	const struct scenario_set *set = ctx->place->config->scenarios;
	struct scenario_value_buf buf;
	const char *text = builtin(ctx, name);

	for (size_t p = 0; !text && p < scenarios_param_count(set); p++)
		if (strcmp(scenarios_param_name(set, p), name) == 0)
			text = scenarios_value(set, ctx->place->index, p, &buf);
	if (!text)
		return false;
	ctx->value.len = 0;
	if (put_escaped(&ctx->value, text) != 0)
		return false;  /* out of memory: template_render says so */
	*v = (struct template_value){ TEMPLATE_CODE, ctx->value.text };
	return true;
}

void task_outputs_free_patterns(char **patterns, size_t count)
{
	for (size_t i = 0; patterns && i < count; i++)
		free(patterns[i]);
	free(patterns);
}

/* Pattern i rendered into out, absolute (workdir escaped in front). */
static int render_one(struct render_ctx *ctx, const char *workdir, size_t i,
		      struct strbuf *out, struct error *err)
{
	const struct component *c = ctx->place->component;
	struct strbuf full = { 0 };
	int rc;

	if (template_render(c->output_templates[i], resolve, ctx, out, err) != 0)
		return -1;
	if (strbuf_puts(out, "") == 0 && out->text[0] == '/')
		return 0;
	rc = !out->text || put_escaped(&full, workdir) || strbuf_puts(&full, "/") ||
	     strbuf_puts(&full, out->text);
	strbuf_free(out);
	*out = full;
	if (rc)
		error_system(err, "cannot render the outputs of %s-%zu", c->name,
			     ctx->place->index);
	return rc ? -1 : 0;
}

char **task_outputs_render(const struct task_place *place, struct error *err)
{
	const struct component *c = place->component;
	struct render_ctx ctx = { .place = place };
	char **patterns = calloc(c->outputs.count + 1, sizeof *patterns);
	char *workdir = realpath(place->config->dir, NULL);
	size_t i = 0;

	if (!patterns || !workdir) {
		error_system(err, "cannot render the outputs of %s-%zu", c->name, place->index);
		goto fail;
	}
	for (; i < c->outputs.count; i++) {
		struct strbuf out = { 0 };

		if (render_one(&ctx, workdir, i, &out, err) != 0) {
			strbuf_free(&out);
			goto fail;
		}
		patterns[i] = strbuf_release(&out);
	}
	strbuf_free(&ctx.value);
	free(workdir);
	return patterns;
fail:
	strbuf_free(&ctx.value);
	free(workdir);
	task_outputs_free_patterns(patterns, i);
	return NULL;
}

/* Adds a regular file a pattern matched (once: patterns may overlap). */
static int add_file(struct output_files *files, const char *path, const struct stat *st)
{
	struct output_file *grown;

	for (size_t k = 0; k < files->count; k++)
		if (strcmp(files->file[k].path, path) == 0)
			return 0;
	if (!(grown = realloc(files->file, (files->count + 1) * sizeof *grown)))
		return -1;
	files->file = grown;
	grown += files->count;
	memset(grown, 0, sizeof *grown);
	if (!(grown->path = strdup(path)))
		return -1;
	grown->size = (uint64_t)st->st_size;
	grown->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
	files->count++;
	return 0;
}

/* Whether pattern matched something that exists; its regular files into
 * files. 1 present, 0 not, -1 error. */
static int look_for(const char *pattern, struct output_files *files)
{
	glob_t g;
	int rc = glob(pattern, 0, NULL, &g), found = 0;

	if (rc == GLOB_NOMATCH)
		return 0;
	if (rc != 0) {
		if (rc != GLOB_NOSPACE)
			return 0;  /* an unreadable directory: nothing found there */
		errno = ENOMEM;
		return -1;
	}
	for (size_t k = 0; k < g.gl_pathc; k++) {
		struct stat st;

		if (stat(g.gl_pathv[k], &st) != 0)
			continue;  /* a dangling link is no output */
		found = 1;
		if (files && S_ISREG(st.st_mode) && add_file(files, g.gl_pathv[k], &st) != 0) {
			found = -1;
			break;
		}
	}
	globfree(&g);
	return found;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct output_file *)a)->path,
		      ((const struct output_file *)b)->path);
}

int task_outputs_check(const struct task_place *place, json_t **missing,
		       struct output_files *files, struct error *err)
{
	const struct component *c = place->component;
	char **patterns = NULL;
	int rc = 0;

	*missing = NULL;
	if (files)
		memset(files, 0, sizeof *files);
	if (!c->outputs.count)
		return 0;
	if (!(patterns = task_outputs_render(place, err)))
		return -1;
	for (size_t i = 0; rc == 0 && i < c->outputs.count; i++) {
		int found = look_for(patterns[i], files);

		if (found < 0 ||
		    (found == 0 && !*missing && !(*missing = json_array())) ||
		    (found == 0 && json_array_append_new(*missing, json_pack(
			    "{s:s, s:s}", "pattern", c->outputs.item[i], "path", patterns[i])))) {
			error_system(err, "cannot look for the outputs of %s-%zu", c->name,
				     place->index);
			rc = -1;
		}
	}
	task_outputs_free_patterns(patterns, c->outputs.count);
	if (rc != 0) {
		json_decref(*missing);
		*missing = NULL;
		if (files)
			output_files_free(files);
	} else if (files && files->count > 1) {
		qsort(files->file, files->count, sizeof *files->file, by_path);
	}
	return rc;
}

void task_outputs_describe(const json_t *missing, char *text, size_t len)
{
	size_t used = 0, i;
	const json_t *m;

	if (len)
		text[0] = '\0';
	json_array_foreach(missing, i, m) {
		int n = snprintf(text + used, len - used, "%s%s (%s)", i ? ", " : "",
				 json_string_value(json_object_get(m, "pattern")),
				 json_string_value(json_object_get(m, "path")));

		if (n < 0 || (size_t)n >= len - used)
			break;  /* cut: the failure row's details list them all */
		used += (size_t)n;
	}
}

void output_files_free(struct output_files *files)
{
	for (size_t k = 0; files && k < files->count; k++)
		free(files->file[k].path);
	if (files) {
		free(files->file);
		memset(files, 0, sizeof *files);
	}
}
