/* SPDX-License-Identifier: GPL-2.0-or-later */
/* How every command that takes a run names it, parsed once: RUN (a run id,
 * a unique prefix of one, its 8-hex suffix, or the run's directory),
 * --run-id RUN (the same), or --latest. status, diagnose and report take
 * the latest run when none is named; watch, resume, cancel and sweep want
 * one. Finding the run is run_dir_resolve's (the same message and exit code
 * 5 for every command when there is none).
 *
 * Tests: tests/cli/run_naming.sh. */
#ifndef SCALABLE_RUN_REF_H
#define SCALABLE_RUN_REF_H

#include <getopt.h>
#include <stdbool.h>

struct run_ref {
	const char *run;   /* --run-id's value or the operand; NULL: the latest */
	int given;         /* --latest, --run-id and operands seen */
	bool latest;
};

/* The getopt_long entries of --latest ('l') and --run-id ('r'). */
#define RUN_REF_OPTIONS                                       \
	{ "latest", no_argument, NULL, 'l' },                 \
	{ "run-id", required_argument, NULL, 'r' }

/* 1 when opt was --latest or --run-id (recorded in ref), else 0. */
int run_ref_option(struct run_ref *ref, int opt, const char *arg);
/* The operands left after the options: at most one RUN. Nothing named is
 * the latest run when default_latest, else a usage error. Sets *run (NULL:
 * the latest); false with the usage error printed. */
bool run_ref_finish(const char *command, struct run_ref *ref, int argc, char **argv,
		    int first, bool default_latest, const char **run);

#endif
