/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Inside config_load: the loader state, typed readers of YAML nodes and
 * the table-driven mapping reader that every config section uses.
 *
 * Tests: orchestrator/config/test/test_config.c, tests/cli/bad_configs.sh
 * (each part through config_load). */
#ifndef SCALABLE_CONFIG_LOADER_H
#define SCALABLE_CONFIG_LOADER_H

#include <stddef.h>

#include "config/config_file.h"
#include "config/yaml_tree.h"

struct loader {
	const char *path;
	struct config *config;
	struct error *err;
	const struct config_defaults *defaults;   /* NULL: none */
};

/* How a field's value is read and stored at its offset in the object. */
enum field_type {
	FIELD_STRING,       /* char * */
	FIELD_UINT,         /* unsigned, within [min, max] */
	FIELD_BOOL,         /* bool: true or false */
	FIELD_SIZE,         /* uint64_t bytes: 16G, 500M, plain MiB */
	FIELD_WALLTIME,     /* uint64_t seconds: Slurm --time forms */
	FIELD_DURATION,     /* uint64_t seconds: 30s, 10m, 2h */
	FIELD_FACTOR,       /* double >= 1 */
	FIELD_FRACTION,     /* double in [0, 1] */
	FIELD_STRING_LIST,  /* struct string_list */
	FIELD_CUSTOM,       /* parse() does it */
};

struct field {
	const char *key;
	enum field_type type;
	size_t offset;
	unsigned min, max;  /* FIELD_UINT */
	int (*parse)(struct loader *L, const struct ynode *value, void *object);
};

/* Reads every key of map through fields into object; what names the
 * mapping in messages ("target 'hpc'"). Unknown keys are errors with a
 * did-you-mean; a null value leaves the default. */
int load_fields(struct loader *L, const struct ynode *map, const struct field *fields,
		size_t n_fields, void *object, const char *what);

/* Sets the error at node's position; returns -1. */
int fail_at(struct loader *L, const struct ynode *node, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Fails unless node is of kind ("expected a mapping for what"). */
int want_kind(struct loader *L, const struct ynode *node, enum ynode_kind kind,
	      const char *what);

/* Fails unless map is a non-empty mapping of named entries (targets,
 * components); example shows one entry. */
int want_named_entries(struct loader *L, const struct ynode *map, const char *section,
		       const char *example);
int read_string(struct loader *L, const struct ynode *node, char **out);
int read_uint(struct loader *L, const struct ynode *node, unsigned min, unsigned max,
	      unsigned *out);
int read_int64(struct loader *L, const struct ynode *node, int64_t *out);
int read_string_list(struct loader *L, const struct ynode *node, const char *what,
		     struct string_list *out);
/* True for a non-empty name of letters, digits, _ and -, plus the
 * characters in extra (names that end up in file and job names). */
bool is_plain_name(const char *name, const char *extra);
/* An absolute path, or path taken relative to the config's directory. */
char *config_relative_path(const struct config *config, const char *path);

void string_list_free(struct string_list *list);

/* The sections, one file each. */
int load_targets(struct loader *L, const struct ynode *map);
int load_components(struct loader *L, const struct ynode *map);
/* A component's pack: K or auto (FIELD_CUSTOM), and what the pack keys
 * need of each other once all are read (config_pack.c). */
int load_pack(struct loader *L, const struct ynode *value, void *component);
int check_pack(struct loader *L, const struct ynode *map, struct component *component);
/* after: and when: (FIELD_CUSTOM), resolved and checked for cycles once
 * every component is read (config_stages.c). */
int load_after(struct loader *L, const struct ynode *value, void *component);
int load_when(struct loader *L, const struct ynode *value, void *component);
int check_stages(struct loader *L, const struct ynode *map);
void free_stages(struct component *component);
int load_scenarios(struct loader *L, const struct ynode *node);
int load_retry(struct loader *L, const struct ynode *map);
int load_classify(struct loader *L, const struct ynode *list);
int load_notify(struct loader *L, const struct ynode *map);
int load_ai(struct loader *L, const struct ynode *map);
/* snapshots: a list of export formats (FIELD_CUSTOM; config_snapshots.c). */
int load_snapshots(struct loader *L, const struct ynode *value, void *object);
/* After every section: the defaults under the project's own values, and
 * config->settings saying where each came from (config_apply_defaults.c). */
int apply_defaults(struct loader *L, const struct ynode *root);
void free_settings(struct config *config);
/* Compiles each component's template and command against the parameters. */
int compile_templates(struct loader *L, const struct ynode *components);
/* Compiles each component's outputs patterns (config_outputs.c). */
int compile_outputs(struct loader *L, const struct ynode *components);
void free_outputs(struct component *component);

void retry_defaults(struct retry_policy retry[FAILURE_CLASS_COUNT]);
void free_targets(struct config *config);
void free_components(struct config *config);
void free_classify(struct config *config);

#endif
