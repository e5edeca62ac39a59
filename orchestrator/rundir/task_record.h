/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One tasks.jsonl record (one state change of a task attempt): the row the
 * tracker writes, its JSON, and the same row read back from a parsed record.
 *
 * Fields, in this order: event_type ("task"), schema_version, run_id,
 * task_id (the scenario index), task_name ("<component>-<index>"),
 * component, tag (the component: what the task ran as), attempt, state,
 * timestamp, duration_s, worker, job_id, array_job_id, array_task_id,
 * exit_code, signal, max_rss_bytes, requested_memory_bytes,
 * requested_walltime_s, failure_class, error_type, error_message; added:
 * wave, restart_count (Slurm's requeues of this attempt so far). Unknown
 * values are null. Names: record_fields.h. */
#ifndef SCALABLE_TASK_RECORD_H
#define SCALABLE_TASK_RECORD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rundir/record_fields.h"

enum task_state {
	TASK_SUBMITTED,
	TASK_RUNNING,
	TASK_SUCCEEDED,
	TASK_FAILED,
	TASK_CANCELLED,
	TASK_REQUEUED,
	TASK_CACHED,
	/* a later stage's scenario whose upstream failed for good: never run
	 * (docs/run-directory.md "Stages") */
	TASK_SKIPPED,
	TASK_STATE_COUNT
};

const char *task_state_name(enum task_state state);
bool task_state_from_name(const char *name, enum task_state *state);
/* succeeded, failed, cancelled, cached and skipped: nothing more will happen to the attempt
 * (unless Slurm requeues it). */
bool task_state_is_final(enum task_state state);

/* Why a task is skipped: its upstream task's latest attempt, as it ended. */
struct task_upstream {
	const char *component;
	size_t index;
	unsigned attempt;             /* 0: it never had one */
	const char *state;            /* "failed", "cancelled", "skipped"; NULL: never run */
	const char *failure_class;    /* NULL: none */
};

/* One tasks.jsonl row. Negative numbers and NULL strings are written null. */
struct task_row {
	const char *component;
	size_t index;
	unsigned attempt;
	enum task_state state;
	const char *timestamp;        /* NULL: now */
	const char *wave;
	unsigned restart_count;
	double duration_s;
	const char *worker;
	int64_t job_id, array_job_id, array_task_id;
	int exit_code, signal;
	int64_t max_rss_bytes, requested_memory_bytes, requested_walltime_s;
	const char *failure_class, *error_type, *error_message;
	bool not_started;             /* cancelled: its pack ended before it began */
	const struct task_upstream *upstream;  /* skipped: why (written as "upstream"); NULL: none */
};

/* A task_row with every optional field unknown. */
void task_row_init(struct task_row *row);

/* The record as JSON (for the writer and for tests). */
json_t *task_row_json(const struct task_row *row, const char *run_id);

/* The row a record holds; its strings point into record (valid while it
 * lives). -1 when the record names no attempt (a component, a task_id >= 0
 * and an attempt >= 1). What is null, absent or of the wrong type reads as
 * unknown (task_row_init's values; restart_count 0); a state this version
 * does not know reads as TASK_STATE_COUNT. */
int task_row_from_json(const json_t *record, struct task_row *row);

#endif
