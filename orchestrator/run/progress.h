/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a followed run shows a human. On a terminal: one line redrawn in
 * place (a bar, percent done, counts per state, ETA; colour unless NO_COLOR
 * is set), with notes and failures printed above it. Otherwise: one line
 * each time the counts change, and one per failure. The running tasks
 * sampled at 80 % of their memory limit are counted on the line, and a
 * task first sampled at 90 % gets a warning line of its own.
 *
 * Tests: tests/cli/memory_samples.sh (the warning), tests/integration/live.bats. */
#ifndef SCALABLE_PROGRESS_H
#define SCALABLE_PROGRESS_H

#include <stdio.h>

#include "tracker/tracker.h"

#define PROGRESS_MAX_FAILURE_LINES 20

struct progress;

/* NULL when out of memory. */
struct progress *progress_new(FILE *out);
void progress_free(struct progress *p);

/* A line of its own (the bar is redrawn below it). */
void progress_note(struct progress *p, const char *text);
/* Shows the tracker's counts if they changed, and failures not shown yet. */
void progress_update(struct progress *p, const struct tracker *t);
/* Leaves the last state on screen and ends the bar's line. */
void progress_finish(struct progress *p);
/* run_note_fn shape: ctx is a struct progress. */
void progress_note_cb(void *ctx, const char *text);

#endif
