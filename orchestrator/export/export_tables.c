/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The three tables' columns and rows (docs/run-directory.md, "Export"). */
#include <stdlib.h>
#include <string.h>

#include "export/export_impl.h"
#include "rundir/task_record.h"

#define NULLABLE true
#define REQUIRED false

static const struct ex_column task_columns[] = {
	{ "run_id", EX_STRING, REQUIRED }, { "component", EX_STRING, REQUIRED },
	{ "scenario", EX_INT64, REQUIRED }, { "state", EX_STRING, NULLABLE },
	{ "attempts", EX_INT64, REQUIRED }, { "first_start", EX_TIMESTAMP, NULLABLE },
	{ "last_start", EX_TIMESTAMP, NULLABLE }, { "last_end", EX_TIMESTAMP, NULLABLE },
	{ "duration_s", EX_DOUBLE, NULLABLE }, { "peak_memory_bytes", EX_INT64, NULLABLE },
	{ "requested_memory_bytes", EX_INT64, NULLABLE },
	{ "last_requested_memory_bytes", EX_INT64, NULLABLE }, { "node", EX_STRING, NULLABLE },
	{ "failure_class", EX_STRING, NULLABLE }, { "failure_message", EX_STRING, NULLABLE },
};
#define TASK_FIXED (sizeof task_columns / sizeof task_columns[0])

static const struct ex_column attempt_columns[] = {
	{ "run_id", EX_STRING, REQUIRED }, { "component", EX_STRING, REQUIRED },
	{ "scenario", EX_INT64, REQUIRED }, { "attempt", EX_INT64, REQUIRED },
	{ "wave", EX_STRING, NULLABLE }, { "state", EX_STRING, NULLABLE },
	{ "job_id", EX_INT64, NULLABLE }, { "array_job_id", EX_INT64, NULLABLE },
	{ "array_task_id", EX_INT64, NULLABLE }, { "exit_code", EX_INT64, NULLABLE },
	{ "signal", EX_INT64, NULLABLE }, { "failure_class", EX_STRING, NULLABLE },
	{ "error_type", EX_STRING, NULLABLE }, { "error_message", EX_STRING, NULLABLE },
	{ "submitted", EX_TIMESTAMP, NULLABLE }, { "start", EX_TIMESTAMP, NULLABLE },
	{ "end", EX_TIMESTAMP, NULLABLE }, { "elapsed_s", EX_DOUBLE, NULLABLE },
	{ "peak_memory_bytes", EX_INT64, NULLABLE },
	{ "requested_memory_bytes", EX_INT64, NULLABLE },
	{ "requested_walltime_s", EX_INT64, NULLABLE }, { "node", EX_STRING, NULLABLE },
	{ "restart_count", EX_INT64, NULLABLE }, { "retry_action", EX_STRING, NULLABLE },
	{ "retry_summary", EX_STRING, NULLABLE },
};

static const struct ex_column failure_columns[] = {
	{ "run_id", EX_STRING, REQUIRED }, { "component", EX_STRING, REQUIRED },
	{ "scenario", EX_INT64, REQUIRED }, { "attempt", EX_INT64, REQUIRED },
	{ "timestamp", EX_TIMESTAMP, NULLABLE }, { "failure_class", EX_STRING, NULLABLE },
	{ "error_type", EX_STRING, NULLABLE }, { "message", EX_STRING, NULLABLE },
	{ "decided_by", EX_STRING, NULLABLE }, { "slurm_state", EX_STRING, NULLABLE },
	{ "exit_code", EX_INT64, NULLABLE }, { "signal", EX_INT64, NULLABLE },
	{ "node", EX_STRING, NULLABLE }, { "job_id", EX_INT64, NULLABLE },
	{ "restart_count", EX_INT64, NULLABLE }, { "retry_action", EX_STRING, NULLABLE },
	{ "retry_summary", EX_STRING, NULLABLE }, { "retry_delay_s", EX_DOUBLE, NULLABLE },
	{ "traceback", EX_STRING, NULLABLE },
};

/* Cell setters: a negative count, EX_NO_TIME, a negative duration, no id
 * and no text are null. */
static void set_int(struct ex_cell *c, int64_t v) { *c = (struct ex_cell){ .null = v < 0, .i = v }; }
static void set_time(struct ex_cell *c, int64_t ms)
{
	*c = (struct ex_cell){ .null = ms == EX_NO_TIME, .i = ms };
}
static void set_real(struct ex_cell *c, double v) { *c = (struct ex_cell){ .null = v < 0, .d = v }; }
static void set_text(struct ex_cell *c, const char *s) { *c = (struct ex_cell){ .null = !s, .s = s }; }
static const char *name_of(const struct ex_run *run, uint32_t id)
{
	return id < run->names.count ? run->names.names[id] : NULL;
}
#define SET_NAME(cell, id) set_text((cell), name_of(run, (id)))

