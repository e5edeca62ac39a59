/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Site and user defaults (scalable.yaml(5), "DEFAULTS"): a few values a
 * project's config may leave out, set once per cluster or per user, as
 * Snakemake profiles and Nextflow configs do:
 *
 *   # /etc/scalable/defaults.yaml (site), ~/.config/scalable/defaults.yaml (user)
 *   account: proj42
 *   partition: batch
 *   qos: normal
 *   runs_dir: /scratch/me/scalable-runs      # absolute, or ~/...
 *   notify: {webhook: https://hooks.example/..., timeout: 10s}
 *
 * Precedence: the project's config > user defaults > site defaults >
 * built-in. account, partition and qos fill every slurm target that does not
 * set its own; notify's webhook and timeout fill the config's notify: where
 * it says nothing; runs_dir is where runs go and are looked for unless
 * $SCALABLE_RUNS_DIR says otherwise. Each value keeps where it came from
 * (file and line), for `scalable validate`. Unknown keys and bad values are
 * errors naming file:line:column (exit 2), as in a config; a missing file
 * is no defaults.
 *
 * Tests: orchestrator/config/test/test_config_defaults.c,
 * tests/cli/defaults.sh. */
#ifndef SCALABLE_CONFIG_DEFAULTS_H
#define SCALABLE_CONFIG_DEFAULTS_H

#include <jansson.h>
#include <stdint.h>

#include "lib/util/error.h"

#define SITE_DEFAULTS_PATH "/etc/scalable/defaults.yaml"

enum defaults_key {
	DEFAULTS_ACCOUNT,
	DEFAULTS_PARTITION,
	DEFAULTS_QOS,
	DEFAULTS_RUNS_DIR,
	DEFAULTS_WEBHOOK,
	DEFAULTS_TIMEOUT,
	DEFAULTS_KEYS
};

/* Where a value came from, lowest precedence first. */
enum setting_source {
	SOURCE_BUILT_IN,
	SOURCE_SITE,          /* site defaults */
	SOURCE_USER,          /* user defaults */
	SOURCE_RUN,           /* the defaults a run recorded (<run dir>/defaults.yaml) */
	SOURCE_PROJECT,       /* the project's config */
	SOURCE_ENVIRONMENT,   /* $SCALABLE_RUNS_DIR */
};

struct setting_origin {
	enum setting_source source;
	char *file;           /* NULL for built-in and the environment */
	unsigned line;
};

struct config_defaults {
	char *value[DEFAULTS_KEYS];   /* NULL: not set; runs_dir with ~/ expanded */
	uint64_t timeout_s;           /* DEFAULTS_TIMEOUT's value, when set */
	struct setting_origin origin[DEFAULTS_KEYS];
};

/* The key as written in a defaults file ("notify.webhook" for the nested). */
const char *defaults_key_name(enum defaults_key key);
/* "project", "user defaults", ...: for messages and `validate`. */
const char *setting_source_name(enum setting_source source);

/* $SCALABLE_SITE_DEFAULTS, else /etc/scalable/defaults.yaml; NULL when the
 * variable is set empty (no site defaults). */
const char *config_defaults_site_path(void);
/* $SCALABLE_USER_DEFAULTS, else $XDG_CONFIG_HOME/scalable/defaults.yaml,
 * else $HOME/.config/scalable/defaults.yaml; NULL when the variable is set
 * empty or there is no home. The caller frees it. */
char *config_defaults_user_path(void);

/* Reads the defaults file at path over what *d holds (its values win),
 * marked source; a missing file changes nothing. -1 with err set (exit 2
 * for what the file says, file:line:column) on failure. */
int config_defaults_read(const char *path, enum setting_source source,
			 struct config_defaults *d, struct error *err);
/* Site, then user defaults into *d (zeroed first). */
int config_defaults_load(struct config_defaults *d, struct error *err);
/* A deep copy of src into *dst; -1 on ENOMEM. */
int config_defaults_copy(struct config_defaults *dst, const struct config_defaults *src);
void config_defaults_clear(struct config_defaults *d);

/* The values that shape a run (all but runs_dir) as a defaults file's
 * mapping, in JSON (which YAML reads): what a run records, so that reading
 * it again gives the same config. NULL when there is none. */
json_t *config_defaults_run_json(const struct config_defaults *d);
/* {"source", "file", "line"} (file and line only when known; "variable"
 * for the environment). */
json_t *setting_origin_json(const struct setting_origin *origin);

#endif
