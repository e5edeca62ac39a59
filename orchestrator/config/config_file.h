/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scalable.yaml, loaded and validated: targets, components, scenarios,
 * retry policies, classify rules, notify and ai settings.
 *
 * config_load() reads the file with libyaml, checks every key and type, fills
 * in defaults (docs/design.md's failure table for retry), expands the scenario set
 * and compiles each component's template against the parameter names; the
 * first problem found becomes one error naming file:line:column.
 *
 * Tests: orchestrator/config/test/test_config.c, tests/cli/bad_configs.sh. */
#ifndef SCALABLE_CONFIG_FILE_H
#define SCALABLE_CONFIG_FILE_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config_defaults.h"
#include "lib/util/error.h"
#include "failure_class.h"

struct scenario_set;
struct template;

#define CONFIG_VERSION 1
#define CONFIG_DEFAULT_POLL_INTERVAL_S 30
#define CONFIG_UNLIMITED_ATTEMPTS 0u  /* max_attempts: unlimited */

enum provider { PROVIDER_SLURM, PROVIDER_LOCAL };

/* An ordered name = value pair (component env). */
struct config_pair {
	char *name;
	char *value;
};

struct string_list {
	char **item;
	size_t count;
};

struct target {
	char *name;
	enum provider provider;
	char *partition, *account, *qos;  /* NULL: cluster default */
	uint64_t walltime_s;              /* 0: none; components may set theirs */
	unsigned throttle;                /* the %N of --array; 0: none */
	unsigned max_array_size;          /* 0: auto (ask scontrol, else 1001) */
	struct string_list sbatch_options;
	uint64_t poll_interval_s;
	bool requeue;                     /* --requeue instead of --no-requeue */
	unsigned local_concurrency;       /* 0: the CPU count */
	uint64_t local_memory_bytes;      /* 0: no limit */
	unsigned max_queued;              /* array tasks of the run queued at once; 0: no cap */
	bool max_queued_auto;             /* max_queued: auto (run_resolve_max_queued) */
};

/* A fan-in's condition on its upstream scenarios. */
enum fan_in_when { WHEN_ALL_SUCCEEDED, WHEN_ANY_SUCCEEDED, WHEN_ALWAYS };

struct component {
	char *name;
	char *template_path;       /* resolved against the config's directory;
				      NULL: the built-in default template */
	struct template *template; /* compiled */
	char *command;             /* NULL when not given */
	struct template *command_template;  /* command compiled, or NULL */
	unsigned cpus;             /* default 1 */
	uint64_t memory_bytes;     /* 0: not requested (cluster default) */
	uint64_t walltime_s;       /* 0: the target's */
	struct config_pair *env;
	size_t n_env;
	struct string_list setup;  /* shell lines run before the command */
	bool cache;
	struct string_list inputs;
	/* packing (docs/scalable.yaml.5 "pack"): scenarios per array task, 1
	 * (the default) for one each, 0 for auto: pack_time_s over
	 * scenario_time_s, within the walltime (plan_pack_size) */
	unsigned pack;
	uint64_t pack_time_s;      /* auto's target; default CONFIG_PACK_TIME_S */
	uint64_t scenario_time_s;  /* one scenario's estimate; 0: not given */
	unsigned pack_parallel;    /* scenarios of a pack at once; default 1 */
	/* outputs: glob patterns a success must have written, each compiled
	 * (output_templates[i]) against the parameters (config_outputs.c) */
	struct string_list outputs;
	struct template **output_templates;
	/* stages (config_stages.c, scalable.yaml(5) "after"): scenario i runs
	 * once scenario i of each of these succeeded */
	struct string_list after_names;  /* as written; empty for after: all */
	size_t *after;             /* indices into config->components */
	size_t n_after;
	/* after: all: one task, once every scenario of every per-scenario
	 * component is final and when holds (after[] lists them all) */
	bool fan_in;
	enum fan_in_when when;
	unsigned stage;            /* 0: no after; else 1 + its upstreams' highest */
};

#define CONFIG_PACK_TIME_S 1800u   /* pack: auto aims at 30 minutes a pack */

struct backoff {
	uint64_t initial_s;
	double factor;
	uint64_t max_s;
	double jitter;             /* fraction of the delay, 0..1 */
};

struct retry_policy {
	unsigned max_attempts;     /* including the first; 0: unlimited */
	struct backoff backoff;
	double memory_factor;      /* oom only */
	uint64_t memory_cap_bytes; /* oom only; 0: no cap */
	double walltime_factor;    /* timeout only */
	uint64_t walltime_cap_s;   /* timeout only; 0: no cap */
};

/* A classify rule: every matcher given must match; at least one is given. */
struct classify_rule {
	enum failure_class class;
	bool has_exit_code, has_signal;
	int exit_code, signal;
	char *slurm_state;         /* NULL: any */
	char *stderr_pattern;      /* NULL: any */
	regex_t stderr_regex;      /* compiled when stderr_pattern is set */
	unsigned line;             /* where the rule is, for messages */
};

#define NOTIFY_TIMEOUT_DEFAULT_S 10
#define AI_TIMEOUT_DEFAULT_S 60

struct notify_config {
	char *webhook;             /* NULL: none */
	uint64_t timeout_s;
};

struct ai_config {
	char *url, *model, *api_key_env;  /* NULL when unset */
	char *api_key_file;        /* resolved against the config's directory */
	uint64_t timeout_s;
};

/* A value the site or user defaults may give, and where it came from
 * (config_defaults.h): `scalable validate` shows them. */
struct config_setting {
	char *key;       /* "targets.hpc.account", "notify.webhook", "notify.timeout" */
	char *value;     /* NULL: none (the cluster's default; no webhook) */
	struct setting_origin origin;
};

/* snapshots: the export formats written into <run>/snapshots at close
 * (bits in export.h's enum export_format order). */
#define CONFIG_SNAPSHOT_PARQUET 1u
#define CONFIG_SNAPSHOT_CSV 2u
#define CONFIG_SNAPSHOT_TSV 4u

struct config {
	char *path;                /* as given */
	char *dir;                 /* its directory: relative paths start here */
	unsigned version;
	char *project;
	struct target *targets;
	size_t n_targets;
	size_t default_target;     /* index into targets */
	struct component *components;
	size_t n_components;
	struct scenario_set *scenarios;
	struct retry_policy retry[FAILURE_CLASS_COUNT];
	struct classify_rule *rules;
	size_t n_rules;
	struct notify_config notify;
	struct ai_config ai;
	unsigned snapshots;        /* CONFIG_SNAPSHOT_* bits: exports written at close */
	struct config_setting *settings;    /* every value defaults may give */
	size_t n_settings;
	struct config_defaults *defaults;   /* the defaults given; NULL: none */
};

/* Loads and validates path; on failure returns -1 with err filled. */
int config_load(const char *path, struct config **out, struct error *err);
/* Loads the YAML of text_path as if it were the file at as_path: relative
 * paths (templates, CSV, inputs) start from as_path's directory, and
 * config->path is as_path; errors name text_path. A run's manifest.yaml is
 * read so, as the config file it was copied from. */
int config_load_as(const char *text_path, const char *as_path, struct config **out,
		   struct error *err);
/* config_load_as with defaults under the project's own values (the
 * precedence of config_defaults.h); defaults NULL: the built-in ones. */
int config_load_with(const char *text_path, const char *as_path,
		     const struct config_defaults *defaults, struct config **out,
		     struct error *err);
/* config_load under the site and user defaults (config_defaults_load). */
int config_load_defaulted(const char *path, struct config **out, struct error *err);
void config_free(struct config *config);

/* Only the notify: and ai: sections of path (a run's manifest.yaml: the
 * config as it was run), checked as config_load checks them, with their
 * defaults; the rest of the file is not looked at. dir: where a relative
 * api_key_file starts (the directory of the config the run came from). */
int config_services_read(const char *path, const char *dir, struct notify_config *notify,
			 struct ai_config *ai, struct error *err);
void config_services_clear(struct notify_config *notify, struct ai_config *ai);

/* The target called name (NULL: the default one); NULL when none is. */
const struct target *config_target(const struct config *config, const char *name);
/* Sets max_queued of the target so named (after `auto` is resolved). */
void config_set_max_queued(struct config *config, const char *name, unsigned max_queued);
/* "slurm" or "local". */
const char *provider_name(enum provider provider);
/* "all_succeeded", "any_succeeded", "always". */
const char *fan_in_when_name(enum fan_in_when when);
/* The number of stages (1 + the highest component stage). */
unsigned config_stage_count(const struct config *config);

#endif
