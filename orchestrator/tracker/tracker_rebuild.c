/* Re-attaching: the tracker's state read back from tasks.jsonl and
 * failures.jsonl, so that what is replayed afterwards (the journal's
 * submissions, every event from offset 0) writes only what is missing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/jsonl_file.h"
#include "tracker/tracker_impl.h"

struct rebuild {
	struct tracker *t;
	struct error *err;
};

/* The attempt a row is about, created when new; NULL for a malformed row. */
static struct task_attempt *row_attempt(struct tracker *t, const json_t *row,
					json_int_t restart_count)
{
	const char *component = json_string_member(row, "component");
	json_int_t index = json_int_member(row, "task_id");
	json_int_t attempt = json_int_member(row, "attempt");

	if (!component || index < 0 || attempt < 1 || attempt > UINT32_MAX || restart_count < 0)
		return NULL;
	return tracker_attempt(t, component, (size_t)index, (unsigned)attempt, true);
}

/* Slurm's ids in the row, into the attempt and the tracker's maps. */
static int take_ids(struct tracker *t, struct task_attempt *a, const json_t *row)
{
	json_int_t job = json_int_member(row, "job_id");
	json_int_t array_job = json_int_member(row, "array_job_id");
	json_int_t array_task = json_int_member(row, "array_task_id");

	if (job > 0 && job <= UINT32_MAX && tracker_index_job(t, a, (uint32_t)job) != 0)
		return -1;
	if (array_job > 0 && array_job <= UINT32_MAX && array_task >= 0 &&
	    array_task < UINT32_MAX)
		return tracker_index_array(t, a, (uint32_t)array_job, (uint32_t)array_task);
	return 0;
}

/* What a final row measured. */
static void take_outcome(struct task_attempt *a, const json_t *row)
{
	const char *worker = json_string_member(row, "worker");
	json_t *duration = json_object_get(row, "duration_s");
	json_int_t memory = json_int_member(row, "requested_memory_bytes");
	json_int_t walltime = json_int_member(row, "requested_walltime_s");

	if (worker)
		snprintf(a->node, sizeof a->node, "%s", worker);
	if (memory > 0)
		a->requested.memory_bytes = (uint64_t)memory;
	if (walltime > 0)
		a->requested.walltime_s = (uint64_t)walltime;
	if (!task_state_is_final(a->state))
		return;
	a->duration_s = json_is_number(duration) ? json_number_value(duration) : -1;
	a->exit_code = (int)json_int_member(row, "exit_code");
	a->signal = (int)json_int_member(row, "signal");
	a->max_rss_bytes = json_int_member(row, "max_rss_bytes");
}

static int take_failure_text(struct task_attempt *a, const json_t *row)
{
	const char *class = json_string_member(row, "failure_class");
	const char *type = json_string_member(row, "error_type");
	const char *message = json_string_member(row, "error_message");

	if (a->state != TASK_FAILED)
		return 0;
	if (class)
		failure_class_from_name(class, &a->failure_class);
	free(a->error_type);
	free(a->error_message);
	a->error_type = type ? strdup(type) : NULL;
	a->error_message = message ? strdup(message) : NULL;
	return (type && !a->error_type) || (message && !a->error_message) ? -1 : 0;
}

static int rebuild_task_row(json_t *row, void *ctx)
{
	struct rebuild *r = ctx;
	const char *state = json_string_member(row, "state");
	const char *wave = json_string_member(row, "wave");
	json_int_t restarts = json_int_member(row, "restart_count");
	struct task_attempt *a = row_attempt(r->t, row, restarts < 0 ? 0 : restarts);
	enum task_state s;

	if (!a || !state || !task_state_from_name(state, &s))
		return 0;  /* not a row this version understands */
	a->state = s;
	a->recorded = true;
	a->restart_count = restarts > 0 ? (unsigned)restarts : 0;
	if (wave && !(a->wave = tracker_wave(r->t, wave)))
		return 1;  /* out of memory: stop, and say so */
	take_outcome(a, row);
	return take_ids(r->t, a, row) || take_failure_text(a, row) ? 1 : 0;
}

static int rebuild_failure_row(json_t *row, void *ctx)
{
	struct rebuild *r = ctx;
	json_t *details = json_object_get(row, "details");
	json_int_t restarts = json_int_member(details, "restart_count");
	struct task_attempt *a = row_attempt(r->t, row, restarts < 0 ? 0 : restarts);
	json_t *retry = json_object_get(details, "retry");
	const char *class = json_string_member(row, "failure_class");

	if (!a || (unsigned)(restarts < 0 ? 0 : restarts) != a->restart_count)
		return 0;  /* a run Slurm requeued since: its failure is history */
	a->failure_written = true;
	if (class)
		failure_class_from_name(class, &a->failure_class);
	free(a->retry);
	a->retry = r->t->retry.read && retry && !json_is_null(retry)
		? r->t->retry.read(retry, a, r->t->retry.ctx) : NULL;
	return 0;
}

static int read_file(struct rebuild *r, const char *name, jsonl_handler handler)
{
	char *path;
	int rc;

	if (asprintf(&path, "%s/%s", r->t->run_dir, name) < 0) {
		error_system(r->err, "cannot read %s/%s", r->t->run_dir, name);
		return -1;
	}
	rc = jsonl_read(path, handler, r, NULL, r->err);
	if (rc > 0) {
		errno = ENOMEM;
		error_system(r->err, "cannot rebuild the state from %s", path);
	}
	free(path);
	return rc ? -1 : 0;
}

int tracker_rebuild(struct tracker *t, struct error *err)
{
	struct rebuild r = { t, err };

	return read_file(&r, TELEMETRY_TASKS_FILE, rebuild_task_row) ||
	       read_file(&r, TELEMETRY_FAILURES_FILE, rebuild_failure_row) ? -1 : 0;
}
