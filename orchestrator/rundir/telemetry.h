/* tasks.jsonl and failures.jsonl (DESIGN.md, "The run directory"): one
 * record per line, appended with one write(2) each to files opened
 * O_APPEND, so a crash leaves at worst a torn last line, which readers skip
 * and the next writer cuts off (jsonl_file.h). Every record has event_type
 * ("task" or "failure") and schema_version.
 *
 * tasks.jsonl fields, in this order: event_type, schema_version, run_id,
 * task_id (the scenario index), task_name ("<component>-<index>"),
 * component, tag (the component: what the task ran as), attempt, state,
 * timestamp, duration_s, worker, job_id, array_job_id, array_task_id,
 * exit_code, signal, max_rss_bytes, requested_memory_bytes,
 * requested_walltime_s, failure_class, error_type, error_message; added:
 * wave, restart_count (Slurm's requeues of this attempt so far).
 *
 * failures.jsonl fields: event_type, schema_version, run_id, failure_class,
 * message, timestamp, provider, task_id, details {phase, task_id, worker_id,
 * attempt, job_id, slurm_state, exit_code, signal, traceback, retry; added:
 * evidence, error_type, restart_count}; added at the top: task_name,
 * component, attempt, error_type. Unknown values are null. */
#ifndef SCALABLE_TELEMETRY_H
#define SCALABLE_TELEMETRY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util/error.h"
#include "failure_class.h"

#define TELEMETRY_SCHEMA_VERSION 1
#define TELEMETRY_TASKS_FILE "tasks.jsonl"
#define TELEMETRY_FAILURES_FILE "failures.jsonl"

enum task_state {
	TASK_SUBMITTED,
	TASK_RUNNING,
	TASK_SUCCEEDED,
	TASK_FAILED,
	TASK_CANCELLED,
	TASK_REQUEUED,
	TASK_CACHED,
	TASK_STATE_COUNT
};

const char *task_state_name(enum task_state state);
bool task_state_from_name(const char *name, enum task_state *state);
/* succeeded, failed, cancelled and cached: nothing more will happen to the attempt
 * (unless Slurm requeues it). */
bool task_state_is_final(enum task_state state);

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
};

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

/* A task_row with every optional field unknown. */
void task_row_init(struct task_row *row);
/* A failure_row with every optional field unknown. */
void failure_row_init(struct failure_row *row);

struct telemetry;

/* Opens (creating) <run_dir>/tasks.jsonl and failures.jsonl for appending. */
struct telemetry *telemetry_open(const char *run_dir, const char *run_id,
				 const char *provider, struct error *err);
void telemetry_close(struct telemetry *t);

int telemetry_write_task(struct telemetry *t, const struct task_row *row, struct error *err);
int telemetry_write_failure(struct telemetry *t, const struct failure_row *row,
			    struct error *err);

/* The records as JSON (for the writers and for tests). */
json_t *task_row_json(const struct task_row *row, const char *run_id);
json_t *failure_row_json(const struct failure_row *row, const char *run_id,
			 const char *provider);

#endif
