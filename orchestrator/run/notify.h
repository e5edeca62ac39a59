/* SPDX-License-Identifier: GPL-2.0-or-later */
/* notify: when a run closes (completed, failed, or cancelled: a run that
 * ended is news whatever ended it) the webhook gets one POST of a
 * Slack-compatible JSON payload:
 *
 *   {"text": "scalable run ID (project) failed: 20 tasks, 17 succeeded,
 *             3 failed, 0 cancelled. Report: ...",
 *    "run_id", "project", "status", "target", "started_at", "finished_at",
 *    "tasks", "counts" {state: n}, "failures_by_class" {class: n: tasks that
 *    ended failed}, "run_dir", "report": "<run_dir>/report.html" when that
 *    file exists (else null), "report_command": "scalable report --run-id ID"}
 *
 * Bounded by notify.timeout (default 10s); it never fails the run nor
 * changes its exit code. The outcome is one line appended to
 * <run_dir>/notify.jsonl ({"event_type": "notify", "schema_version",
 * "timestamp", "run_id", "outcome": "sent"|"failed", "http_status",
 * "error"}); a failure is also one line on stderr. The webhook's URL is
 * never printed nor recorded (its path is its secret): only its host.
 *
 * Tests: orchestrator/run/test/test_ai_notify.c, tests/cli/ai_notify.sh. */
#ifndef SCALABLE_NOTIFY_H
#define SCALABLE_NOTIFY_H

#include <jansson.h>

#include "config/config_file.h"
#include "rundir/run_record.h"

#define NOTIFY_FILE "notify.jsonl"

/* The payload for the closed run r in run_dir; NULL when memory runs out. */
json_t *notify_payload(const struct run_record *r, const char *run_dir);

/* Tells the webhook of config (NULL: the notify: section of the run's
 * manifest.yaml, else the webhook of the defaults the run recorded) that
 * the run in run_dir closed; nothing when there is no
 * webhook. Returns 0 when it was told or there was none, -1 otherwise. */
int notify_run_closed(const char *run_dir, const struct notify_config *config);

#endif
