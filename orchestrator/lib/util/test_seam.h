/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The variables of the test seams (SCALABLE_CRASH_AT: crash_point.h;
 * SCALABLE_DIAGNOSE_CHUNK: diagnose.h). They act only in a test build
 * (`configure --enable-test-seams` defines SCALABLE_TEST_SEAMS in config.h);
 * main takes them out of the environment before anything is spawned, so
 * no child (sbatch's --export=ALL, the local executor's tasks, a sweeper
 * job) ever sees them, and an armed seam says so on stderr. */
#ifndef SCALABLE_TEST_SEAM_H
#define SCALABLE_TEST_SEAM_H

#include "config.h"

#include <stdbool.h>

/* What `scalable --version` adds to say what kind of build it is. */
#ifdef SCALABLE_TEST_SEAMS
#define TEST_SEAMS_NOTE " (test seams compiled in)"
#else
#define TEST_SEAMS_NOTE ""
#endif

/* Takes the variable name out of the environment (unsets it, set or not) and
 * returns a copy of its value for the caller to free; NULL when it was unset
 * or empty. In a build without seams a value set is not returned but said on
 * stderr: "scalable: <name> ignored: this build has no test seams". */
char *test_seam_take(const char *name);

#ifdef SCALABLE_TEST_SEAMS
/* Says "scalable: test seam armed: <name>=<value>" on stderr unless *said,
 * and sets *said. */
void test_seam_announce(bool *said, const char *name, const char *value);
#endif

#endif
