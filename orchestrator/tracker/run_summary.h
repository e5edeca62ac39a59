/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run.json's summary, made from the tracker when the run closes:
 *   tasks, counts_by_state {state: n} (each task in its latest attempt's
 *   state), failures_by_class {class: n} (every failed attempt),
 *   final_failures_by_class (tasks that ended failed), attempts,
 *   resubmissions (attempts after the first), requeues (by Slurm),
 *   duration_s {p50, p95} (attempts that ended, nearest rank), and
 *   components {name: {tasks, counts_by_state, attempts, duration_s,
 *   memory {peak_bytes, requested_bytes, max_peak_to_request}}}.
 *
 * Tests: orchestrator/tracker/test/test_tracker.c,
 * orchestrator/run/test/test_run_local.c. */
#ifndef SCALABLE_RUN_SUMMARY_H
#define SCALABLE_RUN_SUMMARY_H

#include <jansson.h>

#include "tracker/tracker.h"

/* NULL when memory runs out. */
json_t *run_summary_json(const struct tracker *t);

#endif
