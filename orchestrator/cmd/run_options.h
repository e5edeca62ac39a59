/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The options of the commands that run or follow a sweep, parsed once:
 *   run, submit      [FILE] [--target NAME] [--no-cache] [--poll-interval DUR] [--json]
 *   watch            RUN|--run-id RUN|--latest [--poll-interval DUR] [--json]
 *   resume           RUN|--run-id RUN|--latest [--no-cache] [--poll-interval DUR] [--json]
 *
 * Tests: tests/cli/cli.sh, tests/cli/man_pages.sh (every option of run,
 * submit, watch, resume). */
#ifndef SCALABLE_RUN_OPTIONS_H
#define SCALABLE_RUN_OPTIONS_H

#include <stdbool.h>

#include "cmd/follow_command.h"

enum run_options_kind {
	RUN_OPTIONS_CONFIG,   /* a config FILE and --target: a new run */
	RUN_OPTIONS_RUN,      /* RUN or --latest: an existing one */
};

struct run_options {
	const char *path, *target;      /* CONFIG: the file; target NULL: its default */
	const char *run;                /* RUN: id, prefix, suffix or path; NULL: latest */
	bool no_cache;
	struct follow_command follow;   /* json and poll_interval_s */
};

/* Reads argv for command; prints help on --help. --no-cache is accepted
 * only when takes_no_cache. Returns -1 to go on, else the exit code to stop
 * with (0 after --help, 2 on bad usage). */
int run_options_parse(const char *command, const char *help, enum run_options_kind kind,
		      bool takes_no_cache, int argc, char **argv, struct run_options *o);

struct run_session;
/* For watch and resume, after run_options_parse: the progress on o->follow
 * and the run o names, attached and locked for command. Returns -1 with *s
 * set to go on, else the exit code to stop with (o's progress freed). */
int run_options_attach(const char *command, struct run_options *o, struct run_session **s);

#endif