static const struct ex_failure *failure_of(const struct ex_run *run, const struct ex_attempt *a)
{
	return a->failure ? &run->failures[a->failure - 1] : NULL;
}

static void attempt_row(const struct ex_table *t, size_t row, struct ex_cell *c)
{
	const struct ex_run *run = t->run;
	const struct ex_attempt *a = &run->attempts[row];
	const struct ex_failure *f = failure_of(run, a);

	set_text(&c[0], run->run_id);
	SET_NAME(&c[1], a->comp);
	set_int(&c[2], a->index), set_int(&c[3], a->attempt);
	SET_NAME(&c[4], a->wave);
	set_text(&c[5], task_state_name((enum task_state)a->state));
	set_int(&c[6], a->job_id), set_int(&c[7], a->array_job_id);
	set_int(&c[8], a->array_task_id), set_int(&c[9], a->exit_code);
	set_int(&c[10], a->signal);
	SET_NAME(&c[11], a->cls);
	SET_NAME(&c[12], a->error_type);
	set_text(&c[13], ex_text_at(&run->text, a->message));
	set_time(&c[14], a->submitted_ms), set_time(&c[15], a->start_ms);
	set_time(&c[16], a->end_ms), set_real(&c[17], a->elapsed_s);
	set_int(&c[18], a->peak), set_int(&c[19], a->req_mem), set_int(&c[20], a->req_wall);
	SET_NAME(&c[21], a->node);
	set_int(&c[22], a->restart_count);
	SET_NAME(&c[23], f ? f->retry_action : DX_NO_ID);
	set_text(&c[24], f ? ex_text_at(&run->text, f->retry_summary) : NULL);
}

static void failure_row(const struct ex_table *t, size_t row, struct ex_cell *c)
{
	const struct ex_run *run = t->run;
	const struct ex_failure *f = &run->failures[row];

	set_text(&c[0], run->run_id);
	SET_NAME(&c[1], f->comp);
	set_int(&c[2], f->index), set_int(&c[3], f->attempt), set_time(&c[4], f->time_ms);
	SET_NAME(&c[5], f->cls);
	SET_NAME(&c[6], f->error_type);
	set_text(&c[7], ex_text_at(&run->text, f->message));
	SET_NAME(&c[8], f->decided_by);
	SET_NAME(&c[9], f->slurm_state);
	set_int(&c[10], f->exit_code), set_int(&c[11], f->signal);
	SET_NAME(&c[12], f->node);
	set_int(&c[13], f->job_id), set_int(&c[14], f->restart_count);
	SET_NAME(&c[15], f->retry_action);
	set_text(&c[16], ex_text_at(&run->text, f->retry_summary));
	set_real(&c[17], f->retry_delay_s);
	set_text(&c[18], ex_text_at(&run->text, f->traceback));
}

/* What the attempts of a task add up to (see task_columns). */
struct task_sums {
	int64_t first_start, last_start, peak;
	const struct ex_attempt *latest;
};

static struct task_sums sum_task(const struct ex_run *run, const struct ex_task *task)
{
	struct task_sums s = { EX_NO_TIME, EX_NO_TIME, -1, NULL };

	for (size_t i = task->first; i < task->first + task->count; i++) {
		const struct ex_attempt *a = &run->attempts[i];

		if (a->start_ms != EX_NO_TIME && (s.first_start == EX_NO_TIME || a->start_ms < s.first_start))
			s.first_start = a->start_ms;
		if (a->start_ms != EX_NO_TIME && a->start_ms > s.last_start)
			s.last_start = a->start_ms;
		if (a->peak > s.peak)
			s.peak = a->peak;
		s.latest = a;  /* sorted by attempt: the last is the latest */
	}
	return s;
}

static void param_cell(const struct ex_run *run, const struct ex_param *p, uint32_t index,
		       struct ex_cell *c)
{
	const char *text = index < run->n_scenarios ? ex_text_at(&run->text, p->values[index]) : NULL;

	*c = (struct ex_cell){ .null = !text, .s = text };
	if (!text)
		return;
	if (p->type == EX_PARAM_INT64)
		c->i = strtoll(text, NULL, 10);
	else if (p->type == EX_PARAM_DOUBLE)
		c->d = strtod(text, NULL);
	else if (p->type == EX_PARAM_BOOL)
		c->b = text[0] == 't' || text[0] == 'T';
}

