/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tasks.jsonl and failures.jsonl (docs/design.md, "The run directory"): one
 * record per line, appended with one write(2) each to files opened
 * O_APPEND, so a crash leaves at worst a torn last line, which readers skip
 * and the next writer cuts off (jsonl_file.h). The records, their fields and
 * their readers: task_record.h and failure_record.h. */
#ifndef SCALABLE_TELEMETRY_H
#define SCALABLE_TELEMETRY_H

#include "lib/util/error.h"
#include "rundir/failure_record.h"
#include "rundir/task_record.h"

#define TELEMETRY_TASKS_FILE "tasks.jsonl"
#define TELEMETRY_FAILURES_FILE "failures.jsonl"

struct telemetry;

/* Opens (creating) <run_dir>/tasks.jsonl and failures.jsonl for appending. */
struct telemetry *telemetry_open(const char *run_dir, const char *run_id,
				 const char *provider, struct error *err);
void telemetry_close(struct telemetry *t);

int telemetry_write_task(struct telemetry *t, const struct task_row *row, struct error *err);
int telemetry_write_failure(struct telemetry *t, const struct failure_row *row,
			    struct error *err);

#endif
