/* SPDX-License-Identifier: GPL-2.0-or-later */
/* targets: where a run goes (a Slurm cluster, or this machine). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_loader.h"

static int load_provider(struct loader *L, const struct ynode *value, void *object)
{
	struct target *target = object;

	if (want_kind(L, value, YNODE_SCALAR, "provider") != 0)
		return -1;
	if (strcmp(value->text, "slurm") == 0)
		target->provider = PROVIDER_SLURM;
	else if (strcmp(value->text, "local") == 0)
		target->provider = PROVIDER_LOCAL;
	else
		return fail_at(L, value, "unknown provider '%s' (expected slurm or local)",
			       value->text);
	return 0;
}

/* max_array_size: "auto" (ask the cluster) or a number. */
static int load_max_array_size(struct loader *L, const struct ynode *value, void *object)
{
	struct target *target = object;

	if (value->kind == YNODE_SCALAR && strcmp(value->text, "auto") == 0) {
		target->max_array_size = 0;
		return 0;
	}
	return read_uint(L, value, 1, 4000000, &target->max_array_size);
}

/* max_queued: "auto" (ask the site's limits when submitting) or a number. */
static int load_max_queued(struct loader *L, const struct ynode *value, void *object)
{
	struct target *target = object;

	if (value->kind == YNODE_SCALAR && strcmp(value->text, "auto") == 0) {
		target->max_queued = 0;
		target->max_queued_auto = true;
		return 0;
	}
	return read_uint(L, value, 1, 10000000, &target->max_queued);
}

/* Options scalable sets itself, which a target may not override. */
static const char *const reserved_options[] = {
	"--array", "-a", "--export", "--output", "-o", "--error", "-e",
	"--parsable", "--wrap", "--job-name", "-J", "--begin", "-b",
	"--comment", "--requeue", "--no-requeue",
};

/* Returns the reserved option an sbatch option sets, or NULL. */
static const char *reserved_option(const char *option)
{
	for (size_t i = 0; i < sizeof reserved_options / sizeof reserved_options[0]; i++) {
		size_t len = strlen(reserved_options[i]);

		if (strncmp(option, reserved_options[i], len) == 0 &&
		    (option[len] == '\0' || option[len] == '=' ||
		     (reserved_options[i][1] != '-' && len == 2)))
			return reserved_options[i];
	}
	return NULL;
}

static int load_sbatch_options(struct loader *L, const struct ynode *value, void *object)
{
	struct target *target = object;

	if (read_string_list(L, value, "sbatch_options", &target->sbatch_options) != 0)
		return -1;
	for (size_t i = 0; i < value->n_child; i++) {
		const char *option = target->sbatch_options.item[i];
		const char *reserved = reserved_option(option);

		if (option[0] != '-')
			return fail_at(L, value->child[i], "'%s' is not an option (expected "
				       "one sbatch option per item, e.g. --constraint=skylake)",
				       option);
		if (reserved)
			return fail_at(L, value->child[i], "%s is set by scalable (expected "
				       "another option; see target keys throttle, requeue)",
				       reserved);
	}
	return 0;
}

static const struct field local_fields[] = {
	{ "concurrency", FIELD_UINT, offsetof(struct target, local_concurrency), 1, 100000, NULL },
	{ "memory", FIELD_SIZE, offsetof(struct target, local_memory_bytes), 0, 0, NULL },
};

static int load_local(struct loader *L, const struct ynode *value, void *object)
{
	return load_fields(L, value, local_fields, sizeof local_fields / sizeof local_fields[0],
			   object, "local");
}

