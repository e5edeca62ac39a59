/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Finding what earlier runs stored in their cache.jsonl (see cache_log.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rundir/cache_log.h"
#include "rundir/cache_outputs.h"
#include "lib/util/jsonl_file.h"
#include "rundir/run_dir.h"

/* What reading one run's file needs. */
struct index_reader {
	struct cache_index *index;
	uint32_t run;              /* the run being read, in index->runs */
	const char *last_source;   /* the last hit's source, in index->runs */
	uint32_t last_run;
};

/* The index of run id in index->runs, added when new; -1 when out of memory. */
static int64_t run_number(struct cache_index *index, const char *id)
{
	char **grown;

	for (size_t r = index->n_runs; r-- > 0;)
		if (strcmp(index->runs[r], id) == 0)
			return (int64_t)r;
	grown = realloc(index->runs, (index->n_runs + 1) * sizeof *grown);
	if (!grown)
		return -1;
	index->runs = grown;
	if (!(grown[index->n_runs] = strdup(id)))
		return -1;
	return (int64_t)index->n_runs++;
}

/* The number of a hit's source run; one file's hits mostly share one. */
static int64_t source_number(struct index_reader *r, const char *source)
{
	int64_t run;

	if (r->last_source && strcmp(r->last_source, source) == 0)
		return r->last_run;
	if ((run = run_number(r->index, source)) >= 0) {
		r->last_source = r->index->runs[run];
		r->last_run = (uint32_t)run;
	}
	return run;
}

/* What one line says: its key, its key's version, state and (for a hit)
 * source. */
struct line_fields {
	char key[SHA256_HEX_SIZE];
	long key_version;
	bool hit;
	char source[RUN_ID_MAX + 1];
	struct output_files outputs;  /* "outputs", read in full; count 0: none */
	bool has_outputs;
};

/* The outputs of a key's latest record (taken from f), or none. */
static int keep_outputs(struct cache_index *index, const unsigned char *key,
			struct line_fields *f)
{
	struct output_files *grown;

	if (!f->has_outputs)
		return digest_set_find(&index->outputs_at, key)
			       ? digest_set_put(&index->outputs_at, key, UINT32_MAX)
			       : 0;
	if (!(grown = realloc(index->outputs, (index->n_outputs + 1) * sizeof *grown)))
		return -1;
	index->outputs = grown;
	grown[index->n_outputs] = f->outputs;
	memset(&f->outputs, 0, sizeof f->outputs);  /* the index owns them now */
	f->has_outputs = false;
	return digest_set_put(&index->outputs_at, key, (uint32_t)index->n_outputs++);
}

/* Adds one record's key: a stored key is this run's, a hit its source's. */
static int take(struct index_reader *r, struct line_fields *f)
{
	unsigned char key[SHA256_DIGEST_SIZE];
	int64_t run = r->run;

	if (!digest_from_hex(f->key, key)) {
		r->index->skipped_lines++;
		return 0;
	}
	if (f->hit && (run = source_number(r, f->source)) < 0)
		return -1;
	if (digest_set_put(&r->index->keys, key, (uint32_t)run) != 0)
		return -1;
	return keep_outputs(r->index, key, f);
}

/* The fields of any cache record, parsed in full; false when it is none. */
static bool parse_slowly(const char *line, size_t len, struct line_fields *f)
{
	json_t *record = json_loadb(line, len, 0, NULL);
	const char *type = json_string_value(json_object_get(record, "event_type"));
	const char *key = json_string_value(json_object_get(record, "key"));
	const char *state = json_string_value(json_object_get(record, "state"));
	const char *source = json_string_value(json_object_get(record, "source_run_id"));
	bool ok = type && !strcmp(type, "cache") && key && strlen(key) == 64 && state &&
		  (!strcmp(state, "stored") || (!strcmp(state, "hit") && source &&
						 strlen(source) <= RUN_ID_MAX));

	if (ok) {
		memcpy(f->key, key, sizeof f->key);
		f->key_version = cache_record_key_version(record);
		f->hit = state[0] == 'h';
		snprintf(f->source, sizeof f->source, "%s", f->hit ? source : "");
	}
	json_decref(record);
	return ok;
}

/* The text after the first needle in line[0..len), or NULL. */
static const char *after(const char *line, size_t len, const char *needle)
{
	const char *at = memmem(line, len, needle, strlen(needle));

	return at ? at + strlen(needle) : NULL;
}

/* The key_version of a line in cache_record_json's form: absent, it is
 * CACHE_KEY_VERSION_ABSENT; -1 when it is not digits (then the line is
 * parsed in full). */
static long quick_key_version(const char *line, size_t len)
{
	const char *at = after(line, len, ",\"key_version\":"), *end = line + len;
	long version = 0;

	if (!at)
		return CACHE_KEY_VERSION_ABSENT;
	if (at == end || *at < '0' || *at > '9')
		return -1;
	for (; at < end && *at >= '0' && *at <= '9' && version < 1000000; at++)
		version = version * 10 + (*at - '0');
	return at < end && (*at == ',' || *at == '}') ? version : -1;
}

/* The fields of a record as cache_record_json writes it (compact, fixed
 * order, strings without escapes), found without parsing: ",\"" cannot
 * occur inside a JSON string, so each match is a member. False when the
 * line is not in that form. */
static bool parse_quickly(const char *line, size_t len, struct line_fields *f)
{
	static const char head[] = "{\"event_type\":\"cache\",\"schema_version\":";
	const char *end = line + len, *key, *source, *close;

	if (len < sizeof head || memcmp(line, head, sizeof head - 1) != 0 ||
	    !(key = after(line, len, ",\"key\":\"")) || end - key < 65 || key[64] != '"')
		return false;
	if ((f->key_version = quick_key_version(line, len)) < 0)
		return false;
	memcpy(f->key, key, 64);
	f->key[64] = '\0';
	f->hit = after(line, len, ",\"state\":\"hit\"") != NULL;
	if (!f->hit)
		return after(line, len, ",\"state\":\"stored\"") != NULL;
	if (!(source = after(line, len, ",\"source_run_id\":\"")) ||
	    !(close = memchr(source, '"', (size_t)(end - source))) ||
	    memchr(source, '\\', (size_t)(close - source)) ||
	    (size_t)(close - source) > RUN_ID_MAX)
		return false;
	memcpy(f->source, source, (size_t)(close - source));
	f->source[close - source] = '\0';
	return true;
}

/* A record's "outputs", parsed in full (only such lines are); none when
 * they are not well formed: a lookup that needs them then misses. */
static void read_outputs(const char *line, size_t len, struct line_fields *f)
{
	json_t *record;

	memset(&f->outputs, 0, sizeof f->outputs);
	if (!after(line, len, "\"outputs\":") || !(record = json_loadb(line, len, 0, NULL)))
		return;
	f->has_outputs = cache_outputs_from_json(json_object_get(record, "outputs"),
						 &f->outputs);
	json_decref(record);
}

/* One line of a run's cache.jsonl. */
static int take_line(const char *line, size_t len, void *ctx)
{
	struct index_reader *r = ctx;
	struct line_fields f = { .has_outputs = false };
	int rc;

	if (parse_quickly(line, len, &f) || parse_slowly(line, len, &f)) {
		if (!cache_key_version_current(f.key_version)) {
			r->index->other_version++;  /* a miss, never a wrong hit */
			return 0;
		}
		read_outputs(line, len, &f);
		rc = take(r, &f);
		output_files_free(&f.outputs);
		return rc;
	}
	r->index->skipped_lines++;  /* not a cache record, or not stored/hit */
	return 0;
}

/* Reads one run's cache.jsonl into the index. */
static int read_run(struct cache_index *index, const char *runs_dir, const char *id,
		    struct error *err)
{
	struct index_reader reader = { .index = index };
	int64_t run = run_number(index, id);
	size_t skipped = 0;
	char *path;
	int rc;

	if (run < 0 || asprintf(&path, "%s/%s/%s", runs_dir, id, CACHE_LOG_FILE) < 0) {
		errno = ENOMEM;
		error_system(err, "cannot index the cache of %s", id);
		return -1;
	}
	reader.run = (uint32_t)run;
	rc = jsonl_read_lines(path, take_line, &reader, &skipped, err);
	index->skipped_lines += skipped;
	if (rc > 0) {
		errno = ENOMEM;
		error_system(err, "cannot index %s", path);
		rc = -1;
	}
	free(path);
	return rc;
}

int cache_index_load(const char *runs_dir, const char *skip_run_id,
		     struct cache_index *out, struct error *err)
{
	struct run_list list;
	int rc = 0;

	memset(out, 0, sizeof *out);
	if (run_dir_list(runs_dir, &list, err) != 0)
		return -1;
	for (size_t i = 0; rc == 0 && i < list.count; i++)  /* oldest first */
		if (!skip_run_id || strcmp(list.ids[i], skip_run_id) != 0)
			rc = read_run(out, runs_dir, list.ids[i], err);
	run_list_free(&list);
	if (rc != 0)
		cache_index_free(out);
	return rc;
}

const char *cache_index_find(const struct cache_index *index,
			     const unsigned char key[SHA256_DIGEST_SIZE])
{
	const struct digest_entry *e = digest_set_find(&index->keys, key);

	return e ? index->runs[e->value] : NULL;
}

const struct output_files *cache_index_outputs(const struct cache_index *index,
					       const unsigned char key[SHA256_DIGEST_SIZE])
{
	const struct digest_entry *e = digest_set_find(&index->outputs_at, key);

	return e && e->value < index->n_outputs ? &index->outputs[e->value] : NULL;
}

void cache_index_free(struct cache_index *index)
{
	for (size_t k = 0; k < index->n_outputs; k++)
		output_files_free(&index->outputs[k]);
	free(index->outputs);
	digest_set_free(&index->outputs_at);
	for (size_t r = 0; r < index->n_runs; r++)
		free(index->runs[r]);
	free(index->runs);
	digest_set_free(&index->keys);
	memset(index, 0, sizeof *index);
}
