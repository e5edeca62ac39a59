/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cache.jsonl, and finding what earlier runs stored in theirs.
 *
 * A run's <run_dir>/cache.jsonl holds one record per line, appended one
 * write(2) each (jsonl_file.h: a torn last line is skipped and cut off):
 *   {"event_type": "cache", "schema_version": 1, "run_id", "component",
 *    "task_id" (the scenario index), "key" (64 hex, cache_key.h),
 *    "key_version" (CACHE_KEY_VERSION of the key; added: absent means 1),
 *    "state", "timestamp", "source_run_id"; added: "outputs"}
 * state "stored": a task of a cached component succeeded under key in this
 * run (source_run_id null). Written after its `succeeded` row in
 * tasks.jsonl: a crash between the two loses the record, and the scenario
 * merely runs again next time, never the reverse.
 * state "hit": the scenario was skipped (task state `cached`) because
 * source_run_id had stored key; the original run, even when the hit came by
 * way of another hit.
 * "outputs" (only for a component that declares outputs): the files its
 * patterns matched when the task succeeded, each {"path" (absolute),
 * "size", "mtime_ns", "sha256"} (cache_outputs.h); a hit copies its
 * source's, so the latest record of a key always names them.
 *
 * Lookup (cache_index_load): every run directory under runs_dir but the
 * current one, oldest first, has its cache.jsonl read once; each "stored"
 * key maps to that run, each "hit" key to its source_run_id (so deleting
 * the run that computed a result does not forget it while a later run
 * vouches for it), later runs overriding earlier ones: the source named is
 * the latest run that produced the result. tasks.jsonl is not read: a
 * stored record is written only for a success, which is all it would say.
 * One hash set of binary keys: 100,000 keys cost about 10 MB and one
 * sequential read per run. A line with outputs is parsed in full, and the
 * latest record's outputs are kept per key (cache_index_outputs): a lookup
 * of a component with outputs is a hit only when they are intact.
 *
 * Key versions: a lookup takes only records whose key_version is today's
 * CACHE_KEY_VERSION; a record of another version is passed over (counted in
 * other_version), so it is a miss, never a wrong hit: after a version bump
 * each cached scenario is computed once more and stored under the new key.
 * The same holds when a run re-reads its own file. A migration, when one is
 * possible (an older version's key that can be turned into today's without
 * the inputs), belongs here, in the reading of older versions
 * (cache_key_version_current and the readers that call it).
 *
 * Tests: orchestrator/rundir/test/test_cache.c,
 * orchestrator/rundir/test/test_cache_log.c (key versions). */
#ifndef SCALABLE_CACHE_LOG_H
#define SCALABLE_CACHE_LOG_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/util/digest_set.h"
#include "lib/util/error.h"
#include "sha256.h"

struct output_files;

#define CACHE_LOG_FILE "cache.jsonl"
#define CACHE_SCHEMA_VERSION 1
/* The key_version of a record without one: keys made before the field. */
#define CACHE_KEY_VERSION_ABSENT 1

enum cache_state { CACHE_STORED, CACHE_HIT };

struct cache_record {
	const char *component;
	size_t index;
	const char *key;              /* 64 hex digits */
	enum cache_state state;
	const char *timestamp;        /* NULL: now */
	const char *source_run_id;    /* hit: the run that stored key; stored: NULL */
	const struct output_files *outputs;  /* NULL: no "outputs" field */
};

const char *cache_state_name(enum cache_state state);
/* Whether a record's key, of key_version version, can be looked up with the
 * keys cache_key makes today: only CACHE_KEY_VERSION's can. */
bool cache_key_version_current(long version);
/* A parsed record's key_version: CACHE_KEY_VERSION_ABSENT when it has none,
 * 0 (no version) when it is not an integer. */
long cache_record_key_version(const json_t *record);
/* The record as a cache.jsonl line's object; NULL when out of memory. */
json_t *cache_record_json(const struct cache_record *r, const char *run_id);

struct cache_log;

/* Opens <run_dir>/cache.jsonl for appending, cutting a torn last line, and
 * reads what is there, so that a re-attached run writes nothing twice. */
struct cache_log *cache_log_open(const char *run_dir, const char *run_id,
				 struct error *err);
/* Appends r unless this run already recorded its key in that state (a
 * record with outputs is appended all the same: a task run again, as by
 * resume, wrote new files, and the latest record of a key counts). */
int cache_log_write(struct cache_log *log, const struct cache_record *r, struct error *err);
void cache_log_close(struct cache_log *log);

struct cache_index {
	struct digest_set keys;       /* value: index into runs */
	char **runs;                  /* run ids the keys came from */
	size_t n_runs;
	size_t skipped_lines;         /* torn or foreign lines passed over */
	size_t other_version;         /* records of another key_version, passed over */
	struct digest_set outputs_at; /* key -> index into outputs; UINT32_MAX: none */
	struct output_files *outputs;
	size_t n_outputs;
};

/* Loads the stored keys of every run under runs_dir except skip_run_id
 * (NULL: none). A missing runs_dir holds none. */
int cache_index_load(const char *runs_dir, const char *skip_run_id,
		     struct cache_index *out, struct error *err);
/* The run that stored key, or NULL when none did. */
const char *cache_index_find(const struct cache_index *index,
			     const unsigned char key[SHA256_DIGEST_SIZE]);
/* The outputs the latest record of key names, or NULL when it names none. */
const struct output_files *cache_index_outputs(const struct cache_index *index,
					       const unsigned char key[SHA256_DIGEST_SIZE]);
void cache_index_free(struct cache_index *index);

#endif
