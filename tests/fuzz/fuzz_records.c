/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: one tasks.jsonl or failures.jsonl line read back
 * (task_row_from_json, failure_row_from_json), and the rows written again. */
#include "fuzz_util.h"

#include <jansson.h>

#include "rundir/failure_record.h"
#include "rundir/task_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void task(const json_t *record)
{
	struct task_row row;

	if (task_row_from_json(record, &row) == 0) {
		if (row.state == TASK_STATE_COUNT)
			row.state = TASK_FAILED;  /* the writer takes known states only */
		json_decref(task_row_json(&row, "run-fuzz"));
	}
}

static void failure(const json_t *record)
{
	struct failure_row row;

	if (failure_row_from_json(record, &row) == 0) {
		if (row.failure_class == FAILURE_CLASS_COUNT)
			row.failure_class = 0;  /* the writer takes known classes only */
		json_decref(failure_row_json(&row, "run-fuzz", "fuzz"));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *record = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);

	if (!record)
		return 0;
	task(record);
	failure(record);
	json_decref(record);
	return 0;
}
