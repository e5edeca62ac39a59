/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A component's outputs: glob patterns, each compiled as a template whose
 * placeholders are the parameters and the built-ins a path may name
 * (rundir/task_outputs.h renders and checks them per scenario). */
#include <stdlib.h>
#include <string.h>

#include "config/config_loader.h"
#include "scenarios/param_name.h"
#include "scenarios/scenarios.h"
#include "lib/template/template.h"

/* The built-ins an output path may use: not code, not resources that a
 * retry may change. */
static const char *const output_builtins[] = {
	"task_id", "attempt", "run_dir", "component", "project", "cpus", NULL,
};

static bool output_builtin(const char *name)
{
	for (const char *const *b = output_builtins; *b; b++)
		if (strcmp(*b, name) == 0)
			return true;
	return false;
}

static bool is_known(void *ctx, const char *name, struct template_value *value)
{
	const struct scenario_set *set = ctx;

	value->kind = TEMPLATE_LITERAL;
	value->text = "";
	if (output_builtin(name))
		return true;
	for (size_t p = 0; p < scenarios_param_count(set); p++)
		if (strcmp(scenarios_param_name(set, p), name) == 0)
			return true;
	return false;
}

/* Compiles pattern i of c, written at node. */
static int compile_one(struct loader *L, struct component *c, size_t i,
		       const struct ynode *node, const char **params)
{
	const char *text = c->outputs.item[i];

	if (!*text)
		return fail_at(L, node, "empty output pattern in component '%s' (expected a "
			       "path or glob pattern, e.g. results/{{ scenario }}.csv)",
			       c->name);
	if (template_compile(text, L->path, node->line, node->column + (node->plain ? 0 : 1),
			     &c->output_templates[i], L->err) != 0)
		return -1;
	return template_check(c->output_templates[i], is_known, L->config->scenarios, params,
			      output_builtins, L->err);
}

static int compile_component(struct loader *L, struct component *c, const struct ynode *map,
			     const char **params)
{
	const struct ynode *list = ymap_get(map, "outputs");

	if (!c->outputs.count)
		return 0;
	if (!(c->output_templates = calloc(c->outputs.count, sizeof *c->output_templates))) {
		error_system(L->err, "%s", L->path);
		return -1;
	}
	for (size_t i = 0; i < c->outputs.count; i++)
		if (compile_one(L, c, i, list->child[i], params) != 0)
			return -1;
	return 0;
}

int compile_outputs(struct loader *L, const struct ynode *components)
{
	const struct scenario_set *set = L->config->scenarios;
	size_t n = scenarios_param_count(set);
	const char **params = calloc(n + 1, sizeof *params);
	int rc = 0;

	if (!params) {
		error_system(L->err, "%s", L->path);
		return -1;
	}
	for (size_t p = 0; p < n; p++)
		params[p] = scenarios_param_name(set, p);
	for (size_t i = 0; rc == 0 && i < L->config->n_components; i++)
		rc = compile_component(L, &L->config->components[i], ymap_value(components, i),
				       params);
	free(params);
	return rc;
}

void free_outputs(struct component *c)
{
	for (size_t i = 0; c->output_templates && i < c->outputs.count; i++)
		template_free(c->output_templates[i]);
	free(c->output_templates);
	c->output_templates = NULL;
	string_list_free(&c->outputs);
}
