/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What `scalable run` and `scalable watch` share once the run is theirs:
 * follow it (run_follow.h) with progress on the terminal, then end it.
 *
 *  - every task final: run.json closed `completed` or `failed` with its
 *    summary; exit 0 when completed, 1 when some task failed, 3 when a chunk
 *    could not be submitted;
 *  - Ctrl-C (SIGINT; SIGTERM and SIGHUP too) on a Slurm target: detach. The
 *    lock is released, the jobs keep running, `scalable watch RUN_ID`
 *    re-attaches; exit 128 + the signal (130 for Ctrl-C);
 *  - the same on the local target: the tasks are this process's children
 *    and nobody would record their ends, so they are cancelled (SIGTERM,
 *    then SIGKILL) and the run closed `cancelled`; exit 128 + the signal;
 *  - `scalable cancel` from elsewhere: the jobs are cancelled and the run
 *    closed `cancelled`; exit 1.
 *
 * Tests: tests/cli/resume_cache.sh, tests/integration/orchestrator.bats (run
 * and watch, Ctrl-C, cancel). */
#ifndef SCALABLE_FOLLOW_COMMAND_H
#define SCALABLE_FOLLOW_COMMAND_H

#include <getopt.h>
#include <stdbool.h>

#include "run/progress.h"
#include "run/run_session.h"

struct follow_command {
	bool json;                  /* the outcome as JSON on stdout */
	unsigned poll_interval_s;   /* 0: the target's */
	bool poll_at_once;          /* re-attach: ask Slurm at once */
	struct progress *progress;
};

/* The getopt_long entries of the options below, for run, watch and resume. */
#define FOLLOW_COMMAND_OPTIONS                                    \
	{ "poll-interval", required_argument, NULL, 'p' },        \
	{ "json", no_argument, NULL, 'j' }

/* Follows s to its end as above and returns the exit code; frees nothing. */
int follow_command(struct run_session *s, const struct follow_command *c);
/* Options run, watch and resume share: 'j' (--json) and 'p' (--poll-interval,
 * whose value is arg). Returns 1 when opt was one of them, 0 when it was
 * not, -1 when its value is bad (the usage error printed). */
int follow_command_option(const char *command, int opt, const char *arg,
			  struct follow_command *c);
/* The outcome as one JSON object on stdout: run_id, run_dir, outcome (what
 * the command did: finished, cancelled, detached, already_over,
 * nothing_to_resume), status and run.json's summary. */
void follow_print_json(const struct run_session *s, const char *outcome);
/* The progress for a command: on stdout, or on stderr when stdout is JSON. */
struct progress *follow_progress_new(bool json);

#endif
