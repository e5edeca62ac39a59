/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One failures.jsonl record (one failed attempt): the row the tracker
 * writes, its JSON, and the same row read back from a parsed record.
 *
 * Fields: event_type ("failure"), schema_version, run_id, failure_class,
 * message, timestamp, provider, task_id, details {phase, task_id,
 * worker_id, attempt, job_id, slurm_state, exit_code, signal, traceback,
 * retry; added: evidence, error_type, restart_count}; added at the top:
 * task_name, component, attempt, error_type. Unknown values are null.
 * Names: record_fields.h.
 *
 * Tests: orchestrator/rundir/test/test_task_record.c (both record kinds,
 * through the writer and back). */
#ifndef SCALABLE_FAILURE_RECORD_H
#define SCALABLE_FAILURE_RECORD_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "failure_class.h"
#include "rundir/record_fields.h"

/* One failures.jsonl row. */
struct failure_row {
	const char *component;
	size_t index;
	unsigned attempt;
	unsigned restart_count;
	enum failure_class failure_class;
	const char *message, *error_type;
	const char *timestamp;        /* NULL: now */
	const char *phase;            /* "run": the attempt ran and failed */
	const char *worker;
	int64_t job_id;
	const char *slurm_state;
	int exit_code, signal;
	const char *traceback;        /* the tail of the attempt's stderr */
	json_t *retry;                /* borrowed: what the orchestrator decided */
	json_t *evidence;             /* borrowed: what the class was decided from */
};

/* A failure_row with every optional field unknown. */
void failure_row_init(struct failure_row *row);

/* The record as JSON (for the writer and for tests). */
json_t *failure_row_json(const struct failure_row *row, const char *run_id,
			 const char *provider);

/* The row a record holds; its strings, retry and evidence point into record
 * (valid while it lives; retry and evidence NULL when null). -1 when the
 * record names no attempt (a component, a task_id >= 0 and an attempt >=
 * 1). What is null, absent or of the wrong type reads as unknown
 * (failure_row_init's values, phase and message NULL, restart_count 0); a
 * class this version does not know reads as FAILURE_CLASS_COUNT. */
int failure_row_from_json(const json_t *record, struct failure_row *row);

#endif
