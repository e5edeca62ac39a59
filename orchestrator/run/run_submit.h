/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Submitting a wave: per chunk, the journal's intent, the backend's
 * submission (one sbatch), the journal's answer, and the tracker told.
 *
 * Tests: orchestrator/run/test/test_run_attach.c,
 * orchestrator/run/test/test_run_resume.c. */
#ifndef SCALABLE_RUN_SUBMIT_H
#define SCALABLE_RUN_SUBMIT_H

#include <stdbool.h>

#include "lib/util/error.h"
#include "plan/plan.h"
#include "retry/retry_wave.h"
#include "run/run_session.h"

/* Submits every chunk of plan, then marks its wave done. A chunk that the
 * scheduler refuses is looked for all the same (a timed-out sbatch may have
 * queued it) and otherwise journaled submit_failed; submission stops there
 * and -1 is returned with err (what is submitted stays tracked). */
int run_submit_plan(struct run_session *s, const struct plan *plan, struct error *err);

/* run_submit_plan for a new run's first wave, telling note (a line: how
 * many tasks, arrays, where) first; a refused chunk is told too, and what
 * was submitted is followed all the same. 0, or -1 when a chunk was
 * refused. */
int run_submit_first_wave(struct run_session *s, const struct plan *plan, run_note_fn note,
			  void *note_ctx);

/* The next wave (w002, w003, ...) of the retries the tracker decided and
 * nothing submitted yet, grouped (retry_wave.h), planned, written and
 * submitted as above. Waits (returns 0) while the journal has an unanswered
 * intent. Returns the tasks submitted, 0 when none, -1 with err. */
long run_submit_retries(struct run_session *s, struct error *err);
/* Plans, writes and submits w as the next wave (named after the journal's
 * last); what retries and `scalable resume` share. */
int run_submit_wave(struct run_session *s, struct retry_wave *w, struct error *err);
/* Whether retries are decided and not yet submitted: the run goes on. */
bool run_retries_pending(const struct run_session *s);

/* True while a chunk's submission is in the journal unanswered: no new
 * wave now (it could repeat that chunk). */
bool run_submit_unanswered(const struct run_session *s);

/* One more wave of the given groups (run_submit_wave's, without a retry
 * round: the stages' tasks, run_stages.h). */
int run_submit_requests(struct run_session *s, const struct plan_request *requests, size_t n,
			struct error *err);

#endif
