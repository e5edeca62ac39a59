/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What `scalable status` and `scalable runs` tell about a run, as JSON,
 * from a read-only session (no lock, nothing written: it works on a run
 * that is being followed, detached, or whose orchestrator died):
 *
 *   {"run_id", "run_dir", "status", "project_name", "target_name",
 *    "provider_name", "started_at", "finished_at",
 *    "orchestrator": {"pid", "host", "command", "since", "alive"} | null,
 *    "tasks", "counts_by_state", "components": {name: {"tasks",
 *    "counts_by_state", ...}}, "failures_by_class",
 *    "failures": [{"failure_class", "prefix", "count", "example"}, ...],
 *    "not_submitted", "window": {"max_queued", "refused"} | null,
 *    "memory_pressure": {"above_80", "above_90", "worst": [...]}}
 *
 * Counts are the tracker's, rebuilt from tasks.jsonl, the journal and the
 * events (so a task whose end event came after the orchestrator left counts
 * as ended); failures group failed attempts by class and by the message's
 * prefix before ':' (as the tutorial counts them), most frequent first.
 * not_submitted counts the first wave's tasks the window (run_window.h)
 * has not submitted yet (0: none); window says why: max_queued (0: no cap)
 * and whether sbatch refused a chunk for a site's limit. memory_pressure:
 * the running tasks whose memory samples reached 80 % of their limit
 * (tracker_memory_pressure_json; absent for a closed run).
 *
 * Tests: tests/cli/cli.sh, tests/integration/orchestrator.bats (status
 * --json, runs --json). */
#ifndef SCALABLE_STATUS_VIEW_H
#define SCALABLE_STATUS_VIEW_H

#include <jansson.h>

#include "run/run_session.h"

#define RUN_VIEW_MAX_FAILURE_GROUPS 50

/* NULL when memory runs out. */
json_t *status_view_json(const struct run_session *s);

/* A closed run from run.json alone: its fields and its summary's. */
json_t *status_view_closed_json(const char *run_id, const char *run_dir,
			     const struct run_record *record);

#endif
