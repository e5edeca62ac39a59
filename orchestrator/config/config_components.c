/* SPDX-License-Identifier: GPL-2.0-or-later */
/* components: what runs for every scenario, with which resources. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config_loader.h"
#include "scenarios/param_name.h"
#include "lib/template/template.h"

/* template: a file beside the config; it must exist now. */
static int load_template_path(struct loader *L, const struct ynode *value, void *object)
{
	struct component *component = object;
	char *given = NULL;

	if (read_string(L, value, &given) != 0)
		return -1;
	component->template_path = config_relative_path(L->config, given);
	if (!component->template_path) {
		free(given);
		error_system(L->err, "%s", L->path);
		return -1;
	}
	if (access(component->template_path, R_OK) != 0) {
		int saved = errno;

		fail_at(L, value, "cannot read template '%s': %s (expected a file "
			"relative to the config's directory)", given, strerror(saved));
		free(given);
		return -1;
	}
	free(given);
	return 0;
}

/* Environment names scalable sets itself. */
static bool reserved_env_name(const char *name)
{
	return strncmp(name, "SCALABLE_", 9) == 0 || strncmp(name, "SLURM_", 6) == 0;
}

/* env: a mapping of variable names to values, kept in order. */
static int load_env(struct loader *L, const struct ynode *map, void *object)
{
	struct component *component = object;

	if (want_kind(L, map, YNODE_MAPPING, "env") != 0)
		return -1;
	component->env = calloc(ymap_size(map) + 1, sizeof *component->env);
	if (!component->env) {
		error_system(L->err, "%s", L->path);
		return -1;
	}
	for (size_t i = 0; i < ymap_size(map); i++) {
		const struct ynode *key = ymap_key(map, i);
		struct config_pair *pair = &component->env[component->n_env++];

		if (!is_identifier(key->text) || reserved_env_name(key->text))
			return fail_at(L, key, "bad environment variable name '%s' (expected "
				       "an identifier not starting with SCALABLE_ or SLURM_)",
				       key->text);
		if (!(pair->name = strdup(key->text)) ||
		    read_string(L, ymap_value(map, i), &pair->value) != 0) {
			if (!pair->name)
				error_system(L->err, "%s", L->path);
			return -1;
		}
	}
	return 0;
}

static const struct field component_fields[] = {
	{ "template", FIELD_CUSTOM, 0, 0, 0, load_template_path },
	{ "command", FIELD_STRING, offsetof(struct component, command), 0, 0, NULL },
	{ "cpus", FIELD_UINT, offsetof(struct component, cpus), 1, 100000, NULL },
	{ "memory", FIELD_SIZE, offsetof(struct component, memory_bytes), 0, 0, NULL },
	{ "walltime", FIELD_WALLTIME, offsetof(struct component, walltime_s), 0, 0, NULL },
	{ "env", FIELD_CUSTOM, 0, 0, 0, load_env },
	{ "setup", FIELD_STRING_LIST, offsetof(struct component, setup), 0, 0, NULL },
	{ "cache", FIELD_BOOL, offsetof(struct component, cache), 0, 0, NULL },
	{ "inputs", FIELD_STRING_LIST, offsetof(struct component, inputs), 0, 0, NULL },
	{ "outputs", FIELD_STRING_LIST, offsetof(struct component, outputs), 0, 0, NULL },
	{ "pack", FIELD_CUSTOM, 0, 0, 0, load_pack },
	{ "pack_time", FIELD_DURATION, offsetof(struct component, pack_time_s), 0, 0, NULL },
	{ "scenario_time", FIELD_DURATION, offsetof(struct component, scenario_time_s), 0, 0,
	  NULL },
	{ "pack_parallel", FIELD_UINT, offsetof(struct component, pack_parallel), 1, 100000,
	  NULL },
	{ "after", FIELD_CUSTOM, 0, 0, 0, load_after },
	{ "when", FIELD_CUSTOM, 0, 0, 0, load_when },
};

static int load_component(struct loader *L, const struct ynode *key,
			  const struct ynode *map, struct component *component)
{
	char what[256];

	component->cpus = 1;
	component->pack = 1;
	component->pack_parallel = 1;
	component->pack_time_s = CONFIG_PACK_TIME_S;
	if (!(component->name = strdup(key->text))) {
		error_system(L->err, "%s", L->path);
		return -1;
	}
	if (!is_plain_name(key->text, ""))
		return fail_at(L, key, "bad component name '%s' (expected letters, digits, "
			       "_ and -; it names log files)", key->text);
	snprintf(what, sizeof what, "component '%s'", key->text);
	if (load_fields(L, map, component_fields,
			sizeof component_fields / sizeof component_fields[0], component,
			what) != 0)
		return -1;
	if (!component->template_path && !component->command)
		return fail_at(L, map, "component '%s' has neither template nor command "
			       "(expected at least one of them)", key->text);
	return check_pack(L, map, component);
}

int load_components(struct loader *L, const struct ynode *map)
{
	struct config *config = L->config;

	if (want_named_entries(L, map, "components", "model: {command: ./run.sh}") != 0)
		return -1;
	config->components = calloc(ymap_size(map), sizeof *config->components);
	if (!config->components) {
		error_system(L->err, "%s", L->path);
		return -1;
	}
	for (size_t i = 0; i < ymap_size(map); i++) {
		config->n_components++;
		if (load_component(L, ymap_key(map, i), ymap_value(map, i),
				   &config->components[i]) != 0)
			return -1;
	}
	return check_stages(L, map);
}

void free_components(struct config *config)
{
	for (size_t i = 0; i < config->n_components; i++) {
		struct component *c = &config->components[i];

		free(c->name);
		free(c->template_path);
		template_free(c->template);
		free(c->command);
		template_free(c->command_template);
		for (size_t e = 0; e < c->n_env; e++) {
			free(c->env[e].name);
			free(c->env[e].value);
		}
		free(c->env);
		string_list_free(&c->setup);
		string_list_free(&c->inputs);
		free_outputs(c);
		free_stages(c);
	}
	free(config->components);
}
