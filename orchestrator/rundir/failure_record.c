/* SPDX-License-Identifier: GPL-2.0-or-later */
/* failures.jsonl records, written and read (see failure_record.h). */
#include "rundir/failure_record.h"

#include <stdio.h>
#include <string.h>

#include "lib/util/utf8_text.h"
#include "rundir/record_json.h"

void failure_row_init(struct failure_row *row)
{
	memset(row, 0, sizeof *row);
	row->phase = "run";
	row->job_id = -1;
	row->exit_code = row->signal = -1;
}

static json_t *failure_details(const struct failure_row *r)
{
	/* text from the task and the node goes through json_text: it may not be UTF-8 */
	return json_pack("{s:s, s:I, s:o?, s:I, s:o, s:o?, s:o, s:o, s:o?, s:O?, s:O?, "
			 "s:o?, s:I}",
			 RECORD_PHASE, r->phase, RECORD_TASK_ID, (json_int_t)r->index,
			 RECORD_WORKER_ID, json_text(r->worker), RECORD_ATTEMPT, (json_int_t)r->attempt,
			 RECORD_JOB_ID, record_int_or_null(r->job_id),
			 RECORD_SLURM_STATE, json_text(r->slurm_state),
			 RECORD_EXIT_CODE, record_int_or_null(r->exit_code),
			 RECORD_SIGNAL, record_int_or_null(r->signal),
			 RECORD_TRACEBACK, json_text(r->traceback), RECORD_RETRY, r->retry,
			 RECORD_EVIDENCE, r->evidence, RECORD_ERROR_TYPE, json_text(r->error_type),
			 RECORD_RESTART_COUNT, (json_int_t)r->restart_count);
}

json_t *failure_row_json(const struct failure_row *r, const char *run_id, const char *provider)
{
	char name[256], now[RFC3339_BUFSZ];

	snprintf(name, sizeof name, "%s-%zu", r->component, r->index);
	return json_pack("{s:s, s:i, s:s, s:s, s:o, s:s, s:s, s:I, s:o, s:s, s:s, s:I, s:o?}",
			 RECORD_EVENT_TYPE, RECORD_TYPE_FAILURE,
			 RECORD_SCHEMA_VERSION, TELEMETRY_SCHEMA_VERSION, RECORD_RUN_ID, run_id,
			 RECORD_FAILURE_CLASS, failure_class_name(r->failure_class),
			 RECORD_MESSAGE, json_text(r->message ? r->message : ""),
			 RECORD_TIMESTAMP, record_stamp(r->timestamp, now),
			 RECORD_PROVIDER, provider, RECORD_TASK_ID, (json_int_t)r->index,
			 RECORD_DETAILS, failure_details(r), RECORD_TASK_NAME, name,
			 RECORD_COMPONENT, r->component, RECORD_ATTEMPT, (json_int_t)r->attempt,
			 RECORD_ERROR_TYPE, json_text(r->error_type));
}

/* A JSON value the row borrows: NULL for null. */
static json_t *borrowed(const json_t *obj, const char *key)
{
	json_t *value = json_object_get(obj, key);

	return json_is_null(value) ? NULL : value;
}

/* What details says: where and how the attempt failed, and what was decided. */
static void read_details(const json_t *details, struct failure_row *row)
{
	int64_t restarts = record_count(details, RECORD_RESTART_COUNT);

	row->restart_count = restarts > 0 && restarts <= UINT32_MAX ? (unsigned)restarts : 0;
	row->phase = record_string(details, RECORD_PHASE);
	row->worker = record_string(details, RECORD_WORKER_ID);
	row->job_id = record_count(details, RECORD_JOB_ID);
	row->slurm_state = record_string(details, RECORD_SLURM_STATE);
	row->exit_code = record_small_int(details, RECORD_EXIT_CODE);
	row->signal = record_small_int(details, RECORD_SIGNAL);
	row->traceback = record_string(details, RECORD_TRACEBACK);
	row->retry = borrowed(details, RECORD_RETRY);
	row->evidence = borrowed(details, RECORD_EVIDENCE);
}

int failure_row_from_json(const json_t *record, struct failure_row *row)
{
	const json_t *details = json_object_get(record, RECORD_DETAILS);
	const char *class = record_string(record, RECORD_FAILURE_CLASS);
	int64_t index = record_count(record, RECORD_TASK_ID);
	int64_t attempt = record_count(record, RECORD_ATTEMPT);

	failure_row_init(row);
	if (attempt < 0)  /* records before it was added at the top */
		attempt = record_count(details, RECORD_ATTEMPT);
	row->component = record_string(record, RECORD_COMPONENT);
	if (!row->component || index < 0 || attempt < 1 || attempt > UINT32_MAX)
		return -1;
	row->index = (size_t)index;
	row->attempt = (unsigned)attempt;
	if (!class || !failure_class_from_name(class, &row->failure_class))
		row->failure_class = FAILURE_CLASS_COUNT;
	row->message = record_string(record, RECORD_MESSAGE);
	row->timestamp = record_string(record, RECORD_TIMESTAMP);
	row->error_type = record_string(record, RECORD_ERROR_TYPE);
	if (!row->error_type)
		row->error_type = record_string(details, RECORD_ERROR_TYPE);
	read_details(details, row);
	return 0;
}
