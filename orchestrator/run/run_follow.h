/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Following a run until every task is final: the events first, every tick
 * (about a second: they are cheap, local files), Slurm at most once per
 * poll interval (one squeue for all the run's jobs, one sacct or scontrol
 * for those that left the queue). It stops early on a signal (Ctrl-C) or
 * when another process asked for a cancel; the caller decides what that
 * means (detach, or cancel).
 *
 * Tests: orchestrator/run/test/test_run_resume.c,
 * orchestrator/sweeper/test/test_sweeper.c. */
#ifndef SCALABLE_RUN_FOLLOW_H
#define SCALABLE_RUN_FOLLOW_H

#include <stdbool.h>

#include "run/progress.h"
#include "run/run_session.h"

#define FOLLOW_TICK_MS 1000u

enum follow_end {
	FOLLOW_FINISHED,          /* every task is final */
	FOLLOW_INTERRUPTED,       /* a signal arrived since the command began (interrupt.h) */
	FOLLOW_CANCEL_REQUESTED,  /* <run_dir>/.cancel appeared */
};

struct follow_options {
	unsigned poll_interval_s;   /* Slurm's; 0: the session's */
	bool poll_at_once;          /* ask Slurm at the first tick (re-attach) */
	struct progress *progress;  /* NULL: silent */
};

/* True when the run is over: every task final, no retry waiting for its
 * wave, nothing running here. A sweeper (sweeper_pass.h) asks the same. */
bool run_follow_finished(const struct run_session *s);

int run_follow(struct run_session *s, const struct follow_options *o, enum follow_end *end,
	       struct error *err);

#endif
