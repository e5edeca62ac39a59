/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Site and user defaults under a project's own values, and where each of
 * those values came from (config_defaults.h, config->settings). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_loader.h"

/* The project's own, non-null value of key in map, or NULL. */
static const struct ynode *own(const struct ynode *map, const char *key)
{
	const struct ynode *v = map && map->kind == YNODE_MAPPING ? ymap_get(map, key) : NULL;

	return v && !ynode_is_null(v) ? v : NULL;
}

/* Appends key (taken) = value from origin to config->settings. */
static int record(struct loader *L, char *key, const char *value,
		  const struct setting_origin *origin)
{
	struct config *c = L->config;
	struct config_setting *grown = realloc(c->settings, (c->n_settings + 1) * sizeof *grown);
	struct config_setting s = { .key = key, .origin = *origin };

	if (grown)
		c->settings = grown;
	s.origin.file = NULL;
	if (!grown || !key || (value && !(s.value = strdup(value))) ||
	    (origin->file && !(s.origin.file = strdup(origin->file)))) {
		free(s.value);
		free(key);
		error_system(L->err, "%s", L->path);
		return -1;
	}
	c->settings[c->n_settings++] = s;
	return 0;
}

/* What fills *slot: the project's node, else the defaults' key, else nothing. */
static int settle(struct loader *L, char *name, char **slot, const struct ynode *node,
		  enum defaults_key key)
{
	const struct config_defaults *d = L->defaults;
	struct setting_origin o = { SOURCE_BUILT_IN, NULL, 0 };

	if (node) {
		o = (struct setting_origin){ SOURCE_PROJECT, (char *)L->path, node->line };
	} else if (d && d->value[key]) {
		o = d->origin[key];
		if (!(*slot = strdup(d->value[key]))) {
			free(name);
			error_system(L->err, "%s", L->path);
			return -1;
		}
	}
	return record(L, name, *slot, &o);
}

/* account, partition and qos of every slurm target. */
static int settle_targets(struct loader *L, const struct ynode *targets)
{
	static const enum defaults_key keys[] = { DEFAULTS_ACCOUNT, DEFAULTS_PARTITION,
						  DEFAULTS_QOS };

	for (size_t i = 0; i < L->config->n_targets; i++) {
		struct target *t = &L->config->targets[i];
		const struct ynode *map = own(targets, t->name);
		char **slots[] = { &t->account, &t->partition, &t->qos };

		if (t->provider != PROVIDER_SLURM)
			continue;
		for (size_t k = 0; k < 3; k++) {
			char *name = NULL;

			if (asprintf(&name, "targets.%s.%s", t->name,
				     defaults_key_name(keys[k])) < 0)
				name = NULL;
			if (settle(L, name, slots[k], own(map, defaults_key_name(keys[k])),
				   keys[k]) != 0)
				return -1;
		}
	}
	return 0;
}

/* notify's timeout: the project's, else the defaults', else the built-in. */
static int settle_timeout(struct loader *L, const struct ynode *notify)
{
	const struct config_defaults *d = L->defaults;
	const struct ynode *node = own(notify, "timeout");
	struct setting_origin o = { SOURCE_BUILT_IN, NULL, 0 };
	char text[32];

	if (node)
		o = (struct setting_origin){ SOURCE_PROJECT, (char *)L->path, node->line };
	else if (d && d->value[DEFAULTS_TIMEOUT]) {
		o = d->origin[DEFAULTS_TIMEOUT];
		L->config->notify.timeout_s = d->timeout_s;
	}
	snprintf(text, sizeof text, "%" PRIu64 "s", L->config->notify.timeout_s);
	return record(L, strdup("notify.timeout"), text, &o);
}

int apply_defaults(struct loader *L, const struct ynode *root)
{
	const struct ynode *notify = own(root, "notify");
	struct config *c = L->config;

	if (settle_targets(L, own(root, "targets")) != 0 ||
	    settle(L, strdup("notify.webhook"), &c->notify.webhook, own(notify, "webhook"),
		   DEFAULTS_WEBHOOK) != 0 ||
	    settle_timeout(L, notify) != 0)
		return -1;
	if (!L->defaults)
		return 0;
	if (!(c->defaults = malloc(sizeof *c->defaults)) ||
	    config_defaults_copy(c->defaults, L->defaults) != 0) {
		free(c->defaults);
		c->defaults = NULL;
		error_system(L->err, "%s", L->path);
		return -1;
	}
	return 0;
}

void free_settings(struct config *config)
{
	for (size_t i = 0; i < config->n_settings; i++) {
		free(config->settings[i].key);
		free(config->settings[i].value);
		free(config->settings[i].origin.file);
	}
	free(config->settings);
	config->settings = NULL;
	config->n_settings = 0;
	if (config->defaults)
		config_defaults_clear(config->defaults);
	free(config->defaults);
	config->defaults = NULL;
}