static void task_row(const struct ex_table *t, size_t row, struct ex_cell *c)
{
	const struct ex_run *run = t->run;
	const struct ex_task *task = &run->tasks[row];
	struct task_sums s = sum_task(run, task);
	const struct ex_attempt *a = s.latest;
	bool failed = a && a->state == TASK_FAILED;
	const struct ex_failure *f = failed ? failure_of(run, a) : NULL;
	const char *message = failed ? ex_text_at(&run->text, a->message) : NULL;

	set_text(&c[0], run->run_id);
	SET_NAME(&c[1], task->comp);
	set_int(&c[2], task->index);
	set_text(&c[3], a ? task_state_name((enum task_state)a->state) : NULL);
	set_int(&c[4], (int64_t)task->count);
	set_time(&c[5], s.first_start), set_time(&c[6], s.last_start);
	set_time(&c[7], a ? a->end_ms : EX_NO_TIME);
	set_real(&c[8], a ? a->elapsed_s : -1);
	set_int(&c[9], s.peak);
	set_int(&c[10], task->comp < run->n_comp_memory ? run->comp_memory[task->comp] : -1);
	set_int(&c[11], a ? a->req_mem : -1);
	SET_NAME(&c[12], a ? a->node : DX_NO_ID);
	SET_NAME(&c[13], failed ? a->cls : DX_NO_ID);
	set_text(&c[14], message ? message : f ? ex_text_at(&run->text, f->message) : NULL);
	for (size_t p = 0; p < run->n_params; p++)
		param_cell(run, &run->params[p], task->index, &c[TASK_FIXED + p]);
}

static const enum ex_type param_types[] = {
	[EX_PARAM_INT64] = EX_INT64, [EX_PARAM_DOUBLE] = EX_DOUBLE,
	[EX_PARAM_BOOL] = EX_BOOL, [EX_PARAM_STRING] = EX_STRING,
};

/* The tasks table's columns: the fixed ones, then param_<name> per parameter. */
static int task_table(const struct ex_run *run, struct ex_table *t)
{
	size_t n = TASK_FIXED + run->n_params;

	*t = (struct ex_table){ .name = "tasks", .n_rows = run->n_tasks, .run = run,
				.row = task_row, .n_columns = n };
	if (!(t->columns = calloc(n, sizeof *t->columns)) ||
	    (run->n_params && !(t->owned_names = calloc(run->n_params, sizeof *t->owned_names))))
		return -1;
	memcpy(t->columns, task_columns, sizeof task_columns);
	for (size_t p = 0; p < run->n_params; p++) {
		if (asprintf(&t->owned_names[p], "param_%s", run->params[p].name) < 0) {
			t->owned_names[p] = NULL;
			return -1;
		}
		t->columns[TASK_FIXED + p] = (struct ex_column){ t->owned_names[p],
								   param_types[run->params[p].type],
								   NULLABLE };
	}
	return 0;
}

static int fixed_table(const struct ex_run *run, struct ex_table *t, const char *name,
		       const struct ex_column *columns, size_t n_columns, size_t n_rows,
		       void (*row)(const struct ex_table *, size_t, struct ex_cell *))
{
	*t = (struct ex_table){ .name = name, .n_rows = n_rows, .run = run, .row = row,
				.n_columns = n_columns };
	if (!(t->columns = malloc(n_columns * sizeof *columns)))
		return -1;
	memcpy(t->columns, columns, n_columns * sizeof *columns);
	return 0;
}

int ex_tables(const struct ex_run *run, struct ex_table *tables)
{
	memset(tables, 0, EXPORT_TABLES * sizeof *tables);
	if (task_table(run, &tables[0]) != 0 ||
	    fixed_table(run, &tables[1], "attempts", attempt_columns,
			sizeof attempt_columns / sizeof *attempt_columns, run->n_attempts,
			attempt_row) != 0 ||
	    fixed_table(run, &tables[2], "failures", failure_columns,
			sizeof failure_columns / sizeof *failure_columns, run->n_failures,
			failure_row) != 0) {
		ex_tables_free(tables);
		return -1;
	}
	return 0;
}

void ex_tables_free(struct ex_table *tables)
{
	for (size_t i = 0; i < EXPORT_TABLES; i++) {
		if (tables[i].owned_names)
			for (size_t p = 0; p < tables[i].n_columns - TASK_FIXED; p++)
				free(tables[i].owned_names[p]);
		free(tables[i].owned_names);
		free(tables[i].columns);
		memset(&tables[i], 0, sizeof tables[i]);
	}
}
