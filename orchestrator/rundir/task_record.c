/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tasks.jsonl records, written and read (see task_record.h). */
#include "rundir/task_record.h"

#include <stdio.h>
#include <string.h>

#include "lib/util/utf8_text.h"
#include "rundir/record_json.h"

static const char *const state_names[TASK_STATE_COUNT] = {
	[TASK_SUBMITTED] = "submitted", [TASK_RUNNING] = "running",
	[TASK_SUCCEEDED] = "succeeded", [TASK_FAILED] = "failed",
	[TASK_CANCELLED] = "cancelled", [TASK_REQUEUED] = "requeued",
	[TASK_CACHED] = "cached", [TASK_SKIPPED] = "skipped",
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
	       state == TASK_CACHED || state == TASK_SKIPPED;
}

void task_row_init(struct task_row *row)
{
	memset(row, 0, sizeof *row);
	row->duration_s = -1;
	row->job_id = row->array_job_id = row->array_task_id = -1;
	row->exit_code = row->signal = -1;
	row->max_rss_bytes = row->requested_memory_bytes = row->requested_walltime_s = -1;
}

json_t *task_row_json(const struct task_row *r, const char *run_id)
{
	char name[256], now[RFC3339_BUFSZ];
	json_t *row;

	snprintf(name, sizeof name, "%s-%zu", r->component, r->index);
	/* text from the task and the node goes through json_text: it may not be UTF-8 */
	row = json_pack("{s:s, s:i, s:s, s:I, s:s, s:s, s:s, s:I, s:s, s:s, s:o, s:o?, "
			 "s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s?, s:o?, s:o?, "
			 "s:s?, s:I}",
			 RECORD_EVENT_TYPE, RECORD_TYPE_TASK,
			 RECORD_SCHEMA_VERSION, TELEMETRY_SCHEMA_VERSION,
			 RECORD_RUN_ID, run_id, RECORD_TASK_ID, (json_int_t)r->index,
			 RECORD_TASK_NAME, name, RECORD_COMPONENT, r->component,
			 RECORD_TAG, r->component, RECORD_ATTEMPT, (json_int_t)r->attempt,
			 RECORD_STATE, task_state_name(r->state),
			 RECORD_TIMESTAMP, record_stamp(r->timestamp, now),
			 RECORD_DURATION_S, record_real_or_null(r->duration_s),
			 RECORD_WORKER, json_text(r->worker), RECORD_JOB_ID, record_int_or_null(r->job_id),
			 RECORD_ARRAY_JOB_ID, record_int_or_null(r->array_job_id),
			 RECORD_ARRAY_TASK_ID, record_int_or_null(r->array_task_id),
			 RECORD_EXIT_CODE, record_int_or_null(r->exit_code),
			 RECORD_SIGNAL, record_int_or_null(r->signal),
			 RECORD_MAX_RSS_BYTES, record_int_or_null(r->max_rss_bytes),
			 RECORD_REQUESTED_MEMORY_BYTES,
			 record_int_or_null(r->requested_memory_bytes),
			 RECORD_REQUESTED_WALLTIME_S, record_int_or_null(r->requested_walltime_s),
			 RECORD_FAILURE_CLASS, r->failure_class, RECORD_ERROR_TYPE, json_text(r->error_type),
			 RECORD_ERROR_MESSAGE, json_text(r->error_message), RECORD_WAVE, r->wave,
			 RECORD_RESTART_COUNT, (json_int_t)r->restart_count);
	/* added, only when true: the attempt's pack ended before it began */
	if (row && r->not_started &&
	    json_object_set_new(row, RECORD_NOT_STARTED, json_true()) != 0) {
		json_decref(row);
		row = NULL;
	}
	/* added, on a skipped row: the upstream task that failed for good */
	if (r->upstream)
		snprintf(name, sizeof name, "%s-%zu", r->upstream->component, r->upstream->index);
	if (row && r->upstream &&
	    json_object_set_new(row, RECORD_UPSTREAM, json_pack(
		    "{s:s, s:I, s:s, s:o, s:s?, s:s?}", RECORD_COMPONENT, r->upstream->component,
		    RECORD_TASK_ID, (json_int_t)r->upstream->index, RECORD_TASK_NAME,
		    name, RECORD_ATTEMPT, r->upstream->attempt
			? json_integer(r->upstream->attempt) : json_null(),
		    RECORD_STATE, r->upstream->state, RECORD_FAILURE_CLASS,
		    r->upstream->failure_class)) != 0) {
		json_decref(row);
		row = NULL;
	}
	return row;
}

/* What the attempt measured and why it failed. */
static void read_outcome(const json_t *record, struct task_row *row)
{
	row->duration_s = record_number(record, RECORD_DURATION_S);
	row->worker = record_string(record, RECORD_WORKER);
	row->job_id = record_count(record, RECORD_JOB_ID);
	row->array_job_id = record_count(record, RECORD_ARRAY_JOB_ID);
	row->array_task_id = record_count(record, RECORD_ARRAY_TASK_ID);
	row->exit_code = record_small_int(record, RECORD_EXIT_CODE);
	row->signal = record_small_int(record, RECORD_SIGNAL);
	row->max_rss_bytes = record_count(record, RECORD_MAX_RSS_BYTES);
	row->requested_memory_bytes = record_count(record, RECORD_REQUESTED_MEMORY_BYTES);
	row->requested_walltime_s = record_count(record, RECORD_REQUESTED_WALLTIME_S);
	row->failure_class = record_string(record, RECORD_FAILURE_CLASS);
	row->error_type = record_string(record, RECORD_ERROR_TYPE);
	row->error_message = record_string(record, RECORD_ERROR_MESSAGE);
	row->not_started = json_is_true(json_object_get(record, RECORD_NOT_STARTED));
}

int task_row_from_json(const json_t *record, struct task_row *row)
{
	const char *state = record_string(record, RECORD_STATE);
	int64_t index = record_count(record, RECORD_TASK_ID);
	int64_t attempt = record_count(record, RECORD_ATTEMPT);
	int64_t restarts = record_count(record, RECORD_RESTART_COUNT);

	task_row_init(row);
	row->component = record_string(record, RECORD_COMPONENT);
	if (!row->component || index < 0 || attempt < 1 || attempt > UINT32_MAX)
		return -1;
	row->index = (size_t)index;
	row->attempt = (unsigned)attempt;
	if (!state || !task_state_from_name(state, &row->state))
		row->state = TASK_STATE_COUNT;
	row->timestamp = record_string(record, RECORD_TIMESTAMP);
	row->wave = record_string(record, RECORD_WAVE);
	row->restart_count = restarts > 0 && restarts <= UINT32_MAX ? (unsigned)restarts : 0;
	read_outcome(record, row);
	return 0;
}
