/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run.json (see run_record.h). */
#include "rundir/run_record.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util/atomic_file.h"
#include "lib/util/producer.h"

static const char *const status_names[] = {
	[RUN_STATUS_RUNNING] = "running",
	[RUN_STATUS_COMPLETED] = "completed",
	[RUN_STATUS_FAILED] = "failed",
	[RUN_STATUS_CANCELLED] = "cancelled",
};

const char *run_status_name(enum run_status status)
{
	return (unsigned)status < sizeof status_names / sizeof status_names[0]
		       ? status_names[status] : NULL;
}

bool run_status_from_name(const char *name, enum run_status *status)
{
	for (size_t i = 0; i < sizeof status_names / sizeof status_names[0]; i++) {
		if (!strcmp(name, status_names[i])) {
			*status = (enum run_status)i;
			return true;
		}
	}
	return false;
}

static char *record_path(const char *run_dir)
{
	char *path;

	return asprintf(&path, "%s/%s", run_dir, RUN_RECORD_FILE) < 0 ? NULL : path;
}

static json_t *record_json(const struct run_record *r)
{
	json_t *summary = r->summary ? json_incref(r->summary) : json_null();
	json_t *resumed = r->resumed_at ? json_incref(r->resumed_at) : NULL;
	json_t *lock_version = r->manifest_lock_version > 0
				       ? json_integer(r->manifest_lock_version) : NULL;
	json_t *layout = r->layout > 0 ? json_integer(r->layout) : NULL;

	return json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:o*, s:o*, s:s, s:s, s:s?, s:o*, "
			 "s:s, s:o, s:s}",
			 "event_type", "run", "schema_version", RUN_SCHEMA_VERSION,
			 "run_id", r->run_id, "project_name", r->project_name,
			 "target_name", r->target_name, "provider_name", r->provider_name,
			 "manifest_lock", r->manifest_digest,
			 "manifest_lock_version", lock_version, "layout", layout,
			 "source_manifest_path", r->source_manifest_path,
			 "started_at", r->started_at,
			 "finished_at", r->finished_at[0] ? r->finished_at : NULL,
			 "resumed_at", resumed, "status", run_status_name(r->status), "summary", summary,
			 "producer", SCALABLE_PRODUCER);
}

int run_record_write(const char *run_dir, const struct run_record *record, struct error *err)
{
	char *path = record_path(run_dir);
	json_t *json = record_json(record);
	int rc;

	if (!path || !json) {
		errno = ENOMEM;
		error_system(err, "cannot write %s/%s", run_dir, RUN_RECORD_FILE);
		rc = -1;
	} else {
		rc = atomic_write_json(path, json, err);
	}
	json_decref(json);
	free(path);
	return rc;
}

/* manifest_lock_version: a positive integer, or absent (a run.json written
 * before the field was added); -1 when it is something else. */
static int lock_version_from_json(const json_t *json, struct run_record *r)
{
	const json_t *version = json_object_get(json, "manifest_lock_version");

	if (!version) {
		r->manifest_lock_version = RUN_MANIFEST_LOCK_VERSION_ABSENT;
		return 0;
	}
	if (!json_is_integer(version) || json_integer_value(version) < 1 ||
	    json_integer_value(version) > 1000000)
		return -1;
	r->manifest_lock_version = (int)json_integer_value(version);
	return 0;
}

/* Copies the fields of a parsed run.json; -1 when one is missing or wrong. */
static int record_from_json(json_t *json, struct run_record *r)
{
	const char *run_id, *project, *target, *provider, *digest, *source, *started;
	const char *status, *finished;
	json_t *finished_at = NULL, *summary = NULL, *resumed = NULL;

	if (json_unpack(json, "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s?o, s?o, s:s, s?o}",
			"run_id", &run_id, "project_name", &project, "target_name", &target,
			"provider_name", &provider, "manifest_lock", &digest,
			"source_manifest_path", &source, "started_at", &started,
			"finished_at", &finished_at, "resumed_at", &resumed, "status", &status, "summary", &summary) != 0 ||
	    !run_status_from_name(status, &r->status) || lock_version_from_json(json, r) != 0)
		return -1;
	r->run_id = strdup(run_id);
	r->project_name = strdup(project);
	r->target_name = strdup(target);
	r->provider_name = strdup(provider);
	r->source_manifest_path = strdup(source);
	finished = json_string_value(finished_at);  /* null while running */
	snprintf(r->manifest_digest, sizeof r->manifest_digest, "%s", digest);
	snprintf(r->started_at, sizeof r->started_at, "%s", started);
	snprintf(r->finished_at, sizeof r->finished_at, "%s", finished ? finished : "");
	r->summary = json_is_object(summary) ? json_incref(summary) : NULL;
	r->resumed_at = json_is_array(resumed) ? json_incref(resumed) : NULL;
	r->layout = json_is_integer(json_object_get(json, "layout"))
			    ? (int)json_integer_value(json_object_get(json, "layout")) : 0;
	return r->run_id && r->project_name && r->target_name && r->provider_name &&
	       r->source_manifest_path ? 0 : -1;
}

int run_record_read(const char *run_dir, struct run_record *record, struct error *err)
{
	char *path = record_path(run_dir);
	json_error_t why;
	json_t *json = NULL;
	int rc = -1;

	memset(record, 0, sizeof *record);
	if (!path || access(path, R_OK) != 0)
		error_system(err, "cannot read %s/%s", run_dir, RUN_RECORD_FILE);
	else if (!(json = json_load_file(path, 0, &why)))
		error_usage(err, "%s:%d:%d: %s", path, why.line, why.column, why.text);
	else if (record_from_json(json, record) != 0)
		error_usage(err, "%s: a field is missing or has the wrong type", path);
	else
		rc = 0;
	if (rc != 0)
		run_record_clear(record);
	json_decref(json);
	free(path);
	return rc;
}

int run_record_close(const char *run_dir, struct run_record *record, enum run_status status,
		     json_t *summary, struct error *err)
{
	record->status = status;
	rfc3339_now(record->finished_at, sizeof record->finished_at);
	json_decref(record->summary);
	record->summary = summary;
	return run_record_write(run_dir, record, err);
}

int run_record_reopen(const char *run_dir, struct run_record *record, struct error *err)
{
	char now[RFC3339_BUFSZ];

	rfc3339_now(now, sizeof now);
	if (!record->resumed_at && !(record->resumed_at = json_array())) {
		errno = ENOMEM;
		error_system(err, "cannot reopen %s", run_dir);
		return -1;
	}
	if (json_array_append_new(record->resumed_at, json_string(now)) != 0) {
		errno = ENOMEM;
		error_system(err, "cannot reopen %s", run_dir);
		return -1;
	}
	record->status = RUN_STATUS_RUNNING;
	record->finished_at[0] = '\0';
	json_decref(record->summary);
	record->summary = NULL;
	return run_record_write(run_dir, record, err);
}

void run_record_clear(struct run_record *record)
{
	free(record->run_id);
	free(record->project_name);
	free(record->target_name);
	free(record->provider_name);
	free(record->source_manifest_path);
	json_decref(record->summary);
	json_decref(record->resumed_at);
	memset(record, 0, sizeof *record);
}
