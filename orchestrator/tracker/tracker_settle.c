/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The tracker's transitions and the rows they write (see tracker.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracker/classify.h"
#include "tracker/attempt_logs.h"
#include "tracker/tracker_impl.h"
#include "rundir/task_outputs.h"

/* How far along an attempt is within one restart: rows only move forward. */
static int progress(enum task_state state)
{
	if (state == TASK_RUNNING)
		return 1;
	return task_state_is_final(state) ? 2 : 0;
}

static int64_t known_or_null(uint64_t value)
{
	return value ? (int64_t)value : -1;
}

/* The row for a's move to state; the strings point into a. */
static void fill_row(const struct task_attempt *a, enum task_state state,
		     const char *timestamp, struct task_row *row)
{
	task_row_init(row);
	row->component = a->component;
	row->index = a->index;
	row->attempt = a->attempt;
	row->state = state;
	row->timestamp = timestamp;
	row->wave = a->wave;
	row->restart_count = a->restart_count;
	row->worker = a->node[0] ? a->node : NULL;
	row->job_id = known_or_null(a->job_id);
	row->array_job_id = known_or_null(a->array_job_id);
	row->array_task_id = a->array_job_id ? (int64_t)a->array_task_id : -1;
	row->requested_memory_bytes = known_or_null(a->requested.memory_bytes);
	row->requested_walltime_s = known_or_null(a->requested.walltime_s);
	if (state == TASK_CANCELLED && a->not_started) {
		row->not_started = true;
		row->error_message = TRACKER_NOT_STARTED_MESSAGE;
		return;
	}
	if (state == TASK_SKIPPED) {
		row->error_type = a->error_type;
		row->error_message = a->error_message;
		row->upstream = a->skip ? &a->skip->upstream : NULL;
		return;
	}
	if (state == TASK_RUNNING || state == TASK_SUBMITTED || state == TASK_CACHED)
		return;
	row->duration_s = a->duration_s;
	row->exit_code = a->exit_code;
	row->signal = a->signal;
	row->max_rss_bytes = a->max_rss_bytes;
	if (state != TASK_FAILED)
		return;
	row->failure_class = failure_class_name(a->failure_class);
	row->error_type = a->error_type;
	row->error_message = a->error_message;
}

static void row_written(const struct tracker *t, enum tracker_row row)
{
	if (t->on_row)
		t->on_row(row, t->on_row_ctx);
}

int attempt_emit(struct tracker *t, struct task_attempt *a, enum task_state state,
		 const char *timestamp, struct error *err)
{
	struct task_row row;

	fill_row(a, state, timestamp, &row);
	if (t->telemetry && telemetry_write_task(t->telemetry, &row, err) != 0)
		return -1;
	if (t->telemetry)
		row_written(t, TRACKER_TASK_ROW);
	tracker_tally(t, a, false);
	tracker_count_open(t, a, false);
	a->state = state;
	tracker_count_open(t, a, true);
	tracker_tally(t, a, true);
	t->failed_changes += state == TASK_FAILED;
	a->recorded = true;
	return 0;
}

int attempt_running(struct tracker *t, struct task_attempt *a, const char *timestamp,
		    struct error *err)
{
	return progress(a->state) >= 1 ? 0 : attempt_emit(t, a, TASK_RUNNING, timestamp, err);
}

/* Forgets what the run before a requeue said. */
static void forget_run(struct task_attempt *a)
{
	a->duration_s = -1;
	a->exit_code = a->signal = -1;
	a->max_rss_bytes = a->oom_kill_count = -1;
	a->inferred_cause[0] = a->ended_at[0] = '\0';
	a->slurm_state[0] = a->slurm_reason[0] = '\0';
	a->end_seen = false;
	a->failure_written = false;
	free(a->error_type);
	free(a->error_message);
	a->error_type = a->error_message = NULL;
	free(a->retry);
	a->retry = NULL;
}

int attempt_requeued(struct tracker *t, struct task_attempt *a, unsigned restart_count,
		     const char *timestamp, struct error *err)
{
	if (restart_count <= a->restart_count)
		return 0;
	a->restart_count = restart_count;
	if (attempt_emit(t, a, TASK_REQUEUED, timestamp, err) != 0)
		return -1;
	tracker_tally(t, a, false);
	forget_run(a);
	tracker_tally(t, a, true);
	return 0;
}

static int attempt_output_missing(struct tracker *t, struct task_attempt *a,
				  const char *timestamp, json_t *missing, struct error *err);

int attempt_succeeded(struct tracker *t, struct task_attempt *a, const char *timestamp,
		      struct error *err)
{
	json_t *missing = NULL;

	if (progress(a->state) == 2)
		return 0;
	if (a->exit_code < 0)
		a->exit_code = 0;
	if (t->check_outputs && t->telemetry &&
	    t->check_outputs(a, t->check_outputs_ctx, &missing, err) != 0)
		return -1;
	if (missing)
		return attempt_output_missing(t, a, timestamp, missing, err);
	if (attempt_emit(t, a, TASK_SUCCEEDED, timestamp, err) != 0)
		return -1;
	return t->on_success && t->telemetry ? t->on_success(a, t->on_success_ctx, err) : 0;
}

int attempt_cancelled(struct tracker *t, struct task_attempt *a, const char *timestamp,
		      struct error *err)
{
	return progress(a->state) == 2 ? 0 : attempt_emit(t, a, TASK_CANCELLED, timestamp, err);
}

int attempt_not_started(struct tracker *t, struct task_attempt *a, const char *timestamp,
			struct error *err)
{
	if (progress(a->state) == 2)
		return 0;
	a->not_started = true;
	return attempt_emit(t, a, TASK_CANCELLED, timestamp, err);
}

