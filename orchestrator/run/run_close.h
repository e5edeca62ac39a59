/* SPDX-License-Identifier: GPL-2.0-or-later */
/* How a run ends: completed when every task succeeded (or was cached) and
 * every chunk was submitted, failed otherwise, cancelled on request. Closing
 * writes run.json's status, finished_at and summary, then the journal's
 * `closed` record, then tells the notify: webhook (notify.h; bounded, and
 * never a failure of the close). Cancelling is one scancel for every open job of the run
 * (the local target: its tasks terminated), every open attempt marked
 * cancelled, and the run closed `cancelled`. A cancel asked for by another
 * process (`scalable cancel` while an orchestrator follows the run) is a
 * file, <run_dir>/.cancel, that the follower acts on.
 *
 * Tests: orchestrator/run/test/test_run_resume.c,
 * orchestrator/run/test/test_run_local.c. */
#ifndef SCALABLE_RUN_CLOSE_H
#define SCALABLE_RUN_CLOSE_H

#include <stdbool.h>

#include "rundir/run_record.h"
#include "run/run_session.h"

#define RUN_CANCEL_FILE ".cancel"

enum run_status run_final_status(const struct run_session *s);
int run_session_close(struct run_session *s, enum run_status status, struct error *err);
int run_session_cancel(struct run_session *s, struct error *err);

/* Asks the orchestrator following the run to cancel it. */
int run_cancel_request(const char *run_path, struct error *err);
bool run_cancel_requested(const char *run_path);

#endif
