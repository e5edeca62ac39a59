/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Writing a run's cache.jsonl (see cache_log.h). */
#include "rundir/cache_log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util/jsonl_file.h"
#include "rfc3339.h"
#include "rundir/cache_key.h"
#include "rundir/cache_outputs.h"

struct cache_log {
	char *path, *run_id;
	int fd;
	struct digest_set written;   /* key -> a bit per state recorded */
};

static const char *const state_names[] = { [CACHE_STORED] = "stored", [CACHE_HIT] = "hit" };

const char *cache_state_name(enum cache_state state)
{
	return (unsigned)state <= CACHE_HIT ? state_names[state] : NULL;
}

bool cache_key_version_current(long version)
{
	return version == CACHE_KEY_VERSION;  /* no migration of older keys yet */
}

json_t *cache_record_json(const struct cache_record *r, const char *run_id)
{
	char now[RFC3339_BUFSZ];
	json_t *record = json_pack(
		"{s:s, s:i, s:s, s:s, s:I, s:s, s:i, s:s, s:s, s:s?}",
		"event_type", "cache", "schema_version", CACHE_SCHEMA_VERSION,
		"run_id", run_id, "component", r->component,
		"task_id", (json_int_t)r->index, "key", r->key,
		"key_version", CACHE_KEY_VERSION, "state", cache_state_name(r->state),
		"timestamp", r->timestamp ? r->timestamp : rfc3339_now(now, sizeof now),
		"source_run_id", r->source_run_id);

	if (record && r->outputs &&
	    json_object_set_new(record, "outputs", cache_outputs_json(r->outputs)) != 0) {
		json_decref(record);
		return NULL;
	}
	return record;
}

/* The state a record names; false when it names none. */
static bool read_state(const json_t *record, enum cache_state *state)
{
	const char *name = json_string_value(json_object_get(record, "state"));

	for (int s = CACHE_STORED; name && s <= CACHE_HIT; s++) {
		if (strcmp(name, state_names[s]) == 0) {
			*state = (enum cache_state)s;
			return true;
		}
	}
	return false;
}

/* Marks key as recorded in state. */
static int remember(struct digest_set *written, const unsigned char *key,
		    enum cache_state state)
{
	const struct digest_entry *e = digest_set_find(written, key);

	return digest_set_put(written, key, (e ? e->value : 0) | 1u << state);
}

long cache_record_key_version(const json_t *record)
{
	const json_t *version = json_object_get(record, "key_version");

	if (!version)
		return CACHE_KEY_VERSION_ABSENT;
	return json_is_integer(version) ? (long)json_integer_value(version) : 0;
}

/* Remembers one record read back from this run's file (of today's keys:
 * another version's key is not one this run would write). */
static int reread(json_t *record, void *ctx)
{
	const char *hex = json_string_value(json_object_get(record, "key"));
	unsigned char key[SHA256_DIGEST_SIZE];
	enum cache_state state;

	if (!hex || !digest_from_hex(hex, key) || !read_state(record, &state) ||
	    !cache_key_version_current(cache_record_key_version(record)))
		return 0;
	return remember(ctx, key, state) ? -1 : 0;
}

/* A log with its path and run id, not open yet; NULL when out of memory. */
static struct cache_log *log_new(const char *run_dir, const char *run_id)
{
	struct cache_log *log = calloc(1, sizeof *log);

	if (!log)
		return NULL;
	log->fd = -1;
	if (asprintf(&log->path, "%s/%s", run_dir, CACHE_LOG_FILE) < 0)
		log->path = NULL;
	if (!log->path || !(log->run_id = strdup(run_id))) {
		cache_log_close(log);
		return NULL;
	}
	return log;
}

struct cache_log *cache_log_open(const char *run_dir, const char *run_id,
				 struct error *err)
{
	struct cache_log *log = log_new(run_dir, run_id);
	int rc;

	if (!log) {
		error_system(err, "cannot open %s/%s", run_dir, CACHE_LOG_FILE);
		return NULL;
	}
	rc = jsonl_read(log->path, reread, &log->written, NULL, err);
	if (rc > 0) {
		errno = ENOMEM;
		error_system(err, "cannot read %s", log->path);
	}
	if (rc != 0 || (log->fd = jsonl_open_append(log->path, err)) < 0) {
		cache_log_close(log);
		return NULL;
	}
	return log;
}

int cache_log_write(struct cache_log *log, const struct cache_record *r, struct error *err)
{
	unsigned char key[SHA256_DIGEST_SIZE];
	const struct digest_entry *e;
	json_t *record;
	int rc;

	if (!digest_from_hex(r->key, key)) {
		error_usage(err, "cache key '%s' of %s-%zu is not 64 hex digits", r->key,
			    r->component, r->index);
		return -1;
	}
	e = digest_set_find(&log->written, key);
	/* written before a re-attach; a task run again (resume) has new outputs */
	if (e && e->value & 1u << r->state && !r->outputs)
		return 0;
	if (!(record = cache_record_json(r, log->run_id))) {
		errno = ENOMEM;
		error_system(err, "cannot format a record for %s", log->path);
		return -1;
	}
	rc = jsonl_append(log->fd, record, false, log->path, err);
	json_decref(record);
	if (rc == 0 && remember(&log->written, key, r->state) != 0) {
		errno = ENOMEM;
		error_system(err, "cannot remember a record of %s", log->path);
		rc = -1;
	}
	return rc;
}

void cache_log_close(struct cache_log *log)
{
	if (!log)
		return;
	if (log->fd >= 0)
		close(log->fd);
	digest_set_free(&log->written);
	free(log->path);
	free(log->run_id);
	free(log);
}