static const struct field target_fields[] = {
	{ "provider", FIELD_CUSTOM, 0, 0, 0, load_provider },
	{ "partition", FIELD_STRING, offsetof(struct target, partition), 0, 0, NULL },
	{ "account", FIELD_STRING, offsetof(struct target, account), 0, 0, NULL },
	{ "qos", FIELD_STRING, offsetof(struct target, qos), 0, 0, NULL },
	{ "walltime", FIELD_WALLTIME, offsetof(struct target, walltime_s), 0, 0, NULL },
	{ "throttle", FIELD_UINT, offsetof(struct target, throttle), 1, 1000000, NULL },
	{ "max_array_size", FIELD_CUSTOM, 0, 0, 0, load_max_array_size },
	{ "max_queued", FIELD_CUSTOM, 0, 0, 0, load_max_queued },
	{ "sbatch_options", FIELD_CUSTOM, 0, 0, 0, load_sbatch_options },
	{ "poll_interval", FIELD_DURATION, offsetof(struct target, poll_interval_s), 0, 0, NULL },
	{ "requeue", FIELD_BOOL, offsetof(struct target, requeue), 0, 0, NULL },
	{ "local", FIELD_CUSTOM, 0, 0, 0, load_local },
};

/* Checks what only makes sense together once a target is read. */
static int check_target(struct loader *L, const struct ynode *map, const struct target *t)
{
	const struct ynode *local = ymap_get(map, "local");
	const struct ynode *poll = ymap_get(map, "poll_interval");

	if (!ymap_get(map, "provider"))
		return fail_at(L, map, "target '%s' has no provider (expected provider: "
			       "slurm or provider: local)", t->name);
	if (local && t->provider != PROVIDER_LOCAL)
		return fail_at(L, local, "'local' settings in a slurm target (expected "
			       "them only under provider: local)");
	if (poll && t->poll_interval_s == 0)
		return fail_at(L, poll, "poll_interval is 0 (expected at least 1s)");
	return 0;
}

/* One target under its name. */
static int load_target(struct loader *L, const struct ynode *key, const struct ynode *map,
		       struct target *target)
{
	char what[256];

	target->poll_interval_s = CONFIG_DEFAULT_POLL_INTERVAL_S;
	if (!(target->name = strdup(key->text))) {
		error_system(L->err, "%s", L->path);
		return -1;
	}
	if (!is_plain_name(key->text, ""))
		return fail_at(L, key, "bad target name '%s' (expected letters, digits, "
			       "_ and -)", key->text);
	snprintf(what, sizeof what, "target '%s'", key->text);
	if (load_fields(L, map, target_fields, sizeof target_fields / sizeof target_fields[0],
			target, what) != 0)
		return -1;
	return check_target(L, map, target);
}

/* Without a targets section, runs go to this machine. */
static int default_local_target(struct loader *L)
{
	struct config *config = L->config;

	config->targets = calloc(1, sizeof *config->targets);
	if (!config->targets || !(config->targets[0].name = strdup("local"))) {
		error_system(L->err, "%s", L->path);
		return -1;
	}
	config->n_targets = 1;
	config->targets[0].provider = PROVIDER_LOCAL;
	config->targets[0].poll_interval_s = CONFIG_DEFAULT_POLL_INTERVAL_S;
	return 0;
}

int load_targets(struct loader *L, const struct ynode *map)
{
	struct config *config = L->config;

	if (!map || ynode_is_null(map))
		return default_local_target(L);
	if (want_named_entries(L, map, "targets", "local: {provider: local}") != 0)
		return -1;
	config->targets = calloc(ymap_size(map), sizeof *config->targets);
	if (!config->targets) {
		error_system(L->err, "%s", L->path);
		return -1;
	}
	for (size_t i = 0; i < ymap_size(map); i++) {
		config->n_targets++;
		if (load_target(L, ymap_key(map, i), ymap_value(map, i),
				&config->targets[i]) != 0)
			return -1;
	}
	return 0;
}

void free_targets(struct config *config)
{
	for (size_t i = 0; i < config->n_targets; i++) {
		struct target *t = &config->targets[i];

		free(t->name);
		free(t->partition);
		free(t->account);
		free(t->qos);
		string_list_free(&t->sbatch_options);
	}
	free(config->targets);
}
