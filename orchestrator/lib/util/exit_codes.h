/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Exit codes of every `scalable` command (documented in `scalable --help`).
 *
 * No test of its own: constants; tests/cli/cli.sh checks the codes the binary
 * returns. */
#ifndef SCALABLE_EXIT_CODES_H
#define SCALABLE_EXIT_CODES_H

enum scalable_exit {
	SCALABLE_EXIT_OK = 0,         /* the command did what was asked */
	SCALABLE_EXIT_FAILED = 1,     /* the run finished with failed tasks */
	SCALABLE_EXIT_USAGE = 2,      /* bad usage or invalid config; nothing written */
	SCALABLE_EXIT_SYSTEM = 3,     /* system, Slurm or I/O error */
	SCALABLE_EXIT_LOCKED = 4,     /* the run is locked by another orchestrator */
	SCALABLE_EXIT_NOT_FOUND = 5,  /* no such run */
};

#endif
