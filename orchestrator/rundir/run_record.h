/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run.json: what a run is and how it stands. Rewritten whole (temporary
 * file, fsync, rename) at the start, at the close, and whenever its status
 * changes; a reader never sees half of one.
 *
 * Tests: orchestrator/run/test/test_run_record.c. */
#ifndef SCALABLE_RUN_RECORD_H
#define SCALABLE_RUN_RECORD_H

#include <jansson.h>
#include <stdbool.h>

#include "lib/util/error.h"
#include "rfc3339.h"
#include "sha256.h"

#define RUN_SCHEMA_VERSION 1
#define RUN_RECORD_FILE "run.json"
/* The manifest_lock_version of a run.json without one: every digest made
 * before the field was added is of MANIFEST_DIGEST_VERSION 1. */
#define RUN_MANIFEST_LOCK_VERSION_ABSENT 1

enum run_status {
	RUN_STATUS_RUNNING,
	RUN_STATUS_COMPLETED,  /* every task succeeded (or was cached) */
	RUN_STATUS_FAILED,     /* it ended with tasks that did not */
	RUN_STATUS_CANCELLED,
};

struct run_record {
	char *run_id, *project_name, *target_name, *provider_name;
	char manifest_digest[SHA256_HEX_SIZE];   /* run.json calls it manifest_lock */
	int manifest_lock_version;             /* its MANIFEST_DIGEST_VERSION; 0: not
						  written, which is read as 1 */
	char *source_manifest_path;            /* absolute */
	int layout;                            /* the run directory's RUN_LAYOUT_*
						  (plan/log_paths.h); 0: not written,
						  which is read as 1 */
	char started_at[RFC3339_BUFSZ];
	char finished_at[RFC3339_BUFSZ];       /* "" while running */
	enum run_status status;
	json_t *summary;                       /* owned; NULL until closed */
	json_t *resumed_at;                    /* owned array of times; NULL: never */
};

const char *run_status_name(enum run_status status);
bool run_status_from_name(const char *name, enum run_status *status);

/* Writes <run_dir>/run.json atomically. */
int run_record_write(const char *run_dir, const struct run_record *record, struct error *err);
/* Reads <run_dir>/run.json into record (cleared first). */
int run_record_read(const char *run_dir, struct run_record *record, struct error *err);
/* Sets status, finished_at (now) and summary (taking it), then writes. */
int run_record_close(const char *run_dir, struct run_record *record, enum run_status status,
		     json_t *summary, struct error *err);
/* `scalable resume`: status running again, finished_at and summary
 * cleared, now appended to resumed_at, then writes. */
int run_record_reopen(const char *run_dir, struct run_record *record, struct error *err);
void run_record_clear(struct run_record *record);

#endif
