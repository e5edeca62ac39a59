/* SPDX-License-Identifier: GPL-2.0-or-later */
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

/* Slurm's ids in the row, into the attempt and the tracker's maps. */
static int take_ids(struct tracker *t, struct task_attempt *a, const struct task_row *row)
{
	if (row->job_id > 0 && row->job_id <= UINT32_MAX &&
	    tracker_index_job(t, a, (uint32_t)row->job_id) != 0)
		return -1;
	if (row->array_job_id > 0 && row->array_job_id <= UINT32_MAX && row->array_task_id >= 0 &&
	    row->array_task_id < UINT32_MAX)
		return tracker_index_array(t, a, (uint32_t)row->array_job_id,
					   (uint32_t)row->array_task_id);
	return 0;
}

/* What a final row measured. */
static void take_outcome(struct task_attempt *a, const struct task_row *row)
{
	if (row->worker)
		snprintf(a->node, sizeof a->node, "%s", row->worker);
	if (row->requested_memory_bytes > 0)
		a->requested.memory_bytes = (uint64_t)row->requested_memory_bytes;
	if (row->requested_walltime_s > 0)
		a->requested.walltime_s = (uint64_t)row->requested_walltime_s;
	if (!task_state_is_final(a->state))
		return;
	a->duration_s = row->duration_s;
	a->exit_code = row->exit_code;
	a->signal = row->signal;
	a->max_rss_bytes = row->max_rss_bytes;
}

static int take_failure_text(struct task_attempt *a, const struct task_row *row)
{
	if (a->state != TASK_FAILED && a->state != TASK_SKIPPED)
		return 0;
	if (row->failure_class)
		failure_class_from_name(row->failure_class, &a->failure_class);
	free(a->error_type);
	free(a->error_message);
	a->error_type = row->error_type ? strdup(row->error_type) : NULL;
	a->error_message = row->error_message ? strdup(row->error_message) : NULL;
	return (row->error_type && !a->error_type) ||
	       (row->error_message && !a->error_message) ? -1 : 0;
}

static int rebuild_task_row(json_t *record, void *ctx)
{
	struct rebuild *r = ctx;
	struct task_row row;
	struct task_attempt *a;

	if (task_row_from_json(record, &row) != 0 ||
	    !(a = tracker_attempt(r->t, row.component, row.index, row.attempt, true)) ||
	    row.state == TASK_STATE_COUNT)
		return 0;  /* not a row this version understands */
	r->t->rebuilt = true;
	tracker_tally(r->t, a, false);
	tracker_count_open(r->t, a, false);
	a->state = row.state;
	tracker_count_open(r->t, a, true);
	tracker_tally(r->t, a, true);
	r->t->failed_changes += row.state == TASK_FAILED;
	a->recorded = true;
	a->not_started = row.state == TASK_CANCELLED && row.not_started;
	a->started = a->started || row.state == TASK_RUNNING;
	a->restart_count = row.restart_count;
	if (row.wave && !(a->wave = tracker_wave(r->t, row.wave)))
		return 1;  /* out of memory: stop, and say so */
	take_outcome(a, &row);
	return take_ids(r->t, a, &row) || take_failure_text(a, &row) ? 1 : 0;
}

static int rebuild_failure_row(json_t *record, void *ctx)
{
	struct rebuild *r = ctx;
	struct failure_row row;
	struct task_attempt *a;

	if (failure_row_from_json(record, &row) != 0 ||
	    !(a = tracker_attempt(r->t, row.component, row.index, row.attempt, true)) ||
	    row.restart_count != a->restart_count)
		return 0;  /* a run Slurm requeued since: its failure is history */
	a->failure_written = true;
	if (row.failure_class != FAILURE_CLASS_COUNT)
		a->failure_class = row.failure_class;
	free(a->retry);
	a->retry = r->t->retry.read && row.retry && !json_is_null(row.retry)
		? r->t->retry.read(row.retry, a, r->t->retry.ctx) : NULL;
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
