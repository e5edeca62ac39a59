/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Compiles each component's template (its file, or the built-in default)
 * and its command, and checks every placeholder against the parameters. */
#include <stdlib.h>
#include <string.h>

#include "config/config_loader.h"
#include "config/default_template.h"
#include "scenarios/param_name.h"
#include "scenarios/scenarios.h"
#include "lib/template/template.h"

/* What a placeholder may name: a parameter, or a built-in (but not the
 * command's own builtins inside the command). */
struct known_names {
	const struct scenario_set *scenarios;
	bool inside_command;
};

static bool is_known(void *ctx, const char *name, struct template_value *value)
{
	const struct known_names *known = ctx;
	size_t n = scenarios_param_count(known->scenarios);

	value->kind = TEMPLATE_LITERAL;
	value->text = "";
	if (is_builtin_placeholder(name))
		return !(known->inside_command &&
			 (strcmp(name, "command") == 0 || strcmp(name, "setup") == 0));
	for (size_t p = 0; p < n; p++)
		if (strcmp(scenarios_param_name(known->scenarios, p), name) == 0)
			return true;
	return false;
}

/* The parameter names as a NULL-terminated list, for did-you-mean hints. */
static const char **param_names(const struct scenario_set *set)
{
	size_t n = scenarios_param_count(set);
	const char **names = calloc(n + 1, sizeof *names);

	for (size_t p = 0; names && p < n; p++)
		names[p] = scenarios_param_name(set, p);
	return names;
}

/* Compiles the command string found at node. */
static int compile_command(struct loader *L, struct component *c, const struct ynode *node,
			   struct known_names *known, const char **params)
{
	const struct ynode *value = ymap_get(node, "command");

	if (!c->command)
		return 0;
	known->inside_command = true;
	if (template_compile(c->command, L->path, value->line,
			     value->column + (value->plain ? 0 : 1), &c->command_template,
			     L->err) != 0)
		return -1;
	return template_check(c->command_template, is_known, known, params,
			      builtin_placeholders, L->err);
}

static int compile_component(struct loader *L, struct component *c,
			     const struct ynode *node, const char **params)
{
	struct known_names known = { .scenarios = L->config->scenarios };
	int rc;

	if (c->template_path)
		rc = template_load(c->template_path, &c->template, L->err);
	else
		rc = template_compile(default_template_text, default_template_origin, 1, 1,
				      &c->template, L->err);
	if (rc != 0 || template_check(c->template, is_known, &known, params,
				      builtin_placeholders, L->err) != 0)
		return -1;
	if (!c->command && template_uses(c->template, "command"))
		return fail_at(L, ymap_get(node, "template"), "the template uses {{ command }} "
			       "but component '%s' has none (expected a command: key)", c->name);
	return compile_command(L, c, node, &known, params);
}

int compile_templates(struct loader *L, const struct ynode *components)
{
	const char **params = param_names(L->config->scenarios);
	int rc = 0;

	if (!params) {
		error_system(L->err, "%s", L->path);
		return -1;
	}
	for (size_t i = 0; rc == 0 && i < L->config->n_components; i++)
		rc = compile_component(L, &L->config->components[i],
				       ymap_value(components, i), params);
	free(params);
	return rc;
}
