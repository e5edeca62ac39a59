/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A test seam for crash safety: SCALABLE_CRASH_AT=<point>[:<n>] makes the
 * orchestrator kill itself with SIGKILL the n-th time (default 1) it passes
 * the named point, exactly as `kill -9` at that instant would. Only in a
 * test build (`configure --enable-test-seams`, as contrib/build does): in
 * any other a crash point is an empty inline function, and a variable set
 * is said to be ignored (test_seam.h). main reads the variable once at
 * startup and takes it out of the environment, so no job or task sees it;
 * the first pass of an armed process says "scalable: test seam armed: ...".
 *
 * The points (where the run directory must stay recoverable by `scalable
 * watch`; tests/integration/resilience.bats drives each one):
 *   intent        a chunk's journal intent written, sbatch not yet run
 *   sbatch        sbatch answered, the journal's `submitted` not yet written
 *   submitted     `submitted` written, the chunk's tasks not yet tracked
 *   wave_done     a wave's `wave_done` written, nothing after it yet
 *   wave_scripts  a retry wave's scripts written, its intent not yet
 *   task_row      a tasks.jsonl row written (count rows with :n)
 *   failure_row   a failures.jsonl row written, the attempt's `failed` row not yet
 *   poll          Slurm polled and its answer applied (tracking)
 *   close         the run's summary made, run.json not yet rewritten
 *   closed        run.json rewritten, the journal's `closed` not yet */
#ifndef SCALABLE_CRASH_POINT_H
#define SCALABLE_CRASH_POINT_H

#include "config.h"

/* Arms the seam from SCALABLE_CRASH_AT and unsets it (main, at startup). */
void crash_point_arm_from_env(void);

#ifdef SCALABLE_TEST_SEAMS
/* Arms the seam with spec ("<point>[:<n>]"); NULL or "" disarms it, and a
 * malformed spec arms nothing (its first pass says so). Tests call it. */
void crash_point_arm(const char *spec);
/* Raises SIGKILL when the armed spec names this point and its count is due. */
void crash_point(const char *name);
#else
static inline void crash_point(const char *name)
{
	(void)name;
}
#endif

#endif
