/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Writing a new run's first files (see run_start.h). */
#include "run/run_start.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/atomic_file.h"
#include "rundir/manifest_digest.h"
#include "plan/log_paths.h"
#include "plan/plan_json.h"
#include "scenarios/scenarios.h"

/* Whether the config names a webhook or an AI endpoint: its copy may hold
 * a webhook's secret URL or where a key is, for the owner's eyes only. */
static bool holds_services(const struct config *config)
{
	const struct ai_config *ai = &config->ai;

	return config->notify.webhook || ai->url || ai->model || ai->api_key_env ||
	       ai->api_key_file;
}

static int copy_manifest(const struct run_dir *run, const struct config *config,
			 struct error *err)
{
	const char *source = config->path;
	FILE *in = fopen(source, "re");
	char *text = NULL, *path = NULL;
	size_t cap = 0;
	ssize_t len = in ? getdelim(&text, &cap, '\0', in) : -1;
	int rc = -1;

	if (len < 0 && in && !ferror(in))
		len = 0;  /* an empty file */
	if (len < 0)
		error_system(err, "cannot read %s", source);
	else if (asprintf(&path, "%s/manifest.yaml", run->path) < 0)
		error_system(err, "cannot copy %s", source);
	else
		rc = atomic_write_text(path, holds_services(config) ? 0600 : 0644, text ? text : "", (size_t)len, err);
	if (in)
		fclose(in);
	free(text);
	free(path);
	return rc;
}

/* The site and user defaults the config was loaded under, as
 * defaults.yaml beside manifest.yaml: reading both again gives the same
 * config (run_attach.c), whatever the defaults files say by then. */
static int record_defaults(const struct run_dir *run, const struct config *config,
			   struct error *err)
{
	json_t *defaults = config->defaults ? config_defaults_run_json(config->defaults) : NULL;
	char *text = defaults ? json_dumps(defaults, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	char *path = NULL;
	int rc = -1;

	if (!defaults)
		return 0;
	if (!text || asprintf(&path, "%s/%s", run->path, RUN_DEFAULTS_FILE) < 0)
		error_system(err, "cannot write %s/%s", run->path, RUN_DEFAULTS_FILE);
	else  /* a webhook's URL may be a secret */
		rc = atomic_write_text(path, config->defaults->value[DEFAULTS_WEBHOOK] ? 0600 : 0644,
				       text, strlen(text), err);
	free(path);
	free(text);
	json_decref(defaults);
	return rc;
}

static int fill_scenarios(FILE *file, void *set)
{
	return scenarios_write_jsonl(set, file);
}

static int write_run_file(const struct run_dir *run, const char *name, atomic_filler fill,
			  void *ctx, struct error *err)
{
	char *path;
	int rc;

	if (asprintf(&path, "%s/%s", run->path, name) < 0) {
		error_system(err, "cannot write %s/%s", run->path, name);
		return -1;
	}
	rc = atomic_write_with(path, 0644, fill, ctx, err);
	free(path);
	return rc;
}

/* run.json's identity fields, status running, started now. */
static int fill_record(const struct run_dir *run, const struct config *config,
		       const struct target *target, struct run_record *record,
		       struct error *err)
{
	memset(record, 0, sizeof *record);
	record->run_id = strdup(run->id);
	record->project_name = strdup(config->project);
	record->target_name = strdup(target->name);
	record->provider_name = strdup(provider_name(target->provider));
	record->source_manifest_path = realpath(config->path, NULL);
	if (!record->source_manifest_path)
		record->source_manifest_path = strdup(config->path);
	record->status = RUN_STATUS_RUNNING;
	rfc3339_now(record->started_at, sizeof record->started_at);
	if (!record->run_id || !record->project_name || !record->target_name ||
	    !record->provider_name || !record->source_manifest_path) {
		errno = ENOMEM;
		error_system(err, "cannot describe the run");
		return -1;
	}
	record->manifest_lock_version = MANIFEST_DIGEST_VERSION;
	record->layout = RUN_LAYOUT_CURRENT;  /* as the first wave was planned */
	return manifest_digest(config, record->manifest_digest, err);
}

int run_start_files(const struct run_dir *run, const struct config *config,
		    const struct target *target, const struct plan *plan,
		    struct run_record *record, struct error *err)
{
	char *plan_path = NULL;
	int rc = fill_record(run, config, target, record, err);

	rc = rc || copy_manifest(run, config, err) || record_defaults(run, config, err) ||
	     write_run_file(run, "scenarios.jsonl", fill_scenarios, config->scenarios, err);
	if (rc == 0 && plan) {
		if (asprintf(&plan_path, "%s/plan.json", run->path) < 0) {
			plan_path = NULL;
			error_system(err, "cannot write plan.json");
			rc = -1;
		} else {
			rc = plan_write_json(plan, plan_path, err);
		}
	}
	free(plan_path);
	return rc || run_record_write(run->path, record, err) ? -1 : 0;
}
