/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Stages: a component's `after: [COMPONENT, ...]` or `after: all` (a
 * fan-in) and `when:`, resolved to component indices once every component
 * is read; names must exist, no component may wait for itself, and the
 * order must have no cycle. Tests: orchestrator/config/test/test_config_stages.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_loader.h"
#include "lib/util/did_you_mean.h"

static const char *const when_names[] = {
	[WHEN_ALL_SUCCEEDED] = "all_succeeded", [WHEN_ANY_SUCCEEDED] = "any_succeeded",
	[WHEN_ALWAYS] = "always",
};

const char *fan_in_when_name(enum fan_in_when when)
{
	return (unsigned)when < 3 ? when_names[when] : "all_succeeded";
}

unsigned config_stage_count(const struct config *config)
{
	unsigned n = 0;

	for (size_t i = 0; i < config->n_components; i++)
		if (config->components[i].stage + 1 > n)
			n = config->components[i].stage + 1;
	return n;
}

int load_after(struct loader *L, const struct ynode *value, void *object)
{
	struct component *component = object;

	if (value->kind == YNODE_SCALAR && !ynode_is_null(value)) {
		if (strcmp(value->text, "all") != 0)
			return fail_at(L, value, "after is '%s' (expected all, or a list of "
				       "components, e.g. [prepare])", value->text);
		component->fan_in = true;
		return 0;
	}
	if (read_string_list(L, value, "after", &component->after_names) != 0)
		return -1;
	if (component->after_names.count == 0)
		return fail_at(L, value, "after is an empty list (expected the components "
			       "to run after, e.g. [prepare], or all)");
	return 0;
}

int load_when(struct loader *L, const struct ynode *value, void *object)
{
	struct component *component = object;
	const char *hint;

	if (value->kind != YNODE_SCALAR || ynode_is_null(value))
		return fail_at(L, value, "when is %s (expected all_succeeded, any_succeeded "
			       "or always)", ynode_describe(value));
	for (int w = 0; w < 3; w++) {
		if (!strcmp(value->text, when_names[w])) {
			component->when = (enum fan_in_when)w;
			return 0;
		}
	}
	hint = did_you_mean(value->text, when_names, 3);
	return fail_at(L, value, "unknown when '%s'%s%s%s (expected all_succeeded, "
		       "any_succeeded or always)", value->text, hint ? " (did you mean '" : "",
		       hint ? hint : "", hint ? "'?)" : "");
}

static long component_named(const struct config *config, const char *name)
{
	for (size_t i = 0; i < config->n_components; i++)
		if (!strcmp(config->components[i].name, name))
			return (long)i;
	return -1;
}

/* The component's after: list resolved; value is its YAML node. */
static int resolve_after(struct loader *L, struct component *c, const struct ynode *value)
{
	struct config *config = L->config;
	const char **names = calloc(config->n_components + 1, sizeof *names);

	c->after = calloc(c->after_names.count + 1, sizeof *c->after);
	if (!names || !c->after) {
		free(names);
		error_system(L->err, "%s", L->path);
		return -1;
	}
	for (size_t i = 0; i < config->n_components; i++)
		names[i] = config->components[i].name;
	for (size_t i = 0; i < c->after_names.count; i++) {
		const char *name = c->after_names.item[i], *hint;
		const struct ynode *at = value->child[i];
		long k = component_named(config, name);

		if (k < 0) {
			hint = did_you_mean(name, names, config->n_components);
			free(names);
			return fail_at(L, at, "component '%s' is after '%s', which is no "
				       "component%s%s%s (expected one of the components)",
				       c->name, name, hint ? " (did you mean '" : "",
				       hint ? hint : "", hint ? "'?)" : "");
		}
		if (&config->components[k] == c) {
			free(names);
			return fail_at(L, at, "component '%s' is after itself (expected other "
				       "components)", c->name);
		}
		if (config->components[k].fan_in) {
			free(names);
			return fail_at(L, at, "component '%s' is after '%s', a fan-in (after: all) "
				       "(expected a component that runs per scenario)", c->name, name);
		}
		c->after[c->n_after++] = (size_t)k;
	}
	free(names);
	return 0;
}

/* Depth-first: the stage of component i; -1 on a cycle (state 1: on the path). */
static int stage_of(struct config *config, size_t i, unsigned char *state, size_t *cycle_at)
{
	struct component *c = &config->components[i];

	if (state[i] == 2)
		return 0;
	if (state[i] == 1) {
		*cycle_at = i;
		return -1;
	}
	state[i] = 1;
	c->stage = 0;
	for (size_t k = 0; k < c->n_after; k++) {
		if (stage_of(config, c->after[k], state, cycle_at) != 0)
			return -1;
		if (config->components[c->after[k]].stage + 1 > c->stage)
			c->stage = config->components[c->after[k]].stage + 1;
	}
	state[i] = 2;
	return 0;
}

/* A fan-in's upstreams: every per-scenario component; its stage the last. */
static int resolve_fan_ins(struct loader *L)
{
	struct config *config = L->config;
	unsigned last = 0;

	for (size_t i = 0; i < config->n_components; i++)
		if (!config->components[i].fan_in && config->components[i].stage + 1 > last)
			last = config->components[i].stage + 1;
	for (size_t i = 0; i < config->n_components; i++) {
		struct component *c = &config->components[i];

		if (!c->fan_in)
			continue;
		if (!(c->after = calloc(config->n_components, sizeof *c->after))) {
			error_system(L->err, "%s", L->path);
			return -1;
		}
		for (size_t k = 0; k < config->n_components; k++)
			if (!config->components[k].fan_in)
				c->after[c->n_after++] = k;
		c->stage = last;
	}
	return 0;
}

int check_stages(struct loader *L, const struct ynode *map)
{
	struct config *config = L->config;
	unsigned char *state;
	size_t cycle_at = 0, fan_ins = 0;

	for (size_t i = 0; i < config->n_components; i++) {
		struct component *c = &config->components[i];
		const struct ynode *value = ymap_get(ymap_value(map, i), "after");
		const struct ynode *when = ymap_get(ymap_value(map, i), "when");

		fan_ins += c->fan_in;
		if (when && !ynode_is_null(when) && !c->fan_in)
			return fail_at(L, when, "component '%s' has when but is not a fan-in "
				       "(expected after: all with it)", c->name);
		if (!c->fan_in && c->after_names.count && resolve_after(L, c, value) != 0)
			return -1;
	}
	if (fan_ins == config->n_components)
		return fail_at(L, map, "every component is after: all (expected at least one "
			       "that runs per scenario)");
	if (!(state = calloc(config->n_components, 1))) {
		error_system(L->err, "%s", L->path);
		return -1;
	}
	for (size_t i = 0; i < config->n_components; i++) {
		if (!config->components[i].fan_in && stage_of(config, i, state, &cycle_at) != 0) {
			const struct ynode *at = ymap_get(ymap_value(map, cycle_at), "after");

			free(state);
			return fail_at(L, at, "component '%s' is in a cycle of after: (expected "
				       "an order with a first component)", config->components[cycle_at].name);
		}
	}
	free(state);
	return resolve_fan_ins(L);
}

void free_stages(struct component *c)
{
	string_list_free(&c->after_names);
	free(c->after);
}
