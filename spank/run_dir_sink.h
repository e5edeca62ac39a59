/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Appending an event line to <run_dir>/events/[<subdir>/]<file> as the job user: the run
 * directory is user-controlled, so root never opens anything in it.
 *
 * Tests: spank/test/test_sinks.c (as root; the security rules). */
#ifndef SCALABLE_RUN_DIR_SINK_H
#define SCALABLE_RUN_DIR_SINK_H

#include <stddef.h>

#include "child_process.h"

/* Returns true if text is acceptable as a run directory: absolute, no control
 * characters, no "..", shorter than PATH_MAX. */
bool run_dir_is_plausible(const char *text);

/* Appends line to run_dir/events/subdir/file_name (subdir NULL or "": to
 * run_dir/events/file_name) in a child running as who (the job user,
 * whoever that is), creating events/ and each level of subdir if needed
 * (spool_dir_open_at: never through a symlink). Returns the child's result;
 * *err holds an errno on CHILD_FAILED. */
enum child_result run_dir_append(const struct job_identity *who, const char *run_dir,
				 const char *subdir, const char *file_name, const char *line,
				 size_t len, int timeout_ms, int *err);

#endif
