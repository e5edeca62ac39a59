/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the export_*.c files share. One file per job:
 *   reading     export_load.c (run.json, plan.json, then the JSONL files),
 *               export_values.c (the text store, times),
 *               export_scenarios.c (scenarios.jsonl, parameter types),
 *               export_attempts.c (tasks.jsonl's rows merged per attempt),
 *               export_failures.c (failures.jsonl);
 *   tables      export_tasks.c (the tasks table: attempts per component
 *               and scenario), export_tables.c (columns and rows of the
 *               three tables);
 *   writing     export_text.c (CSV, TSV), export_parquet.c, export_run.c.
 * Unknown values: -1 for counts and codes, EX_NO_TIME for times, a
 * negative double for durations, EX_NO_ID / EX_NO_TEXT for strings. */
#ifndef SCALABLE_EXPORT_IMPL_H
#define SCALABLE_EXPORT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "diagnose/diagnose_impl.h"
#include "export/export.h"
#include "lib/util/error.h"
#include "lib/util/u64_map.h"

#define EX_NO_TIME INT64_MIN
#define EX_NO_TEXT UINT64_MAX

/* Strings kept once, by offset (NUL-terminated, valid UTF-8). */
struct ex_text {
	char *bytes;
	size_t len, cap;
};

/* Stores text (n bytes; made valid UTF-8, NUL bytes dropped); EX_NO_TEXT
 * when out of memory (*oom set). */
uint64_t ex_text_add(struct ex_text *t, const char *s, size_t n, bool *oom);
static inline const char *ex_text_at(const struct ex_text *t, uint64_t off)
{
	return off == EX_NO_TEXT ? NULL : t->bytes + off;
}

/* Milliseconds since the epoch of an RFC 3339 time; EX_NO_TIME when it is none. */
int64_t ex_time_ms(const char *text);

/* One attempt: its tasks.jsonl rows merged, the latest known value of each
 * field. */
struct ex_attempt {
	uint32_t comp, index, attempt;
	uint8_t state;                 /* enum task_state; TASK_STATE_COUNT: unknown */
	uint32_t wave, cls, node, error_type;   /* ids in names; DX_NO_ID */
	int32_t exit_code, signal, restart_count;
	int64_t job_id, array_job_id, array_task_id;
	int64_t peak, req_mem, req_wall;
	int64_t submitted_ms, start_ms, end_ms;
	double elapsed_s;
	uint64_t message;              /* offset in text */
	size_t failure;                /* its failures row + 1; 0: none */
};

/* One failures.jsonl row. */
struct ex_failure {
	uint32_t comp, index, attempt;
	uint32_t cls, error_type, decided_by, slurm_state, node, retry_action;
	int32_t exit_code, signal, restart_count;
	int64_t job_id, time_ms;
	double retry_delay_s;
	uint64_t message, retry_summary, traceback;
};

enum ex_param_type { EX_PARAM_INT64, EX_PARAM_DOUBLE, EX_PARAM_BOOL, EX_PARAM_STRING };

struct ex_param {
	char *name;
	enum ex_param_type type;
	bool seen_int, seen_double, seen_bool, seen_string;
	uint64_t *values;              /* per scenario: offset in text; EX_NO_TEXT: null */
};

/* The run as the export reads it. */
struct ex_run {
	const char *path;
	char *run_id;
	struct dx_names names;         /* components, classes, nodes, waves, ... */
	struct ex_text text;
	uint32_t *plan_comps;          /* the plan's components, in its order */
	int64_t *comp_memory;          /* per component id: configured request; -1 */
	size_t n_plan_comps, n_comp_memory;
	struct ex_param *params;
	size_t n_params, n_scenarios;
	struct ex_attempt *attempts;   /* sorted by component, scenario, attempt */
	size_t n_attempts, cap_attempts;
	struct u64_map by_key;         /* attempt key -> index + 1 */
	struct ex_failure *failures;
	size_t n_failures, cap_failures;
	struct ex_task *tasks;
	size_t n_tasks;
	struct dx_file_stats tasks_file, failures_file, scenarios_file;
	bool oom;
};

/* A (component, scenario) pair and its attempts (consecutive in attempts). */
struct ex_task {
	uint32_t comp, index;
	size_t first, count;
};

/* export_load.c: the whole run, or -1 (err; exit code 5 when no run). */
int ex_load(struct ex_run *run, const char *path, struct error *err);
void ex_free(struct ex_run *run);
/* export_scenarios.c */
int ex_load_scenarios(struct ex_run *run, struct error *err);
/* export_attempts.c: tasks.jsonl into attempts (unsorted). */
int ex_load_attempts(struct ex_run *run, struct error *err);
uint64_t ex_attempt_key(uint32_t comp, uint32_t index, uint32_t attempt);
/* export_failures.c: failures.jsonl, each linked to its attempt. */
int ex_load_failures(struct ex_run *run, struct error *err);
/* export_tasks.c: sorts the attempts and makes the tasks (every planned
 * component with every scenario, and every pair that has attempts). */
int ex_make_tasks(struct ex_run *run);

/* A table as the writers see it: columns, and the cells of a row. */
enum ex_type { EX_INT64, EX_DOUBLE, EX_BOOL, EX_STRING, EX_TIMESTAMP };

struct ex_column {
	const char *name;
	enum ex_type type;
	bool nullable;
};

struct ex_cell {
	bool null;
	int64_t i;                     /* EX_INT64, EX_TIMESTAMP (ms) */
	double d;
	bool b;
	const char *s;                 /* EX_STRING: NUL-terminated, valid UTF-8 */
};

struct ex_table {
	const char *name;
	struct ex_column *columns;
	size_t n_columns, n_rows;
	char **owned_names;            /* param_<name> columns */
	const struct ex_run *run;
	/* Fills cells[0..n_columns) for row. */
	void (*row)(const struct ex_table *t, size_t row, struct ex_cell *cells);
};

/* export_tables.c: the three tables of run (tables[0..EXPORT_TABLES)). */
int ex_tables(const struct ex_run *run, struct ex_table *tables);
void ex_tables_free(struct ex_table *tables);

/* export_text.c: a table as CSV or TSV onto out; -1 with errno. */
int ex_write_csv(FILE *out, const struct ex_table *t);
int ex_write_tsv(FILE *out, const struct ex_table *t);
/* One field as CSV (quoted when it must be) or TSV (tabs and line breaks
 * become spaces; '-' for null). */
int ex_csv_field(FILE *out, const struct ex_cell *c, enum ex_type type);
int ex_tsv_field(FILE *out, const struct ex_cell *c, enum ex_type type);
/* export_parquet.c: a table as a Parquet file at path. */
int ex_write_parquet(const char *path, const struct ex_table *t, struct error *err);

#endif
