/* tasks.jsonl and failures.jsonl writers (see telemetry.h). */
#include "rundir/telemetry.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util/jsonl_file.h"
#include "rfc3339.h"

static const char *const state_names[TASK_STATE_COUNT] = {
	[TASK_SUBMITTED] = "submitted", [TASK_RUNNING] = "running",
	[TASK_SUCCEEDED] = "succeeded", [TASK_FAILED] = "failed",
	[TASK_CANCELLED] = "cancelled", [TASK_REQUEUED] = "requeued",
	[TASK_CACHED] = "cached",
};

const char *task_state_name(enum task_state state)
{
	return (unsigned)state < TASK_STATE_COUNT ? state_names[state] : NULL;
}

bool task_state_from_name(const char *name, enum task_state *state)
{
	for (int i = 0; i < TASK_STATE_COUNT; i++) {
		if (!strcmp(name, state_names[i])) {
			*state = (enum task_state)i;
			return true;
		}
	}
	return false;
}

bool task_state_is_final(enum task_state state)
{
	return state == TASK_SUCCEEDED || state == TASK_FAILED || state == TASK_CANCELLED ||
	       state == TASK_CACHED;
}

void task_row_init(struct task_row *row)
{
	memset(row, 0, sizeof *row);
	row->duration_s = -1;
	row->job_id = row->array_job_id = row->array_task_id = -1;
	row->exit_code = row->signal = -1;
	row->max_rss_bytes = row->requested_memory_bytes = row->requested_walltime_s = -1;
}

void failure_row_init(struct failure_row *row)
{
	memset(row, 0, sizeof *row);
	row->phase = "run";
	row->job_id = -1;
	row->exit_code = row->signal = -1;
}

static json_t *int_or_null(int64_t value)
{
	return value < 0 ? json_null() : json_integer(value);
}

static json_t *real_or_null(double value)
{
	return value < 0 ? json_null() : json_real(value);
}

/* The row's timestamp, or now. */
static const char *stamp(const char *given, char buf[RFC3339_BUFSZ])
{
	return given ? given : rfc3339_now(buf, RFC3339_BUFSZ);
}

json_t *task_row_json(const struct task_row *r, const char *run_id)
{
	char name[256], now[RFC3339_BUFSZ];

	snprintf(name, sizeof name, "%s-%zu", r->component, r->index);
	return json_pack("{s:s, s:i, s:s, s:I, s:s, s:s, s:s, s:I, s:s, s:s, s:o, s:s?, "
			 "s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s?, s:s?, s:s?, "
			 "s:s?, s:I}",
			 "event_type", "task", "schema_version", TELEMETRY_SCHEMA_VERSION,
			 "run_id", run_id, "task_id", (json_int_t)r->index, "task_name", name,
			 "component", r->component, "tag", r->component,
			 "attempt", (json_int_t)r->attempt, "state", task_state_name(r->state),
			 "timestamp", stamp(r->timestamp, now),
			 "duration_s", real_or_null(r->duration_s), "worker", r->worker,
			 "job_id", int_or_null(r->job_id),
			 "array_job_id", int_or_null(r->array_job_id),
			 "array_task_id", int_or_null(r->array_task_id),
			 "exit_code", int_or_null(r->exit_code), "signal", int_or_null(r->signal),
			 "max_rss_bytes", int_or_null(r->max_rss_bytes),
			 "requested_memory_bytes", int_or_null(r->requested_memory_bytes),
			 "requested_walltime_s", int_or_null(r->requested_walltime_s),
			 "failure_class", r->failure_class, "error_type", r->error_type,
			 "error_message", r->error_message, "wave", r->wave,
			 "restart_count", (json_int_t)r->restart_count);
}

static json_t *failure_details(const struct failure_row *r, const char *worker)
{
	return json_pack("{s:s, s:I, s:s?, s:I, s:o, s:s?, s:o, s:o, s:s?, s:O?, s:O?, "
			 "s:s?, s:I}",
			 "phase", r->phase, "task_id", (json_int_t)r->index,
			 "worker_id", worker, "attempt", (json_int_t)r->attempt,
			 "job_id", int_or_null(r->job_id), "slurm_state", r->slurm_state,
			 "exit_code", int_or_null(r->exit_code), "signal", int_or_null(r->signal),
			 "traceback", r->traceback, "retry", r->retry, "evidence", r->evidence,
			 "error_type", r->error_type, "restart_count", (json_int_t)r->restart_count);
}

json_t *failure_row_json(const struct failure_row *r, const char *run_id, const char *provider)
{
	char name[256], now[RFC3339_BUFSZ];

	snprintf(name, sizeof name, "%s-%zu", r->component, r->index);
	return json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:s, s:s, s:I, s:s?}",
			 "event_type", "failure", "schema_version", TELEMETRY_SCHEMA_VERSION,
			 "run_id", run_id, "failure_class", failure_class_name(r->failure_class),
			 "message", r->message ? r->message : "",
			 "timestamp", stamp(r->timestamp, now), "provider", provider,
			 "task_id", (json_int_t)r->index,
			 "details", failure_details(r, r->worker), "task_name", name,
			 "component", r->component, "attempt", (json_int_t)r->attempt,
			 "error_type", r->error_type);
}

struct telemetry {
	char *run_id, *provider;
	char *tasks_path, *failures_path;
	int tasks_fd, failures_fd;
};

void telemetry_close(struct telemetry *t)
{
	if (!t)
		return;
	if (t->tasks_fd >= 0)
		close(t->tasks_fd);
	if (t->failures_fd >= 0)
		close(t->failures_fd);
	free(t->run_id);
	free(t->provider);
	free(t->tasks_path);
	free(t->failures_path);
	free(t);
}

struct telemetry *telemetry_open(const char *run_dir, const char *run_id,
				 const char *provider, struct error *err)
{
	struct telemetry *t = calloc(1, sizeof *t);

	if (!t || !(t->run_id = strdup(run_id)) || !(t->provider = strdup(provider)) ||
	    asprintf(&t->tasks_path, "%s/%s", run_dir, TELEMETRY_TASKS_FILE) < 0 ||
	    asprintf(&t->failures_path, "%s/%s", run_dir, TELEMETRY_FAILURES_FILE) < 0) {
		error_system(err, "cannot open the telemetry of %s", run_dir);
		if (t)
			t->tasks_fd = t->failures_fd = -1;
		telemetry_close(t);
		return NULL;
	}
	t->failures_fd = -1;
	t->tasks_fd = jsonl_open_append(t->tasks_path, err);
	if (t->tasks_fd >= 0)
		t->failures_fd = jsonl_open_append(t->failures_path, err);
	if (t->failures_fd < 0) {
		telemetry_close(t);
		return NULL;
	}
	return t;
}

/* Appends a record built by the caller (and frees it). */
static int append(int fd, json_t *record, const char *path, struct error *err)
{
	int rc;

	if (!record) {
		errno = EINVAL;
		error_system(err, "cannot format a record for %s", path);
		return -1;
	}
	rc = jsonl_append(fd, record, false, path, err);
	json_decref(record);
	return rc;
}

int telemetry_write_task(struct telemetry *t, const struct task_row *row, struct error *err)
{
	return append(t->tasks_fd, task_row_json(row, t->run_id), t->tasks_path, err);
}

int telemetry_write_failure(struct telemetry *t, const struct failure_row *row,
			    struct error *err)
{
	return append(t->failures_fd, failure_row_json(row, t->run_id, t->provider),
		      t->failures_path, err);
}