static const char *text_or_null(const char *text)
{
	return text && *text ? text : NULL;
}

/* Classifies a from what it knows and the tails of its logs. */
static int classify_attempt(const struct tracker *t, const struct task_attempt *a,
			    const char *stderr_tail, const char *slurm_tail,
			    struct classification *c)
{
	struct failure_evidence ev = {
		.slurm_state = a->slurm_state, .slurm_reason = a->slurm_reason,
		.has_end_event = a->end_seen, .exit_code = a->exit_code, .signal = a->signal,
		.oom_kill_count = a->oom_kill_count,
		.inferred_cause = text_or_null(a->inferred_cause),
		.elapsed_s = a->duration_s, .time_limit_s = a->time_limit_s,
		.stderr_tail = stderr_tail, .slurm_output_tail = slurm_tail,
	};

	return classify_failure(t->rules, t->n_rules, &ev, c);
}

/* details.retry: the decision is made JSON here, where it is written, and
 * nowhere else (tracker_rebuild reads it back). */
static int retry_details(const struct tracker *t, const struct task_attempt *a,
			 json_t **out, struct error *err)
{
	*out = NULL;
	if (!a->retry || !t->retry.write)
		return 0;
	if (!(*out = t->retry.write(a->retry, t->retry.ctx))) {
		errno = ENOMEM;
		error_system(err, "cannot write the retry decision of %s-%zu", a->component,
			     a->index);
		return -1;
	}
	return 0;
}

static int write_failure(struct tracker *t, struct task_attempt *a, const char *timestamp,
			 const char *traceback, json_t *evidence, struct error *err)
{
	struct failure_row row;
	int rc;

	if (!t->telemetry)
		return 0;  /* read-only: the writer will record it */
	failure_row_init(&row);
	if (retry_details(t, a, &row.retry, err) != 0)
		return -1;
	row.component = a->component;
	row.index = a->index;
	row.attempt = a->attempt;
	row.restart_count = a->restart_count;
	row.failure_class = a->failure_class;
	row.message = a->error_message;
	row.error_type = a->error_type;
	row.timestamp = timestamp;
	row.worker = text_or_null(a->node);
	row.job_id = known_or_null(a->job_id);
	row.slurm_state = text_or_null(a->slurm_state);
	row.exit_code = a->exit_code;
	row.signal = a->signal;
	row.traceback = traceback;
	row.evidence = evidence;
	rc = telemetry_write_failure(t->telemetry, &row, err);
	json_decref(row.retry);
	if (rc != 0)
		return -1;
	row_written(t, TRACKER_FAILURE_ROW);
	a->failure_written = true;
	return 0;
}

/* Keeps the verdict on a, and asks what to do about it. */
static int record_verdict(struct tracker *t, struct task_attempt *a,
			  const struct classification *c)
{
	free(a->error_type);
	free(a->error_message);
	a->failure_class = c->failure_class;
	a->error_type = c->error_type[0] ? strdup(c->error_type) : NULL;
	a->error_message = strdup(c->message);
	if (!a->error_message || (c->error_type[0] && !a->error_type))
		return -1;
	if (t->retry.decide && !a->failure_written) {
		free(a->retry);
		a->retry = t->retry.decide(a, t->retry.ctx);
	}
	return 0;
}

/* An attempt that exited 0 without its outputs (missing: taken) fails. */
static int attempt_output_missing(struct tracker *t, struct task_attempt *a,
				  const char *timestamp, json_t *missing, struct error *err)
{
	struct classification c = { .failure_class = FAILURE_OUTPUT_MISSING };
	char named[400];
	int rc = -1;

	task_outputs_describe(missing, named, sizeof named);
	snprintf(c.message, sizeof c.message, "exited 0 without its outputs: %s", named);
	c.evidence = json_pack("{s:s, s:o, s:b, s:i}", "decided_by", "outputs",
			       "outputs_missing", missing, "end_event", a->end_seen,
			       "exit_code", a->exit_code);
	if (!c.evidence || record_verdict(t, a, &c) != 0) {
		errno = ENOMEM;
		error_system(err, "cannot classify %s-%zu", a->component, a->index);
	} else if (a->failure_written ||
		   write_failure(t, a, timestamp, NULL, c.evidence, err) == 0) {
		rc = attempt_emit(t, a, TASK_FAILED, timestamp, err);
	}
	classification_clear(&c);
	return rc;
}

int attempt_failed(struct tracker *t, struct task_attempt *a, const char *timestamp,
		   struct error *err)
{
	char *stderr_tail, *slurm_tail, *traceback;
	struct classification c = { 0 };
	int rc = -1;

	if (progress(a->state) == 2)
		return 0;
	attempt_logs_read(t->run_dir, t->layout, a->component, a->index, a->attempt,
			  a->array_job_id ? (int64_t)a->array_job_id : -1,
			  a->array_job_id ? (int64_t)a->array_task_id : -1, &stderr_tail,
			  &slurm_tail);
	traceback = traceback_tail(stderr_tail ? stderr_tail : slurm_tail);
	if (classify_attempt(t, a, stderr_tail, slurm_tail, &c) != 0 ||
	    record_verdict(t, a, &c) != 0) {
		errno = ENOMEM;
		error_system(err, "cannot classify %s-%zu", a->component, a->index);
	} else if (a->failure_written ||
		   write_failure(t, a, timestamp, traceback, c.evidence, err) == 0) {
		rc = attempt_emit(t, a, TASK_FAILED, timestamp, err);
	}
	classification_clear(&c);
	free(traceback);
	free(stderr_tail);
	free(slurm_tail);
	return rc;
}
