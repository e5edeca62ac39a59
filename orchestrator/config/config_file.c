/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config_load: the top level of scalable.yaml, and the order sections load in. */
#include "config/config_file.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_loader.h"
#include "scenarios/scenarios.h"

/* The project name goes into run directories and job names. */
static int load_project(struct loader *L, const struct ynode *value, void *object)
{
	struct config *config = object;

	if (read_string(L, value, &config->project) != 0)
		return -1;
	if (config->project[0] == '.' || !is_plain_name(config->project, "."))
		return fail_at(L, value, "bad project name '%s' (expected letters, digits, "
			       ". _ and -, not starting with .)", config->project);
	return 0;
}

static int load_version(struct loader *L, const struct ynode *value, void *object)
{
	struct config *config = object;

	if (read_uint(L, value, 0, 1000000, &config->version) != 0)
		return -1;
	if (config->version != CONFIG_VERSION)
		return fail_at(L, value, "unsupported version %u (expected version: %d)",
			       config->version, CONFIG_VERSION);
	return 0;
}

/* Sections are parsed later, in dependency order; here they are only seen. */
static int defer(struct loader *L, const struct ynode *value, void *object)
{
	(void)L, (void)value, (void)object;
	return 0;
}

static const struct field top_fields[] = {
	{ "version", FIELD_CUSTOM, 0, 0, 0, load_version },
	{ "project", FIELD_CUSTOM, 0, 0, 0, load_project },
	{ "targets", FIELD_CUSTOM, 0, 0, 0, defer },
	{ "default_target", FIELD_CUSTOM, 0, 0, 0, defer },
	{ "components", FIELD_CUSTOM, 0, 0, 0, defer },
	{ "scenarios", FIELD_CUSTOM, 0, 0, 0, defer },
	{ "retry", FIELD_CUSTOM, 0, 0, 0, defer },
	{ "classify", FIELD_CUSTOM, 0, 0, 0, defer },
	{ "notify", FIELD_CUSTOM, 0, 0, 0, defer },
	{ "ai", FIELD_CUSTOM, 0, 0, 0, defer },
	{ "snapshots", FIELD_CUSTOM, 0, 0, 0, load_snapshots },
};

/* Fails when a required top-level key is missing. */
static int require(struct loader *L, const struct ynode *root, const char *key,
		   const char *example)
{
	if (ymap_get(root, key))
		return 0;
	return fail_at(L, root, "missing key '%s' (expected e.g. %s)", key, example);
}

/* Picks the default target: default_target, else the first one declared. */
static int load_default_target(struct loader *L, const struct ynode *value)
{
	struct config *config = L->config;
	char *name = NULL;

	if (!value)
		return 0;
	if (read_string(L, value, &name) != 0)
		return -1;
	for (size_t i = 0; i < config->n_targets; i++) {
		if (strcmp(config->targets[i].name, name) == 0) {
			config->default_target = i;
			free(name);
			return 0;
		}
	}
	fail_at(L, value, "no target named '%s' (expected one of the targets)", name);
	free(name);
	return -1;
}

/* Loads an optional section through its loader. */
static int optional_section(struct loader *L, const struct ynode *root, const char *key,
			    int (*load)(struct loader *, const struct ynode *))
{
	const struct ynode *value = ymap_get(root, key);

	return value && !ynode_is_null(value) ? load(L, value) : 0;
}

/* Loads everything under the root mapping, in dependency order. */
static int load_root(struct loader *L, const struct ynode *root)
{
	if (load_fields(L, root, top_fields, sizeof top_fields / sizeof top_fields[0],
			L->config, "the top level") != 0 ||
	    require(L, root, "version", "version: 1") != 0 ||
	    require(L, root, "project", "project: my-sweep") != 0 ||
	    require(L, root, "components", "components: {model: {command: ./run}}") != 0)
		return -1;
	return load_targets(L, ymap_get(root, "targets")) ||
	       load_default_target(L, ymap_get(root, "default_target")) ||
	       load_components(L, ymap_get(root, "components")) ||
	       load_scenarios(L, ymap_get(root, "scenarios")) ||
	       compile_templates(L, ymap_get(root, "components")) ||
	       compile_outputs(L, ymap_get(root, "components")) ||
	       optional_section(L, root, "retry", load_retry) ||
	       optional_section(L, root, "classify", load_classify) ||
	       optional_section(L, root, "notify", load_notify) ||
	       optional_section(L, root, "ai", load_ai) ||
	       apply_defaults(L, root)
		       ? -1 : 0;
}

/* A config with its defaults, before the file is read. */
static struct config *config_new(const char *path)
{
	struct config *config = calloc(1, sizeof *config);
	char *copy = strdup(path);

	if (!config || !copy || !(config->path = strdup(path)) ||
	    !(config->dir = strdup(dirname(copy)))) {
		free(copy);
		config_free(config);
		return NULL;
	}
	free(copy);
	retry_defaults(config->retry);
	config->notify.timeout_s = NOTIFY_TIMEOUT_DEFAULT_S;
	config->ai.timeout_s = AI_TIMEOUT_DEFAULT_S;
	return config;
}

int config_load(const char *path, struct config **out, struct error *err)
{
	return config_load_as(path, path, out, err);
}

int config_load_as(const char *path, const char *as_path, struct config **out,
		   struct error *err)
{
	return config_load_with(path, as_path, NULL, out, err);
}

int config_load_defaulted(const char *path, struct config **out, struct error *err)
{
	struct config_defaults defaults;
	int rc;

	if (config_defaults_load(&defaults, err) != 0)
		return -1;
	rc = config_load_with(path, path, &defaults, out, err);
	config_defaults_clear(&defaults);
	return rc;
}

int config_load_with(const char *path, const char *as_path,
		     const struct config_defaults *defaults, struct config **out,
		     struct error *err)
{
	struct loader L = { .path = path, .err = err, .defaults = defaults };
	struct ynode *root = NULL;
	int rc;

	if (ytree_load(path, &root, err) != 0)
		return -1;
	if (!root) {
		error_at(err, path, 1, 1, "empty file (expected a mapping with version, "
			 "project and components)");
		return -1;
	}
	if (!(L.config = config_new(as_path))) {
		ytree_free(root);
		error_system(err, "%s", path);
		return -1;
	}
	rc = load_root(&L, root);
	ytree_free(root);
	if (rc != 0) {
		config_free(L.config);
		return -1;
	}
	*out = L.config;
	return 0;
}

void config_free(struct config *config)
{
	if (!config)
		return;
	free_targets(config);
	free_components(config);
	free_classify(config);
	scenarios_free(config->scenarios);
	config_services_clear(&config->notify, &config->ai);
	free_settings(config);
	free(config->project);
	free(config->dir);
	free(config->path);
	free(config);
}

const struct target *config_target(const struct config *config, const char *name)
{
	if (!name)
		return &config->targets[config->default_target];
	for (size_t i = 0; i < config->n_targets; i++)
		if (strcmp(config->targets[i].name, name) == 0)
			return &config->targets[i];
	return NULL;
}

void config_set_max_queued(struct config *config, const char *name, unsigned max_queued)
{
	const struct target *t = config_target(config, name);

	if (t)
		config->targets[t - config->targets].max_queued = max_queued;
}

const char *provider_name(enum provider provider)
{
	return provider == PROVIDER_SLURM ? "slurm" : "local";
}
